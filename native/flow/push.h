// One sample pushed through the flow, x ~ N(0, I) → z with log q(z), recording a tape; and the
// reverse-mode pass that turns cotangents on z and on log q into the gradient of every weight. This pair
// is what training runs; densities of given z are in density.h. Templates over the scalar: double (one
// sample: the GPU's thread) or Lanes<W> (W samples per instruction on the CPU). Both passes come in pieces
// (stages, tail) so that a backend can reduce over the batch between stages, as batch norm in training needs.
#pragma once
#include "batch_norm.h"
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
  T* bnIn;    // dim: the permuted output, batch norm's input (batch norm only)
};
template <class T> SLOPPY_HD StageTape<T> stageTape(const FlowShape& f, T* tape, int s) {
  T* t = tape + f.stageTape() * s;
  const int64_t hid = static_cast<int64_t>(f.layers) * f.units;
  T* out = t + f.dim + hid + f.d2();
  return StageTape<T>{t, t + f.dim, t + f.dim + hid, out, out + f.dim, out + 2 * f.dim};
}

// Scratch scalars per sample for pushForward / pullBack.
SLOPPY_HD int64_t pushScratch(const FlowShape& f) { return 2 * static_cast<int64_t>(f.dim) + 2 * f.d2(); }

// Stage s up to its conditioner's input: with batch norm (s > 0), stage s − 1's permuted output normalised with
// `bnStats` into stage s's input, its log-determinant added to ldj.
template <class T>
SLOPPY_HD void pushStageInput(const FlowView& v, int s, const double* bnStats, T* tape, T& ldj) {
  const FlowShape& f = v.shape;
  if (!f.batchNorm || s == 0) return;
  const double* stats = bnStatsOf(f, bnStats, s - 1);
  batchNormForward(f, v.bn(s - 1), stats, stageTape(f, tape, s - 1).bnIn, stageTape(f, tape, s).in);
  ldj += batchNormLogDet(f, v.bn(s - 1), stats);
}

// Stage s from its conditioner's output (shift and log-scale, in scratch's first 2·d2): the coupling, then
// (but after the last stage) the permutation into the next stage's input, or batch norm's.
template <class T>
SLOPPY_HD void pushStageOutput(const FlowView& v, int s, T* tape, T* scratch, T& ldj) {
  const FlowShape& f = v.shape;
  const int D = f.dim, d1 = f.d1(), d2 = f.d2();
  const T* out = scratch;
  T* tmp = scratch + 2 * d2;
  const StageTape<T> t = stageTape(f, tape, s);
  for (int i = 0; i < d1; ++i) t.out[i] = t.in[i];
  for (int i = 0; i < d2; ++i) {
    t.ls[i] = out[d2 + i];
    t.out[d1 + i] = t.in[d1 + i] * m::exp(out[d2 + i]) + out[i];
    ldj += out[d2 + i];
  }
  if (s == f.stages - 1) return;
  const int* p = v.permutation(s);
  if (f.luPermutation) {
    const double* M = v.lu(s);
    // u = U·out, then tmp = u + (L − I)·u, each row's sum in ascending j. Rows run in blocks with one
    // accumulator each, so that the block's sums advance together: row by row, each was one chain of dependent
    // multiply-adds (rnn2 N = 10: 40 per row).
    inBlocks(D, [&](auto width, int i0) {
      constexpr int Q = decltype(width)::value;
      T acc[Q];
      SLOPPY_UNROLL for (int q = 0; q < Q; ++q) acc[q] = T(0.0);
      SLOPPY_UNROLL for (int j = 0; j < Q; ++j) {  // the block's own triangle: row i0 + q from j = q
        SLOPPY_UNROLL for (int q = 0; q <= j; ++q) acc[q] += t.out[i0 + j] * M[(i0 + q) * D + i0 + j];
      }
      for (int j = i0 + Q; j < D; ++j) {
        SLOPPY_UNROLL for (int q = 0; q < Q; ++q) acc[q] += t.out[j] * M[(i0 + q) * D + j];
      }
      SLOPPY_UNROLL for (int q = 0; q < Q; ++q) t.u[i0 + q] = acc[q];
    });
    for (int i = 0; i < D; ++i) ldj += ::log(::fabs(M[i * D + i]));
    inBlocks(D, [&](auto width, int i0) {
      constexpr int Q = decltype(width)::value;
      T acc[Q];
      SLOPPY_UNROLL for (int q = 0; q < Q; ++q) acc[q] = t.u[i0 + q];
      for (int j = 0; j < i0; ++j) {
        SLOPPY_UNROLL for (int q = 0; q < Q; ++q) acc[q] += t.u[j] * M[(i0 + q) * D + j];
      }
      SLOPPY_UNROLL for (int j = 0; j + 1 < Q; ++j) {  // the block's own triangle: row i0 + q up to j = q − 1
        SLOPPY_UNROLL for (int q = j + 1; q < Q; ++q) acc[q] += t.u[i0 + j] * M[(i0 + q) * D + i0 + j];
      }
      SLOPPY_UNROLL for (int q = 0; q < Q; ++q) tmp[i0 + q] = acc[q];
    });
  } else {
    for (int i = 0; i < D; ++i) tmp[i] = t.out[i];
  }
  T* next = f.batchNorm ? t.bnIn : stageTape(f, tape, s + 1).in;
  for (int i = 0; i < D; ++i) next[i] = tmp[p[i]];
}

// Stages [s0, s1) of G independent samples (or lane groups), from stage s0's input in each tape (for s0 > 0 with
// batch norm: from the permuted output of stage s0 − 1, normalised first with `bnStats`), adding each step's
// log-determinant to ldj. The state moves through the tape: each stage writes the next one's input (or batch
// norm's), so a backend can stop after any stage and reduce over the batch before the next. The conditioners of
// the G samples run together (mlp.h), the rest sample by sample.
template <class T, int G = 1>
SLOPPY_HD void pushStages(const FlowView& v, int s0, int s1, const double* bnStats, T* const (&tape)[G],
                          T* const (&scratch)[G], T (&ldj)[G]) {
  const FlowShape& f = v.shape;
  for (int s = s0; s < s1; ++s) {
    const T* in[G];
    T* hidden[G];
    for (int g = 0; g < G; ++g) {
      pushStageInput(v, s, bnStats, tape[g], ldj[g]);
      const StageTape<T> t = stageTape(f, tape[g], s);
      in[g] = t.in;
      hidden[g] = t.hidden;
    }
    mlpForward<T, G>(f, v.mlp(s), in, hidden, scratch);
    for (int g = 0; g < G; ++g) pushStageOutput(v, s, tape[g], scratch[g], ldj[g]);
  }
}
template <class T>
SLOPPY_HD void pushStages(const FlowView& v, int s0, int s1, const double* bnStats, T* tape, T* scratch, T& ldj) {
  T* const tapes[1] = {tape};
  T* const scratches[1] = {scratch};
  T ldjs[1] = {ldj};
  pushStages<T, 1>(v, s0, s1, bnStats, tapes, scratches, ldjs);
  ldj = ldjs[0];
}

// The last stage's output through the post-affine and the support bijector into z; returns log q given the
// accumulated log-determinant of the stages and the base point x in stage 0's tape.
template <class T>
SLOPPY_HD T pushTail(const FlowView& v, T* tape, T* z, T& ldj) {
  const FlowShape& f = v.shape;
  const int D = f.dim;
  const T* h = stageTape(f, tape, f.stages - 1).out;
  T* affineIn = tape + f.stageTape() * f.stages;
  T* supportIn = affineIn + D;
  if (f.postAffine) {
    const double* a = v.affine();
    for (int i = 0; i < D; ++i) {
      affineIn[i] = h[i];
      supportIn[i] = a[i] * h[i] + a[D + i];
      ldj += ::log(::fabs(a[i]));
    }
  } else {
    for (int i = 0; i < D; ++i) supportIn[i] = h[i];
  }
  for (int i = 0; i < D; ++i) {
    const SupportPoint<T> sp = supportForward(v.kind[i], v.lower[i], v.upper[i], supportIn[i]);
    z[i] = sp.z;
    ldj += sp.logd;
  }
  const T* x = stageTape(f, tape, 0).in;
  T sq(0.0);
  for (int i = 0; i < D; ++i) sq += x[i] * x[i];
  return -0.5 * sq - 0.5 * D * kLog2Pi - ldj;
}

// z = flow(x); returns log q(z). Batch norm takes `bnStats`: the moving statistics for queries.
template <class T>
SLOPPY_HD T pushForward(const FlowView& v, const T* x, T* z, T* tape, T* scratch, const double* bnStats) {
  T* in = stageTape(v.shape, tape, 0).in;
  for (int i = 0; i < v.shape.dim; ++i) in[i] = x[i];
  T ldj(0.0);
  pushStages(v, 0, v.shape.stages, bnStats, tape, scratch, ldj);
  return pushTail(v, tape, z, ldj);
}

// Reverse mode of pushTail for the cotangents zBar (on z) and qBar (on log q): hBar (dim) receives the
// cotangent of the last stage's output, and the cotape the post-affine's share of the weights' gradient.
template <class T>
SLOPPY_HD void pullTail(const FlowView& v, const T* zBar, const T& qBar, const T* tape, T* cotape, T* hBar) {
  const FlowShape& f = v.shape;
  const int D = f.dim;
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
}

// Reverse mode of stage s down to its conditioner's output: the permutation (but for the last stage), then the
// coupling. hBar holds the cotangent of stage s's permuted output (its output for the last stage) and leaves
// with that of the stage input's identity half and moved half's direct path; the cotape receives the
// permutation's and the conditioner output's cotangents.
template <class T>
SLOPPY_HD void pullStageOutput(const FlowView& v, int s, const T& qBar, const T* tape, T* cotape, T* hBar, T* scratch) {
  const FlowShape& f = v.shape;
  const int D = f.dim, d1 = f.d1(), d2 = f.d2();
  T* tmp = scratch;
  const T ldjBar = -qBar;
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
}

// Reverse mode of stages [s0, s1) (permutation, then coupling, from stage s1 − 1 down) of G independent samples:
// hBar[g] holds the cotangent of stage s1 − 1's permuted output (its output for the last stage) and leaves with
// that of stage s0's input; the cotape receives what the weights' gradient is summed from (gradient.h). Splitting
// the pass this way turns the sum over samples into dense outer-product sums instead of a scattered update per
// sample. The conditioners of the G samples run together (mlp.h).
template <class T, int G = 1>
SLOPPY_HD void pullStages(const FlowView& v, int s0, int s1, const T (&qBar)[G], const T* const (&tape)[G],
                          T* const (&cotape)[G], T* const (&hBar)[G], T* const (&scratch)[G]) {
  const FlowShape& f = v.shape;
  for (int s = s1 - 1; s >= s0; --s) {
    const T* hidden[G];
    T* delta[G];
    for (int g = 0; g < G; ++g) {
      pullStageOutput(v, s, qBar[g], tape[g], cotape[g], hBar[g], scratch[g]);
      hidden[g] = stageTape(f, tape[g], s).hidden;
      delta[g] = cotape[g] + f.stageCotape() * s;
    }
    mlpBackward<T, G>(f, v.mlp(s), hidden, delta, hBar);
  }
}
template <class T>
SLOPPY_HD void pullStages(const FlowView& v, int s0, int s1, const T& qBar, const T* tape, T* cotape, T* hBar,
                          T* scratch) {
  const T qBars[1] = {qBar};
  const T* const tapes[1] = {tape};
  T* const cotapes[1] = {cotape};
  T* const hBars[1] = {hBar};
  T* const scratches[1] = {scratch};
  pullStages<T, 1>(v, s0, s1, qBars, tapes, cotapes, hBars, scratches);
}

// The whole reverse mode of one sample, for flows whose stages do not couple samples (no batch norm).
template <class T>
SLOPPY_HD void pullBack(const FlowView& v, const T* zBar, const T& qBar, const T* tape, T* cotape, T* scratch) {
  T* hBar = scratch;
  pullTail(v, zBar, qBar, tape, cotape, hBar);
  pullStages(v, 0, v.shape.stages, qBar, tape, cotape, hBar, scratch + v.shape.dim);
}

}  // namespace sloppy
