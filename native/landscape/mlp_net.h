// One network at a tile of R data points, over any scalar T of the core: the forward pass (keeping each
// hidden layer's pre-activations z and activations a for the backward pass) and reverse mode of the squared
// error into the gradient. The CPU runs T = Lanes<W> (W networks side by side, one SIMD instruction per
// statement) on tiles of 4 points, so each weight and gradient entry is loaded and stored once per tile rather
// than once per point; the GPU runs T = double (one network per thread) and the Hessian T = Dual<P> (forward
// mode over this very gradient), both one point at a time. Arrays indexed by point are [unit·R + point].
#pragma once
#include "activation.h"

namespace sloppy {

// out = W·in + b for layer l at R points; `in` is the data (plain numbers) or the previous layer's activations.
template <int R, class T, class In>
SLOPPY_LANE_INLINE void affine(const NetShape& s, int l, const T* w, const In* in, T* out) {
  const T* wl = w + s.weightOffset(l);
  const T* bl = w + s.biasOffset(l);
  const int nin = s.fanIn(l), nout = s.fanOut(l);
  for (int i = 0; i < nout; ++i) {
    T acc[R];
    SLOPPY_UNROLL for (int r = 0; r < R; ++r) acc[r] = bl[i];
    for (int j = 0; j < nin; ++j) {
      const T wij = wl[i * nin + j];
      SLOPPY_UNROLL for (int r = 0; r < R; ++r) acc[r] = m::fusedMulAdd(wij, in[j * R + r], acc[r]);
    }
    SLOPPY_UNROLL for (int r = 0; r < R; ++r) out[i * R + r] = acc[r];
  }
}

// Network outputs f(x_r) into `out` (d_out × R); x is d_in × R; z and a receive K·N × R values each.
template <int R, class T>
SLOPPY_LANE_INLINE void forward(const NetShape& s, const ActivationSpec& act, const T* w, const double* x, T* z, T* a,
                                T* out) {
  for (int l = 0; l < s.layers; ++l) {
    T* zl = z + l * s.units * R;
    if (l == 0) {
      affine<R>(s, 0, w, x, zl);
    } else {
      affine<R>(s, l, w, a + (l - 1) * s.units * R, zl);
    }
    for (int k = 0; k < s.units * R; ++k) a[l * s.units * R + k] = activate(zl[k], act);
  }
  affine<R>(s, s.layers, w, a + (s.layers - 1) * s.units * R, out);
}

// Adds scale·Σ_r ∇_w ‖f(x_r) − y_r‖² into g and returns Σ_r ‖f(x_r) − y_r‖² (x: d_in × R, y: d_out × R).
template <int R, class T>
SLOPPY_LANE_INLINE T squaredErrorGradient(const NetShape& s, const ActivationSpec& act, const T* w, const double* x,
                                          const double* y, double scale, T* g, T* z, T* a) {
  constexpr int kWidest = kMaxUnits > kMaxOutputs ? kMaxUnits : kMaxOutputs;
  T out[kMaxOutputs * R];
  forward<R>(s, act, w, x, z, a, out);
  T delta[kWidest * R];
  T below[kMaxUnits * R];
  T error(0.0);
  for (int k = 0; k < s.outputs * R; ++k) {
    const T r = out[k] - y[k];
    error = m::fusedMulAdd(r, r, error);
    delta[k] = r * (2.0 * scale);
  }
  // Layer l maps its inputs to its outputs; delta holds ∂/∂(its outputs) on entry.
  for (int l = s.layers; l >= 0; --l) {
    const int nin = s.fanIn(l), nout = s.fanOut(l);
    T* gw = g + s.weightOffset(l);
    T* gb = g + s.biasOffset(l);
    const T* wl = w + s.weightOffset(l);
    const bool first = l == 0;
    const T* in = first ? nullptr : a + (l - 1) * s.units * R;
    // Input j outermost: its R activations and the R sums of ∂/∂(input j) stay in registers across the layer's
    // outputs, so the weight's gradient entry is the only value loaded and stored per (i, j) (this order ran
    // the fits 2× faster than outputs outermost). Every sum runs over i and r in increasing order either way,
    // so the order of the loops changes no bit.
    for (int j = 0; j < nin; ++j) {
      T back[R];
      SLOPPY_UNROLL for (int r = 0; r < R; ++r) back[r] = T(0.0);
      for (int i = 0; i < nout; ++i) {
        const T* di = delta + i * R;
        T sum = gw[i * nin + j];
        SLOPPY_UNROLL for (int r = 0; r < R; ++r) {
          sum = first ? m::fusedMulAdd(di[r], x[j * R + r], sum) : m::fusedMulAdd(di[r], in[j * R + r], sum);
        }
        gw[i * nin + j] = sum;
        if (!first) {
          const T wij = wl[i * nin + j];
          SLOPPY_UNROLL for (int r = 0; r < R; ++r) back[r] = m::fusedMulAdd(wij, di[r], back[r]);
        }
      }
      if (!first) {
        SLOPPY_UNROLL for (int r = 0; r < R; ++r) below[j * R + r] = back[r];
      }
    }
    for (int i = 0; i < nout; ++i) {
      const T* di = delta + i * R;
      T bias = di[0];
      SLOPPY_UNROLL for (int r = 1; r < R; ++r) bias += di[r];
      gb[i] += bias;
    }
    if (first) break;
    const T* zin = z + (l - 1) * s.units * R;
    for (int k = 0; k < nin * R; ++k) delta[k] = below[k] * activateDerivative(zin[k], act);
  }
  return error;
}

// Σ_r ‖f(x_r) − y_r‖² over the R data points from `first` (data row-major: points × d_in and points × d_out),
// adding scale·∇ into g when g is not null.
template <int R, class T>
SLOPPY_LANE_INLINE T tileError(const NetShape& s, const ActivationSpec& act, const T* w, const double* xs,
                               const double* ys, int first, double scale, T* g, T* z, T* a) {
  double x[kMaxInputs * R], y[kMaxOutputs * R];
  for (int r = 0; r < R; ++r) {
    for (int j = 0; j < s.inputs; ++j) x[j * R + r] = xs[(first + r) * s.inputs + j];
    for (int o = 0; o < s.outputs; ++o) y[o * R + r] = ys[(first + r) * s.outputs + o];
  }
  if (g != nullptr) return squaredErrorGradient<R>(s, act, w, x, y, scale, g, z, a);
  T out[kMaxOutputs * R];
  forward<R>(s, act, w, x, z, a, out);
  T error(0.0);
  for (int k = 0; k < s.outputs * R; ++k) {
    const T d = out[k] - y[k];
    error = m::fusedMulAdd(d, d, error);  // as squaredErrorGradient sums it, so both paths agree to the bit
  }
  return error;
}

// Σᵢ ‖f(xᵢ) − yᵢ‖² over a whole data set of `points`, in tiles of R points and then one at a time, adding
// scale·∇ into g when g is not null; z and a hold K·N × R values each. Every backend's loss is this loop.
template <int R, class T>
SLOPPY_LANE_INLINE T datasetError(const NetShape& s, const ActivationSpec& act, const T* w, const double* xs,
                                  const double* ys, int points, double scale, T* g, T* z, T* a) {
  T error(0.0);
  int i = 0;
  for (; i + R <= points; i += R) error += tileError<R>(s, act, w, xs, ys, i, scale, g, z, a);
  for (; i < points; ++i) error += tileError<1>(s, act, w, xs, ys, i, scale, g, z, a);
  return error;
}

}  // namespace sloppy
