// Host-side bookkeeping shared by both backends: how a batch is cut into chunks of paths, how per-path
// statistics become per-set trial means, and where the first fault happened. The order of every sum is
// fixed by (set, trial), never by scheduling, so results do not depend on threads or chunking.
#pragma once
#include <algorithm>
#include <vector>

#include "job.h"
#include "path.h"

namespace sloppy {

template <class Model>
struct BatchLayout {
  int64_t batch;
  int trials;
  int steps;
  int recorded;     // trajectory samples per path (0: none)
  int64_t chunkSets;  // parameter sets per chunk

  BatchLayout(const SimJob& job, int64_t pathsPerChunk) {
    const double* opt = job.options.data();
    batch = job.batch;
    trials = job.trials;
    steps = Model::steps(opt);
    recorded = job.stride > 0 ? steps / job.stride + 1 : 0;
    chunkSets = std::min<int64_t>(batch, std::max<int64_t>(1, pathsPerChunk / trials));
  }
  int64_t trajectoryPerPath() const { return static_cast<int64_t>(recorded) * Model::kState; }
};

template <class Model>
void allocateResult(const SimJob& job, const BatchLayout<Model>& layout, SimResult& res) {
  res.stats.assign(job.batch * Model::kStats, 0.0);
  if (job.grad) res.grad.assign(job.batch * Model::kStats * Model::kParams, 0.0);
  res.recorded = layout.recorded;
  if (layout.recorded > 0) res.trajectory.assign(job.batch * job.trials * layout.trajectoryPerPath(), 0.0);
}

// Adds the chunk's per-path rows (paths × width, trial-major within a set) into per-set means.
inline void reduceTrials(const double* perPath, int64_t sets, int trials, int width, double* perSet) {
  const double inv = 1.0 / trials;
  for (int64_t b = 0; b < sets; ++b) {
    double* out = perSet + b * width;
    for (int r = 0; r < trials; ++r) {
      const double* row = perPath + (b * trials + r) * width;
      for (int k = 0; k < width; ++k) out[k] += row[k];
    }
    for (int k = 0; k < width; ++k) out[k] *= inv;
  }
}

inline void recordFaults(const std::vector<PathFault>& faults, int64_t firstSet, int trials, SimFault& fault) {
  for (size_t p = 0; p < faults.size(); ++p) {
    if (faults[p].step < 0) continue;
    if (fault.count++ == 0) {
      fault.set = firstSet + static_cast<int64_t>(p) / trials;
      fault.trial = static_cast<int>(p % trials);
      fault.step = faults[p].step;
      fault.state = faults[p].state;
    }
  }
}

inline PathRng pathRng(const SimJob& job, int64_t set, int trial) {
  return makePathRng(job.seed, job.batchOffset + static_cast<uint64_t>(set), trial);
}


}  // namespace sloppy
