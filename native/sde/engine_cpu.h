// The CPU backend of the batched SDE engine: paths spread over the addon's thread pool, each running
// the same simulatePath<Model, T> that the CUDA kernel runs.
#pragma once
#include "../core/thread_pool.h"
#include "batch.h"

namespace sloppy {

template <class Model, class T>
void runChunkCpu(const SimJob& job, const BatchLayout<Model>& layout, int64_t firstSet, int64_t sets,
                 double* pathStats, double* pathGrad, std::vector<PathFault>& faults, SimResult& res) {
  const double* opt = job.options.data();
  const int64_t paths = sets * layout.trials;
  const int traceSize = Model::traceSize(opt);
  const int threads = job.threads > 0 ? job.threads : hardwareThreads();
  const int64_t grain = std::max<int64_t>(1, paths / (8 * threads));
  parallelFor(paths, grain, threads, [&](int64_t begin, int64_t end) {
    checkCancelled(job);
    std::vector<T> scratch(static_cast<size_t>(std::max(traceSize, 1)));
    for (int64_t p = begin; p < end; ++p) {
      const int64_t set = firstSet + p / layout.trials;
      const int trial = static_cast<int>(p % layout.trials);
      PathOutput out{pathStats + p * Model::kStats,
                     pathGrad != nullptr ? pathGrad + p * Model::kStats * Model::kParams : nullptr,
                     layout.recorded > 0 ? res.trajectory.data() + (set * layout.trials + trial) * layout.trajectoryPerPath()
                                         : nullptr,
                     job.stride};
      faults[p] = simulatePath<Model, T>(opt, job.z.data() + set * Model::kParams, pathRng(job, set, trial),
                                         Trace<T>{scratch.data(), 1}, out);
    }
  });
}

template <class Model>
void runSdeCpu(const SimJob& job, SimResult& res) {
  constexpr int S = Model::kStats;
  constexpr int G = Model::kStats * Model::kParams;
  const BatchLayout<Model> layout(job, 1 << 12);  // small chunks: frequent progress and cancel checks
  allocateResult(job, layout, res);
  std::vector<double> pathStats(layout.chunkSets * job.trials * S);
  std::vector<double> pathGrad(job.grad ? layout.chunkSets * job.trials * G : 0);
  std::vector<PathFault> faults;
  for (int64_t first = 0; first < job.batch; first += layout.chunkSets) {
    checkCancelled(job);
    const int64_t sets = std::min(layout.chunkSets, job.batch - first);
    faults.assign(sets * job.trials, PathFault{-1, -1});
    if (job.grad) {
      runChunkCpu<Model, Dual<Model::kParams>>(job, layout, first, sets, pathStats.data(), pathGrad.data(), faults, res);
      reduceTrials(pathGrad.data(), sets, job.trials, G, res.grad.data() + first * G);
    } else {
      runChunkCpu<Model, double>(job, layout, first, sets, pathStats.data(), nullptr, faults, res);
    }
    reduceTrials(pathStats.data(), sets, job.trials, S, res.stats.data() + first * S);
    recordFaults(faults, first, job.trials, res.fault);
    if (job.progress) job.progress(static_cast<double>(first + sets) / job.batch);
  }
}

}  // namespace sloppy
