// Host-side bookkeeping shared by rnn2's CPU and CUDA runners: checking the job's shape, cutting the batch
// into chunks of paths, and turning per-path rows into per-set trial means. Sums run in (set, trial) order,
// so results depend neither on the backend's scheduling nor on the chunking.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

#include "../sde/batch.h"
#include "rnn2.h"

namespace sloppy {

struct Rnn2Batch {
  int params;         // 4N
  int gradWidth;      // per-path gradient entries: kStats × 4N, or 0 without gradients
  int64_t chunkSets;  // parameter sets per chunk

  // Chunks hold at most maxPaths paths and about maxBytes of per-path output.
  Rnn2Batch(const SimJob& job, int64_t maxPaths, int64_t maxBytes) {
    const double n = job.options.size() == Rnn2::kNumOptions ? job.options[Rnn2::kN] : 0.0;
    if (!(n >= 1) || n != std::floor(n) || job.batch < 1 || job.trials < 1 ||
        job.z.size() != static_cast<size_t>(job.batch) * 4 * static_cast<size_t>(n)) {
      throw CodedError("ERR_INVALID_ARG_VALUE", "rnn2: options, z, batch or trials are inconsistent");
    }
    params = 4 * static_cast<int>(n);
    gradWidth = job.grad ? Rnn2::kStats * params : 0;
    const int64_t bytesPerPath = 8 * static_cast<int64_t>(Rnn2::kStats + gradWidth);
    const int64_t paths = std::max<int64_t>(job.trials, std::min(maxPaths, maxBytes / bytesPerPath));
    chunkSets = std::min<int64_t>(job.batch, std::max<int64_t>(1, paths / job.trials));
  }
  int64_t chunkPaths(const SimJob& job) const { return chunkSets * job.trials; }

  void allocate(const SimJob& job, SimResult& res) const {
    res.stats.assign(job.batch * Rnn2::kStats, 0.0);
    if (job.grad) res.grad.assign(job.batch * gradWidth, 0.0);
    res.recorded = 0;  // no state, hence no trajectories
    res.trajectory.clear();
  }

  // Folds one chunk's per-path rows into the result. A path whose statistics are not finite (non-finite z)
  // is reported as a fault at step 0; there is no state variable to name, hence state −1.
  void finishChunk(const SimJob& job, int64_t firstSet, int64_t sets, const double* pathStats,
                   const double* pathGrad, SimResult& res) const {
    reduceTrials(pathStats, sets, job.trials, Rnn2::kStats, res.stats.data() + firstSet * Rnn2::kStats);
    if (job.grad) reduceTrials(pathGrad, sets, job.trials, gradWidth, res.grad.data() + firstSet * gradWidth);
    std::vector<PathFault> faults(sets * job.trials, PathFault{-1, -1});
    for (size_t p = 0; p < faults.size(); ++p) {
      if (!std::isfinite(pathStats[p * Rnn2::kStats]) || !std::isfinite(pathStats[p * Rnn2::kStats + 1])) {
        faults[p] = PathFault{0, -1};
      }
    }
    recordFaults(faults, firstSet, job.trials, res.fault);
    if (job.progress) job.progress(static_cast<double>(firstSet + sets) / job.batch);
  }
};

}  // namespace sloppy
