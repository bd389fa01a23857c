// The architecture of a real NVP flow and where each of its trainable numbers lives in one flat weight
// vector θ. Everything that walks the flow (forward, inverse, backprop, initialisation) reads offsets from
// here, so the layout is defined once.
//
//   x ~ N(0, I_D) → coupling₁ → [permutation → coupling]… → post-affine → support bijector → z
//
// A coupling stage keeps the first d1 = ⌊D/2⌋ coordinates and moves the other d2 = D − d1 by
// y₂ = x₂ ⊙ exp(s(x₁)) + t(x₁), (t, s) from an MLP with `layers` ReLU layers of `units` and a linear output.
// Between stages (not after the last) a Glow-style permutation y = P·L·U·x with trainable unit-lower L and
// upper U (log|det| = Σ log|U_ii|), or a fixed permutation.
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
  // Every stage but the last is its MLP followed by its permutation matrix.
  SLOPPY_HD int64_t stageOffset(int s) const { return (mlpSize() + luSize()) * s; }
  // Stage s's permutation matrix (strict lower part L, upper part with diagonal U), after its MLP; s < stages − 1.
  SLOPPY_HD int64_t luOffset(int s) const { return stageOffset(s) + mlpSize(); }
  // Post-affine scale a (D) then shift b (D), after the last stage's MLP.
  SLOPPY_HD int64_t affineOffset() const { return stageOffset(stages - 1) + mlpSize(); }
  SLOPPY_HD int64_t size() const { return affineOffset() + (postAffine ? 2 * dim : 0); }
  // Scalars one sample's forward pass records for backprop: per stage its input, hidden activations,
  // log-scales, coupled output and U·(coupled output); then the post-affine and support inputs.
  SLOPPY_HD int64_t stageTape() const { return 3 * dim + static_cast<int64_t>(layers) * units + d2(); }
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
