// Every random number of a synaptic-sampling run, keyed by (seed, run, channel, step, draw) so that a run
// draws the same clusters, stimuli, input spikes, output-event times and noise whatever the noise mode,
// the update scheme, the batch it is in or the backend: comparisons between modes are paired (common random
// numbers), and CPU and GPU agree. The channel rides in the generator's trial field, the presentation in
// its step field: training sample s is step s, held-out test sample t is step 2³¹ + t.
#pragma once
#include "../core/fastmath.h"
#include "../core/rng.h"
#include "params.h"

namespace sloppy {
namespace syn {

// Channels of one run. Input neuron i uses kInputChannel + i.
constexpr int kStimulusChannel = 0;  // ξ of the stimulus (Initial stream)
constexpr int kLabelChannel = 1;     // the training label (Initial stream)
constexpr int kEventChannel = 2;     // output-event gaps and winner draws (Dynamics stream)
constexpr int kTieChannel = 3;       // ties between the most active outputs (Dynamics stream)
constexpr int kNoiseChannel = 4;     // synaptic noise (Dynamics stream)
constexpr int kInputChannel = 8;
// Quenched draws (channel 0), by step.
constexpr uint32_t kCentresStep = 0, kMeansStep = 1, kShapesStep = 2, kThetaStep = 3;
constexpr uint32_t kTestStep = 0x80000000u;

SLOPPY_HD PathRng rngOf(uint64_t seed, uint64_t run, int channel) { return makePathRng(seed, run, channel); }

// Normal `index` of PathRng::normals(step, stream, …), drawn alone: for a thread that needs just its own.
SLOPPY_HD double normalAt(const PathRng& r, uint32_t step, int index, Stream stream) {
  const Philox4x32 b = r.block(step, static_cast<uint32_t>(index / 2), stream);
  double first, second;
  boxMuller(uniform_open0(b.v[0], b.v[1]), uniform_open0(b.v[2], b.v[3]), first, second);
  return index % 2 == 0 ? first : second;
}

// Synaptic noise ξ of synapse `index` (k·I + i) at a presentation: normal `index` of the noise channel.
SLOPPY_HD double noiseAt(uint64_t seed, uint64_t run, uint32_t step, int index) {
  return normalAt(rngOf(seed, run, kNoiseChannel), step, index, Stream::Dynamics);
}

SLOPPY_HD uint32_t trainStep(int64_t sample) { return static_cast<uint32_t>(sample); }
SLOPPY_HD uint32_t testStep(int sample) { return kTestStep + static_cast<uint32_t>(sample); }

// A cluster's geometry: mean m (3) and shape A (3 × 3, row-major), y = m + A·ξ.
struct Cluster {
  double mean[3];
  double shape[9];
};

// Cluster c of a run, from the quenched stream (explicit means, when given, replace the drawn ones).
SLOPPY_HD Cluster drawCluster(const SynParams& p, uint64_t seed, uint64_t run, int c) {
  const PathRng q = rngOf(seed, run, 0);
  Cluster out;
  // Three normals per cluster (the means) and nine (the shape), each cluster from its own draw blocks.
  double m[4], s[10];
  for (int k = 0; k < 2; ++k) {
    const Philox4x32 r = q.block(kMeansStep, static_cast<uint32_t>(2 * c + k), Stream::Quenched);
    boxMuller(uniform_open0(r.v[0], r.v[1]), uniform_open0(r.v[2], r.v[3]), m[2 * k], m[2 * k + 1]);
  }
  for (int k = 0; k < 5; ++k) {
    const Philox4x32 r = q.block(kShapesStep, static_cast<uint32_t>(5 * c + k), Stream::Quenched);
    boxMuller(uniform_open0(r.v[0], r.v[1]), uniform_open0(r.v[2], r.v[3]), s[2 * k], s[2 * k + 1]);
  }
  for (int d = 0; d < 3; ++d) out.mean[d] = p.meanCentre + p.meanSpread * m[d];
  for (int e = 0; e < 9; ++e) out.shape[e] = p.clusterSkew * s[e] + (e % 4 == 0 ? p.clusterSpread : 0.0);
  return out;
}

// The tuning-curve centre of input i, uniform in [0, 1]³.
SLOPPY_HD void drawCentre(uint64_t seed, uint64_t run, int i, double* centre) {
  const PathRng q = rngOf(seed, run, 0);
  const Philox4x32 r0 = q.block(kCentresStep, static_cast<uint32_t>(2 * i), Stream::Quenched);
  const Philox4x32 r1 = q.block(kCentresStep, static_cast<uint32_t>(2 * i + 1), Stream::Quenched);
  centre[0] = 1.0 - uniform_open0(r0.v[0], r0.v[1]);
  centre[1] = 1.0 - uniform_open0(r0.v[2], r0.v[3]);
  centre[2] = 1.0 - uniform_open0(r1.v[0], r1.v[1]);
}

// The initial θ of synapse `index` (k·I + i), from the prior N(μ, σ²).
SLOPPY_HD double drawTheta(const SynParams& p, uint64_t seed, uint64_t run, int index) {
  return p.mu + p.sigma * normalAt(rngOf(seed, run, 0), kThetaStep, index, Stream::Quenched);
}

// The label of a presentation: uniform for training, class t mod C for test sample t (a balanced set).
SLOPPY_HD int drawLabel(const SynParams& p, uint64_t seed, uint64_t run, uint32_t step, bool test, int index) {
  if (test) return index % p.classes;
  const Philox4x32 r = rngOf(seed, run, kLabelChannel).block(step, 0, Stream::Initial);
  const int c = static_cast<int>((1.0 - uniform_open0(r.v[0], r.v[1])) * p.classes);
  return c < p.classes ? c : p.classes - 1;
}

// The stimulus of a presentation in its cluster: y = m + A·ξ.
SLOPPY_HD void drawStimulus(const Cluster& cluster, uint64_t seed, uint64_t run, uint32_t step, double* y) {
  double xi[4];
  rngOf(seed, run, kStimulusChannel).normals(step, Stream::Initial, xi, 3);
  for (int d = 0; d < 3; ++d) {
    y[d] = cluster.mean[d];
    for (int e = 0; e < 3; ++e) y[d] += cluster.shape[3 * d + e] * xi[e];
  }
}

// Input i's rate for stimulus y (Hz).
SLOPPY_HD double inputRate(const SynParams& p, const double* centre, const double* y) {
  double d2 = 0.0;
  for (int d = 0; d < 3; ++d) d2 += (y[d] - centre[d]) * (y[d] - centre[d]);
  return p.baseRate + p.peakRate * fm::exp(-d2 / (p.width * p.width));
}

// The output events of one presentation, independent of the network: times (a Poisson process of rate
// outputRate on [0, T)) and one uniform each for the winner. Returns their number, or −1 past `capacity`.
SLOPPY_HD int drawEvents(const SynParams& p, uint64_t seed, uint64_t run, uint32_t step, double* times,
                         double* choices, int capacity) {
  const PathRng r = rngOf(seed, run, kEventChannel);
  double t = 0.0;
  for (int k = 0;; ++k) {
    const Philox4x32 b = r.block(step, static_cast<uint32_t>(k), Stream::Dynamics);
    t += -fm::log(uniform_open0(b.v[0], b.v[1])) / p.outputRate;
    if (t >= p.presentation) return k;
    if (k == capacity) return -1;
    times[k] = t;
    choices[k] = uniform_open0(b.v[2], b.v[3]);
  }
}

// n normals of the Dynamics stream at `step`, exactly PathRng::normals's (and normalAt's), eight Philox blocks at a time so
// that the CPU vectorises the generator (the noise of one presentation is K·I normals).
inline void fillNormals(const PathRng& r, uint32_t step, double* out, int n) {
  constexpr int W = 8;
  const int blocks = (n + 1) / 2;
  int b = 0;
  for (; b + W <= blocks; b += W) {
    uint32_t c[4][W], k0[W], k1[W];
    for (int l = 0; l < W; ++l) {
      c[0][l] = step;
      c[1][l] = static_cast<uint32_t>(b + l);
      c[2][l] = (r.trial << 2) | static_cast<uint32_t>(Stream::Dynamics);
      c[3][l] = r.seedHi;
      k0[l] = r.seedLo;
      k1[l] = r.set;
    }
    philox4x32_10<W>(c, k0, k1);
    double first[W], second[W];
    for (int l = 0; l < W; ++l) {
      boxMuller(uniform_open0(c[0][l], c[1][l]), uniform_open0(c[2][l], c[3][l]), first[l], second[l]);
    }
    for (int l = 0; l < W; ++l) {
      out[2 * (b + l)] = first[l];
      if (2 * (b + l) + 1 < n) out[2 * (b + l) + 1] = second[l];
    }
  }
  for (; b < blocks; ++b) {
    const Philox4x32 q = r.block(step, static_cast<uint32_t>(b), Stream::Dynamics);
    double second;
    boxMuller(uniform_open0(q.v[0], q.v[1]), uniform_open0(q.v[2], q.v[3]), out[2 * b], second);
    if (2 * b + 1 < n) out[2 * b + 1] = second;
  }
}

// One uniform in (0, 1] for breaking a tie in the prediction.
SLOPPY_HD double tieUniform(uint64_t seed, uint64_t run, uint32_t step) {
  const Philox4x32 b = rngOf(seed, run, kTieChannel).block(step, 0, Stream::Dynamics);
  return uniform_open0(b.v[0], b.v[1]);
}

// The factors by which both EPSP components decay from one event to the next: entry j covers
// (t_{j−1}, t_j] with t_{−1} = 0, and entry M the rest of the presentation up to T.
SLOPPY_HD void eventDecays(const SynParams& p, const double* times, int events, double* decay, double* rise) {
  double previous = 0.0;
  for (int j = 0; j <= events; ++j) {
    const double t = j < events ? times[j] : p.presentation;
    decay[j] = fm::exp(-(t - previous) / p.tauDecay);
    rise[j] = fm::exp(-(t - previous) / p.tauRise);
    previous = t;
  }
}

// Input i over one presentation: its Poisson spikes (exponential gaps), and its EPSP trace x_i at every
// output event, x_i(t) = Σ_{s<t} [e^{−(t−s)/τ_d} − e^{−(t−s)/τ_r}], written to x[j·stride]. The two
// components (decayState, riseState) carry over from the previous presentation and are left at its end.
// Returns the number of spikes.
SLOPPY_HD int inputTrace(const SynParams& p, uint64_t seed, uint64_t run, uint32_t step, int i, double rate,
                         const double* times, int events, const double* decay, const double* rise,
                         double& decayState, double& riseState, double* x, int64_t stride) {
  const PathRng r = rngOf(seed, run, kInputChannel + i);
  uint32_t block = 0;
  double gaps[2];
  int gap = 2;
  auto nextGap = [&]() {
    if (gap == 2) {
      const Philox4x32 b = r.block(step, block++, Stream::Dynamics);
      gaps[0] = -fm::log(uniform_open0(b.v[0], b.v[1])) / rate;
      gaps[1] = -fm::log(uniform_open0(b.v[2], b.v[3])) / rate;
      gap = 0;
    }
    return gaps[gap++];
  };
  double a = decayState, c = riseState;
  double spike = nextGap();
  int spikes = 0;
  for (int j = 0; j <= events; ++j) {
    const double t = j < events ? times[j] : p.presentation;
    a *= decay[j];
    c *= rise[j];
    for (; spike < t; spike += nextGap(), ++spikes) {
      a += fm::exp(-(t - spike) / p.tauDecay);
      c += fm::exp(-(t - spike) / p.tauRise);
    }
    if (j < events) x[j * stride] = a - c;
  }
  decayState = a;
  riseState = c;
  return spikes;
}

}  // namespace syn
}  // namespace sloppy
