// A real NVP flow held natively: its architecture, weights, Adam moments and fixed permutations, with
// the batched operations the EPI loop and the distribution queries need, on the CPU (flow_cpu.cc) or the
// GPU (cuda/flow.cu). Every sum over samples runs in an order fixed by the samples, never by the thread
// count, so results are identical for any number of threads.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "../core/lane_buffer.h"
#include "../core/rng.h"
#include "adam.h"
#include "layout.h"
#include "view.h"

namespace sloppy {

// Everything a checkpoint holds.
struct FlowState {
  FlowShape shape;
  SupportMap support;
  FlowConstants constants;
  std::vector<double> w, m1, m2;
  int64_t adamStep = 0;
  AdamConfig adam;
};

// One training batch: samples and log q, the batch-norm layers' batch statistics, and on the CPU the tapes
// and cotapes for backprop per group of cpuLaneWidth() samples, with each group's running log-determinant and
// cotangent between the passes over stages (on the GPU tapes stay on the device). Reused from iteration to
// iteration, so the inner loop allocates nothing.
struct FlowBatch {
  int64_t n = 0;
  uint64_t seed = 0;
  uint32_t step = 0;
  bool onDevice = false;
  std::vector<double> z, logq;
  std::vector<double> bnStats;  // per batch-norm layer: mean (dim), biased variance (dim)
  LaneBuffer tape, cotape, ldj, hBar;
  std::vector<double> gradient;  // the weights' gradient of the last training step
  std::vector<double> chunkSums;  // the outer sums of each chunk of the batch after the first (flow_cpu.cc)
};

struct FlowCuda;

class Flow {
 public:
  // Glorot-uniform MLP weights with zero biases, LU factors of a random orthogonal matrix (or a random
  // permutation), post-affine a = 1, b = 0, batch norm γ = 1, β = 0 with moving mean 0 and variance 1; all
  // drawn from Philox keyed by `seed`.
  static FlowState initialState(const FlowShape& shape, const SupportMap& support, uint64_t seed);
  // With cuda, weights and Adam moments live on the GPU (throws ERR_CUDA_UNAVAILABLE without a CUDA build).
  Flow(FlowState state, bool cuda);

  bool onCuda() const { return gpu_ != nullptr; }
  // The host copy, brought up to date from the GPU first.
  const FlowState& state() const;
  FlowView view() const;
  void setWeights(std::vector<double> w, std::vector<double> m1, std::vector<double> m2, int64_t adamStep);

  // Queries (sample, logProb and its derivatives) take batch norm's moving statistics, a fixed affine map.
  // n samples; sample i's base noise is keyed by (seed, i) with counter (step, stream).
  void sample(int64_t n, uint64_t seed, uint32_t step, Stream stream, double* z, double* logq, int threads) const;
  // log q(z); with x non-null, also the base point x = flow⁻¹(z) (n × dim).
  void logProb(const double* z, int64_t n, double* logq, int threads, double* x = nullptr) const;
  // ∇_z log q (n × dim) and log q; on the CPU.
  void gradLogProb(const double* z, int64_t n, double* logq, double* grad, int threads) const;
  // ∂² log q / ∂z² (n × dim × dim); on the CPU.
  void hessianLogProb(const double* z, int64_t n, double* hess, int threads) const;

  // A training batch: batch norm takes the batch's own statistics, coupling the samples.
  void forward(int64_t n, uint64_t seed, uint32_t step, FlowBatch& batch, int threads) const;
  // g = Σ_i ∂/∂w (zBar_i · z_i + qBar_i · log q_i), without a step; on the CPU (a GPU batch is redrawn there).
  // With batch norm this includes every sample's dependence on the batch statistics; the moving statistics'
  // entries are 0.
  void gradient(FlowBatch& batch, const double* zBar, const double* qBar, std::vector<double>& g, int threads) const;
  // The same gradient, clipped to norm 1e10 (as the reference does), then one Adam step, then the moving
  // statistics updated from the batch's.
  void step(FlowBatch& batch, const double* zBar, const double* qBar, int threads);
  void resetAdam();

 private:
  void adamStep(const std::vector<double>& g, int threads);

  mutable FlowState state_;
  mutable bool hostStale_ = false;  // the GPU holds newer weights than state_
  std::shared_ptr<FlowCuda> gpu_;
};

}  // namespace sloppy
