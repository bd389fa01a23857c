#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "../core/dual.h"
#include "../core/thread_pool.h"
#include "density.h"
#include "flow.h"
#include "push.h"

namespace sloppy {
namespace {

constexpr int64_t kSumBlocks = 8;  // gradient partial sums per batch, independent of the thread count
constexpr int kGradBlock = 8;      // tangents per forward-mode pass for ∇_z log q
constexpr int kHessBlock = 4;      // tangents per level for the Hessian

using GradScalar = Dual<kGradBlock>;
using HessScalar = Dual<kHessBlock, Dual<kHessBlock>>;

void glorot(const FlowShape& f, int stage, uint64_t seed, double* w) {
  const PathRng rng = makePathRng(seed, static_cast<uint64_t>(stage), 0);
  std::vector<double> u;
  int nIn = f.d1();
  for (int l = 0; l <= f.layers; ++l) {
    const int nOut = l == f.layers ? 2 * f.d2() : f.units;
    const int64_t count = static_cast<int64_t>(nOut) * nIn;
    double* W = w + mlpLayerOffset(f, l);
    if (count > 0) {
      u.resize(count);
      rng.uniforms(static_cast<uint32_t>(l), Stream::Quenched, u.data(), static_cast<int>(count));
      const double limit = std::sqrt(6.0 / (nIn + nOut));
      for (int64_t k = 0; k < count; ++k) W[k] = limit * (2.0 * u[k] - 1.0);
    }
    std::fill(W + count, W + count + nOut, 0.0);
    nIn = nOut;
  }
}

// Stage s's permutation: the LU factors of a random orthogonal matrix (Glow), or a random permutation.
void permutation(const FlowShape& f, int stage, uint64_t seed, double* lu, int* perm) {
  const int D = f.dim;
  const PathRng rng = makePathRng(seed, static_cast<uint64_t>(stage), 1);
  std::vector<double> u(static_cast<size_t>(D) * D);
  rng.uniforms(0, Stream::Quenched, u.data(), D * D);
  if (!f.luPermutation) {
    for (int i = 0; i < D; ++i) perm[i] = i;
    for (int i = D - 1; i > 0; --i) std::swap(perm[i], perm[std::min(i, static_cast<int>(u[i] * (i + 1)))]);
    return;
  }
  const Eigen::MatrixXd a = Eigen::Map<const Eigen::Matrix<double, -1, -1, Eigen::RowMajor>>(u.data(), D, D);
  const Eigen::MatrixXd q = Eigen::HouseholderQR<Eigen::MatrixXd>(a).householderQ();
  const Eigen::PartialPivLU<Eigen::MatrixXd> plu(q);
  // P·q = L·U, so q = Pᵀ·L·U: y_i = (L·U·x)_{perm[i]}.
  const Eigen::MatrixXi pt = plu.permutationP().transpose().toDenseMatrix().cast<int>();
  for (int i = 0; i < D; ++i) {
    for (int j = 0; j < D; ++j) {
      lu[i * D + j] = plu.matrixLU()(i, j);
      if (pt(i, j) == 1) perm[i] = j;
    }
  }
}

// Calls body(i, scratch) for every sample on the pool, with per-block scratch of T.
template <class T, class Body>
void forSamples(int64_t n, int64_t scratchSize, int threads, const Body& body) {
  parallelFor(n, std::max<int64_t>(1, n / (8 * std::max(1, threads > 0 ? threads : hardwareThreads()))), threads,
              [&](int64_t begin, int64_t end) {
                std::vector<T> scratch(static_cast<size_t>(std::max<int64_t>(scratchSize, 1)));
                for (int64_t i = begin; i < end; ++i) body(i, scratch.data());
              });
}

}  // namespace

FlowState Flow::initialState(const FlowShape& shape, const SupportMap& support, uint64_t seed) {
  FlowState s;
  s.shape = shape;
  s.support = support;
  s.w.assign(shape.size(), 0.0);
  s.constants.perm.assign(static_cast<size_t>(shape.stages) * shape.dim, 0);
  for (int st = 0; st < shape.stages; ++st) {
    glorot(shape, st, seed, s.w.data() + shape.stageOffset(st));
    int* perm = s.constants.perm.data() + static_cast<int64_t>(st) * shape.dim;
    if (st < shape.stages - 1) {
      permutation(shape, st, seed, s.w.data() + shape.luOffset(st), perm);
    } else {
      for (int i = 0; i < shape.dim; ++i) perm[i] = i;
    }
  }
  if (shape.postAffine) std::fill(s.w.begin() + shape.affineOffset(), s.w.begin() + shape.affineOffset() + shape.dim, 1.0);
  s.m1.assign(s.w.size(), 0.0);
  s.m2.assign(s.w.size(), 0.0);
  return s;
}

Flow::Flow(FlowState state) : state_(std::move(state)) {}

FlowView Flow::view() const {
  return FlowView{state_.shape, state_.w.data(), state_.constants.perm.data(), state_.support.kind.data(),
                  state_.support.lower.data(), state_.support.upper.data()};
}

void Flow::sample(int64_t n, uint64_t seed, uint32_t step, Stream stream, double* z, double* logq,
                  int threads) const {
  const FlowView v = view();
  const int D = v.shape.dim;
  const int64_t tape = v.shape.tapeSize();
  forSamples<double>(n, tape + pushScratch(v.shape) + D, threads, [&](int64_t i, double* scratch) {
    double* x = scratch + tape + pushScratch(v.shape);
    makePathRng(seed, static_cast<uint64_t>(i), 0).normals(step, stream, x, D);
    logq[i] = pushForward(v, x, z + i * D, scratch, scratch + tape);
  });
}

void Flow::logProb(const double* z, int64_t n, double* logq, int threads, double* x) const {
  const FlowView v = view();
  const int D = v.shape.dim;
  forSamples<double>(n, densityScratch(v.shape), threads, [&](int64_t i, double* scratch) {
    logq[i] = logDensity(v, z + i * D, scratch);
    if (x != nullptr) std::copy(scratch, scratch + D, x + i * D);  // logDensity leaves x in its first D scalars
  });
}

void Flow::gradLogProb(const double* z, int64_t n, double* logq, double* grad, int threads) const {
  const FlowView v = view();
  const int D = v.shape.dim;
  forSamples<GradScalar>(n, densityScratch(v.shape) + D, threads, [&](int64_t i, GradScalar* scratch) {
    GradScalar* zt = scratch + densityScratch(v.shape);
    for (int b = 0; b < D; b += kGradBlock) {
      for (int k = 0; k < D; ++k) {
        zt[k] = GradScalar(z[i * D + k]);
        if (k >= b && k < b + kGradBlock) zt[k].d[k - b] = 1.0;
      }
      const GradScalar lp = logDensity(v, zt, scratch);
      for (int j = 0; j < kGradBlock && b + j < D; ++j) grad[i * D + b + j] = lp.d[j];
      logq[i] = lp.v;
    }
  });
}

void Flow::hessianLogProb(const double* z, int64_t n, double* hess, int threads) const {
  const FlowView v = view();
  const int D = v.shape.dim;
  using Inner = Dual<kHessBlock>;
  forSamples<HessScalar>(n, densityScratch(v.shape) + D, threads, [&](int64_t i, HessScalar* scratch) {
    HessScalar* zt = scratch + densityScratch(v.shape);
    double* H = hess + i * D * D;
    for (int bi = 0; bi < D; bi += kHessBlock) {
      for (int bj = bi; bj < D; bj += kHessBlock) {
        for (int k = 0; k < D; ++k) {
          Inner inner(z[i * D + k]);
          if (k >= bj && k < bj + kHessBlock) inner.d[k - bj] = 1.0;
          zt[k] = HessScalar(inner);
          if (k >= bi && k < bi + kHessBlock) zt[k].d[k - bi] = Inner(1.0);
        }
        const HessScalar lp = logDensity(v, zt, scratch);
        for (int a = 0; a < kHessBlock && bi + a < D; ++a) {
          for (int c = 0; c < kHessBlock && bj + c < D; ++c) {
            H[(bi + a) * D + bj + c] = lp.d[a].d[c];
            H[(bj + c) * D + bi + a] = lp.d[a].d[c];
          }
        }
      }
    }
  });
}

void Flow::forward(int64_t n, uint64_t seed, uint32_t step, FlowBatch& b, int threads) const {
  const FlowView v = view();
  const int D = v.shape.dim;
  const int64_t tape = v.shape.tapeSize();
  b.n = n;
  b.x.resize(n * D);
  b.z.resize(n * D);
  b.logq.resize(n);
  b.tape.resize(n * tape);
  forSamples<double>(n, pushScratch(v.shape), threads, [&](int64_t i, double* scratch) {
    makePathRng(seed, static_cast<uint64_t>(i), 0).normals(step, Stream::Dynamics, b.x.data() + i * D, D);
    b.logq[i] = pushForward(v, b.x.data() + i * D, b.z.data() + i * D, b.tape.data() + i * tape, scratch);
  });
}

void Flow::backward(const FlowBatch& b, const double* zBar, const double* qBar, std::vector<double>& g,
                    int threads) const {
  const FlowView v = view();
  const int D = v.shape.dim;
  const int64_t P = v.shape.size();
  const int64_t tape = v.shape.tapeSize();
  const int64_t blocks = std::min<int64_t>(kSumBlocks, b.n);
  std::vector<double> partial(blocks * P, 0.0);
  parallelFor(blocks, 1, threads, [&](int64_t begin, int64_t end) {
    std::vector<double> scratch(pushScratch(v.shape));
    for (int64_t blk = begin; blk < end; ++blk) {
      for (int64_t i = blk * b.n / blocks; i < (blk + 1) * b.n / blocks; ++i) {
        pullBack(v, zBar + i * D, qBar[i], b.tape.data() + i * tape, partial.data() + blk * P, scratch.data());
      }
    }
  });
  g.assign(P, 0.0);
  for (int64_t blk = 0; blk < blocks; ++blk) {
    for (int64_t k = 0; k < P; ++k) g[k] += partial[blk * P + k];
  }
}

void Flow::adamStep(std::vector<double>& g) {
  double norm2 = 0.0;
  for (double x : g) norm2 += x * x;
  const double kClip = 1e10;
  const double scale = norm2 > kClip * kClip ? kClip / std::sqrt(norm2) : 1.0;
  ++state_.adamStep;
  for (size_t k = 0; k < g.size(); ++k) {
    adamUpdate(state_.adam, state_.adamStep, g[k] * scale, state_.w[k], state_.m1[k], state_.m2[k]);
  }
}

void Flow::resetAdam() {
  std::fill(state_.m1.begin(), state_.m1.end(), 0.0);
  std::fill(state_.m2.begin(), state_.m2.end(), 0.0);
  state_.adamStep = 0;
}

}  // namespace sloppy
