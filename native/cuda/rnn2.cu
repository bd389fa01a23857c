// rnn2 on the GPU: one thread per path, i.e. (parameter set, noise draw) pair, running the same
// Rnn2::evaluate as the CPU backend; per-path rows come back to the host for the shared trial reduction.
#include <algorithm>

#include "../models/rnn2_batch.h"
#include "check.cuh"

namespace sloppy {

__global__ void rnn2Kernel(const double* opt, const double* z, int64_t firstSet, int64_t paths, int trials,
                           uint64_t seed, uint64_t batchOffset, int params, double* stats, double* grad,
                           int gradWidth) {
  const int64_t p = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (p >= paths) return;
  const int64_t set = firstSet + p / trials;
  Rnn2::evaluate(opt, z + set * params,
                 makePathRng(seed, batchOffset + static_cast<uint64_t>(set), static_cast<int>(p % trials)),
                 stats + p * Rnn2::kStats, grad != nullptr ? grad + p * gradWidth : nullptr);
}

void runRnn2Cuda(const SimJob& job, SimResult& res) {
  // Chunks of ≤ 2¹⁸ paths and ≈ 1 GiB of per-path output.
  const Rnn2Batch layout(job, 1 << 18, int64_t(1) << 30);
  layout.allocate(job, res);
  cudaCheck(cudaSetDevice(0), "cudaSetDevice");
  const int64_t chunkPaths = layout.chunkPaths(job);
  DeviceBuffer<double> dOpt(job.options.size()), dZ(job.z.size());
  dOpt.upload(job.options.data(), job.options.size());
  dZ.upload(job.z.data(), job.z.size());
  DeviceBuffer<double> dStats(chunkPaths * Rnn2::kStats), dGrad(chunkPaths * layout.gradWidth);
  std::vector<double> pathStats(chunkPaths * Rnn2::kStats), pathGrad(chunkPaths * layout.gradWidth);
  for (int64_t first = 0; first < job.batch; first += layout.chunkSets) {
    throwIfCancelled(job.cancelled);
    const int64_t sets = std::min(layout.chunkSets, job.batch - first);
    const int64_t paths = sets * job.trials;
    const int threads = 128;
    const int blocks = static_cast<int>((paths + threads - 1) / threads);
    rnn2Kernel<<<blocks, threads>>>(dOpt.get(), dZ.get(), first, paths, job.trials, job.seed, job.batchOffset,
                                    layout.params, dStats.get(), job.grad ? dGrad.get() : nullptr,
                                    layout.gradWidth);
    cudaCheck(cudaGetLastError(), "rnn2Kernel launch");
    cudaCheck(cudaDeviceSynchronize(), "rnn2Kernel");
    dStats.download(pathStats.data(), paths * Rnn2::kStats);
    if (job.grad) dGrad.download(pathGrad.data(), paths * layout.gradWidth);
    layout.finishChunk(job, first, sets, pathStats.data(), pathGrad.data(), res);
  }
}

}  // namespace sloppy
