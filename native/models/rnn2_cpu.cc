// rnn2 on the CPU: paths, i.e. (parameter set, noise draw) pairs, spread over the addon's thread pool, each
// running the same Rnn2::evaluate as the CUDA kernel.
#include "../core/cpu_kernel.h"
#include "../core/rng.h"
#include "../core/thread_pool.h"
#include "rnn2_batch.h"

namespace sloppy {
namespace {

// The path's rows of [U' V'] (4N numbers), as Rnn2::row draws them, eight rows per vector: row i's noise is step i
// of the path's quenched stream, so eight consecutive steps under the path's one key are one lane draw. (One row
// at a time, the noise took 40 % of a statistics-with-gradient batch at N = 10.)
SLOPPY_CPU_KERNEL
void quenchedRows(const double* opt, const double* z, const PathRng& rng, double* rows) {
  const int n = Rnn2::neurons(opt);
  const double g = opt[Rnn2::kG];
  for (int i = 0; i < n; ++i) {
    rows[4 * i] = z[2 * i];
    rows[4 * i + 1] = z[2 * i + 1];
    rows[4 * i + 2] = z[2 * n + 2 * i];
    rows[4 * i + 3] = z[2 * n + 2 * i + 1];
  }
  if (g == 0.0) return;
  LaneWords key0, key1;
  {
    uint32_t k0[8], k1[8];
    for (int l = 0; l < 8; ++l) {
      k0[l] = rng.seedLo;
      k1[l] = rng.set;
    }
    detail::loadWords(k0, key0);
    detail::loadWords(k1, key1);
  }
  detail::PhiloxLaneKeys keys;
  detail::philoxKeys(key0, key1, keys);
  const LaneWords counter2 = LaneWords{} + static_cast<uint64_t>((rng.trial << 2) | static_cast<uint32_t>(Stream::Quenched));
  const LaneWords counter3 = LaneWords{} + static_cast<uint64_t>(rng.seedHi);
  for (int i0 = 0; i0 < n; i0 += 8) {
    LaneWords steps;
    for (int l = 0; l < 8; ++l) steps[l] = static_cast<uint64_t>(i0 + l);
    Lanes<8> chi[4];
    laneNormalsOf(steps, counter2, counter3, keys, chi, 4);
    for (int l = 0; l < 8 && i0 + l < n; ++l) {
      for (int k = 0; k < 4; ++k) rows[4 * (i0 + l) + k] += g * chi[k].v[l];
    }
  }
}

}  // namespace

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
      std::vector<double> rows(layout.params);
      for (int64_t p = begin; p < end; ++p) {
        const int64_t set = first + p / job.trials;
        const double* z = job.z.data() + set * layout.params;
        const PathRng rng = pathRng(job, set, static_cast<int>(p % job.trials));
        quenchedRows(job.options.data(), z, rng, rows.data());
        Rnn2::evaluate(job.options.data(), z, rng, pathStats.data() + p * Rnn2::kStats,
                       job.grad ? pathGrad.data() + p * layout.gradWidth : nullptr, rows.data());
      }
    });
    layout.finishChunk(job, first, sets, pathStats.data(), pathGrad.data(), res);
  }
}

}  // namespace sloppy
