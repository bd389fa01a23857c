// The architecture of a real NVP flow and where each of its trainable numbers lives in one flat weight
// vector θ. Everything that walks the flow (forward, inverse, backprop, initialisation) reads offsets from
// here, so the layout is defined once.
//
//   x ~ N(0, I_D) → coupling₁ → [permutation → coupling]… → post-affine → support bijector → z
//
// A coupling stage keeps the first d1 = ⌊D/2⌋ coordinates and moves the other d2 = D − d1 by
// y₂ = x₂ ⊙ exp(s(x₁)) + t(x₁), (t, s) from an MLP with `layers` ReLU layers of `units` and a linear output.
// Between stages (not after the last) a Glow-style permutation y = P·L·U·x with trainable unit-lower L and
// upper U (log|det| = Σ log|U_ii|), or a fixed permutation, optionally followed by batch norm (batch_norm.h),
// whose trainable scale γ and shift β sit with the stage's weights and whose moving statistics, state rather
// than trained weights, close the vector.
#pragma once
#include <cstdint>
#include <vector>

#include "../core/hd.h"

namespace sloppy {

// How each coordinate is mapped onto its support.
enum class Support : int { None = 0, Interval = 1, IntervalTanh = 2, Lower = 3, Upper = 4 };

struct FlowShape {
  int dim = 1;
  int stages = 3;
  int layers = 2;
  int units = 25;
  bool luPermutation = true;  // false: a fixed random permutation between stages
  bool postAffine = false;
  bool batchNorm = false;  // after every permutation
  double bnMomentum = 0.0;  // moving = momentum·moving + (1 − momentum)·batch statistic
  double bnEpsilon = 1e-3;  // added to every variance

  SLOPPY_HD int d1() const { return dim / 2; }
  SLOPPY_HD int d2() const { return dim - dim / 2; }
  SLOPPY_HD int mlpInput(int layer) const { return layer == 0 ? d1() : units; }
  // Weights and biases of one coupling stage's MLP.
  SLOPPY_HD int64_t mlpSize() const {
    int64_t n = 0;
    for (int l = 0; l < layers; ++l) n += static_cast<int64_t>(units) * mlpInput(l) + units;
    return n + static_cast<int64_t>(2 * d2()) * (layers > 0 ? units : d1()) + 2 * d2();
  }
  SLOPPY_HD int64_t luSize() const { return luPermutation ? static_cast<int64_t>(dim) * dim : 0; }
  SLOPPY_HD int64_t bnSize() const { return batchNorm ? 2 * static_cast<int64_t>(dim) : 0; }
  SLOPPY_HD int bnLayers() const { return batchNorm ? stages - 1 : 0; }
  // Every stage but the last is its MLP followed by its permutation matrix and its batch norm's γ, β.
  SLOPPY_HD int64_t stageOffset(int s) const { return (mlpSize() + luSize() + bnSize()) * s; }
  // Stage s's permutation matrix (strict lower part L, upper part with diagonal U), after its MLP; s < stages − 1.
  SLOPPY_HD int64_t luOffset(int s) const { return stageOffset(s) + mlpSize(); }
  // Batch norm s's scale γ (D) then shift β (D), after stage s's permutation matrix; s < stages − 1.
  SLOPPY_HD int64_t bnOffset(int s) const { return luOffset(s) + luSize(); }
  // Post-affine scale a (D) then shift b (D), after the last stage's MLP.
  SLOPPY_HD int64_t affineOffset() const { return stageOffset(stages - 1) + mlpSize(); }
  SLOPPY_HD int64_t trainableSize() const { return affineOffset() + (postAffine ? 2 * dim : 0); }
  // The moving statistics after the trained weights: per batch-norm layer its mean (D) then variance (D).
  SLOPPY_HD int64_t movingOffset() const { return trainableSize(); }
  SLOPPY_HD int64_t size() const { return movingOffset() + static_cast<int64_t>(bnLayers()) * 2 * dim; }
  // Scalars one sample's forward pass records for backprop: per stage its input, hidden activations,
  // log-scales, coupled output, U·(coupled output) and, with batch norm, the permuted output that batch norm
  // normalises; then the post-affine and support inputs.
  SLOPPY_HD int64_t stageTape() const {
    return 3 * dim + static_cast<int64_t>(layers) * units + d2() + (batchNorm ? dim : 0);
  }
  SLOPPY_HD int64_t tapeSize() const { return stageTape() * stages + 2 * dim; }
  // Cotangents one sample's backward pass records, from which the weights' gradient is summed over samples:
  // per stage each MLP layer's output cotangent, then l̄ and ū of the permutation; then h̄ after the post-affine.
  SLOPPY_HD int64_t stageCotape() const { return static_cast<int64_t>(layers) * units + 2 * d2() + 2 * dim; }
  SLOPPY_HD int64_t cotapeSize() const { return stageCotape() * stages + dim; }
};

// Per-coordinate support: kind and bounds (unused bounds are ignored).
struct SupportMap {
  std::vector<int> kind;
  std::vector<double> lower;
  std::vector<double> upper;
};

// Fixed, non-trainable parts: each stage's permutation vector (y_i = v_perm[i]).
struct FlowConstants {
  std::vector<int> perm;  // stages × dim
};

}  // namespace sloppy
