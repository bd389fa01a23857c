// The inner loop of emergent property inference: many SGD iterations of the augmented Lagrangian
// L(θ; η, c) = −H(q_θ) + ηᵀR(θ) + (c/2)‖R(θ)‖², R = E_q[T(z)] − μ, run natively so that only a few numbers
// per iteration reach JavaScript. The schedule around it (η and c updates, convergence tests, epochs)
// is TypeScript's. The Gaussian initialisation fit (minimise KL(q ‖ N(μ, Σ))) is the same loop with
// another cotangent.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "../flow/flow.h"
#include "../sde/job.h"
#include "../sde/registry.h"

namespace sloppy {

// The emergent property: for each constrained statistic k, T has E rows [s_k] and variance rows
// [(s_k − mean_k)²], with targets μ = [mean…, variance…].
struct Property {
  std::vector<int> stats;         // indices into the model's statistics
  std::vector<double> mean;       // per constrained statistic
  std::vector<double> variance;
  int constraints() const { return 2 * static_cast<int>(stats.size()); }
  // μ: the means, then the variances.
  std::vector<double> targets() const {
    std::vector<double> mu(mean);
    mu.insert(mu.end(), variance.begin(), variance.end());
    return mu;
  }
};

// What one iteration logs.
struct IterationLog {
  double entropy = 0;  // H = −mean log q
  double cost = 0;
  std::vector<double> R;
};

struct TrainControl {
  int iterations = 1;
  uint32_t firstStep = 0;  // global iteration index of the first iteration (keys the noise)
  uint64_t seed = 0;
  int64_t batch = 500;
  int threads = 0;
  const std::atomic<bool>* cancelled = nullptr;
  std::function<void(double)> progress;
};

struct TrainResult {
  std::vector<IterationLog> log;
  int failedAt = -1;  // index (within this call) of the first iteration with a non-finite cost
  SimFault fault;     // the simulation's first non-finite state, if that was the cause
  std::vector<double> gradient;  // the last iteration's weight gradient, when a caller asks for it
};

// Augmented-Lagrangian cotangents for one batch, given T (n × m) and J = ∂T/∂z (n × m × dim): the
// split-batch unbiased penalty gradient c·J_{R₁}ᵀR₂ (first half's Jacobians, second half's residual).
// Fills zBar, qBar and the log row.
void augmentedLagrangian(int64_t n, int m, int dim, const double* T, const double* J, const double* logq,
                         const std::vector<double>& mu, const std::vector<double>& eta, double c, double* zBar,
                         double* qBar, IterationLog& log);

// T (n × m) and J = ∂T/∂z (n × m × dim) from statistics (n × S) and their gradients (n × S × dim),
// clipped to ±1e10 as the reference does.
void propertyRows(const Property& p, const double* stats, const double* grad, int64_t n, int S, int dim,
                  std::vector<double>& T, std::vector<double>& J);

// Buffers of one constrained step, kept by the caller across iterations.
struct StepScratch {
  std::vector<double> T, J, zBar, qBar;
};

// One iteration's second half, whoever computed the statistics (n × S) and their gradients: T and J, the
// augmented-Lagrangian cotangents, then an Adam step — or, with `gradientOnly`, the weights' gradient into it
// and no step. Nothing is applied when the cost is not finite.
IterationLog constrainedStep(Flow& flow, FlowBatch& batch, const Property& p, const double* stats, const double* grad,
                             int S, const std::vector<double>& eta, double c, int threads, StepScratch& scratch,
                             std::vector<double>* gradientOnly = nullptr);

// What a flow's training keeps from one call to the next. An epoch is many calls of a few iterations each, and
// allocating the tapes (megabytes) afresh in every call cost more than the iterations themselves while each of
// libuv's worker threads was still page-faulting its own heap.
struct TrainBuffers {
  FlowBatch batch;
  StepScratch scratch;
  SimResult sim;
};

struct EpiJob {
  const ModelEntry* model = nullptr;
  std::vector<double> options;
  int trials = 1;
  Property property;
  std::vector<double> eta;
  double c = 1.0;
  TrainControl control;
};
TrainResult trainEpi(Flow& flow, const EpiJob& job, TrainBuffers& buffers);

struct GaussianJob {
  std::vector<double> mean;       // dim
  std::vector<double> precision;  // dim × dim, Σ⁻¹
  TrainControl control;
};
// Logs H and the cost E_q[log q + ½(z − μ)ᵀΣ⁻¹(z − μ)] (KL(q ‖ N(μ, Σ)) up to a constant); R is empty.
TrainResult trainGaussian(Flow& flow, const GaussianJob& job, TrainBuffers& buffers);

}  // namespace sloppy
