// Score rows √Q(c|x)·∇θ log Q(c|x) for every sample and class: one backward pass per (sample, class) row,
// all rows of a block of samples propagated together as one matrix product per layer.
#include <algorithm>
#include <cmath>

#include "../core/thread_pool.h"
#include "../sde/job.h"
#include "classifier.h"

namespace sloppy {

namespace {

constexpr int64_t kBlock = 32;

template <typename T>
void scoreBlock(const ScoreJob& job, int64_t s0, int64_t s1, T* out) {
  const Mlp& net = job.net;
  const int64_t c = net.classes(), k = net.paramCount(), d = net.sizes[0], layers = net.layers();
  const int64_t rows = (s1 - s0) * c;
  Forward f;
  forward(net, job.params, Eigen::Map<const RowMatrix>(job.x + s0 * d, s1 - s0, d), f);
  // ∂ log Q_c/∂z_k = δ_ck − Q_k, and the row weight √Q_c carries through the linear backward pass.
  RowMatrix delta(rows, c);
  for (int64_t i = 0; i < s1 - s0; ++i) {
    for (int64_t a = 0; a < c; ++a) {
      const double w = std::sqrt(f.prob(i, a));
      for (int64_t b = 0; b < c; ++b) delta(i * c + a, b) = w * ((a == b ? 1.0 : 0.0) - f.prob(i, b));
    }
  }
  int64_t offset = k;
  for (int64_t l = layers; l >= 1; --l) {
    const int64_t in = net.sizes[l - 1], width = net.sizes[l];
    offset -= (in + 1) * width;
    for (int64_t r = 0; r < rows; ++r) {
      T* row = out + (s0 * c + r) * k + offset;
      const auto input = f.post[l - 1].row(r / c);
      for (int64_t o = 0; o < width; ++o) {
        const double g = delta(r, o);
        for (int64_t j = 0; j < in; ++j) row[o * in + j] = static_cast<T>(g * input(j));
        row[width * in + o] = static_cast<T>(g);
      }
    }
    if (l > 1) {
      const Eigen::Map<const RowMatrix> w(job.params + offset, width, in);
      RowMatrix back = delta * w;
      scaleByDerivative(net, f, l - 1, back, c);
      delta = std::move(back);
    }
  }
}

}  // namespace

void scoreRows(const ScoreJob& job, void* out) {
  const int64_t blocks = (job.n + kBlock - 1) / kBlock;
  parallelFor(blocks, 1, job.threads, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      throwIfCancelled(job.cancelled);
      const int64_t s0 = b * kBlock, s1 = std::min(job.n, s0 + kBlock);
      if (job.f32) {
        scoreBlock(job, s0, s1, static_cast<float*>(out));
      } else {
        scoreBlock(job, s0, s1, static_cast<double*>(out));
      }
    }
  });
}

}  // namespace sloppy
