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
    // Four outputs at a time: each input is loaded once for four multiply-adds.
    int j = 0;
    for (; j + 4 <= nOut; j += 4) {
      const double* W0 = W + static_cast<int64_t>(j) * nIn;
      T a0(b[j]), a1(b[j + 1]), a2(b[j + 2]), a3(b[j + 3]);
      for (int k = 0; k < nIn; ++k) {
        a0 += x[k] * W0[k];
        a1 += x[k] * W0[nIn + k];
        a2 += x[k] * W0[2 * nIn + k];
        a3 += x[k] * W0[3 * nIn + k];
      }
      y[j] = a0;
      y[j + 1] = a1;
      y[j + 2] = a2;
      y[j + 3] = a3;
    }
    for (; j < nOut; ++j) {
      T acc(b[j]);
      for (int k = 0; k < nIn; ++k) acc += x[k] * W[static_cast<int64_t>(j) * nIn + k];
      y[j] = acc;
    }
    if (!last) {
      for (int i = 0; i < nOut; ++i) y[i] = m::relu(y[i]);
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
    // target[k] = Σ_j dOut[j]·W[j][k], four targets at a time held in registers while j runs, as in the
    // forward pass. (Row by row, the axpy form, loaded and stored every target once per four multiply-adds,
    // and those stores bounded the CPU's reverse pass.)
    // inBar gathers the stage input's other cotangents too; a hidden layer's cotangent is set here.
    auto put = [&](int k, const T& acc) { target[k] = l == 0 ? target[k] + acc : acc; };
    int k = 0;
    for (; k + 4 <= nIn; k += 4) {
      T a0(0.0), a1(0.0), a2(0.0), a3(0.0);
      for (int j = 0; j < nOut; ++j) {
        const T dj = dOut[j];
        const double* Wj = W + static_cast<int64_t>(j) * nIn + k;
        a0 += dj * Wj[0];
        a1 += dj * Wj[1];
        a2 += dj * Wj[2];
        a3 += dj * Wj[3];
      }
      put(k, a0);
      put(k + 1, a1);
      put(k + 2, a2);
      put(k + 3, a3);
    }
    for (; k < nIn; ++k) {
      T acc(0.0);
      for (int j = 0; j < nOut; ++j) acc += dOut[j] * W[static_cast<int64_t>(j) * nIn + k];
      put(k, acc);
    }
    if (l > 0) {
      const T* a = hidden + static_cast<int64_t>(l - 1) * f.units;
      for (int i = 0; i < nIn; ++i) target[i] = m::select(a[i] > 0.0, target[i], T(0.0));  // the ReLU that made a
    }
  }
}

}  // namespace sloppy
