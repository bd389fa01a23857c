// One sample pushed through the flow, x ~ N(0, I) → z with log q(z), recording a tape; and the
// reverse-mode pass that turns cotangents on z and on log q into the gradient of every weight. This pair
// is what training runs; densities of given z are in density.h. Templates over the scalar: double (one
// sample: the GPU's thread) or Lanes<W> (W samples per instruction on the CPU).
#pragma once
#include "mlp.h"
#include "support.h"
#include "view.h"

namespace sloppy {

// Offsets inside one sample's tape (see FlowShape::stageTape).
template <class T> struct StageTape {
  T* in;      // dim: the stage's input
  T* hidden;  // layers × units
  T* ls;      // d2 log-scales
  T* out;     // dim: coupled output
  T* u;       // dim: U·out (LU permutations only)
};
template <class T> SLOPPY_HD StageTape<T> stageTape(const FlowShape& f, T* tape, int s) {
  T* t = tape + f.stageTape() * s;
  const int64_t hid = static_cast<int64_t>(f.layers) * f.units;
  return StageTape<T>{t, t + f.dim, t + f.dim + hid, t + f.dim + hid + f.d2(), t + 2 * f.dim + hid + f.d2()};
}

// Scratch scalars per sample for pushForward / pullBack.
SLOPPY_HD int64_t pushScratch(const FlowShape& f) { return 2 * static_cast<int64_t>(f.dim) + 2 * f.d2(); }

// z = flow(x); returns log q(z).
template <class T>
SLOPPY_HD T pushForward(const FlowView& v, const T* x, T* z, T* tape, T* scratch) {
  const FlowShape& f = v.shape;
  const int D = f.dim, d1 = f.d1(), d2 = f.d2();
  T* h = z;  // the running state lives in the output row
  T* out = scratch;
  T* tmp = scratch + 2 * d2;
  T ldj(0.0), sq(0.0);
  for (int i = 0; i < D; ++i) {
    h[i] = x[i];
    sq += x[i] * x[i];
  }
  for (int s = 0; s < f.stages; ++s) {
    const StageTape<T> t = stageTape(f, tape, s);
    for (int i = 0; i < D; ++i) t.in[i] = h[i];
    mlpForward(f, v.mlp(s), h, t.hidden, out);
    for (int i = 0; i < d2; ++i) {
      t.ls[i] = out[d2 + i];
      h[d1 + i] = h[d1 + i] * m::exp(out[d2 + i]) + out[i];
      ldj += out[d2 + i];
    }
    for (int i = 0; i < D; ++i) t.out[i] = h[i];
    if (s == f.stages - 1) break;
    const int* p = v.permutation(s);
    if (f.luPermutation) {
      const double* M = v.lu(s);
      for (int i = 0; i < D; ++i) {
        T acc(0.0);
        for (int j = i; j < D; ++j) acc += t.out[j] * M[i * D + j];
        t.u[i] = acc;
        ldj += ::log(::fabs(M[i * D + i]));
      }
      for (int i = 0; i < D; ++i) {
        T acc = t.u[i];
        for (int j = 0; j < i; ++j) acc += t.u[j] * M[i * D + j];
        tmp[i] = acc;
      }
    } else {
      for (int i = 0; i < D; ++i) tmp[i] = t.out[i];
    }
    for (int i = 0; i < D; ++i) h[i] = tmp[p[i]];
  }
  T* affineIn = tape + f.stageTape() * f.stages;
  T* supportIn = affineIn + D;
  if (f.postAffine) {
    const double* a = v.affine();
    for (int i = 0; i < D; ++i) {
      affineIn[i] = h[i];
      h[i] = a[i] * h[i] + a[D + i];
      ldj += ::log(::fabs(a[i]));
    }
  }
  for (int i = 0; i < D; ++i) {
    supportIn[i] = h[i];
    const SupportPoint<T> sp = supportForward(v.kind[i], v.lower[i], v.upper[i], h[i]);
    z[i] = sp.z;
    ldj += sp.logd;
  }
  return -0.5 * sq - 0.5 * D * kLog2Pi - ldj;
}

// Reverse mode of pushForward for the cotangents zBar (on z) and qBar (on log q): records in `cotape` what
// the weights' gradient is summed from (gradient.h). Splitting the pass this way turns the sum over samples
// into dense outer-product sums instead of a scattered update per sample.
template <class T>
SLOPPY_HD void pullBack(const FlowView& v, const T* zBar, const T& qBar, const T* tape, T* cotape, T* scratch) {
  const FlowShape& f = v.shape;
  const int D = f.dim, d1 = f.d1(), d2 = f.d2();
  T* hBar = scratch;
  T* tmp = scratch + D;
  const T ldjBar = -qBar;  // log q = log N(x) − ldj, and x does not depend on the weights
  const T* supportIn = tape + f.stageTape() * f.stages + D;
  for (int i = 0; i < D; ++i) {
    const SupportPoint<T> sp = supportForward(v.kind[i], v.lower[i], v.upper[i], supportIn[i]);
    hBar[i] = zBar[i] * sp.dz + ldjBar * sp.dlogd;
  }
  if (f.postAffine) {
    const double* a = v.affine();
    T* affineBar = cotape + f.stageCotape() * f.stages;
    for (int i = 0; i < D; ++i) {
      affineBar[i] = hBar[i];
      hBar[i] *= a[i];
    }
  }
  for (int s = f.stages - 1; s >= 0; --s) {
    const auto t = stageTape(f, tape, s);
    T* delta = cotape + f.stageCotape() * s;
    T* lBar = delta + static_cast<int64_t>(f.layers) * f.units + 2 * d2;
    T* uBar = lBar + D;
    if (s < f.stages - 1) {
      const int* p = v.permutation(s);
      for (int i = 0; i < D; ++i) tmp[p[i]] = hBar[i];  // l̄: the cotangent before the permutation
      if (f.luPermutation) {
        const double* M = v.lu(s);
        // ū = l̄ + Lᵀ-below-diagonal·l̄, then the cotangent of out is Uᵀ·ū; rows of M are read contiguously.
        for (int j = 0; j < D; ++j) {
          lBar[j] = tmp[j];
          uBar[j] = tmp[j];
        }
        for (int i = 1; i < D; ++i) {
          for (int j = 0; j < i; ++j) uBar[j] += lBar[i] * M[i * D + j];
        }
        for (int j = 0; j < D; ++j) tmp[j] = T(0.0);
        for (int i = 0; i < D; ++i) {
          for (int j = i; j < D; ++j) tmp[j] += uBar[i] * M[i * D + j];
        }
      }
      for (int i = 0; i < D; ++i) hBar[i] = tmp[i];
    }
    T* outBar = delta + static_cast<int64_t>(f.layers) * f.units;
    for (int i = 0; i < d2; ++i) {
      const T e = m::exp(t.ls[i]);
      outBar[i] = hBar[d1 + i];
      outBar[d2 + i] = hBar[d1 + i] * t.in[d1 + i] * e + ldjBar;
      hBar[d1 + i] *= e;
    }
    mlpBackward(f, v.mlp(s), t.hidden, delta, hBar);
  }
}

}  // namespace sloppy
