// The synaptic-sampling winner-take-all network (seed 004, after Kappel et al. 2015): every constant of the
// model in one plain struct, copied by value into CUDA kernels. Defaults are those of
// shared/reference/seed004-notes.md; lib/synaptic/options.ts documents and validates each one.
#pragma once
#include "../core/hd.h"

namespace sloppy {

enum class SynNoise : int { None = 0, Standard = 1, WeightDependent = 2 };
enum class SynPotential : int { Normalised = 0, Literal = 1 };
enum class SynUpdate : int { PerSample = 0, PerEvent = 1 };

// The native kernels keep a per-event potential vector and per-class state in fixed arrays.
constexpr int kSynMaxClasses = 32;

struct SynParams {
  // Task and input.
  int classes = 10;             // C = K: one output neuron per class
  int inputs = 1000;            // I
  double presentation = 0.2;    // T, seconds per sample
  double meanCentre = 0.5;      // cluster means m_c ~ N(meanCentre, meanSpread²) per coordinate
  double meanSpread = 0.2;
  double clusterSpread = 0.04;  // A_c = clusterSpread·I₃ + clusterSkew·Ξ_c
  double clusterSkew = 0.01;
  double baseRate = 2.0;        // ν_i(y) = baseRate + peakRate·exp(−‖y − c_i‖²/width²), Hz
  double peakRate = 80.0;
  double width = 0.3;
  double tauDecay = 0.02;       // EPSP kernel exp(−t/τ_d) − exp(−t/τ_r), seconds
  double tauRise = 0.002;
  // Winner-take-all output.
  double outputRate = 100.0;    // total output rate, Hz
  SynPotential potential = SynPotential::Normalised;
  // Synapses and plasticity.
  double theta0 = 3.0;          // w = exp(θ − θ₀)
  double b = 1e-4;              // learning rate, 1/s
  double mu = 0.5;              // prior N(μ, σ²)
  double sigma = 1.0;
  double alpha = 0.1353352832366127;  // e⁻²
  double n = 100.0;             // N of Eq. 2 and Eq. 3
  double dMax = 5.0;            // cap of α·e^w
  double thetaMin = -5.0;
  double thetaMax = 4.283414346005772;  // θ₀ + ln ln(d_max/α)
  bool likelihood = true;       // the teacher-driven term of Eq. 2 (off only for diagnostics)
  bool prior = true;            // the prior term of Eq. 2 (off only for diagnostics)
  SynNoise noise = SynNoise::None;
  bool literalPrefactor = false;  // b·dW as Eq. 2 prints it, instead of Eq. 1's √(2b)·dW
  SynUpdate update = SynUpdate::PerSample;
};

SLOPPY_HD int synapseCount(const SynParams& p) { return p.classes * p.inputs; }

// Room for the output events of one presentation: their count is Poisson(λ = rate·T), and λ + 10√λ + 24 is
// exceeded with probability below 1e-18 at every λ; a run that does exceed it stops with an error.
SLOPPY_HD int eventCapacity(const SynParams& p) {
  const double lambda = p.outputRate * p.presentation;
  return static_cast<int>(lambda + 10.0 * ::sqrt(lambda) + 24.0);
}

}  // namespace sloppy
