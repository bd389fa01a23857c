#include "flow.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "../core/errors.h"
#include "batch_norm.h"
#include "flow_cpu.h"
#include "mlp.h"
#ifdef SLOPPY_HAVE_CUDA
#include "../cuda/flow_cuda.h"
#endif

namespace sloppy {
namespace {

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
  for (int l = 0; l < shape.bnLayers(); ++l) {
    std::fill_n(s.w.begin() + shape.bnOffset(l), shape.dim, 1.0);
    std::fill_n(s.w.begin() + shape.movingOffset() + (2 * l + 1) * static_cast<int64_t>(shape.dim), shape.dim, 1.0);
  }
  s.m1.assign(s.w.size(), 0.0);
  s.m2.assign(s.w.size(), 0.0);
  return s;
}

Flow::Flow(FlowState state, bool cuda) : state_(std::move(state)) {
  if (!cuda) return;
#ifdef SLOPPY_HAVE_CUDA
  gpu_ = flowCudaCreate(state_);
#else
  throw CodedError("ERR_CUDA_UNAVAILABLE", "this build has no CUDA backend");
#endif
}

const FlowState& Flow::state() const {
#ifdef SLOPPY_HAVE_CUDA
  if (hostStale_) flowCudaDownload(*gpu_, state_);
#endif
  hostStale_ = false;
  return state_;
}

FlowView Flow::view() const {
  const FlowState& s = state();
  return FlowView{s.shape, s.w.data(), s.constants.perm.data(), s.support.kind.data(), s.support.lower.data(),
                  s.support.upper.data()};
}

void Flow::setWeights(std::vector<double> w, std::vector<double> m1, std::vector<double> m2, int64_t adamStep) {
  state_.w = std::move(w);
  state_.m1 = std::move(m1);
  state_.m2 = std::move(m2);
  state_.adamStep = adamStep;
  hostStale_ = false;
#ifdef SLOPPY_HAVE_CUDA
  if (gpu_) flowCudaUpload(*gpu_, state_);
#endif
}

void Flow::sample(int64_t n, uint64_t seed, uint32_t step, Stream stream, double* z, double* logq, int threads) const {
#ifdef SLOPPY_HAVE_CUDA
  if (gpu_) return flowCudaSample(*gpu_, n, seed, step, stream, z, logq);
#endif
  sampleCpu(view(), n, seed, step, stream, z, logq, threads);
}

void Flow::logProb(const double* z, int64_t n, double* logq, int threads, double* x) const {
#ifdef SLOPPY_HAVE_CUDA
  if (gpu_ && x == nullptr) return flowCudaLogProb(*gpu_, z, n, logq);
#endif
  logProbCpu(view(), z, n, logq, threads, x);
}

void Flow::gradLogProb(const double* z, int64_t n, double* logq, double* grad, int threads) const {
  gradLogProbCpu(view(), z, n, logq, grad, threads);
}

void Flow::hessianLogProb(const double* z, int64_t n, double* hess, int threads) const {
  hessianLogProbCpu(view(), z, n, hess, threads);
}

void Flow::forward(int64_t n, uint64_t seed, uint32_t step, FlowBatch& b, int threads) const {
  b.seed = seed;
  b.step = step;
#ifdef SLOPPY_HAVE_CUDA
  if (gpu_) {
    b.n = n;
    b.onDevice = true;
    b.z.resize(n * state_.shape.dim);
    b.logq.resize(n);
    return flowCudaForward(*gpu_, n, seed, step, b.z.data(), b.logq.data());
  }
#endif
  b.onDevice = false;
  forwardCpu(view(), n, seed, step, b, threads);
}

void Flow::gradient(FlowBatch& b, const double* zBar, const double* qBar, std::vector<double>& g, int threads) const {
  if (!b.onDevice) return gradientCpu(view(), b, zBar, qBar, g, threads);
  FlowBatch host;
  forwardCpu(view(), b.n, b.seed, b.step, host, threads);
  gradientCpu(view(), host, zBar, qBar, g, threads);
}

void Flow::step(FlowBatch& b, const double* zBar, const double* qBar, int threads) {
#ifdef SLOPPY_HAVE_CUDA
  if (b.onDevice) {
    flowCudaBackwardAdam(*gpu_, zBar, qBar, state_.adam);
    hostStale_ = true;
    return;
  }
#endif
  gradient(b, zBar, qBar, b.gradient, threads);
  adamStep(b.gradient, threads);
  batchNormUpdateMoving(state_.shape, b.bnStats.data(), state_.w.data() + state_.shape.movingOffset());
}


void Flow::adamStep(const std::vector<double>& g, int threads) {
  adamCpu(state_.adam, ++state_.adamStep, g, state_.w.data(), state_.m1.data(), state_.m2.data(), threads);
}

void Flow::resetAdam() {
  state();  // bring the weights home before the moments are cleared on both sides
  std::fill(state_.m1.begin(), state_.m1.end(), 0.0);
  std::fill(state_.m2.begin(), state_.m2.end(), 0.0);
  state_.adamStep = 0;
#ifdef SLOPPY_HAVE_CUDA
  if (gpu_) flowCudaResetAdam(*gpu_);
#endif
}

}  // namespace sloppy
