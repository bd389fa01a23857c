// The CPU backend of synaptic sampling: each run is one sequential event-driven simulation; runs are spread
// over the thread pool, in slabs of one curve interval so that progress and cancellation come between
// slabs. Per presentation: output-event times first (they do not depend on the network), then each input's
// spikes and its EPSP trace at those times (an events × inputs matrix), then the events in order, each a
// softmax draw over the K potentials.
#include <algorithm>
#include <limits>
#include <vector>

#include "../core/cpu_kernel.h"
#include "../core/errors.h"
#include "../core/lanes.h"
#include "../core/thread_pool.h"
#include "../sde/job.h"
#include "geometry.h"
#include "plasticity.h"
#include "synaptic.h"

namespace sloppy {
namespace {

using namespace syn;

// What a run carries from one presentation to the next.
struct RunState {
  uint64_t run = 0;
  std::vector<double> theta, w, c;  // classes × inputs
  std::vector<double> norm;         // classes: Σ_i c_ki
  std::vector<double> centres;      // inputs × 3
  std::vector<double> decayState, riseState;  // inputs: the EPSP components, carried across presentations
  int correct = 0, seen = 0;
  double events = 0;
};

// Per-thread scratch for one presentation.
struct Scratch {
  std::vector<double> x, times, choices, decay, rise, sumAll, sumOwn, normals;
  explicit Scratch(const SynParams& p) {
    const int cap = eventCapacity(p), I = p.inputs;
    x.resize(static_cast<size_t>(cap) * I);
    times.resize(cap + 1);
    choices.resize(cap + 1);
    decay.resize(cap + 1);
    rise.resize(cap + 1);
    sumAll.resize(I);
    sumOwn.resize(static_cast<size_t>(synapseCount(p)));
    normals.resize(static_cast<size_t>(synapseCount(p)));
  }
};

// Σ a_i·b_i in eight interleaved partial sums: a fixed order (the same numbers on every machine) that the
// compiler can still vectorise, which one running sum (a strict dependency chain) would forbid.
SLOPPY_LANE_INLINE double dot(const double* a, const double* b, int n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int l = 0; l < 8; ++l) acc[l] += a[i + l] * b[i + l];
  }
  for (; i < n; ++i) acc[i % 8] += a[i] * b[i];
  return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

SLOPPY_LANE_INLINE double sum(const double* a, int n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int l = 0; l < 8; ++l) acc[l] += a[i + l];
  }
  for (; i < n; ++i) acc[i % 8] += a[i];
  return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

SLOPPY_LANE_INLINE void refreshRow(const SynParams& p, RunState& s, int k) {
  const int I = p.inputs;
  const double* th = s.theta.data() + k * I;
  double* w = s.w.data() + k * I;
  double* c = s.c.data() + k * I;
  for (int i = 0; i < I; ++i) {
    w[i] = weightOf(p, th[i]);
    c[i] = normaliserOf(p, w[i]);
  }
  s.norm[k] = sum(c, I);
}

RunState initialState(const SynJob& job, uint64_t run) {
  const SynParams& p = job.params;
  const int I = p.inputs, S = synapseCount(p);
  RunState s;
  s.run = run;
  s.theta.resize(S);
  s.w.resize(S);
  s.c.resize(S);
  s.norm.resize(p.classes);
  s.centres.resize(3 * I);
  s.decayState.assign(I, 0.0);
  s.riseState.assign(I, 0.0);
  for (int q = 0; q < S; ++q) s.theta[q] = clipTheta(p, drawTheta(p, job.seed, run, q));
  for (int k = 0; k < p.classes; ++k) refreshRow(p, s, k);
  for (int i = 0; i < I; ++i) drawCentre(job.seed, run, i, s.centres.data() + 3 * i);
  return s;
}

// One presentation; learns when `learn`. Compiled for AVX-512, AVX2 and baseline x86-64, chosen at load.
// Returns the predicted label (−1: silent); sets `counts` (events won per output), `events` and the
// presentation's `label`.
SLOPPY_CPU_KERNEL
int present(const SynJob& job, RunState& s, Scratch& z, bool test, int64_t index, bool learn, double* decayState,
            double* riseState, int* counts, int& events, int& label) {
  const SynParams& p = job.params;
  const int I = p.inputs, K = p.classes;
  const uint32_t step = test ? testStep(static_cast<int>(index)) : trainStep(index);
  double y[3];
  label = presentationStimulus(p, job.seed, s.run, test, index, job.means.empty() ? nullptr : job.means.data(), y);
  events = drawEvents(p, job.seed, s.run, step, z.times.data(), z.choices.data(), eventCapacity(p));
  if (events < 0) throw CodedError("ERR_NATIVE", "a presentation had more output events than the kernels hold");
  eventDecays(p, z.times.data(), events, z.decay.data(), z.rise.data());
  for (int i = 0; i < I; ++i) {
    const double rate = inputRate(p, s.centres.data() + 3 * i, y);
    inputTrace(p, job.seed, s.run, step, i, rate, z.times.data(), events, z.decay.data(), z.rise.data(),
               decayState[i], riseState[i], z.x.data() + i, I);
  }
  const bool perSample = learn && p.update == SynUpdate::PerSample;
  const bool perEvent = learn && p.update == SynUpdate::PerEvent && p.likelihood;
  if (perSample) {
    std::fill(z.sumAll.begin(), z.sumAll.end(), 0.0);
    std::fill(z.sumOwn.begin(), z.sumOwn.end(), 0.0);
  }
  const bool normalised = p.potential == SynPotential::Normalised;
  for (int k = 0; k < K; ++k) counts[k] = 0;
  double u[kSynMaxClasses];
  for (int j = 0; j < events; ++j) {
    const double* xj = z.x.data() + static_cast<size_t>(j) * I;
    for (int k = 0; k < K; ++k) {
      const double potential = dot(s.w.data() + k * I, xj, I);
      u[k] = normalised ? potential - s.norm[k] : potential;
    }
    const int winner = pickWinner(u, K, z.choices[j]);
    ++counts[winner];
    if (perSample) {
      double* own = z.sumOwn.data() + winner * I;
      for (int i = 0; i < I; ++i) {
        z.sumAll[i] += xj[i];
        own[i] += xj[i];
      }
    } else if (perEvent && winner != label) {
      for (int side = 0; side < 2; ++side) {
        const int k = side == 0 ? label : winner;
        const double sign = side == 0 ? 1.0 : -1.0;
        double* th = s.theta.data() + k * I;
        const double* w = s.w.data() + k * I;
        const double* c = s.c.data() + k * I;
        for (int i = 0; i < I; ++i) th[i] = eventUpdate(p, th[i], w[i], c[i], xj[i], sign);
        refreshRow(p, s, k);
      }
    }
  }
  if (learn) {
    const bool noisy = p.noise != SynNoise::None;
    if (noisy) fillNormals(rngOf(job.seed, s.run, kNoiseChannel), step, z.normals.data(), synapseCount(p));
    for (int k = 0; k < K; ++k) {
      double* th = s.theta.data() + k * I;
      const double* w = s.w.data() + k * I;
      const double* c = s.c.data() + k * I;
      const double* own = z.sumOwn.data() + k * I;
      const double* xi = z.normals.data() + k * I;
      for (int i = 0; i < I; ++i) {
        const double likelihood =
            perSample ? likelihoodStep(p, w[i], presentationGain(k == label, z.sumAll[i], events, own[i], counts[k], c[i])) : 0.0;
        th[i] = presentationUpdate(p, th[i], c[i], noisy ? xi[i] : 0.0, likelihood);
      }
      refreshRow(p, s, k);
    }
  }
  return predictLabel(counts, K, tieUniform(job.seed, s.run, step));
}

// The frozen network on the held-out set (its EPSP traces start at rest); fills `confusion` when given.
double testAccuracy(const SynJob& job, RunState& s, Scratch& z, double* confusion) {
  const SynParams& p = job.params;
  std::vector<double> a(p.inputs, 0.0), r(p.inputs, 0.0);
  int counts[kSynMaxClasses];
  const int total = job.testPerClass * p.classes;
  int correct = 0, events = 0, label = 0;
  for (int t = 0; t < total; ++t) {
    const int predicted = present(job, s, z, true, t, false, a.data(), r.data(), counts, events, label);
    correct += predicted == label;
    if (confusion != nullptr) confusion[label * (p.classes + 1) + (predicted < 0 ? p.classes : predicted)] += 1;
  }
  return static_cast<double>(correct) / total;
}

}  // namespace

SynResult synResultFor(const SynJob& job) {
  const int points = static_cast<int>((job.samples + job.curveEvery - 1) / job.curveEvery) + 1, K = job.params.classes;
  SynResult r;
  r.curvePoints = points;
  for (int k = 0; k < points; ++k) r.curveSamples.push_back(static_cast<double>(curveSample(job.samples, job.curveEvery, k)));
  r.trainAccuracy.assign(job.runs * points, std::numeric_limits<double>::quiet_NaN());
  r.outputRate.assign(job.runs * points, std::numeric_limits<double>::quiet_NaN());
  r.testAccuracy.resize(job.runs * points);
  r.confusion.assign(job.runs * K * (K + 1), 0.0);
  return r;
}


SynResult synapticCpu(const SynJob& job) {
  const SynParams& p = job.params;
  const int S = synapseCount(p), K = p.classes;
  SynResult r = synResultFor(job);
  const int points = r.curvePoints;
  std::vector<RunState> states(job.runs);
  parallelFor(job.runs, 1, job.threads, [&](int64_t begin, int64_t end) {
    Scratch z(p);
    for (int64_t n = begin; n < end; ++n) {
      states[n] = initialState(job, job.firstRun + n);
      r.testAccuracy[n * points] = testAccuracy(job, states[n], z, points == 1 ? r.confusion.data() + n * K * (K + 1) : nullptr);
    }
  });
  if (job.weights) {
    r.thetaInitial.resize(job.runs * S);
    for (int64_t n = 0; n < job.runs; ++n) std::copy(states[n].theta.begin(), states[n].theta.end(), r.thetaInitial.begin() + n * S);
  }
  for (int k = 1; k < points; ++k) {
    throwIfCancelled(job.cancelled);
    const int64_t from = curveSample(job.samples, job.curveEvery, k - 1), to = curveSample(job.samples, job.curveEvery, k);
    parallelFor(job.runs, 1, job.threads, [&](int64_t begin, int64_t end) {
      Scratch z(p);
      int counts[kSynMaxClasses];
      for (int64_t n = begin; n < end; ++n) {
        RunState& s = states[n];
        int correct = 0, events = 0, label = 0;
        double totalEvents = 0;
        for (int64_t t = from; t < to; ++t) {
          if ((t & 63) == 0) throwIfCancelled(job.cancelled);
          const int predicted = present(job, s, z, false, t, true, s.decayState.data(), s.riseState.data(), counts, events, label);
          correct += predicted == label;
          totalEvents += events;
        }
        r.trainAccuracy[n * points + k] = static_cast<double>(correct) / (to - from);
        r.outputRate[n * points + k] = totalEvents / (to - from);
        r.testAccuracy[n * points + k] = testAccuracy(job, s, z, k == points - 1 ? r.confusion.data() + n * K * (K + 1) : nullptr);
      }
    });
    if (job.progress) job.progress(static_cast<double>(k) / (points - 1));
  }
  if (job.weights) {
    r.theta.resize(job.runs * S);
    for (int64_t n = 0; n < job.runs; ++n) std::copy(states[n].theta.begin(), states[n].theta.end(), r.theta.begin() + n * S);
  }
  return r;
}

SynProbeResult synapticProbe(const SynProbeJob& job) {
  const SynParams& p = job.params;
  const int I = p.inputs;
  SynProbeResult r;
  r.centres.resize(3 * I);
  r.rates.resize(I);
  r.counts.assign(I, 0.0);
  const double* means = job.means.empty() ? nullptr : job.means.data();
  for (int c = 0; c < p.classes; ++c) {
    const Cluster cl = clusterOf(p, job.seed, job.run, c, means);
    r.means.insert(r.means.end(), cl.mean, cl.mean + 3);
    r.shapes.insert(r.shapes.end(), cl.shape, cl.shape + 9);
  }
  // With no output events the trace is never read: only the spike counts matter here.
  const double none = 0.0;
  double x = 0.0;
  for (int i = 0; i < I; ++i) {
    drawCentre(job.seed, job.run, i, r.centres.data() + 3 * i);
    r.rates[i] = inputRate(p, r.centres.data() + 3 * i, job.stimulus);
    double a = 0.0, b = 0.0;
    for (int t = 0; t < job.presentations; ++t) {
      r.counts[i] += inputTrace(p, job.seed, job.run, trainStep(t), i, r.rates[i], &none, 0, &none, &none, a, b, &x, 0);
    }
  }
  return r;
}

}  // namespace sloppy
