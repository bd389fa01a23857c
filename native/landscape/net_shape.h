// The one parameter layout of a fully connected network, shared with PyTorch: for l = 1 … K+1, W_l (out × in,
// row-major) then b_l. K hidden layers of N units each, d_in inputs, d_out linear outputs.
#pragma once
#include "../core/hd.h"

namespace sloppy {

// Hidden widths above this would not fit the per-point scratch the kernels keep on the stack.
constexpr int kMaxUnits = 64;
constexpr int kMaxLayers = 16;
constexpr int kMaxInputs = 16;
constexpr int kMaxOutputs = 16;

enum class Activation : int { Relu = 0, Softplus = 1 };

struct ActivationSpec {
  Activation kind = Activation::Relu;
  double beta = 1.0;  // softplus sharpness: softplus_β(z) = log(1 + exp(βz))/β → relu as β → ∞
};

struct NetShape {
  int layers = 1;   // K ≥ 1 hidden layers
  int units = 1;    // N units per hidden layer
  int inputs = 1;   // d_in
  int outputs = 1;  // d_out

  SLOPPY_HD int fanIn(int l) const { return l == 0 ? inputs : units; }     // layer l = 0 … K
  SLOPPY_HD int fanOut(int l) const { return l == layers ? outputs : units; }
  // Where W_{l+1} starts; b_{l+1} follows it.
  SLOPPY_HD int weightOffset(int l) const {
    if (l == 0) return 0;
    return (inputs + 1) * units + (l - 1) * (units + 1) * units;
  }
  SLOPPY_HD int biasOffset(int l) const { return weightOffset(l) + fanOut(l) * fanIn(l); }
  SLOPPY_HD int params() const { return weightOffset(layers) + (units + 1) * outputs; }
  SLOPPY_HD int hidden() const { return layers * units; }
};

}  // namespace sloppy
