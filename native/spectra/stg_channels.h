// Sensitivity of the STG circuit's rhythm to its channel densities (Box 3 of the "optimization and
// variability" seed): the built-in Stg model's equations with all 15 maximal conductances (g_Ca, g_K, g_h of
// f1, f2, hub, s1, s2) and the two couplings g_el, g_synA as parameters, on the noise-free path, and the
// performance F = −(ω − ω*)²/ω*² of one neuron's rhythm frequency ω (EPI's DFT soft-argmax estimator), with
// its exact gradient and Hessian by nested forward-mode duals through the whole simulation.
#pragma once
#include <vector>

namespace sloppy {

constexpr int kStgChannelParams = 17;  // (g_Ca, g_K, g_h) × (f1, f2, hub, s1, s2), then g_el, g_synA; all nS

struct StgChannelJob {
  std::vector<double> theta;    // kStgChannelParams values (nS)
  std::vector<double> options;  // the stg model's options, in its order (sigmaI is ignored: no noise)
  int stat = 0;                 // index into the model's statistics (hub, f1, f2, s1, s2)
  double target = 0;            // ω* (Hz)
  bool gradient = false, hessian = false;
};

struct StgChannelResult {
  double frequency = 0, value = 0;
  std::vector<double> frequencyGradient, gradient, hessian;  // ∂ω/∂θ, ∂F/∂θ, ∂²F/∂θ² (row-major)
};

// The published maximal conductances and the Stg model's default couplings, in parameter order (nS).
std::vector<double> stgChannelDefaults();

// Throws CodedError ERR_INVALID_ARG_VALUE for a malformed job, ERR_NONFINITE when the path diverges.
StgChannelResult stgChannelEvaluate(const StgChannelJob& job);

}  // namespace sloppy
