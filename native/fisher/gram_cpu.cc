// G = A·Aᵀ on the CPU: the lower triangle in 64 × 64 tiles spread over the thread pool. Each tile's two row
// panels are packed transposed (column k holds 64 rows side by side, zero-padded), so a micro-kernel can
// keep a 2W × 8 block of G in sixteen W-lane registers (W = 8 doubles or 16 floats: one 64-byte vector) and,
// for every k, load 2W rows of one panel and broadcast 8 of the other: an outer-product update of fused
// multiply-adds (explicit, as the core compiles with contraction off; on the AVX2 and AVX-512 clones they are
// single instructions). Blocks accumulate into the upper triangle, where each register is W consecutive
// numbers of G (one vector add, not W scalar ones), and the lower triangle is mirrored from it at the end. K is
// walked in chunks whose two packed panels stay in L2. The panels, and G unless the job adds into a matrix of
// its own, are fresh memory on huge pages (core/zeroed.h). The accumulation type T is double, or float on request for Float32 input: then each chunk's
// sums run in float (twice the lanes per instruction) and G adds the chunks in double.
#include <algorithm>
#include <cstring>

#include "../core/cpu_kernel.h"
#include "../core/errors.h"
#include "../core/hd.h"
#include "../core/thread_pool.h"
#include "../core/zeroed.h"
#include "../sde/job.h"
#include "gram.h"

namespace sloppy {
namespace {

constexpr int64_t kTile = 64;
constexpr int64_t kPanelBytes = 64 * 512 * 8;  // per packed panel: two stay in L2 (512 KiB)
constexpr int kColBlock = 8;                   // columns of G per micro-kernel call

// One 64-byte register of T, and how the micro-kernel's block is shaped for it.
template <class T>
struct Accumulator {
  typedef T Vector __attribute__((vector_size(64)));
  static constexpr int kLanes = 64 / sizeof(T);
  static constexpr int kRowBlock = 2 * kLanes;                       // rows of G per micro-kernel call
  static constexpr int64_t kChunk = kPanelBytes / (kTile * sizeof(T));  // columns per pass
};

// a·b + c rounded once, in T: __builtin_fma alone would widen floats to double.
inline double fusedMultiplyAdd(double a, double b, double c) { return __builtin_fma(a, b, c); }
inline float fusedMultiplyAdd(float a, float b, float c) { return __builtin_fmaf(a, b, c); }

// Rows [first, first + count) of A, columns [k0, k0 + width), as T in out[k · kTile + i]; rows past `count`
// are zero, so the micro-kernel never needs a bound. The transpose goes through 16 × 16 blocks on the stack, so
// that reads run along rows of A and writes along rows of the panel: written straight across, every number
// landed on a different line of the panel, and packing took a fifth of a product with r = 1000.
template <class T, class E>
void packPanel(const E* a, int64_t cols, int64_t first, int64_t count, int64_t k0, int64_t width, T* out) {
  constexpr int kB = 16;
  for (int64_t i0 = 0; i0 < kTile; i0 += kB) {
    for (int64_t kb = 0; kb < width; kb += kB) {
      const int64_t kn = std::min<int64_t>(kB, width - kb);
      T block[kB][kB];
      for (int i = 0; i < kB; ++i) {
        const E* row = i0 + i < count ? a + (first + i0 + i) * cols + k0 + kb : nullptr;
        for (int k = 0; k < kB; ++k) block[k][i] = row != nullptr && k < kn ? static_cast<T>(row[k]) : T(0);
      }
      for (int k = 0; k < kn; ++k) std::memcpy(out + (kb + k) * kTile + i0, block[k], sizeof block[k]);
    }
  }
}

// out[v·stride + u] += scale · Σ_k x[k·kTile + u] · y[k·kTile + v] for a kRowBlock × kColBlock block, stored
// transposed: each register of the block is kLanes consecutive numbers of `out`, added in one vector operation.
template <class T>
SLOPPY_CPU_KERNEL void outerBlock(const T* x, const T* y, int64_t width, double scale, double* out, int64_t stride) {
  using A = Accumulator<T>;
  constexpr int W = A::kLanes;
  constexpr int H = A::kRowBlock / W;
  typename A::Vector acc[H][kColBlock];
  for (int h = 0; h < H; ++h)
    for (int v = 0; v < kColBlock; ++v) acc[h][v] = typename A::Vector{};
  for (int64_t k = 0; k < width; ++k) {
    const T* xk = x + k * kTile;
    const T* yk = y + k * kTile;
    SLOPPY_UNROLL
    for (int h = 0; h < H; ++h) {
      SLOPPY_UNROLL
      for (int v = 0; v < kColBlock; ++v) {
        // Each of y's values loaded on its own, so that it broadcasts from memory inside the multiply-add
        // (AVX-512's {1toW}): seeing eight side by side, GCC loads them as one vector and spends seven permutes,
        // which compete with the multiply-adds for the floating-point pipes.
        const T* yv = yk + v;
        __asm__("" : "+r"(yv));
        const T b = *yv;
        for (int l = 0; l < W; ++l) acc[h][v][l] = fusedMultiplyAdd(xk[h * W + l], b, acc[h][v][l]);
      }
    }
  }
  for (int v = 0; v < kColBlock; ++v)
    for (int h = 0; h < H; ++h)
      for (int l = 0; l < W; ++l) out[v * stride + h * W + l] += scale * acc[h][v][l];
}

// Scaled sums go into the upper triangle of G (fresh, or the job's `into`, whose lower triangle is then
// ignored) and the lower triangle is mirrored from it at the end.
template <class T, class E>
std::vector<double> gramOf(const E* a, int64_t rows, int64_t cols, const GramJob& job) {
  using A = Accumulator<T>;
  constexpr int64_t kChunk = A::kChunk;
  constexpr int kRowBlock = A::kRowBlock;
  std::vector<double> fresh;
  double* g = job.into;
  if (g == nullptr) {
    fresh = zeroedVector(static_cast<size_t>(rows * rows));
    g = fresh.data();
  }
  const int64_t tiles = (rows + kTile - 1) / kTile;
  const int64_t pairs = tiles * (tiles + 1) / 2;
  const int threads = threadCount(job.threads);
  // Every row panel is packed once per chunk and shared by all the tiles that read it.
  std::vector<T> packed = zeroedVector<T>(static_cast<size_t>(tiles * kTile * kChunk));
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
        const T* xi = packed.data() + ti * kTile * kChunk;
        const T* xj = packed.data() + tj * kTile * kChunk;
        for (int64_t p = 0; p < ni; p += kRowBlock) {
          // On a diagonal tile only blocks reaching the lower triangle. G(i, j), i ≥ j, accumulates at g[j][i] (the
          // upper triangle): a block straddling the diagonal also writes some G(i, j), i < j, into the lower
          // triangle, which the symmetrisation below overwrites.
          for (int64_t q = 0; q < nj && (tj != ti || q < p + kRowBlock); q += kColBlock) {
            if (p + kRowBlock <= ni && q + kColBlock <= nj) {
              outerBlock(xi + p, xj + q, width, job.scale, g + (j0 + q) * rows + i0 + p, rows);
              continue;
            }
            double block[kColBlock * kRowBlock] = {};  // in double: outerBlock adds its T sums into it
            outerBlock(xi + p, xj + q, width, job.scale, block, kRowBlock);
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
        for (int64_t j = j0; j < std::min(i, j0 + kTile); ++j) g[i * rows + j] = g[j * rows + i];
      }
    }
  }
  return fresh;
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

template <class T, class E>
std::vector<double> gramTyped(const GramJob& job) {
  const E* a = static_cast<const E*>(job.a);
  if (!job.transposed) return gramOf<T>(a, job.rows, job.cols, job);
  const std::vector<E> t = transpose(a, job.rows, job.cols);
  return gramOf<T>(t.data(), job.cols, job.rows, job);
}

}  // namespace

std::vector<double> gramCpu(const GramJob& job) {
  if (!job.f32) return gramTyped<double, double>(job);
  return job.f32Accumulate ? gramTyped<float, float>(job) : gramTyped<double, float>(job);
}

}  // namespace sloppy
