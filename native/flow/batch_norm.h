// Batch norm after a permutation (the EPI reference's bijector), per coordinate i:
//   y_i = γ_i·(x_i − μ_i)/σ_i + β_i,   σ_i = √(v_i + ε),   log|det| = Σ log|γ_i| − ½ Σ log(v_i + ε),
// normalising in the sampling direction. Training takes (μ, v) from the batch (its mean and biased variance),
// so every sample's output depends on the whole batch; every query of the trained flow takes the moving
// statistics, which makes the layer a fixed affine map and sample and density one consistent distribution.
// Statistics arrays hold per layer the mean (D) then the variance (D), as the moving block of the weights does.
#pragma once
#include <cstdint>

#include "layout.h"

namespace sloppy {

// Layer s's statistics inside an array of every layer's.
SLOPPY_HD const double* bnStatsOf(const FlowShape& f, const double* stats, int s) {
  return stats + 2 * static_cast<int64_t>(f.dim) * s;
}

// The layer's log-determinant: one number, the same for every sample. `gb` holds γ (D) then β (D).
SLOPPY_HD double batchNormLogDet(const FlowShape& f, const double* gb, const double* stats) {
  double ldj = 0.0;
  for (int i = 0; i < f.dim; ++i) ldj += ::log(::fabs(gb[i])) - 0.5 * ::log(stats[f.dim + i] + f.bnEpsilon);
  return ldj;
}

template <class T>
SLOPPY_HD void batchNormForward(const FlowShape& f, const double* gb, const double* stats, const T* x, T* y) {
  const int D = f.dim;
  for (int i = 0; i < D; ++i) y[i] = (x[i] - stats[i]) * (gb[i] / ::sqrt(stats[D + i] + f.bnEpsilon)) + gb[D + i];
}

// x from y, in place when x == y.
template <class T>
SLOPPY_HD void batchNormInverse(const FlowShape& f, const double* gb, const double* stats, const T* y, T* x) {
  const int D = f.dim;
  for (int i = 0; i < D; ++i) x[i] = (y[i] - gb[D + i]) * (::sqrt(stats[D + i] + f.bnEpsilon) / gb[i]) + stats[i];
}

// x̂_i = (x_i − μ_i)/σ_i, σ_i = √(v_i + ε): coordinate i normalised by the statistics.
template <class T>
SLOPPY_HD T batchNormHat(const FlowShape& f, const double* stats, int i, const T& x) {
  return (x - stats[i]) / ::sqrt(stats[f.dim + i] + f.bnEpsilon);
}

// One sample's share of the batch statistics: pass 0 adds valid·x to acc (the mean's sum); pass 1, given the
// mean in stats, adds valid·(x − μ)² (the biased variance's sum). `valid` is 1 for a batch sample and 0 for
// padding.
template <class T>
SLOPPY_HD void batchNormMoments(const FlowShape& f, int pass, const double* stats, const T* x, const T& valid, T* acc) {
  for (int i = 0; i < f.dim; ++i) {
    const T d = pass == 0 ? x[i] : x[i] - stats[i];
    acc[i] += (pass == 0 ? d : d * d) * valid;
  }
}

// One sample's share of the sums that the reverse mode through the batch statistics needs: acc[i] += ȳ_i and
// acc[D + i] += ȳ_i·x̂_i, x̂ = (x − μ)/σ.
template <class T>
SLOPPY_HD void batchNormCotangentSums(const FlowShape& f, const double* stats, const T* x, const T* yBar, T* acc) {
  const int D = f.dim;
  for (int i = 0; i < D; ++i) {
    acc[i] += yBar[i];
    acc[D + i] += yBar[i] * batchNormHat(f, stats, i, x[i]);
  }
}

// Reverse mode of a training layer for one sample, bar = ȳ in, x̄ out, with the batch of n samples:
//   x̄_i = valid·[γ_i/σ_i·(ȳ_i − S_i/n − x̂_i·Q_i/n) − x̂_i·ℓ̄/(n·σ_i)],
// S = Σ ȳ and Q = Σ ȳ·x̂ over the batch (sums, as batchNormCotangentSums fills), and ℓ̄ the summed cotangent of
// the layer's log-determinant, which depends on every sample through the variance.
template <class T>
SLOPPY_HD void batchNormBackward(const FlowShape& f, const double* gb, const double* stats, const double* sums, double n,
                                 double ldjBar, const T* x, const T& valid, T* bar) {
  const int D = f.dim;
  for (int i = 0; i < D; ++i) {
    const double sigma = ::sqrt(stats[D + i] + f.bnEpsilon);
    const T xHat = batchNormHat(f, stats, i, x[i]);
    bar[i] = ((bar[i] - sums[i] / n - xHat * (sums[D + i] / n)) * (gb[i] / sigma) - xHat * (ldjBar / (n * sigma))) * valid;
  }
}

// γ̄ and β̄ of a training layer from the same sums: γ̄_i = Q_i + ℓ̄/γ_i, β̄_i = S_i; added to g (γ then β).
SLOPPY_HD void batchNormWeightGradient(const FlowShape& f, const double* gb, const double* sums, double ldjBar,
                                       double* g) {
  for (int i = 0; i < f.dim; ++i) {
    g[i] += sums[f.dim + i] + ldjBar / gb[i];
    g[f.dim + i] += sums[i];
  }
}

// The moving statistics after a training step: moving ← momentum·moving + (1 − momentum)·batch, every layer.
SLOPPY_HD void batchNormUpdateMoving(const FlowShape& f, const double* batch, double* moving) {
  const int64_t count = static_cast<int64_t>(f.bnLayers()) * 2 * f.dim;
  for (int64_t k = 0; k < count; ++k) moving[k] = f.bnMomentum * moving[k] + (1.0 - f.bnMomentum) * batch[k];
}

}  // namespace sloppy
