// G = A·Aᵀ on the GPU. A streams through the device in column chunks (so K ≥ 10⁶ and A larger than GPU
// memory work); G stays resident and each chunk adds its product into G's lower triangle. Each 16 × 16
// thread block owns one 64 × 64 tile of the triangle, every thread a 4 × 4 block of it, with the two row
// panels staged through shared memory 16 columns at a time. Sums run in float or double within each piece of
// kPiece columns and G adds the pieces in double, as the CPU backend's chunks do, so that float accumulation's
// error grows with the piece and not with K.
#include <algorithm>
#include <vector>

#include "../fisher/gram.h"
#include "../sde/job.h"
#include "check.cuh"

namespace sloppy {
namespace {

constexpr int kTile = 64;
constexpr int kDepth = 16;
constexpr int kThreads = 16;  // per side: 16 × 16 threads, 4 × 4 outputs each
constexpr int64_t kPiece = 1024;  // columns summed in the accumulation type before G takes them in double

__device__ void tileOf(int64_t t, int64_t& ti, int64_t& tj) {
  ti = static_cast<int64_t>((sqrt(8.0 * static_cast<double>(t) + 1.0) - 1.0) / 2.0);
  while ((ti + 1) * (ti + 2) / 2 <= t) ++ti;
  while (ti * (ti + 1) / 2 > t) --ti;
  tj = t - ti * (ti + 1) / 2;
}

template <class E, class Acc>
__global__ void gramTileKernel(const E* chunk, int64_t rows, int64_t width, double* g) {
  __shared__ Acc as[kDepth][kTile + 1];
  __shared__ Acc bs[kDepth][kTile + 1];
  int64_t ti, tj;
  tileOf(blockIdx.x, ti, tj);
  const int64_t i0 = ti * kTile, j0 = tj * kTile;
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int linear = ty * kThreads + tx;
  Acc acc[4][4] = {};
  for (int64_t k0 = 0; k0 < width; k0 += kDepth) {
    // 256 threads load 64 rows × 16 columns of each panel: 4 elements each.
    for (int e = linear; e < kTile * kDepth; e += kThreads * kThreads) {
      const int r = e / kDepth, c = e % kDepth;
      const int64_t k = k0 + c;
      as[c][r] = (i0 + r < rows && k < width) ? static_cast<Acc>(chunk[(i0 + r) * width + k]) : Acc(0);
      bs[c][r] = (j0 + r < rows && k < width) ? static_cast<Acc>(chunk[(j0 + r) * width + k]) : Acc(0);
    }
    __syncthreads();
#pragma unroll
    for (int c = 0; c < kDepth; ++c) {
      Acc x[4], y[4];
#pragma unroll
      for (int u = 0; u < 4; ++u) {
        x[u] = as[c][ty * 4 + u];
        y[u] = bs[c][tx * 4 + u];
      }
#pragma unroll
      for (int u = 0; u < 4; ++u)
#pragma unroll
        for (int v = 0; v < 4; ++v) acc[u][v] += x[u] * y[v];
    }
    __syncthreads();
    if ((k0 + kDepth) % kPiece != 0 && k0 + kDepth < width) continue;
    for (int u = 0; u < 4; ++u) {
      for (int v = 0; v < 4; ++v) {
        const int64_t i = i0 + ty * 4 + u, j = j0 + tx * 4 + v;
        if (i < rows && j < rows && j <= i) g[i * rows + j] += static_cast<double>(acc[u][v]);
        acc[u][v] = Acc(0);
      }
    }
  }
}

__global__ void mirrorKernel(const double* g, int64_t rows, double scale, double* out) {
  const int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (e >= rows * rows) return;
  const int64_t i = e / rows, j = e % rows;
  out[e] = scale * (j <= i ? g[i * rows + j] : g[j * rows + i]);
}

// Rows of the Gram product are rows of `a` (rows × cols, row-major); when transposed, they are its columns.
template <class E, class Acc>
std::vector<double> gramDevice(const GramJob& job) {
  const E* a = static_cast<const E*>(job.a);
  const int64_t n = job.transposed ? job.cols : job.rows;   // Gram order
  const int64_t depth = job.transposed ? job.rows : job.cols;  // summed dimension
  cudaCheck(cudaSetDevice(0), "cudaSetDevice");
  // Chunks of the summed dimension sized to about 512 MiB of staged A.
  const int64_t width = std::max<int64_t>(kDepth, std::min<int64_t>(depth, (int64_t(1) << 29) / (n * sizeof(E))));
  DeviceBuffer<double> g(n * n);
  cudaCheck(cudaMemset(g.get(), 0, n * n * sizeof(double)), "cudaMemset");
  DeviceBuffer<E> chunk(n * width);
  std::vector<E> staged(static_cast<size_t>(n * width));
  const int64_t tiles = (n + kTile - 1) / kTile;
  const int64_t pairs = tiles * (tiles + 1) / 2;
  for (int64_t k0 = 0; k0 < depth; k0 += width) {
    throwIfCancelled(job.cancelled);
    const int64_t w = std::min(width, depth - k0);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t k = 0; k < w; ++k)
        staged[i * w + k] = job.transposed ? a[(k0 + k) * job.cols + i] : a[i * job.cols + k0 + k];
    chunk.upload(staged.data(), n * w);
    gramTileKernel<E, Acc><<<static_cast<unsigned>(pairs), dim3(kThreads, kThreads)>>>(chunk.get(), n, w, g.get());
    cudaCheck(cudaGetLastError(), "gramTileKernel launch");
    cudaCheck(cudaDeviceSynchronize(), "gramTileKernel");
    if (job.progress) job.progress(static_cast<double>(k0 + w) / depth);
  }
  DeviceBuffer<double> out(n * n);
  const int64_t total = n * n;
  mirrorKernel<<<static_cast<unsigned>((total + 255) / 256), 256>>>(g.get(), n, job.scale, out.get());
  cudaCheck(cudaGetLastError(), "mirrorKernel launch");
  std::vector<double> result(static_cast<size_t>(total));
  out.download(result.data(), total);
  return result;
}

}  // namespace

std::vector<double> gramCuda(const GramJob& job) {
  std::vector<double> g;
  if (job.f32) g = job.f32Accumulate ? gramDevice<float, float>(job) : gramDevice<float, double>(job);
  else g = gramDevice<double, double>(job);
  if (job.into == nullptr) return g;
  // As on the CPU: the upper triangle of `into` plus the product, mirrored.
  const int64_t n = job.transposed ? job.cols : job.rows;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = i; j < n; ++j) {
      const double v = job.into[i * n + j] + g[i * n + j];
      job.into[i * n + j] = v;
      job.into[j * n + i] = v;
    }
  }
  return {};
}

}  // namespace sloppy
