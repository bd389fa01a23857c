// A real NVP flow held natively: its architecture, weights, Adam moments and fixed permutations, with
// the batched operations the EPI loop and the distribution queries need. The CPU backend runs samples
// over the thread pool; every sum over samples is cut into blocks fixed by the sample count, never by
// the thread count, so results are identical for any number of threads.
#pragma once
#include <cstdint>
#include <vector>

#include "../core/lanes.h"
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

// Samples per SIMD group on the CPU: one AVX-512 register of doubles, or two AVX2 ones.
constexpr int kFlowLanes = 8;
using FlowLanes = Lanes<kFlowLanes>;

// One training batch: samples, log q and the tapes for backprop, kept per group of kFlowLanes samples.
struct FlowBatch {
  int64_t n = 0;
  std::vector<double> z, logq;
  std::vector<FlowLanes> tape;
};

class Flow {
 public:
  // Glorot-uniform MLP weights with zero biases, LU factors of a random orthogonal matrix (or a random
  // permutation), post-affine a = 1, b = 0; all drawn from Philox keyed by `seed`.
  static FlowState initialState(const FlowShape& shape, const SupportMap& support, uint64_t seed);
  explicit Flow(FlowState state);

  FlowView view() const;
  const FlowState& state() const { return state_; }
  FlowState& mutableState() { return state_; }

  // n samples; sample i's base noise is keyed by (seed, i) with counter (step, stream).
  void sample(int64_t n, uint64_t seed, uint32_t step, Stream stream, double* z, double* logq, int threads) const;
  // log q(z); with x non-null, also the base point x = flow⁻¹(z) (n × dim).
  void logProb(const double* z, int64_t n, double* logq, int threads, double* x = nullptr) const;
  // ∇_z log q (n × dim) and log q.
  void gradLogProb(const double* z, int64_t n, double* logq, double* grad, int threads) const;
  // ∂² log q / ∂z² (n × dim × dim).
  void hessianLogProb(const double* z, int64_t n, double* hess, int threads) const;

  void forward(int64_t n, uint64_t seed, uint32_t step, FlowBatch& batch, int threads) const;
  // g = Σ_i ∂/∂w (zBar_i · z_i + qBar_i · log q_i).
  void backward(const FlowBatch& batch, const double* zBar, const double* qBar, std::vector<double>& g,
                int threads) const;
  // Clips g to norm 1e10 (as the reference does), then one Adam step.
  void adamStep(std::vector<double>& g);
  void resetAdam();

 private:
  FlowState state_;
};

}  // namespace sloppy
