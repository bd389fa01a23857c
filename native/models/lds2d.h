// The 2D linear system τ dx/dt = A x (+ optional white noise), z = [a11, a12, a21, a22]. Its statistics
// are closed-form in A: the real part of the principal eigenvalue λ1 = tr/2 + √(tr² − 4 det)/2 (complex
// square root) and its imaginary part as a frequency, Im λ1 / 2π. The paper's ω is Im λ1 = 2π · freq.
#pragma once
#include "../sde/model.h"

namespace sloppy {

struct Lds2d {
  static constexpr int kParams = 4;
  static constexpr int kState = 2;
  static constexpr int kStats = 2;
  static constexpr bool kStatsNeedPath = false;
  static constexpr bool kVectorized = true;
  enum Option { kDt, kSteps, kTau, kSigma, kX0, kY0, kNumOptions };

  static ModelInfo describe() {
    ModelInfo i;
    i.name = "lds2d";
    i.summary = "2D linear system tau dx/dt = A x; statistics Re(lambda1) and Im(lambda1)/2pi";
    i.params = {{"a11", "1", -10, 10, 0.0}, {"a12", "1", -10, 10, 2 * M_PI},
                {"a21", "1", -10, 10, -2 * M_PI}, {"a22", "1", -10, 10, 0.0}};
    i.stats = {"realLambda1", "freq"};
    i.state = {"x1", "x2"};
    i.options = {{"dt", 1e-3, "time step (s)", "positive"},
                 {"steps", 1000, "Euler-Maruyama steps (trajectories only; statistics are closed-form)", "count"},
                 {"tau", 1.0, "time constant (s)", "positive"},
                 {"sigma", 0.0, "white-noise amplitude added to each state variable", "nonnegative"},
                 {"x0", 1.0, "initial x1"},
                 {"y0", 0.0, "initial x2"}};
    return i;
  }
  SLOPPY_HD static int steps(const double* opt) { return intOption(opt[kSteps]); }
  SLOPPY_HD static int traceSize(const double*) { return 0; }

  template <class T, class Rng>
  SLOPPY_HD static void init(const double* opt, const T*, T* x, const Rng&) {
    x[0] = T(opt[kX0]);
    x[1] = T(opt[kY0]);
  }
  template <class T, class Rng>
  SLOPPY_HD static void step(const double* opt, const T* z, T* x, int n, const Rng& rng) {
    typename Rng::Real xi[2];
    rng.normals(static_cast<uint32_t>(n), Stream::Dynamics, xi, 2);
    const double h = opt[kDt] / opt[kTau];
    const double noise = opt[kSigma] * ::sqrt(opt[kDt]);
    const T x0 = x[0];
    x[0] = x0 + (z[0] * x0 + z[1] * x[1]) * h + noise * xi[0];
    x[1] = x[1] + (z[2] * x0 + z[3] * x[1]) * h + noise * xi[1];
  }
  template <class T>
  SLOPPY_HD static void observe(const double*, const T*, const T*, int, Trace<T>) {}
  template <class T>
  SLOPPY_HD static void finish(const double* opt, const T* z, const T*, Trace<T>, T* stats) {
    const double invTau = 1.0 / opt[kTau];
    const T tr = (z[0] + z[3]) * invTau;
    const T det = (z[0] * z[3] - z[1] * z[2]) * (invTau * invTau);
    const T disc = tr * tr - 4.0 * det;
    const auto real = disc >= 0.0;  // real eigenvalues, else a complex pair
    // At a zero discriminant (a defective A) √|disc| has an unbounded derivative; there Re λ₁ takes the
    // derivative of ½ tr (its value on the complex side, as rnn2's Re λ₁ does) and the frequency 0 (its value on
    // the real side). EPI meets such points: a sample whose sigmoid support rounds all four entries onto the bounds
    // ±10 has disc = 0 exactly, and its infinite derivative made the whole weight gradient NaN (measured: lds2d
    // seed 3, epoch 1).
    const T root = m::select(m::abs(disc) > 0.0, m::sqrt(m::abs(disc)), T(0.0));
    stats[0] = 0.5 * tr + m::select(real, 0.5 * root, T(0.0));
    stats[1] = m::select(real, T(0.0), root * (0.25 / M_PI));
  }
};

}  // namespace sloppy
