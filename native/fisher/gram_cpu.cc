// G = A·Aᵀ on the CPU: the lower triangle in 64 × 64 tiles spread over the thread pool, each tile built
// from 4 × 4 blocks of dot products whose partial sums run in Lanes<8>, so they vectorise without the
// compiler having to reorder a floating-point sum. K is walked in chunks that keep a tile's rows in cache.
// The products are fused multiply-adds (explicit, as the core compiles with contraction off): on machines
// with FMA (the AVX2 and AVX-512 clones) they halve the arithmetic.
#include <algorithm>

#include "../core/errors.h"
#include "../core/lanes.h"
#include "../core/thread_pool.h"
#include "../sde/job.h"
#include "gram.h"

namespace sloppy {
namespace {

constexpr int64_t kTile = 64;
constexpr int64_t kChunk = 512;  // columns per pass: 2 × 64 rows × 512 × 8 B = 512 KiB in L2
constexpr int kBlock = 4;
constexpr int kW = 8;

// Rows of A converted to double, chunk by chunk, so Float32 input costs one conversion per element per tile.
template <class E>
void loadRows(const E* a, int64_t cols, int64_t first, int64_t count, int64_t k0, int64_t width, double* out) {
  for (int64_t i = 0; i < count; ++i) {
    const E* row = a + (first + i) * cols + k0;
    for (int64_t k = 0; k < width; ++k) out[i * kChunk + k] = static_cast<double>(row[k]);
  }
}

// acc[p][q] += Σ_k x[p][k]·y[q][k] over k in [0, width), for kBlock × kBlock rows.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
__attribute__((flatten, target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void dotBlock(const double* x, const double* y, int64_t width, int px, int py, double (&out)[kBlock][kBlock]) {
  Lanes<kW> acc[kBlock][kBlock];
  for (int p = 0; p < kBlock; ++p)
    for (int q = 0; q < kBlock; ++q) acc[p][q] = Lanes<kW>(0.0);
  const int64_t full = width / kW * kW;
  for (int64_t k = 0; k < full; k += kW) {
    Lanes<kW> xs[kBlock], ys[kBlock];
    for (int p = 0; p < kBlock; ++p)
      for (int l = 0; l < kW; ++l) xs[p].v[l] = p < px ? x[p * kChunk + k + l] : 0.0;
    for (int q = 0; q < kBlock; ++q)
      for (int l = 0; l < kW; ++l) ys[q].v[l] = q < py ? y[q * kChunk + k + l] : 0.0;
    SLOPPY_UNROLL
    for (int p = 0; p < kBlock; ++p) {
      SLOPPY_UNROLL
      for (int q = 0; q < kBlock; ++q)
        for (int l = 0; l < kW; ++l) acc[p][q].v[l] = __builtin_fma(xs[p].v[l], ys[q].v[l], acc[p][q].v[l]);
    }
  }
  for (int p = 0; p < kBlock; ++p) {
    for (int q = 0; q < kBlock; ++q) {
      double s = 0.0;
      for (int l = 0; l < kW; ++l) s += acc[p][q].v[l];
      for (int64_t k = full; k < width; ++k) s += (p < px && q < py) ? x[p * kChunk + k] * y[q * kChunk + k] : 0.0;
      out[p][q] += s;
    }
  }
}

template <class E>
std::vector<double> gramOf(const E* a, int64_t rows, int64_t cols, const GramJob& job) {
  std::vector<double> g(static_cast<size_t>(rows * rows), 0.0);
  const int64_t tiles = (rows + kTile - 1) / kTile;
  const int64_t pairs = tiles * (tiles + 1) / 2;
  std::atomic<int64_t> done{0};
  const int threads = job.threads > 0 ? job.threads : hardwareThreads();
  parallelFor(pairs, 1, threads, [&](int64_t begin, int64_t end) {
    std::vector<double> xi(kTile * kChunk), xj(kTile * kChunk);
    for (int64_t t = begin; t < end; ++t) {
      if (job.cancelled != nullptr && job.cancelled->load()) throw Cancelled{};
      int64_t ti = 0;  // the t-th (ti, tj) with tj ≤ ti, row by row
      while ((ti + 1) * (ti + 2) / 2 <= t) ++ti;
      const int64_t tj = t - ti * (ti + 1) / 2;
      const int64_t i0 = ti * kTile, j0 = tj * kTile;
      const int64_t ni = std::min(kTile, rows - i0), nj = std::min(kTile, rows - j0);
      std::vector<double> tile(static_cast<size_t>(kTile * kTile), 0.0);
      for (int64_t k0 = 0; k0 < cols; k0 += kChunk) {
        const int64_t width = std::min(kChunk, cols - k0);
        loadRows(a, cols, i0, ni, k0, width, xi.data());
        if (tj != ti) loadRows(a, cols, j0, nj, k0, width, xj.data());
        const double* yj = tj != ti ? xj.data() : xi.data();
        for (int64_t p = 0; p < ni; p += kBlock) {
          for (int64_t q = 0; q < nj && (tj != ti || q <= p); q += kBlock) {
            double out[kBlock][kBlock] = {};
            dotBlock(xi.data() + p * kChunk, yj + q * kChunk, width, static_cast<int>(std::min<int64_t>(kBlock, ni - p)),
                     static_cast<int>(std::min<int64_t>(kBlock, nj - q)), out);
            for (int u = 0; u < kBlock && p + u < ni; ++u)
              for (int v = 0; v < kBlock && q + v < nj; ++v) tile[(p + u) * kTile + q + v] += out[u][v];
          }
        }
      }
      for (int64_t u = 0; u < ni; ++u) {
        for (int64_t v = 0; v < nj; ++v) {
          if (tj == ti && v > u) continue;
          const double value = tile[u * kTile + v] * job.scale;
          g[(i0 + u) * rows + j0 + v] = value;
          g[(j0 + v) * rows + i0 + u] = value;
        }
      }
      const int64_t finished = ++done;
      if (job.progress && (finished % 16 == 0 || finished == pairs)) job.progress(static_cast<double>(finished) / pairs);
    }
  });
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
