// The CPU backend of the batched SDE engine: groups of paths spread over the addon's thread pool, each
// group running the same simulatePaths<Model, T> that the CUDA kernel runs. Models written branch-free
// (kVectorized) run cpuLaneWidth() paths per group on Lanes of that width, so each statement is one SIMD instruction;
// the others run one path per group. A path's numbers do not depend on its group: the lanes compute
// exactly what one path alone would.
#pragma once
#include <type_traits>

#include "../core/cpu_kernel.h"
#include "../core/lane_width.h"
#include "../core/thread_pool.h"
#include "batch.h"

namespace sloppy {

template <class Model, class = void>
struct IsVectorized : std::false_type {};
template <class Model>
struct IsVectorized<Model, std::enable_if_t<Model::kVectorized>> : std::true_type {};

// The scalar type a model runs on for W lanes, with or without P tangents.
template <int W, int P, bool Grad> struct CpuScalar {
  using type = std::conditional_t<Grad, Dual<P, std::conditional_t<W == 1, double, Lanes<W>>>,
                                  std::conditional_t<W == 1, double, Lanes<W>>>;
};
template <int W> struct CpuRng {
  using type = LaneRng<W>;
  static type of(const PathRng (&streams)[W]) { return type(streams); }
};
template <> struct CpuRng<1> {
  using type = PathRng;
  static type of(const PathRng (&streams)[1]) { return streams[0]; }
};

// A thread's trace scratch, kept between its blocks of groups and between calls up to kKeptScratch bytes (beyond,
// the block's own `spill`): allocated and zeroed afresh it cost a megabyte of stores for every three groups (stg
// with gradients). Groups already reuse scratch one after another, so no model reads what it has not written.
constexpr size_t kKeptScratch = size_t{64} << 20;
template <class T>
T* threadScratch(size_t count, std::vector<T>& spill) {
  thread_local std::vector<T> kept;
  std::vector<T>& buffer = count * sizeof(T) <= kKeptScratch ? kept : spill;
  if (buffer.size() < count) buffer.assign(count, T(0.0));
  return buffer.data();
}

// Runs lane groups [begin, end) of a chunk, the whole model inlined into each instruction set's clone.
template <class Model, int W, bool Grad>
SLOPPY_CPU_KERNEL
void runGroups(const SimJob& job, const BatchLayout<Model>& layout, int64_t firstSet, int64_t paths, int64_t begin,
               int64_t end, double* pathStats, double* pathGrad, PathFault* faults, double* trajectory) {
  using T = typename CpuScalar<W, Model::kParams, Grad>::type;
  constexpr int S = Model::kStats;
  constexpr int G = Model::kStats * Model::kParams;
  const double* opt = job.options.data();
  std::vector<T> spill;
  T* scratch = threadScratch<T>(static_cast<size_t>(std::max(Model::traceSize(opt), 1)), spill);
  // Lanes past the chunk's end repeat its last path and write to a sink.
  std::vector<double> sink(S + G + layout.trajectoryPerPath());
  for (int64_t group = begin; group < end; ++group) {
    const double* zRows[W];
    PathOutput outs[W];
    PathFault laneFaults[W];
    PathRng streams[W];
    for (int l = 0; l < W; ++l) {
      const int64_t p = std::min(group * W + l, paths - 1);
      const bool real = group * W + l < paths;
      const int64_t set = firstSet + p / layout.trials;
      const int trial = static_cast<int>(p % layout.trials);
      zRows[l] = job.z.data() + set * Model::kParams;
      double* traj = layout.recorded > 0
                         ? trajectory + (set * layout.trials + trial) * layout.trajectoryPerPath()
                         : nullptr;
      outs[l] = real ? PathOutput{pathStats + p * S, Grad ? pathGrad + p * G : nullptr, traj, job.stride}
                     : PathOutput{sink.data(), Grad ? sink.data() + S : nullptr,
                                  traj != nullptr ? sink.data() + S + G : nullptr, job.stride};
      streams[l] = pathRng(job, set, trial);
    }
    simulatePaths<Model, T>(opt, zRows, CpuRng<W>::of(streams), Trace<T>{scratch, 1}, outs, laneFaults);
    for (int l = 0; l < W && group * W + l < paths; ++l) faults[group * W + l] = laneFaults[l];
  }
}

template <class Model, int W, bool Grad>
void runChunkOn(const SimJob& job, const BatchLayout<Model>& layout, int64_t firstSet, int64_t sets,
                double* pathStats, double* pathGrad, std::vector<PathFault>& faults, SimResult& res) {
  const int64_t paths = sets * layout.trials;
  const int64_t groups = (paths + W - 1) / W;
  const int threads = threadCount(job.threads);
  // Blocks small enough that the last one leaves little idle time on the other threads (a block's scratch is kept).
  const int64_t grain = std::max<int64_t>(1, groups / (32 * threads));
  parallelFor(groups, grain, threads, [&](int64_t begin, int64_t end) {
    throwIfCancelled(job.cancelled);
    runGroups<Model, W, Grad>(job, layout, firstSet, paths, begin, end, pathStats, pathGrad, faults.data(),
                              res.trajectory.data());
  });
}

template <class Model, bool Grad>
void runChunkCpu(const SimJob& job, const BatchLayout<Model>& layout, int64_t firstSet, int64_t sets,
                 double* pathStats, double* pathGrad, std::vector<PathFault>& faults, SimResult& res) {
  if constexpr (IsVectorized<Model>::value) {
    withLaneWidth([&](auto w) {
      runChunkOn<Model, w, Grad>(job, layout, firstSet, sets, pathStats, pathGrad, faults, res);
    });
  } else {
    runChunkOn<Model, 1, Grad>(job, layout, firstSet, sets, pathStats, pathGrad, faults, res);
  }
}

template <class Model>
void runSdeCpu(const SimJob& job, SimResult& res) {
  constexpr int S = Model::kStats;
  constexpr int G = Model::kStats * Model::kParams;
  const BatchLayout<Model> layout(job, 1 << 12);  // small chunks: frequent progress and cancel checks
  allocateResult(job, layout, res);
  // With one trial a path's rows are its set's means: the paths write them in place (an EPI step's batch).
  const bool inPlace = job.trials == 1;
  std::vector<double> pathStats(inPlace ? 0 : layout.chunkSets * job.trials * S);
  std::vector<double> pathGrad(job.grad && !inPlace ? layout.chunkSets * job.trials * G : 0);
  std::vector<PathFault> faults;
  for (int64_t first = 0; first < job.batch; first += layout.chunkSets) {
    throwIfCancelled(job.cancelled);
    const int64_t sets = std::min(layout.chunkSets, job.batch - first);
    faults.assign(sets * job.trials, PathFault{-1, -1});
    double* stats = inPlace ? res.stats.data() + first * S : pathStats.data();
    double* grad = !job.grad ? nullptr : inPlace ? res.grad.data() + first * G : pathGrad.data();
    if (job.grad) {
      runChunkCpu<Model, true>(job, layout, first, sets, stats, grad, faults, res);
    } else {
      runChunkCpu<Model, false>(job, layout, first, sets, stats, nullptr, faults, res);
    }
    if (!inPlace) {
      reduceTrials(stats, sets, job.trials, S, res.stats.data() + first * S);
      if (job.grad) reduceTrials(grad, sets, job.trials, G, res.grad.data() + first * G);
    }
    recordFaults(faults, first, job.trials, res.fault);
    if (job.progress) job.progress(static_cast<double>(first + sets) / job.batch);
  }
}

}  // namespace sloppy
