// Superior-colliculus Pro/Anti circuit (Duan et al. 2021, as used by EPI): four populations in code
// order [LP, LA, RA, RP] (Left/Right × Pro/Anti), τ du/dt = −u + W x + I(t) + σ ξ, x = φ(u) =
// ½ tanh((u − a)/b) + ½. Every path runs one Pro trial and one Anti trial, both with the light on the
// left, with independent noise; state = [u_Pro(4), u_Anti(4)].
//
// Faithful to the reference code (cunningham-lab/epi, neural_circuits/SC_Circuit_4.py):
//  - W rows (code order): LP [s v d h], LA [v s h d], RA [d h s v], RP [h d v s], z = [sW, vW, dW, hW].
//  - Euler step n → n+1 uses the input at the new time t_{n+1} = (n+1)·dt and the noise enters as σ·ξ
//    inside the bracket, multiplied by dt/τ — no √dt.
//  - t = n·dt on arange(0, 1.8, dt) (75 samples at dt = 24 ms). The epoch tests are strict (t < 1.2,
//    t > 1.2, 1.2 < t < 1.5), so at t = 1.2 exactly neither the rule nor the choice input is on.
//  - x₀ = 0.1 + 0.005ξ is used as given for the first step; u₀ = b·atanh(2x₀ − 1) + initSign·a (options
//    uPro_LP_0 … uAnti_RP_0 set u₀ instead, and then the first step uses φ(u₀)). The
//    code's u₀ has −a, which is not the inverse of φ (φ(u₀) ≠ x₀); initSign = +1 gives the exact inverse.
//  - Optogenetic silencing multiplies x by (1 − γ) at the samples with optoStart ≤ t ≤ optoEnd (the
//    code's η on v for the 'delay' period), in both conditions.
// Statistics: pro = sigmoid(100(x_LP − x_RP)) of the Pro trial at the last sample (Pro accuracy) and
// anti = 1 − sigmoid(100(x_LP − x_RP)) of the Anti trial (Anti accuracy: the correct Anti response is
// to the right). The reference EP uses p_A' = 1 − anti with target 1 − P instead; the two carry the same
// information, and ours reads as an accuracy for both tasks.
#pragma once
#include "../sde/model.h"

namespace sloppy {

struct Sc {
  static constexpr int kParams = 4;
  static constexpr int kPop = 4;
  static constexpr int kState = 2 * kPop;
  static constexpr int kStats = 2;
  static constexpr bool kStatsNeedPath = true;
  enum Option {
    kDt, kTau, kSigma, kA, kB, kGamma, kOptoStart, kOptoEnd, kInitSign, kInitNoise,
    kConstant, kProBias, kRule, kChoice, kLight,
    kInit,  // kInit + k: the initial u of state variable k; NaN (the default) keeps the reference's drawn start
    kNumOptions = kInit + kState
  };
  enum Pop { kLP = 0, kLA = 1, kRA = 2, kRP = 3 };

  // Trial epochs of the reference code (s): cue + delay until 1.2, choice 0.3, post-choice 0.3.
  static constexpr double kCueEnd = 1.2;
  static constexpr double kLightEnd = 1.5;
  static constexpr double kDuration = 1.8;

  static ModelInfo describe() {
    ModelInfo i;
    i.name = "sc";
    i.summary =
        "Superior colliculus Pro/Anti circuit, populations [LP, LA, RA, RP]; one Pro and one Anti trial "
        "(light left) per path; statistics Pro and Anti accuracy at t = 1.776 s";
    // Representative point: λ_all = −5, λ_task = λ_diag = 2.5 (z = ¼Bλ), where both accuracies are ≈ 0.88.
    i.params = {{"sW", "1", -5, 5, 0.0}, {"vW", "1", -5, 5, -2.5},
                {"dW", "1", -5, 5, -1.25}, {"hW", "1", -5, 5, -1.25}};
    i.stats = {"pro", "anti"};
    i.state = {"uPro_LP", "uPro_LA", "uPro_RA", "uPro_RP", "uAnti_LP", "uAnti_LA", "uAnti_RA", "uAnti_RP"};
    i.options = {
        {"dt", 0.024, "Euler step (s); the trial samples t = arange(0, 1.8, dt)", "positive"},
        {"tau", 0.09, "time constant (s)", "positive"},
        {"sigma", 0.2, "noise amplitude: u += (dt/tau) sigma xi, no sqrt(dt), as in the reference code", "nonnegative"},
        {"a", 0.05, "threshold a of x = 0.5 tanh((u - a)/b) + 0.5"},
        {"b", 0.5, "slope b of x = 0.5 tanh((u - a)/b) + 0.5", "positive"},
        {"gamma", 0.0, "optogenetic silencing: x = (1 - gamma) phi(u) for optoStart <= t <= optoEnd", "nonnegative"},
        {"optoStart", 0.8, "start of the silencing window (s), inclusive"},
        {"optoEnd", 1.2, "end of the silencing window (s), inclusive"},
        {"initSign", -1, "u0 = b atanh(2 x0 - 1) + initSign a; -1 is the reference code, +1 the exact inverse", "sign"},
        {"initNoise", 0.005, "x0 = 0.1 + initNoise xi", "nonnegative"},
        {"constant", 0.75, "constant input to all populations"},
        {"proBias", 0.5, "Pro bias input to LP and RP, always on"},
        {"rule", 0.6, "rule input for t < 1.2: LP, RP on Pro trials; LA, RA on Anti trials"},
        {"choice", 0.25, "choice input to all populations for t > 1.2"},
        {"light", 0.5, "left light input to LP and LA for 1.2 < t < 1.5"}};
    for (const std::string& name : i.state) {
      i.options.push_back({name + "_0", kUnset, "initial " + name + "; unset: from x0 = 0.1 + initNoise xi as the reference code"});
    }
    return i;
  }

  // The reference's sample count is len(arange(0, 1.8, dt)) = ceil(1.8/dt); one step fewer.
  SLOPPY_HD static int steps(const double* opt) { return static_cast<int>(::ceil(kDuration / opt[kDt])) - 1; }
  SLOPPY_HD static int traceSize(const double*) { return 0; }

  template <class T>
  SLOPPY_HD static void init(const double* opt, const T*, T* u, const PathRng& rng) {
    double x0[kState];
    initialRates(opt, rng, x0);
    for (int k = 0; k < kState; ++k) {
      const double given = opt[kInit + k];
      u[k] = T(m::isfinite(given) ? given : opt[kB] * ::atanh(2.0 * x0[k] - 1.0) + opt[kInitSign] * opt[kA]);
    }
  }

  template <class T>
  SLOPPY_HD static void step(const double* opt, const T* z, T* u, int n, const PathRng& rng) {
    double xi[kState];
    rng.normals(static_cast<uint32_t>(n), Stream::Dynamics, xi, kState);
    T x[kState];
    rates(opt, u, n, x);
    if (n == 0) {
      // The reference code steps from its drawn x0, not from φ(u0), which differs from x0 at initSign = −1;
      // a given u0 is a state like any other and steps from φ(u0).
      double x0[kState];
      initialRates(opt, rng, x0);
      for (int k = 0; k < kState; ++k) {
        if (!m::isfinite(opt[kInit + k])) x[k] = T(x0[k]);
      }
    }
    const double h = opt[kDt] / opt[kTau];
    const double tNext = (n + 1) * opt[kDt];
    for (int c = 0; c < 2; ++c) {
      const T* xc = x + c * kPop;
      T* uc = u + c * kPop;
      double input[kPop];
      inputs(opt, c == 0, tNext, input);
      for (int i = 0; i < kPop; ++i) {
        const T drive = weight(z, i, 0) * xc[0] + weight(z, i, 1) * xc[1] + weight(z, i, 2) * xc[2] +
                        weight(z, i, 3) * xc[3];
        uc[i] = uc[i] + h * (drive - uc[i] + (input[i] + opt[kSigma] * xi[c * kPop + i]));
      }
    }
  }

  template <class T>
  SLOPPY_HD static void observe(const double*, const T*, const T*, int, Trace<T>) {}

  template <class T>
  SLOPPY_HD static void finish(const double* opt, const T*, const T* u, Trace<T>, T* stats) {
    T x[kState];
    rates(opt, u, steps(opt), x);
    stats[0] = m::sigmoid(100.0 * (x[kLP] - x[kRP]));
    stats[1] = 1.0 - m::sigmoid(100.0 * (x[kPop + kLP] - x[kPop + kRP]));
  }

  // W[i][j] = z[i XOR j]: in code order the rows [s v d h], [v s h d], [d h s v], [h d v s] are exactly
  // the XOR table of the population indices (self → s, same side → v, diagonal → d, mirror → h).
  template <class T>
  SLOPPY_HD static const T& weight(const T* z, int i, int j) {
    return z[i ^ j];
  }

  // x at sample n, silenced inside the optogenetic window.
  template <class T>
  SLOPPY_HD static void rates(const double* opt, const T* u, int n, T* x) {
    const double t = n * opt[kDt];
    const double gain = (t >= opt[kOptoStart] && t <= opt[kOptoEnd]) ? 1.0 - opt[kGamma] : 1.0;
    for (int k = 0; k < kState; ++k) {
      x[k] = gain * (0.5 * m::tanh((u[k] - opt[kA]) * (1.0 / opt[kB])) + 0.5);
    }
  }

  // x₀ is drawn once per path; step 0 redraws the same numbers rather than carry them in the state.
  SLOPPY_HD static void initialRates(const double* opt, const PathRng& rng, double* x0) {
    rng.normals(0, Stream::Initial, x0, kState);
    for (int k = 0; k < kState; ++k) x0[k] = 0.1 + opt[kInitNoise] * x0[k];
  }

  SLOPPY_HD static void inputs(const double* opt, bool pro, double t, double* input) {
    for (int i = 0; i < kPop; ++i) input[i] = opt[kConstant];
    input[kLP] += opt[kProBias];
    input[kRP] += opt[kProBias];
    if (t < kCueEnd) {
      input[pro ? kLP : kLA] += opt[kRule];
      input[pro ? kRP : kRA] += opt[kRule];
    }
    if (t > kCueEnd) {
      for (int i = 0; i < kPop; ++i) input[i] += opt[kChoice];
    }
    if (t > kCueEnd && t < kLightEnd) {
      input[kLP] += opt[kLight];
      input[kLA] += opt[kLight];
    }
  }
};

}  // namespace sloppy
