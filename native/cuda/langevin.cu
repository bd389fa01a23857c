// Langevin dynamics on the GPU: one thread per path running the per-path step of native/langevin/ on doubles,
// its position, gradient and normals in thread-local arrays of a capacity fixed at compile time. Between
// launches of a slab of steps the positions live in global memory coordinate-major, so a warp's loads
// coalesce; the energy's constants and data are read by every thread at the same address and broadcast.
// The start (step-0 sample and passage test) is done on the host, which has the same numbers.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "../core/errors.h"
#include "../core/rng.h"
#include "../langevin/langevin.h"
#include "../sde/job.h"
#include "check.cuh"

namespace sloppy {
namespace {

constexpr int kThreads = 128;
// Coordinates per path: the paper's 136-parameter network and every closed-form energy fit.
constexpr int kCap = 160;

struct DevicePassage {
  bool on;
  const double* center;
  double radius2;
};

__global__ void stepKernel(EnergySpec e, StepSpec s, const double* lo, const double* hi, DevicePassage pass,
                           int64_t paths, uint64_t seed, uint64_t firstPath, int64_t t0, int64_t until, int64_t stride,
                           int64_t recorded, double* state, double* passage, double* trajectory) {
  const int64_t p = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (p >= paths || passage[p] >= 0) return;
  const int dim = e.dim;
  double x[kCap], g[kCap], xi[kCap], scratch[2 * kCap];
  for (int i = 0; i < dim; ++i) x[i] = state[i * paths + p];
  const PathRng rng = makePathRng(seed, firstPath + p, 0);
  for (int64_t t = t0; t < until; ++t) {
    energyGradient<1>(e, x, g, scratch);
    rng.normals(static_cast<uint32_t>(t), Stream::Dynamics, xi, dim);
    for (int i = 0; i < dim; ++i) x[i] = advance(s, x[i], g[i], xi[i], s.bounded ? lo[i] : 0.0, s.bounded ? hi[i] : 0.0);
    const int64_t step = t + 1;
    if (stride > 0 && step % stride == 0) {
      double* out = trajectory + (p * recorded + step / stride) * dim;
      for (int i = 0; i < dim; ++i) out[i] = x[i];
    }
    if (pass.on) {
      double r2 = 0.0;
      for (int i = 0; i < dim; ++i) r2 += (x[i] - pass.center[i]) * (x[i] - pass.center[i]);
      if (r2 <= pass.radius2) {
        passage[p] = static_cast<double>(step);
        break;
      }
    }
  }
  for (int i = 0; i < dim; ++i) state[i * paths + p] = x[i];
}

__global__ void energyKernel(EnergySpec e, int64_t paths, const double* state, double* energy) {
  const int64_t p = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (p >= paths) return;
  double x[kCap], g[kCap], scratch[2 * kCap];
  for (int i = 0; i < e.dim; ++i) x[i] = state[i * paths + p];
  energy[p] = energyGradient<1>(e, x, g, scratch);
}

unsigned gridFor(int64_t n) { return static_cast<unsigned>((n + kThreads - 1) / kThreads); }

using Buffers = std::vector<std::unique_ptr<DeviceBuffer<double>>>;

// A device copy of `host`, owned by `keep` so that an exception mid-job frees it.
DeviceBuffer<double>* uploaded(Buffers& keep, const std::vector<double>& host) {
  keep.push_back(std::make_unique<DeviceBuffer<double>>(host.size()));
  keep.back()->upload(host.data(), host.size());
  return keep.back().get();
}

void checkFits(const LangevinJob& job) {
  const bool network = job.energy.kind == EnergyKind::Network;
  if (job.energy.dim > kCap || (network && job.energy.shape.hidden() > kCap)) {
    throw CodedError("ERR_INVALID_ARG_VALUE", "the CUDA Langevin kernel holds at most " + std::to_string(kCap) +
                                                  " coordinates (and hidden units) per path (use device 'cpu')");
  }
}

}  // namespace

LangevinResult langevinCuda(const LangevinJob& job) {
  checkFits(job);
  const int dim = job.energy.dim;
  const int64_t n = job.paths;
  LangevinResult r;
  r.recorded = recordedSamples(job.steps, job.stride);
  r.passage.assign(n, -1.0);
  r.trajectory.assign(n * r.recorded * dim, std::nan(""));
  std::vector<double> state(n * dim);
  const double radius2 = job.radius * job.radius;
  for (int64_t p = 0; p < n; ++p) {
    double r2 = 0.0;
    for (int i = 0; i < dim; ++i) {
      const double v = job.start[p * dim + i];
      state[i * n + p] = v;
      if (r.recorded > 0) r.trajectory[p * r.recorded * dim + i] = v;
      if (job.passage) r2 += (v - job.center[i]) * (v - job.center[i]);
    }
    if (job.passage && r2 <= radius2) r.passage[p] = 0.0;
  }

  Buffers keep;
  EnergySpec e = job.energy;
  e.mu = uploaded(keep, job.mu)->get();
  e.A = uploaded(keep, job.A)->get();
  e.x = uploaded(keep, job.dataX)->get();
  e.y = uploaded(keep, job.dataY)->get();
  const double* lo = uploaded(keep, job.lower)->get();
  const double* hi = uploaded(keep, job.upper)->get();
  const DevicePassage pass{job.passage, uploaded(keep, job.center)->get(), radius2};
  DeviceBuffer<double>* dState = uploaded(keep, state);
  DeviceBuffer<double>* dPassage = uploaded(keep, r.passage);
  DeviceBuffer<double>* dTrajectory = uploaded(keep, r.trajectory);

  // About 2e10 operations per launch, but no more than 1e8 per thread: each thread runs its path's steps in
  // series, so a few paths alone would otherwise hold one launch, and cancellation and progress, for minutes.
  constexpr double kLaunchWork = 2e10, kThreadWork = 1e8;
  const double steps = std::min(kLaunchWork / static_cast<double>(n), kThreadWork) / stepWork(e);
  const int64_t slab = std::max<int64_t>(1, std::min<int64_t>(job.steps, static_cast<int64_t>(steps)));
  for (int64_t t0 = 0; t0 < job.steps; t0 += slab) {
    throwIfCancelled(job.cancelled);
    const int64_t until = std::min(job.steps, t0 + slab);
    stepKernel<<<gridFor(n), kThreads>>>(e, job.step, lo, hi, pass, n, job.seed, job.firstPath, t0, until, job.stride,
                                         r.recorded, dState->get(), dPassage->get(), dTrajectory->get());
    cudaCheck(cudaGetLastError(), "Langevin stepKernel launch");
    cudaCheck(cudaDeviceSynchronize(), "Langevin stepKernel");
    if (job.progress) job.progress(static_cast<double>(until) / job.steps);
  }
  DeviceBuffer<double> dEnergy(n);
  energyKernel<<<gridFor(n), kThreads>>>(e, n, dState->get(), dEnergy.get());
  cudaCheck(cudaGetLastError(), "Langevin energyKernel launch");
  cudaCheck(cudaDeviceSynchronize(), "Langevin energyKernel");
  dState->download(state.data(), state.size());
  dPassage->download(r.passage.data(), n);
  dTrajectory->download(r.trajectory.data(), r.trajectory.size());
  r.energy.resize(n);
  dEnergy.download(r.energy.data(), n);
  r.final.resize(n * dim);
  for (int64_t p = 0; p < n; ++p) {
    for (int i = 0; i < dim; ++i) r.final[p * dim + i] = state[i * n + p];
  }
  return r;
}

}  // namespace sloppy
