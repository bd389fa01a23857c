// G = A·Aᵀ on the CPU: the lower triangle in 64 × 64 tiles spread over the thread pool. Each tile's two row
// panels are packed transposed (column k holds 64 rows side by side, zero-padded), so a micro-kernel can
// keep a 16 × 8 block of G in sixteen 8-lane registers and, for every k, load 16 rows of one panel and
// broadcast 8 of the other: an outer-product update of fused multiply-adds (explicit, as the core compiles
// with contraction off; on the AVX2 and AVX-512 clones they are single instructions). Blocks accumulate into
// the upper triangle, where each register is eight consecutive doubles of G (one vector add, not eight scalar
// ones), and the lower triangle is mirrored from it at the end. K is walked in chunks whose two packed panels
// stay in L2. G and the panels are fresh memory on huge pages (core/zeroed.h).
#include <algorithm>

#include "../core/cpu_kernel.h"
#include "../core/errors.h"
#include "../core/lanes.h"
#include "../core/thread_pool.h"
#include "../core/zeroed.h"
#include "../sde/job.h"
#include "gram.h"

namespace sloppy {
namespace {

constexpr int64_t kTile = 64;
constexpr int64_t kChunk = 512;  // columns per pass: 2 panels × 64 × 512 × 8 B = 512 KiB
constexpr int kW = 8;            // lanes: rows of G per register
constexpr int kRowBlock = 16;    // rows of G per micro-kernel call (two registers)
constexpr int kColBlock = 8;     // columns of G per micro-kernel call

// Rows [first, first + count) of A, columns [k0, k0 + width), as doubles in out[k · kTile + i]; rows past
// `count` are zero, so the micro-kernel never needs a bound.
template <class E>
void packPanel(const E* a, int64_t cols, int64_t first, int64_t count, int64_t k0, int64_t width, double* out) {
  for (int64_t i = 0; i < kTile; ++i) {
    if (i < count) {
      const E* row = a + (first + i) * cols + k0;
      for (int64_t k = 0; k < width; ++k) out[k * kTile + i] = static_cast<double>(row[k]);
    } else {
      for (int64_t k = 0; k < width; ++k) out[k * kTile + i] = 0.0;
    }
  }
}

// out[v·stride + u] += Σ_k x[k·kTile + u] · y[k·kTile + v] for a kRowBlock × kColBlock block, stored
// transposed: each register of the block is eight consecutive doubles of `out`, added in one vector operation.
SLOPPY_CPU_KERNEL
void outerBlock(const double* x, const double* y, int64_t width, double* out, int64_t stride) {
  Lanes<kW> acc[kRowBlock / kW][kColBlock];
  for (int h = 0; h < kRowBlock / kW; ++h)
    for (int v = 0; v < kColBlock; ++v) acc[h][v] = Lanes<kW>(0.0);
  for (int64_t k = 0; k < width; ++k) {
    const double* xk = x + k * kTile;
    const double* yk = y + k * kTile;
    SLOPPY_UNROLL
    for (int h = 0; h < kRowBlock / kW; ++h) {
      SLOPPY_UNROLL
      for (int v = 0; v < kColBlock; ++v) {
        // Each of y's values loaded on its own, so that it broadcasts from memory inside the multiply-add
        // (AVX-512's {1to8}): seeing eight side by side, GCC loads them as one vector and spends seven permutes,
        // which compete with the multiply-adds for the floating-point pipes.
        const double* yv = yk + v;
        __asm__("" : "+r"(yv));
        const double b = *yv;
        for (int l = 0; l < kW; ++l) acc[h][v].v[l] = __builtin_fma(xk[h * kW + l], b, acc[h][v].v[l]);
      }
    }
  }
  for (int v = 0; v < kColBlock; ++v)
    for (int h = 0; h < kRowBlock / kW; ++h)
      for (int l = 0; l < kW; ++l) out[v * stride + h * kW + l] += acc[h][v].v[l];
}

template <class E>
std::vector<double> gramOf(const E* a, int64_t rows, int64_t cols, const GramJob& job) {
  std::vector<double> g = zeroedVector(static_cast<size_t>(rows * rows));
  const int64_t tiles = (rows + kTile - 1) / kTile;
  const int64_t pairs = tiles * (tiles + 1) / 2;
  const int threads = threadCount(job.threads);
  // Every row panel is packed once per chunk and shared by all the tiles that read it.
  std::vector<double> packed = zeroedVector(static_cast<size_t>(tiles * kTile * kChunk));
  for (int64_t k0 = 0; k0 < cols; k0 += kChunk) {
    throwIfCancelled(job.cancelled);
    const int64_t width = std::min(kChunk, cols - k0);
    parallelFor(tiles, 1, threads, [&](int64_t begin, int64_t end) {
      for (int64_t t = begin; t < end; ++t) {
        packPanel(a, cols, t * kTile, std::min(kTile, rows - t * kTile), k0, width, packed.data() + t * kTile * kChunk);
      }
    });
    parallelFor(pairs, 1, threads, [&](int64_t begin, int64_t end) {
      for (int64_t t = begin; t < end; ++t) {
        throwIfCancelled(job.cancelled);
        int64_t ti = 0;  // the t-th (ti, tj) with tj ≤ ti, row by row
        while ((ti + 1) * (ti + 2) / 2 <= t) ++ti;
        const int64_t tj = t - ti * (ti + 1) / 2;
        const int64_t i0 = ti * kTile, j0 = tj * kTile;
        const int64_t ni = std::min(kTile, rows - i0), nj = std::min(kTile, rows - j0);
        const double* xi = packed.data() + ti * kTile * kChunk;
        const double* xj = packed.data() + tj * kTile * kChunk;
        for (int64_t p = 0; p < ni; p += kRowBlock) {
          // On a diagonal tile only blocks reaching the lower triangle. G(i, j), i ≥ j, accumulates at g[j][i] (the
          // upper triangle): a block straddling the diagonal also writes some G(i, j), i < j, into the lower
          // triangle, which the symmetrisation below overwrites.
          for (int64_t q = 0; q < nj && (tj != ti || q < p + kRowBlock); q += kColBlock) {
            if (p + kRowBlock <= ni && q + kColBlock <= nj) {
              outerBlock(xi + p, xj + q, width, g.data() + (j0 + q) * rows + i0 + p, rows);
              continue;
            }
            double block[kColBlock * kRowBlock] = {};
            outerBlock(xi + p, xj + q, width, block, kRowBlock);
            for (int v = 0; v < kColBlock && q + v < nj; ++v) {
              for (int u = 0; u < kRowBlock && p + u < ni; ++u) g[(j0 + q + v) * rows + i0 + p + u] += block[v * kRowBlock + u];
            }
          }
        }
      }
    });
    if (job.progress) job.progress(static_cast<double>(std::min(cols, k0 + kChunk)) / cols);
  }
  // Tile by tile, so that the column-wise reads of the upper triangle stay in cache.
  for (int64_t i0 = 0; i0 < rows; i0 += kTile) {
    for (int64_t j0 = 0; j0 <= i0; j0 += kTile) {
      for (int64_t i = i0; i < std::min(rows, i0 + kTile); ++i) {
        for (int64_t j = j0; j < std::min(i + 1, j0 + kTile); ++j) {
          const double value = g[j * rows + i] * job.scale;
          g[i * rows + j] = value;
          g[j * rows + i] = value;
        }
      }
    }
  }
  return g;
}

// Aᵀ as a row-major cols × rows copy, so that Aᵀ·A is the Gram product of its rows.
template <class E>
std::vector<E> transpose(const E* a, int64_t rows, int64_t cols) {
  std::vector<E> t(static_cast<size_t>(rows * cols));
  constexpr int64_t kB = 32;
  for (int64_t i0 = 0; i0 < rows; i0 += kB)
    for (int64_t j0 = 0; j0 < cols; j0 += kB)
      for (int64_t i = i0; i < std::min(rows, i0 + kB); ++i)
        for (int64_t j = j0; j < std::min(cols, j0 + kB); ++j) t[j * rows + i] = a[i * cols + j];
  return t;
}

template <class E>
std::vector<double> gramTyped(const GramJob& job) {
  const E* a = static_cast<const E*>(job.a);
  if (!job.transposed) return gramOf(a, job.rows, job.cols, job);
  const std::vector<E> t = transpose(a, job.rows, job.cols);
  return gramOf(t.data(), job.cols, job.rows, job);
}

}  // namespace

std::vector<double> gramCpu(const GramJob& job) {
  return job.f32 ? gramTyped<float>(job) : gramTyped<double>(job);
}

}  // namespace sloppy
