// The per-synapse and per-event arithmetic of synaptic sampling (seed 004, Eq. 2 with the noise of Eq. 1 or
// Eq. 3), shared by the CPU and CUDA backends. The teacher term Θ{h_k} − S_k(t) is evaluated at each output
// event: +1 for the label's neuron, −1 for the neuron that fired, so over one presentation synapse (k, i)
// collects  [k = l]·Σ_j (x_i(t_j) − c_ki) − Σ_{j: z_j = k} (x_i(t_j) − c_ki)  with c_ki = min(d_max, α·e^{w_ki}).
#pragma once
#include "../core/fastmath.h"
#include "params.h"

namespace sloppy {
namespace syn {

SLOPPY_HD double weightOf(const SynParams& p, double theta) { return fm::exp(theta - p.theta0); }

// α·e^w capped at d_max: the Poisson normaliser of the potential, the subtracted rate in Eq. 2, and (scaled
// by N) the variance of Eq. 3's noise.
SLOPPY_HD double normaliserOf(const SynParams& p, double w) {
  const double c = p.alpha * fm::exp(w);
  return c < p.dMax ? c : p.dMax;
}

SLOPPY_HD double clipTheta(const SynParams& p, double theta) {
  return theta < p.thetaMin ? p.thetaMin : (theta > p.thetaMax ? p.thetaMax : theta);
}

// The likelihood step of one synapse for a summed teacher signal: `gain` is Σ over the events counted of
// ±(x_i(t_j) − c), as in the header comment.
SLOPPY_HD double likelihoodStep(const SynParams& p, double w, double gain) {
  return p.likelihood ? p.b * p.n * w * gain : 0.0;
}

// gain of synapse (k, i) over a presentation from its sums: all events' traces (to the label's row) and the
// events won by k.
SLOPPY_HD double presentationGain(bool isLabel, double sumAll, int events, double sumOwn, int own, double c) {
  return (isLabel ? sumAll - events * c : 0.0) - (sumOwn - own * c);
}

// The prior drift over one presentation plus the noise, from a standard normal ξ: standard noise has
// variance 1 per unit time, Eq. 3's N·c; both inside the prefactor √(2b) (Eq. 1) or b (Eq. 2 as printed).
// Itô: drift and noise are evaluated at the presentation's starting weights.
SLOPPY_HD double priorNoiseStep(const SynParams& p, double theta, double c, double xi) {
  const double T = p.presentation;
  double step = p.prior ? p.b / (p.sigma * p.sigma) * (p.mu - theta) * T : 0.0;
  if (p.noise != SynNoise::None) {
    const double prefactor = p.literalPrefactor ? p.b : ::sqrt(2.0 * p.b);
    const double variance = p.noise == SynNoise::WeightDependent ? p.n * c : 1.0;
    step += prefactor * ::sqrt(variance * T) * xi;
  }
  return step;
}

// θ after one output event under per-event updating: `sign` is +1 on the label's row, −1 on the winner's.
SLOPPY_HD double eventUpdate(const SynParams& p, double theta, double w, double c, double x, double sign) {
  return clipTheta(p, theta + likelihoodStep(p, w, sign * (x - c)));
}

// θ at the end of a presentation: the prior drift and noise plus `likelihood`, the presentation's summed
// teacher step under per-sample updating (0 under per-event updating, whose steps came at the events).
SLOPPY_HD double presentationUpdate(const SynParams& p, double theta, double c, double xi, double likelihood) {
  return clipTheta(p, theta + (priorNoiseStep(p, theta, c, xi) + likelihood));
}

// The winner of an output event: k with probability softmax(u)_k, chosen by one uniform in (0, 1].
SLOPPY_HD int pickWinner(const double* u, int classes, double uniform) {
  double top = u[0];
  for (int k = 1; k < classes; ++k) top = u[k] > top ? u[k] : top;
  double weights[kSynMaxClasses];
  double total = 0.0;
  for (int k = 0; k < classes; ++k) {
    weights[k] = fm::exp(u[k] - top);
    total += weights[k];
  }
  const double target = uniform * total;
  double cumulative = 0.0;
  for (int k = 0; k < classes - 1; ++k) {
    cumulative += weights[k];
    if (target <= cumulative) return k;
  }
  return classes - 1;
}

// The predicted label: the output that fired most, ties broken by one uniform; −1 when no output fired
// (a silent presentation counts as wrong).
SLOPPY_HD int predictLabel(const int* counts, int classes, double uniform) {
  int best = 0, ties = 0;
  for (int k = 0; k < classes; ++k) {
    if (counts[k] > best) {
      best = counts[k];
      ties = 1;
    } else if (counts[k] == best) {
      ++ties;
    }
  }
  if (best == 0) return -1;
  int pick = static_cast<int>((1.0 - uniform) * ties);
  pick = pick < ties ? pick : ties - 1;
  for (int k = 0; k < classes; ++k) {
    if (counts[k] == best && pick-- == 0) return k;
  }
  return -1;
}

}  // namespace syn
}  // namespace sloppy
