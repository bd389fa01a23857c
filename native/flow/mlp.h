// The conditioner of a coupling stage: an MLP with ReLU hidden layers and a linear output, for one
// sample. Each layer stores its weights (out × in, row-major) then its biases. The forward pass is a
// template over the scalar type (double for sampling and training, duals for derivatives in z); the
// backward pass is hand-written reverse mode for training.
#pragma once
#include <type_traits>

#include "../core/math.h"
#include "layout.h"

namespace sloppy {

SLOPPY_HD int64_t mlpLayerOffset(const FlowShape& f, int layer) {
  int64_t off = 0;
  for (int l = 0; l < layer; ++l) off += static_cast<int64_t>(f.units) * f.mlpInput(l) + f.units;
  return off;
}
SLOPPY_HD int mlpOutputInput(const FlowShape& f) { return f.layers > 0 ? f.units : f.d1(); }

// Calls block(std::integral_constant<int, Q>(), j) for consecutive blocks [j, j + Q) covering [0, n): blocks of
// eight, then one of the rest, so that every block's width is a compile-time constant and its Q accumulators live
// in registers. A rest handled one output at a time (the last 2 of 50 units) was one latency-bound chain; with
// eight-wide blocks and a single rest block the lds2d EPI step on one core took 0.71 ms instead of 0.77.
template <class Block>
SLOPPY_HD void inBlocks(int n, const Block& block) {
  int j = 0;
  for (; j + 8 <= n; j += 8) block(std::integral_constant<int, 8>(), j);
  switch (n - j) {
    case 7: block(std::integral_constant<int, 7>(), j); break;
    case 6: block(std::integral_constant<int, 6>(), j); break;
    case 5: block(std::integral_constant<int, 5>(), j); break;
    case 4: block(std::integral_constant<int, 4>(), j); break;
    case 3: block(std::integral_constant<int, 3>(), j); break;
    case 2: block(std::integral_constant<int, 2>(), j); break;
    case 1: block(std::integral_constant<int, 1>(), j); break;
    default: break;
  }
}

// out = [shift (d2), log-scale (d2)] of the input `in` (d1); `hidden` receives each layer's activations. G
// independent inputs at once (pointers in[g], hidden[g], out[g]): each weight is loaded once for the G
// multiply-adds it takes part in, which the CPU's eight-lane groups need, since one group's multiply-adds
// each brought their own weight load (a 50 × 50 layer timed alone: 5.9 G vector multiply-adds per second one
// group at a time, 7.1 G two at a time, of a core's 7.7 G; the lds2d EPI step went 0.34 -> 0.31 ms). Every
// output is the same sum, in the same order, for any G. (Densities call the one-input form below; training
// calls both passes with arrays.)
template <class T, int G = 1>
SLOPPY_HD void mlpForward(const FlowShape& f, const double* w, const T* const (&in)[G], T* const (&hidden)[G],
                          T* const (&out)[G]) {
  const T* x[G];
  SLOPPY_UNROLL for (int g = 0; g < G; ++g) x[g] = in[g];
  int nIn = f.d1();
  for (int l = 0; l <= f.layers; ++l) {
    const bool last = l == f.layers;
    const int nOut = last ? 2 * f.d2() : f.units;
    const double* W = w + mlpLayerOffset(f, l);
    const double* b = W + static_cast<int64_t>(nOut) * nIn;
    T* y[G];
    SLOPPY_UNROLL for (int g = 0; g < G; ++g) y[g] = last ? out[g] : hidden[g] + static_cast<int64_t>(l) * f.units;
    // Each input is loaded once for the Q multiply-adds of a block of outputs.
    inBlocks(nOut, [&](auto width, int j) {
      constexpr int Q = decltype(width)::value;
      const double* Wj = W + static_cast<int64_t>(j) * nIn;
      T a[G][Q];
      SLOPPY_UNROLL for (int g = 0; g < G; ++g) {
        SLOPPY_UNROLL for (int q = 0; q < Q; ++q) a[g][q] = T(b[j + q]);
      }
      for (int k = 0; k < nIn; ++k) {
        T xk[G];
        SLOPPY_UNROLL for (int g = 0; g < G; ++g) xk[g] = x[g][k];
        SLOPPY_UNROLL for (int q = 0; q < Q; ++q) {
          const double wq = Wj[q * nIn + k];
          SLOPPY_UNROLL for (int g = 0; g < G; ++g) a[g][q] += xk[g] * wq;
        }
      }
      // The ReLU on the way out: a separate pass reloaded every output just stored.
      SLOPPY_UNROLL for (int g = 0; g < G; ++g) {
        SLOPPY_UNROLL for (int q = 0; q < Q; ++q) y[g][j + q] = last ? a[g][q] : m::relu(a[g][q]);
      }
    });
    SLOPPY_UNROLL for (int g = 0; g < G; ++g) x[g] = y[g];
    nIn = nOut;
  }
}
template <class T>
SLOPPY_HD void mlpForward(const FlowShape& f, const double* w, const T* in, T* hidden, T* out) {
  const T* const ins[1] = {in};
  T* const hiddens[1] = {hidden};
  T* const outs[1] = {out};
  mlpForward<T, 1>(f, w, ins, hiddens, outs);
}

// Reverse mode through the MLP's layers for G independent inputs. `delta[g]` holds each layer's output
// cotangent (layers × units, then 2·d2 for the output layer, which the caller has filled); this fills the hidden
// layers' and adds the input's cotangent to inBar[g]. The weights' gradient is the sum over samples of
// delta ⊗ layer input (see gradient.h).
template <class T, int G = 1>
SLOPPY_HD void mlpBackward(const FlowShape& f, const double* w, const T* const (&hidden)[G], T* const (&delta)[G],
                           T* const (&inBar)[G]) {
  for (int l = f.layers; l >= 0; --l) {
    const int nOut = l == f.layers ? 2 * f.d2() : f.units;
    const int nIn = l == f.layers ? mlpOutputInput(f) : f.mlpInput(l);
    const double* W = w + mlpLayerOffset(f, l);
    const T* dOut[G];
    T* target[G];
    SLOPPY_UNROLL for (int g = 0; g < G; ++g) {
      dOut[g] = delta[g] + static_cast<int64_t>(l) * f.units;
      target[g] = l == 0 ? inBar[g] : delta[g] + static_cast<int64_t>(l - 1) * f.units;
    }
    // target[k] = Σ_j dOut[j]·W[j][k], a block of targets held in registers while j runs, as in the forward
    // pass. (Row by row, the axpy form, loaded and stored every target once per few multiply-adds, and those
    // stores bounded the CPU's reverse pass.) inBar gathers the stage input's other cotangents too; a hidden
    // layer's cotangent is set here.
    inBlocks(nIn, [&](auto width, int k) {
      constexpr int Q = decltype(width)::value;
      T a[G][Q];
      SLOPPY_UNROLL for (int g = 0; g < G; ++g) {
        SLOPPY_UNROLL for (int q = 0; q < Q; ++q) a[g][q] = T(0.0);
      }
      for (int j = 0; j < nOut; ++j) {
        T dj[G];
        SLOPPY_UNROLL for (int g = 0; g < G; ++g) dj[g] = dOut[g][j];
        const double* Wj = W + static_cast<int64_t>(j) * nIn + k;
        SLOPPY_UNROLL for (int q = 0; q < Q; ++q) {
          const double wq = Wj[q];
          SLOPPY_UNROLL for (int g = 0; g < G; ++g) a[g][q] += dj[g] * wq;
        }
      }
      // A hidden layer's cotangent passes the ReLU that made its activation on the way out: as a separate pass,
      // its masked reloads of the targets just stored could not be forwarded from the stores, and stalled.
      SLOPPY_UNROLL for (int g = 0; g < G; ++g) {
        const T* act = l == 0 ? nullptr : hidden[g] + static_cast<int64_t>(l - 1) * f.units + k;
        SLOPPY_UNROLL for (int q = 0; q < Q; ++q) {
          target[g][k + q] = l == 0 ? target[g][k + q] + a[g][q] : m::select(act[q] > 0.0, a[g][q], T(0.0));
        }
      }
    });
  }
}

}  // namespace sloppy
