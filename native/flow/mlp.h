// The conditioner of a coupling stage: an MLP with ReLU hidden layers and a linear output, for one
// sample. Each layer stores its weights (out × in, row-major) then its biases. The forward pass is a
// template over the scalar type (double for sampling and training, duals for derivatives in z); the
// backward pass is hand-written reverse mode for training.
#pragma once
#include "../core/math.h"
#include "layout.h"

namespace sloppy {

SLOPPY_HD int64_t mlpLayerOffset(const FlowShape& f, int layer) {
  int64_t off = 0;
  for (int l = 0; l < layer; ++l) off += static_cast<int64_t>(f.units) * f.mlpInput(l) + f.units;
  return off;
}
SLOPPY_HD int mlpOutputInput(const FlowShape& f) { return f.layers > 0 ? f.units : f.d1(); }

// out = [shift (d2), log-scale (d2)] of the input `in` (d1); `hidden` receives each layer's activations.
template <class T>
SLOPPY_HD void mlpForward(const FlowShape& f, const double* w, const T* in, T* hidden, T* out) {
  const T* x = in;
  int nIn = f.d1();
  for (int l = 0; l <= f.layers; ++l) {
    const bool last = l == f.layers;
    const int nOut = last ? 2 * f.d2() : f.units;
    const double* W = w + mlpLayerOffset(f, l);
    const double* b = W + static_cast<int64_t>(nOut) * nIn;
    T* y = last ? out : hidden + static_cast<int64_t>(l) * f.units;
    for (int j = 0; j < nOut; ++j) {
      T acc(b[j]);
      for (int k = 0; k < nIn; ++k) acc += x[k] * W[static_cast<int64_t>(j) * nIn + k];
      y[j] = last ? acc : m::relu(acc);
    }
    x = y;
    nIn = nOut;
  }
}

// Reverse mode through the MLP's layers. `delta` holds each layer's output cotangent (layers × units, then
// 2·d2 for the output layer, which the caller has filled); this fills the hidden layers' and adds the input's
// cotangent to inBar. The weights' gradient is the sum over samples of delta ⊗ layer input (see gradient.h).
template <class T>
SLOPPY_HD void mlpBackward(const FlowShape& f, const double* w, const T* hidden, T* delta, T* inBar) {
  for (int l = f.layers; l >= 0; --l) {
    const int nOut = l == f.layers ? 2 * f.d2() : f.units;
    const int nIn = l == f.layers ? mlpOutputInput(f) : f.mlpInput(l);
    const double* W = w + mlpLayerOffset(f, l);
    const T* dOut = delta + static_cast<int64_t>(l) * f.units;
    T* target = l == 0 ? inBar : delta + static_cast<int64_t>(l - 1) * f.units;
    // Row by row (axpy form): each weight row is read contiguously and each update is one lane-wide FMA.
    if (l > 0) {
      for (int k = 0; k < nIn; ++k) target[k] = T(0.0);
    }
    for (int j = 0; j < nOut; ++j) {
      const T dj = dOut[j];
      const double* Wj = W + static_cast<int64_t>(j) * nIn;
      for (int k = 0; k < nIn; ++k) target[k] += dj * Wj[k];
    }
    if (l > 0) {
      const T* a = hidden + static_cast<int64_t>(l - 1) * f.units;
      for (int k = 0; k < nIn; ++k) target[k] = m::select(a[k] > 0.0, target[k], T(0.0));  // the ReLU that made a
    }
  }
}

}  // namespace sloppy
