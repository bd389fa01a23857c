// Ornstein–Uhlenbeck process dx = θ(μ − x)dt + σ dW, the validation model: its Euler–Maruyama moments
// are known exactly (mean μ + (x₀ − μ)aⁿ, variance σ²dt(1 − a²ⁿ)/(1 − a²), a = 1 − θdt).
#pragma once
#include "../sde/model.h"

namespace sloppy {

struct Ou {
  static constexpr int kParams = 3;
  static constexpr int kState = 1;
  static constexpr int kStats = 2;
  static constexpr bool kStatsNeedPath = true;
  static constexpr bool kVectorized = true;
  enum Option { kDt, kSteps, kX0, kNumOptions };

  static ModelInfo describe() {
    ModelInfo i;
    i.name = "ou";
    i.summary = "Ornstein-Uhlenbeck process dx = theta (mu - x) dt + sigma dW; statistics x(T) and x(T)^2";
    i.params = {{"theta", "1/s", 0.0, 1e3, 1.0}, {"mu", "1", -1e3, 1e3, 0.0}, {"sigma", "1/sqrt(s)", 0.0, 1e3, 1.0}};
    i.stats = {"x", "x2"};
    i.state = {"x"};
    i.options = {{"dt", 0.01, "time step (s)", "positive"},
                 {"steps", 100, "Euler-Maruyama steps", "count"},
                 {"x0", 0.0, "initial state"}};
    return i;
  }
  SLOPPY_HD static int steps(const double* opt) { return intOption(opt[kSteps]); }
  SLOPPY_HD static int traceSize(const double*) { return 0; }

  template <class T, class Rng>
  SLOPPY_HD static void init(const double* opt, const T*, T* x, const Rng&) {
    x[0] = T(opt[kX0]);
  }
  template <class T, class Rng>
  SLOPPY_HD static void step(const double* opt, const T* z, T* x, int n, const Rng& rng) {
    typename Rng::Real xi;
    rng.normals(static_cast<uint32_t>(n), Stream::Dynamics, &xi, 1);
    const double dt = opt[kDt];
    x[0] = x[0] + z[0] * (z[1] - x[0]) * dt + z[2] * (::sqrt(dt) * xi);
  }
  template <class T>
  SLOPPY_HD static void observe(const double*, const T*, const T*, int, Trace<T>) {}
  template <class T>
  SLOPPY_HD static void finish(const double*, const T*, const T* x, Trace<T>, T* stats) {
    stats[0] = x[0];
    stats[1] = x[0] * x[0];
  }
};

}  // namespace sloppy
