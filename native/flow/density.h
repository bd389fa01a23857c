// log q(z) of a given z, by running the flow backwards: z → support⁻¹ → post-affine⁻¹ → for each stage
// from the last, batch norm⁻¹ (moving statistics) and permutation⁻¹, then coupling⁻¹ → x, with
// log q = log N(x) − Σ (forward log-determinants).
// A template over the scalar type: double for densities, Dual<k> for ∇_z log q, Dual<k, Dual<k>> for its
// Hessian — one routine, so the derivatives are those of the very density that is reported.
#pragma once
#include "batch_norm.h"
#include "mlp.h"
#include "support.h"
#include "view.h"

namespace sloppy {

// Scratch scalars of type T per evaluation.
SLOPPY_HD int64_t densityScratch(const FlowShape& f) {
  return 2 * static_cast<int64_t>(f.dim) + static_cast<int64_t>(f.layers) * f.units + 2 * f.d2();
}

// On return scratch[0, dim) holds the base point x = flow⁻¹(z).
template <class T>
SLOPPY_HD T logDensity(const FlowView& v, const T* z, T* scratch) {
  const FlowShape& f = v.shape;
  const int D = f.dim, d1 = f.d1(), d2 = f.d2();
  T* h = scratch;
  T* tmp = scratch + D;
  T* hidden = scratch + 2 * D;
  T* out = hidden + static_cast<int64_t>(f.layers) * f.units;
  T ldj(0.0);
  for (int i = 0; i < D; ++i) {
    T logd;
    h[i] = supportInverse(v.kind[i], v.lower[i], v.upper[i], z[i], logd);
    ldj += logd;
  }
  if (f.postAffine) {
    const double* a = v.affine();
    for (int i = 0; i < D; ++i) {
      h[i] = (h[i] - a[D + i]) * (1.0 / a[i]);
      ldj += ::log(::fabs(a[i]));
    }
  }
  for (int s = f.stages - 1; s >= 0; --s) {
    if (s < f.stages - 1) {
      if (f.batchNorm) {
        const double* stats = bnStatsOf(f, v.moving(), s);
        batchNormInverse(f, v.bn(s), stats, h, h);
        ldj += batchNormLogDet(f, v.bn(s), stats);
      }
      const int* p = v.permutation(s);
      for (int i = 0; i < D; ++i) tmp[p[i]] = h[i];
      if (f.luPermutation) {
        const double* M = v.lu(s);
        for (int i = 0; i < D; ++i) {  // L·u = tmp, L unit lower
          for (int j = 0; j < i; ++j) tmp[i] -= tmp[j] * M[i * D + j];
        }
        for (int i = D - 1; i >= 0; --i) {  // U·h = u
          T acc = tmp[i];
          for (int j = i + 1; j < D; ++j) acc -= h[j] * M[i * D + j];
          h[i] = acc * (1.0 / M[i * D + i]);
          ldj += ::log(::fabs(M[i * D + i]));
        }
      } else {
        for (int i = 0; i < D; ++i) h[i] = tmp[i];
      }
    }
    mlpForward(f, v.mlp(s), h, hidden, out);
    for (int i = 0; i < d2; ++i) {
      h[d1 + i] = (h[d1 + i] - out[i]) * m::exp(-out[d2 + i]);
      ldj += out[d2 + i];
    }
  }
  T sq(0.0);
  for (int i = 0; i < D; ++i) sq += h[i] * h[i];
  return -0.5 * sq - (0.5 * D * kLog2Pi) - ldj;
}

}  // namespace sloppy
