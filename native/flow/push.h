// One sample pushed through the flow, x ~ N(0, I) → z with log q(z), recording a tape; and the
// reverse-mode pass that turns cotangents on z and on log q into the gradient of every weight. This pair
// is what training runs; densities of given z are in density.h.
#pragma once
#include "mlp.h"
#include "support.h"
#include "view.h"

namespace sloppy {

// Offsets inside one sample's tape (see FlowShape::stageTape).
struct StageTape {
  double* in;      // dim: the stage's input
  double* hidden;  // layers × units
  double* ls;      // d2 log-scales
  double* out;     // dim: coupled output
  double* u;       // dim: U·out (LU permutations only)
};
SLOPPY_HD StageTape stageTape(const FlowShape& f, double* tape, int s) {
  double* t = tape + f.stageTape() * s;
  const int64_t hid = static_cast<int64_t>(f.layers) * f.units;
  return StageTape{t, t + f.dim, t + f.dim + hid, t + f.dim + hid + f.d2(), t + 2 * f.dim + hid + f.d2()};
}

// Scratch doubles per sample for pushForward / pullBack.
SLOPPY_HD int64_t pushScratch(const FlowShape& f) {
  const int width = f.units > 2 * f.d2() ? f.units : 2 * f.d2();
  return 2 * static_cast<int64_t>(f.dim) + 2 * width + 2 * f.d2();
}

// z = flow(x); returns log q(z).
SLOPPY_HD double pushForward(const FlowView& v, const double* x, double* z, double* tape, double* scratch) {
  const FlowShape& f = v.shape;
  const int D = f.dim, d1 = f.d1(), d2 = f.d2();
  double* h = z;  // the running state lives in the output row
  double* out = scratch;
  double* tmp = scratch + 2 * d2;
  double ldj = 0.0, sq = 0.0;
  for (int i = 0; i < D; ++i) {
    h[i] = x[i];
    sq += x[i] * x[i];
  }
  for (int s = 0; s < f.stages; ++s) {
    const StageTape t = stageTape(f, tape, s);
    for (int i = 0; i < D; ++i) t.in[i] = h[i];
    mlpForward(f, v.mlp(s), h, t.hidden, out);
    for (int i = 0; i < d2; ++i) {
      t.ls[i] = out[d2 + i];
      h[d1 + i] = h[d1 + i] * ::exp(out[d2 + i]) + out[i];
      ldj += out[d2 + i];
    }
    for (int i = 0; i < D; ++i) t.out[i] = h[i];
    if (s == f.stages - 1) break;
    const int* p = v.permutation(s);
    if (f.luPermutation) {
      const double* M = v.lu(s);
      for (int i = 0; i < D; ++i) {
        double acc = 0.0;
        for (int j = i; j < D; ++j) acc += M[i * D + j] * t.out[j];
        t.u[i] = acc;
        ldj += ::log(::fabs(M[i * D + i]));
      }
      for (int i = 0; i < D; ++i) {
        double acc = t.u[i];
        for (int j = 0; j < i; ++j) acc += M[i * D + j] * t.u[j];
        tmp[i] = acc;
      }
    } else {
      for (int i = 0; i < D; ++i) tmp[i] = t.out[i];
    }
    for (int i = 0; i < D; ++i) h[i] = tmp[p[i]];
  }
  double* affineIn = tape + f.stageTape() * f.stages;
  double* supportIn = affineIn + D;
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
    const SupportPoint sp = supportForward(v.kind[i], v.lower[i], v.upper[i], h[i]);
    z[i] = sp.z;
    ldj += sp.logd;
  }
  return -0.5 * sq - 0.5 * D * kLog2Pi - ldj;
}

// Adds to g (shape.size()) the gradient of zBar·z + qBar·log q with respect to the weights.
SLOPPY_HD void pullBack(const FlowView& v, const double* zBar, double qBar, const double* tape, double* g,
                        double* scratch) {
  const FlowShape& f = v.shape;
  const int D = f.dim, d1 = f.d1(), d2 = f.d2();
  double* hBar = scratch;
  double* tmp = scratch + D;
  double* outBar = scratch + 2 * D;
  double* mlpScratch = outBar + 2 * d2;
  const double ldjBar = -qBar;  // log q = log N(x) − ldj, and x does not depend on the weights
  const double* affineIn = tape + f.stageTape() * f.stages;
  const double* supportIn = affineIn + D;
  for (int i = 0; i < D; ++i) {
    const SupportPoint sp = supportForward(v.kind[i], v.lower[i], v.upper[i], supportIn[i]);
    hBar[i] = zBar[i] * sp.dz + ldjBar * sp.dlogd;
  }
  if (f.postAffine) {
    const double* a = v.affine();
    double* ga = g + f.affineOffset();
    for (int i = 0; i < D; ++i) {
      ga[i] += hBar[i] * affineIn[i] + ldjBar / a[i];
      ga[D + i] += hBar[i];
      hBar[i] *= a[i];
    }
  }
  for (int s = f.stages - 1; s >= 0; --s) {
    const StageTape t = stageTape(f, const_cast<double*>(tape), s);
    if (s < f.stages - 1) {
      const int* p = v.permutation(s);
      for (int i = 0; i < D; ++i) tmp[p[i]] = hBar[i];  // cotangent of the pre-permutation vector
      if (f.luPermutation) {
        const double* M = v.lu(s);
        double* gM = g + f.luOffset(s);
        // tmp holds l̄ (l = L·u); turn it into ū in hBar, then into the cotangent of out.
        for (int j = 0; j < D; ++j) {
          double acc = tmp[j];
          for (int i = j + 1; i < D; ++i) acc += M[i * D + j] * tmp[i];
          hBar[j] = acc;
        }
        for (int i = 0; i < D; ++i) {
          for (int j = 0; j < i; ++j) gM[i * D + j] += tmp[i] * t.u[j];
          for (int j = i; j < D; ++j) gM[i * D + j] += hBar[i] * t.out[j];
          gM[i * D + i] += ldjBar / M[i * D + i];
        }
        for (int j = D - 1; j >= 0; --j) {
          double acc = 0.0;
          for (int i = 0; i <= j; ++i) acc += M[i * D + j] * hBar[i];
          tmp[j] = acc;
        }
      }
      for (int i = 0; i < D; ++i) hBar[i] = tmp[i];
    }
    for (int i = 0; i < d2; ++i) {
      const double e = ::exp(t.ls[i]);
      outBar[i] = hBar[d1 + i];
      outBar[d2 + i] = hBar[d1 + i] * t.in[d1 + i] * e + ldjBar;
      hBar[d1 + i] *= e;
    }
    mlpBackward(f, v.mlp(s), t.in, t.hidden, outBar, g + f.stageOffset(s), hBar, mlpScratch);
  }
}

}  // namespace sloppy
