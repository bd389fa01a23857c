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

// Adds ∂/∂w of outBar·out into g and ∂/∂in into inBar. `scratch` holds 2·max(units, 2·d2) doubles.
SLOPPY_HD void mlpBackward(const FlowShape& f, const double* w, const double* in, const double* hidden,
                           const double* outBar, double* g, double* inBar, double* scratch) {
  const int width = f.units > 2 * f.d2() ? f.units : 2 * f.d2();
  double* delta = scratch;
  double* next = scratch + width;
  int nOut = 2 * f.d2();
  for (int j = 0; j < nOut; ++j) delta[j] = outBar[j];
  for (int l = f.layers; l >= 0; --l) {
    const int nIn = l == f.layers ? mlpOutputInput(f) : f.mlpInput(l);
    const double* a = l == 0 ? in : hidden + static_cast<int64_t>(l - 1) * f.units;
    const int64_t off = mlpLayerOffset(f, l);
    const double* W = w + off;
    double* gW = g + off;
    double* gb = gW + static_cast<int64_t>(nOut) * nIn;
    for (int j = 0; j < nOut; ++j) {
      gb[j] += delta[j];
      for (int k = 0; k < nIn; ++k) gW[static_cast<int64_t>(j) * nIn + k] += delta[j] * a[k];
    }
    double* target = l == 0 ? inBar : next;
    for (int k = 0; k < nIn; ++k) {
      double s = 0.0;
      for (int j = 0; j < nOut; ++j) s += W[static_cast<int64_t>(j) * nIn + k] * delta[j];
      if (l == 0) {
        target[k] += s;
      } else {
        target[k] = a[k] > 0.0 ? s : 0.0;  // through the ReLU that produced a
      }
    }
    if (l == 0) break;
    double* t = delta;
    delta = next;
    next = t;
    nOut = nIn;
  }
}

}  // namespace sloppy
