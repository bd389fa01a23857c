// rnn2 on the CPU: paths, i.e. (parameter set, noise draw) pairs, spread over the addon's thread pool in groups of
// cpuLaneWidth(), through the same Rnn2 phases as the CUDA kernel's evaluate.
#include "../core/cpu_kernel.h"
#include "../core/lane_width.h"
#include "../core/rng.h"
#include "../core/thread_pool.h"
#include "rnn2_batch.h"

namespace sloppy {
namespace {

// The path's rows of [U' V'] (4N numbers), as Rnn2::row draws them, W rows per vector: row i's noise is step i
// of the path's quenched stream, so W consecutive steps under the path's one key are one lane draw. (One row
// at a time, the noise took 40 % of a statistics-with-gradient batch at N = 10.)
template <int W>
SLOPPY_CPU_KERNEL
void quenchedRows(const double* opt, const double* z, const PathRng& rng, double* rows) {
  const int n = Rnn2::neurons(opt);
  const double g = opt[Rnn2::kG];
  for (int i = 0; i < n; ++i) Rnn2::baseRow(n, z, i, rows + 4 * i);
  if (g == 0.0) return;
  PathRng same[W];
  for (PathRng& s : same) s = rng;
  const LaneRng<W> lanes(same);
  for (int i0 = 0; i0 < n; i0 += W) {
    detail::PhiloxWords<W> steps;
    for (int l = 0; l < W; ++l) steps[l] = static_cast<uint64_t>(i0 + l);
    Lanes<W> chi[4];
    lanes.normalsAt(steps, Stream::Quenched, chi, 4);
    for (int l = 0; l < W && i0 + l < n; ++l) {
      for (int k = 0; k < 4; ++k) rows[4 * (i0 + l) + k] += g * chi[k].v[l];
    }
  }
}

// S's top eigenpair for up to W paths (N > 4) in one pass of symLarge on lanes, bit-identical to one path at a
// time: the two 4 × 4 Jacobi decompositions are chains of divisions and square roots, which one path leaves
// mostly waiting (measured: 16 % of an rnn2-10 EPI step on one core).
template <int W>
SLOPPY_CPU_KERNEL
void topEigenpairs(const Rnn2::Sums* sums, int count, Rnn2::SymTop<>* out) {
  Lanes<W> gram[4][4];
  for (int k = 0; k < 4; ++k) {
    for (int l = 0; l < 4; ++l) {
      for (int p = 0; p < W; ++p) gram[k][l].v[p] = sums[std::min(p, count - 1)].gram[k][l];  // padding repeats
    }
  }
  const Rnn2::SymTop<Lanes<W>> top = Rnn2::symLarge(gram);
  for (int p = 0; p < count; ++p) {
    out[p] = Rnn2::SymTop<>{};
    out[p].lambda = top.lambda.v[p];
    for (int k = 0; k < 4; ++k) {
      out[p].a[k] = top.a[k].v[p];
      out[p].c[k] = top.c[k].v[p];
    }
  }
}

template <int W>
void runRnn2On(const SimJob& job, SimResult& res) {
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
    const double* opt = job.options.data();
    const int neurons = Rnn2::neurons(opt);
    // Blocks of whole groups of W paths, so that a group never straddles two threads.
    const int64_t grain = W * std::max<int64_t>(1, paths / (8 * W * threads));
    parallelFor(paths, grain, threads, [&](int64_t begin, int64_t end) {
      throwIfCancelled(job.cancelled);
      std::vector<double> rows(W * static_cast<size_t>(layout.params));
      for (int64_t p0 = begin; p0 < end; p0 += W) {
        const int count = static_cast<int>(std::min<int64_t>(W, end - p0));
        Rnn2::Sums sums[W];
        Rnn2::SymTop<> sym[W];
        const double* z[W];
        PathRng rng[W];
        for (int l = 0; l < count; ++l) {
          const int64_t p = p0 + l, set = first + p / job.trials;
          z[l] = job.z.data() + set * layout.params;
          rng[l] = pathRng(job, set, static_cast<int>(p % job.trials));
          double* r = rows.data() + l * layout.params;
          quenchedRows<W>(opt, z[l], rng[l], r);
          sums[l] = Rnn2::sums(opt, z[l], rng[l], r);
          if (neurons <= kJacobiMax) sym[l] = Rnn2::symSmall(sums[l].small, neurons);
        }
        if (neurons > kJacobiMax) topEigenpairs<W>(sums, count, sym);
        for (int l = 0; l < count; ++l) {
          const int64_t p = p0 + l;
          Rnn2::results(opt, z[l], rng[l], rows.data() + l * layout.params, sums[l], sym[l],
                        pathStats.data() + p * Rnn2::kStats, job.grad ? pathGrad.data() + p * layout.gradWidth : nullptr);
        }
      }
    });
    layout.finishChunk(job, first, sets, pathStats.data(), pathGrad.data(), res);
  }
}

}  // namespace

void runRnn2Cpu(const SimJob& job, SimResult& res) {
  withLaneWidth([&](auto w) { runRnn2On<w>(job, res); });
}

}  // namespace sloppy
