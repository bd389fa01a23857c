// Synaptic sampling on the GPU: one thread block per run. The threads share a run's inputs: each computes
// the spikes and EPSP traces of its inputs, its part of every potential Σ_i w_ki x_i (summed across the
// block in shared memory), and the plasticity of its synapses; thread 0 draws each event's winner. The
// per-element math is native/synaptic/'s, as on the CPU; sums run in another order, so results agree with
// the CPU to rounding (a winner changes only when a uniform falls within rounding of a softmax boundary).
#include <cmath>
#include <vector>

#include "../core/errors.h"
#include "../sde/job.h"
#include "../synaptic/geometry.h"
#include "../synaptic/plasticity.h"
#include "../synaptic/synaptic.h"
#include "check.cuh"

namespace sloppy {
namespace {

using namespace syn;

constexpr int kThreads = 128;

// A run's slices of the batch's device buffers.
struct DeviceRuns {
  SynParams p;
  uint64_t seed, firstRun;
  int cap;
  const double* means;                        // classes × 3 or null
  double *theta, *w, *c;                      // runs × S
  double *sumOwn;                             // runs × S
  double *sumAll, *decayState, *riseState;    // runs × I
  double *testDecay, *testRise;               // runs × I
  double *centres;                            // runs × I × 3
  double *x;                                  // runs × cap × I
  double *events;                             // runs × 4 (cap + 1): times, choices, decays, rises
  double *norm;                               // runs × classes
  int *fault;                                 // set when a presentation exceeds the event capacity
};

// Sums values[k] (k < K) over the block into out[k]; every thread must call it.
__device__ void blockSums(const double* values, int K, double* scratch, double* out) {
  const int t = threadIdx.x;
  for (int k = 0; k < K; ++k) scratch[k * kThreads + t] = values[k];
  __syncthreads();
  for (int half = kThreads / 2; half > 0; half /= 2) {
    if (t < half) {
      for (int k = 0; k < K; ++k) scratch[k * kThreads + t] += scratch[k * kThreads + t + half];
    }
    __syncthreads();
  }
  if (t < K) out[t] = scratch[t * kThreads];
  __syncthreads();
}

__device__ void refreshRows(const DeviceRuns& d, int64_t n, int first, int last, double* scratch) {
  const SynParams& p = d.p;
  const int I = p.inputs, S = synapseCount(p);
  double partial[kSynMaxClasses];
  for (int k = 0; k < p.classes; ++k) partial[k] = 0.0;
  for (int k = first; k <= last; ++k) {
    for (int i = threadIdx.x; i < I; i += kThreads) {
      const int64_t q = n * S + k * I + i;
      d.w[q] = weightOf(p, d.theta[q]);
      d.c[q] = normaliserOf(p, d.w[q]);
      partial[k] += d.c[q];
    }
  }
  __shared__ double sums[kSynMaxClasses];
  blockSums(partial, p.classes, scratch, sums);
  if (threadIdx.x == 0) {
    for (int k = first; k <= last; ++k) d.norm[n * p.classes + k] = sums[k];
  }
  __syncthreads();
}

// One presentation of run n (block-wide); returns the prediction on thread 0 and the event count.
__device__ int present(const DeviceRuns& d, int64_t n, bool test, int64_t index, bool learn, double* decayState,
                       double* riseState, double* scratch, int& label, int& eventCount) {
  const SynParams& p = d.p;
  const int I = p.inputs, K = p.classes, S = synapseCount(p);
  const uint64_t run = d.firstRun + n;
  const uint32_t step = test ? testStep(static_cast<int>(index)) : trainStep(index);
  double* times = d.events + n * 4 * (d.cap + 1);
  double* choices = times + (d.cap + 1);
  double* decay = choices + (d.cap + 1);
  double* rise = decay + (d.cap + 1);
  double* x = d.x + n * d.cap * I;
  __shared__ double y[3];
  __shared__ int shared[2];  // label, events
  __shared__ int counts[kSynMaxClasses];
  __shared__ double u[kSynMaxClasses];
  __shared__ int winner;
  if (threadIdx.x == 0) {
    shared[0] = presentationStimulus(p, d.seed, run, test, index, d.means, y);
    shared[1] = drawEvents(p, d.seed, run, step, times, choices, d.cap);
    if (shared[1] < 0) {
      atomicExch(d.fault, 1);
      shared[1] = 0;
    }
    eventDecays(p, times, shared[1], decay, rise);
    for (int k = 0; k < K; ++k) counts[k] = 0;
  }
  __syncthreads();
  label = shared[0];
  const int events = shared[1];
  eventCount = events;
  for (int i = threadIdx.x; i < I; i += kThreads) {
    const double rate = inputRate(p, d.centres + (n * I + i) * 3, y);
    inputTrace(p, d.seed, run, step, i, rate, times, events, decay, rise, decayState[i], riseState[i], x + i, I);
    if (learn && p.update == SynUpdate::PerSample) {
      d.sumAll[n * I + i] = 0.0;
      for (int k = 0; k < K; ++k) d.sumOwn[n * S + k * I + i] = 0.0;
    }
  }
  __syncthreads();
  const bool normalised = p.potential == SynPotential::Normalised;
  for (int j = 0; j < events; ++j) {
    const double* xj = x + static_cast<int64_t>(j) * I;
    double partial[kSynMaxClasses];
    for (int k = 0; k < K; ++k) {
      double sum = 0.0;
      for (int i = threadIdx.x; i < I; i += kThreads) sum += d.w[n * S + k * I + i] * xj[i];
      partial[k] = sum;
    }
    blockSums(partial, K, scratch, u);
    if (threadIdx.x == 0) {
      if (normalised) {
        for (int k = 0; k < K; ++k) u[k] -= d.norm[n * K + k];
      }
      winner = pickWinner(u, K, choices[j]);
      ++counts[winner];
    }
    __syncthreads();
    const int z = winner;
    if (learn && p.update == SynUpdate::PerSample) {
      for (int i = threadIdx.x; i < I; i += kThreads) {
        d.sumAll[n * I + i] += xj[i];
        d.sumOwn[n * S + z * I + i] += xj[i];
      }
    } else if (learn && p.likelihood && z != label) {
      for (int side = 0; side < 2; ++side) {
        const int k = side == 0 ? label : z;
        const double sign = side == 0 ? 1.0 : -1.0;
        for (int i = threadIdx.x; i < I; i += kThreads) {
          const int64_t q = n * S + k * I + i;
          d.theta[q] = eventUpdate(p, d.theta[q], d.w[q], d.c[q], xj[i], sign);
        }
      }
      __syncthreads();
      refreshRows(d, n, label, label, scratch);
      refreshRows(d, n, z, z, scratch);
    }
    __syncthreads();
  }
  if (learn) {
    const bool noisy = p.noise != SynNoise::None, perSample = p.update == SynUpdate::PerSample;
    for (int k = 0; k < K; ++k) {
      for (int i = threadIdx.x; i < I; i += kThreads) {
        const int64_t q = n * S + k * I + i;
        const double xi = noisy ? noiseAt(d.seed, run, step, k * I + i) : 0.0;
        const double likelihood =
            perSample ? likelihoodStep(p, d.w[q], presentationGain(k == label, d.sumAll[n * I + i], events, d.sumOwn[q], counts[k], d.c[q])) : 0.0;
        d.theta[q] = presentationUpdate(p, d.theta[q], d.c[q], xi, likelihood);
      }
    }
    __syncthreads();
    refreshRows(d, n, 0, K - 1, scratch);
  }
  int predicted = -1;
  if (threadIdx.x == 0) predicted = predictLabel(counts, K, tieUniform(d.seed, run, step));
  __syncthreads();
  return predicted;
}

__global__ void initKernel(DeviceRuns d) {
  const int64_t n = blockIdx.x;
  const SynParams& p = d.p;
  const int I = p.inputs, S = synapseCount(p);
  __shared__ double scratch[kSynMaxClasses * kThreads];
  for (int q = threadIdx.x; q < S; q += kThreads) d.theta[n * S + q] = clipTheta(p, drawTheta(p, d.seed, d.firstRun + n, q));
  for (int i = threadIdx.x; i < I; i += kThreads) {
    drawCentre(d.seed, d.firstRun + n, i, d.centres + (n * I + i) * 3);
    d.decayState[n * I + i] = 0.0;
    d.riseState[n * I + i] = 0.0;
  }
  __syncthreads();
  refreshRows(d, n, 0, p.classes - 1, scratch);
}

__global__ void trainKernel(DeviceRuns d, int64_t from, int64_t to, double* accuracy, double* rate) {
  const int64_t n = blockIdx.x;
  __shared__ double scratch[kSynMaxClasses * kThreads];
  int correct = 0;
  double events = 0;
  const int64_t I = d.p.inputs;
  for (int64_t t = from; t < to; ++t) {
    int label, count;
    const int predicted = present(d, n, false, t, true, d.decayState + n * I, d.riseState + n * I, scratch, label, count);
    correct += predicted == label;
    events += count;
  }
  if (threadIdx.x == 0) {
    accuracy[n] = static_cast<double>(correct) / (to - from);
    rate[n] = events / (to - from);
  }
}

__global__ void testKernel(DeviceRuns d, int total, double* accuracy, double* confusion) {
  const int64_t n = blockIdx.x;
  const int I = d.p.inputs, K = d.p.classes;
  __shared__ double scratch[kSynMaxClasses * kThreads];
  for (int i = threadIdx.x; i < I; i += kThreads) {
    d.testDecay[n * I + i] = 0.0;
    d.testRise[n * I + i] = 0.0;
  }
  __syncthreads();
  int correct = 0;
  for (int t = 0; t < total; ++t) {
    int label, count;
    const int predicted = present(d, n, true, t, false, d.testDecay + n * I, d.testRise + n * I, scratch, label, count);
    if (threadIdx.x == 0) {
      correct += predicted == label;
      if (confusion != nullptr) confusion[(n * K + label) * (K + 1) + (predicted < 0 ? K : predicted)] += 1;
    }
  }
  if (threadIdx.x == 0) accuracy[n] = static_cast<double>(correct) / total;
}

}  // namespace

SynResult synapticCuda(const SynJob& job) {
  const SynParams& p = job.params;
  const int64_t R = job.runs, I = p.inputs, S = synapseCount(p), K = p.classes;
  SynResult r = synResultFor(job);
  const int cap = eventCapacity(p), points = r.curvePoints;
  DeviceBuffer<double> means(job.means.size()), theta(R * S), w(R * S), c(R * S), sumOwn(R * S), sumAll(R * I),
      decayState(R * I), riseState(R * I), testDecay(R * I), testRise(R * I), centres(R * I * 3), x(R * cap * I),
      events(R * 4 * (cap + 1)), norm(R * K), accuracy(R), rate(R), confusion(R * K * (K + 1));
  DeviceBuffer<int> fault(1);
  means.upload(job.means.data(), job.means.size());
  const int zero = 0;
  fault.upload(&zero, 1);
  confusion.upload(r.confusion.data(), r.confusion.size());
  const DeviceRuns d{p, job.seed, job.firstRun, cap, job.means.empty() ? nullptr : means.get(), theta.get(), w.get(),
                     c.get(), sumOwn.get(), sumAll.get(), decayState.get(), riseState.get(), testDecay.get(),
                     testRise.get(), centres.get(), x.get(), events.get(), norm.get(), fault.get()};
  const unsigned grid = static_cast<unsigned>(R);
  std::vector<double> host(R);
  auto sync = [&](const char* where) {
    cudaCheck(cudaGetLastError(), where);
    cudaCheck(cudaDeviceSynchronize(), where);
    int flag = 0;
    fault.download(&flag, 1);
    if (flag != 0) throw CodedError("ERR_NATIVE", "a presentation had more output events than the kernels hold");
  };
  auto test = [&](int k) {
    testKernel<<<grid, kThreads>>>(d, job.testPerClass * p.classes, accuracy.get(), k == points - 1 ? confusion.get() : nullptr);
    sync("synaptic testKernel");
    accuracy.download(host.data(), R);
    for (int64_t n = 0; n < R; ++n) r.testAccuracy[n * points + k] = host[n];
  };
  initKernel<<<grid, kThreads>>>(d);
  sync("synaptic initKernel");
  if (job.weights) {
    r.thetaInitial.resize(R * S);
    theta.download(r.thetaInitial.data(), R * S);
  }
  test(0);
  for (int k = 1; k < points; ++k) {
    throwIfCancelled(job.cancelled);
    trainKernel<<<grid, kThreads>>>(d, curveSample(job.samples, job.curveEvery, k - 1), curveSample(job.samples, job.curveEvery, k),
                                    accuracy.get(), rate.get());
    sync("synaptic trainKernel");
    accuracy.download(host.data(), R);
    for (int64_t n = 0; n < R; ++n) r.trainAccuracy[n * points + k] = host[n];
    rate.download(host.data(), R);
    for (int64_t n = 0; n < R; ++n) r.outputRate[n * points + k] = host[n];
    test(k);
    if (job.progress) job.progress(static_cast<double>(k) / (points - 1));
  }
  confusion.download(r.confusion.data(), r.confusion.size());
  if (job.weights) {
    r.theta.resize(R * S);
    theta.download(r.theta.data(), R * S);
  }
  return r;
}

}  // namespace sloppy
