// rnn2 on the CPU: paths, i.e. (parameter set, noise draw) pairs, spread over the addon's thread pool, each
// running the same Rnn2::evaluate as the CUDA kernel.
#include "../core/thread_pool.h"
#include "rnn2_batch.h"

namespace sloppy {

void runRnn2Cpu(const SimJob& job, SimResult& res) {
  // Chunks of ≤ 4096 paths and ≈ 32 MiB keep progress and cancellation responsive at any N.
  const Rnn2Batch layout(job, 1 << 12, int64_t(1) << 25);
  layout.allocate(job, res);
  const int threads = threadCount(job.threads);
  std::vector<double> pathStats(layout.chunkPaths(job) * Rnn2::kStats);
  std::vector<double> pathGrad(layout.chunkPaths(job) * layout.gradWidth);
  for (int64_t first = 0; first < job.batch; first += layout.chunkSets) {
    throwIfCancelled(job.cancelled);
    const int64_t sets = std::min(layout.chunkSets, job.batch - first);
    const int64_t paths = sets * job.trials;
    parallelFor(paths, std::max<int64_t>(1, paths / (8 * threads)), threads, [&](int64_t begin, int64_t end) {
      throwIfCancelled(job.cancelled);
      std::vector<double> rows(job.grad ? layout.params : 0);  // 4N: the path's rows, kept for its gradient pass
      for (int64_t p = begin; p < end; ++p) {
        const int64_t set = first + p / job.trials;
        Rnn2::evaluate(job.options.data(), job.z.data() + set * layout.params,
                       pathRng(job, set, static_cast<int>(p % job.trials)), pathStats.data() + p * Rnn2::kStats,
                       job.grad ? pathGrad.data() + p * layout.gradWidth : nullptr, job.grad ? rows.data() : nullptr);
      }
    });
    layout.finishChunk(job, first, sets, pathStats.data(), pathGrad.data(), res);
  }
}

}  // namespace sloppy
