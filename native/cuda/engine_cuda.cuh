// The CUDA backend of the batched SDE engine: one thread per path running the same simulatePath<Model, T>
// as the CPU backend. Per-path scratch is interleaved across paths so that a warp's loads coalesce.
#pragma once
#include <algorithm>

#include "../sde/batch.h"
#include "check.cuh"

namespace sloppy {

template <class Model, class T>
__global__ void sdeKernel(const double* opt, const double* z, int64_t firstSet, int64_t paths, int trials,
                          uint64_t seed, uint64_t batchOffset, T* scratch, double* stats, double* grad,
                          double* trajectory, int64_t trajectoryPerPath, int stride, PathFault* faults) {
  const int64_t p = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (p >= paths) return;
  const int64_t set = firstSet + p / trials;
  const int trial = static_cast<int>(p % trials);
  const PathOutput out{stats + p * Model::kStats,
                       grad != nullptr ? grad + p * Model::kStats * Model::kParams : nullptr,
                       trajectory != nullptr ? trajectory + p * trajectoryPerPath : nullptr, stride};
  const double* zRow = z + set * Model::kParams;
  simulatePaths<Model, T>(opt, &zRow, makePathRng(seed, batchOffset + static_cast<uint64_t>(set), trial),
                          Trace<T>{scratch + p, paths}, &out, faults + p);
}

template <class Model, class T>
void runSdeCudaTyped(const SimJob& job, SimResult& res) {
  constexpr int S = Model::kStats;
  constexpr int G = Model::kStats * Model::kParams;
  const int traceSize = std::max(Model::traceSize(job.options.data()), 1);
  const BatchLayout<Model> probe(job, 1);
  // Bound device memory per chunk to about 1 GiB of scratch and trajectories.
  const int64_t perPath = traceSize * static_cast<int64_t>(sizeof(T)) + probe.trajectoryPerPath() * 8 + (S + G) * 8;
  const int64_t pathsPerChunk = std::max<int64_t>(job.trials, std::min<int64_t>(1 << 18, (int64_t(1) << 30) / perPath));
  const BatchLayout<Model> layout(job, pathsPerChunk);
  allocateResult(job, layout, res);

  cudaCheck(cudaSetDevice(0), "cudaSetDevice");
  const int64_t chunkPaths = layout.chunkSets * job.trials;
  DeviceBuffer<double> dOpt(job.options.size()), dZ(job.z.size());
  dOpt.upload(job.options.data(), job.options.size());
  dZ.upload(job.z.data(), job.z.size());
  DeviceBuffer<T> dScratch(chunkPaths * traceSize);
  DeviceBuffer<double> dStats(chunkPaths * S), dGrad(job.grad ? chunkPaths * G : 0);
  DeviceBuffer<double> dTraj(chunkPaths * layout.trajectoryPerPath());
  DeviceBuffer<PathFault> dFaults(chunkPaths);
  std::vector<double> pathStats(chunkPaths * S), pathGrad(job.grad ? chunkPaths * G : 0);
  std::vector<PathFault> faults;

  for (int64_t first = 0; first < job.batch; first += layout.chunkSets) {
    throwIfCancelled(job.cancelled);
    const int64_t sets = std::min(layout.chunkSets, job.batch - first);
    const int64_t paths = sets * job.trials;
    const int threads = 128;
    const int blocks = static_cast<int>((paths + threads - 1) / threads);
    sdeKernel<Model, T><<<blocks, threads>>>(dOpt.get(), dZ.get(), first, paths, job.trials, job.seed, job.batchOffset,
                                             dScratch.get(), dStats.get(), job.grad ? dGrad.get() : nullptr,
                                             layout.recorded > 0 ? dTraj.get() : nullptr, layout.trajectoryPerPath(),
                                             job.stride, dFaults.get());
    cudaCheck(cudaGetLastError(), "sdeKernel launch");
    cudaCheck(cudaDeviceSynchronize(), "sdeKernel");
    faults.resize(paths);
    dFaults.download(faults.data(), paths);
    dStats.download(pathStats.data(), paths * S);
    reduceTrials(pathStats.data(), sets, job.trials, S, res.stats.data() + first * S);
    if (job.grad) {
      dGrad.download(pathGrad.data(), paths * G);
      reduceTrials(pathGrad.data(), sets, job.trials, G, res.grad.data() + first * G);
    }
    if (layout.recorded > 0) {
      dTraj.download(res.trajectory.data() + first * job.trials * layout.trajectoryPerPath(),
                     paths * layout.trajectoryPerPath());
    }
    recordFaults(faults, first, job.trials, res.fault);
    if (job.progress) job.progress(static_cast<double>(first + sets) / job.batch);
  }
}

template <class Model>
void runSdeCuda(const SimJob& job, SimResult& res) {
  if (job.grad) {
    runSdeCudaTyped<Model, Dual<Model::kParams>>(job, res);
  } else {
    runSdeCudaTyped<Model, double>(job, res);
  }
}

}  // namespace sloppy
