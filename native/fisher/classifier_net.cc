// The classifier's forward pass, cross-entropy gradient and evaluation, as Eigen products over the batch.
#include <algorithm>
#include <cmath>
#include <random>

#include "../core/errors.h"
#include "../core/thread_pool.h"
#include "classifier.h"

namespace sloppy {

namespace {

using ConstMatrixMap = Eigen::Map<const RowMatrix>;

// Blocks of this many samples are the unit of threading; fixed so that sums are reproducible.
constexpr int64_t kBlock = 256;

double activate(ClassifierActivation a, double z) {
  switch (a) {
    case ClassifierActivation::Relu: return z > 0 ? z : 0;
    case ClassifierActivation::Tanh: return std::tanh(z);
    case ClassifierActivation::Softplus: return std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z)));
  }
  return z;
}

double derivative(ClassifierActivation a, double z, double y) {
  switch (a) {
    case ClassifierActivation::Relu: return z > 0 ? 1 : 0;
    case ClassifierActivation::Tanh: return 1 - y * y;
    case ClassifierActivation::Softplus: return 1 / (1 + std::exp(-z));
  }
  return 1;
}

}  // namespace

int64_t Mlp::paramCount() const {
  int64_t k = 0;
  for (int64_t l = 0; l < layers(); ++l) k += (sizes[l] + 1) * sizes[l + 1];
  return k;
}

void checkMlp(const Mlp& net) {
  if (net.sizes.size() < 2) throw CodedError("ERR_INVALID_ARG_VALUE", "sizes needs at least d_in and C");
  for (int64_t s : net.sizes) {
    if (s < 1) throw CodedError("ERR_INVALID_ARG_VALUE", "every layer size must be at least 1");
  }
  if (net.classes() < 2) throw CodedError("ERR_INVALID_ARG_VALUE", "a classifier needs at least 2 classes");
}

void forward(const Mlp& net, const double* params, const Eigen::Ref<const RowMatrix>& x, Forward& f) {
  const int64_t layers = net.layers();
  f.pre.resize(layers + 1);
  f.post.resize(layers + 1);
  f.post[0] = x;
  const double* p = params;
  for (int64_t l = 1; l <= layers; ++l) {
    const int64_t in = net.sizes[l - 1], out = net.sizes[l];
    ConstMatrixMap w(p, out, in);
    Eigen::Map<const Eigen::RowVectorXd> b(p + out * in, out);
    p += (in + 1) * out;
    f.pre[l].noalias() = f.post[l - 1] * w.transpose();
    f.pre[l].rowwise() += b;
    if (l < layers) f.post[l] = f.pre[l].unaryExpr([&](double z) { return activate(net.activation, z); });
  }
  const RowMatrix& z = f.pre[layers];
  const Eigen::VectorXd top = z.rowwise().maxCoeff();
  f.logQ = z.colwise() - top;
  const Eigen::VectorXd logSum = f.logQ.array().exp().rowwise().sum().log();
  f.logQ.colwise() -= logSum;
  f.prob = f.logQ.array().exp();
}

void scaleByDerivative(const Mlp& net, const Forward& f, int64_t layer, RowMatrix& delta, int64_t repeat) {
  const RowMatrix& z = f.pre[layer];
  const RowMatrix& y = f.post[layer];
  for (int64_t r = 0; r < delta.rows(); ++r) {
    const int64_t i = r / repeat;
    for (int64_t j = 0; j < delta.cols(); ++j) delta(r, j) *= derivative(net.activation, z(i, j), y(i, j));
  }
}

BatchLoss lossAndGradient(const Mlp& net, const double* params, const Eigen::Ref<const RowMatrix>& x,
                          const int32_t* labels, double* grad) {
  Forward f;
  forward(net, params, x, f);
  const int64_t rows = x.rows(), layers = net.layers();
  BatchLoss out;
  RowMatrix delta = f.prob;  // ∂(−log Q_y)/∂z = Q − e_y
  for (int64_t i = 0; i < rows; ++i) {
    Eigen::Index best;
    f.prob.row(i).maxCoeff(&best);
    if (best == labels[i]) ++out.correct;
    out.loss -= f.logQ(i, labels[i]);
    delta(i, labels[i]) -= 1;
  }
  std::vector<int64_t> offsets(layers + 1, 0);
  for (int64_t l = 1; l <= layers; ++l) offsets[l] = offsets[l - 1] + (net.sizes[l - 1] + 1) * net.sizes[l];
  for (int64_t l = layers; l >= 1; --l) {
    const int64_t in = net.sizes[l - 1], out_ = net.sizes[l];
    Eigen::Map<RowMatrix> gw(grad + offsets[l - 1], out_, in);
    Eigen::Map<Eigen::RowVectorXd> gb(grad + offsets[l - 1] + out_ * in, out_);
    gw.noalias() += delta.transpose() * f.post[l - 1];
    gb += delta.colwise().sum();
    if (l > 1) {
      RowMatrix back = delta * ConstMatrixMap(params + offsets[l - 1], out_, in);
      scaleByDerivative(net, f, l - 1, back, 1);
      delta = std::move(back);
    }
  }
  return out;
}

Evaluation evaluateMlp(const Mlp& net, const double* params, const double* x, const int32_t* labels, int64_t n,
                       int threads) {
  const int64_t d = net.sizes[0], c = net.classes();
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  std::vector<double> losses(blocks, 0);
  std::vector<int64_t> correct(blocks, 0);
  Evaluation e;
  e.prob.resize(n * c);
  parallelFor(blocks, 1, threads, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t s0 = b * kBlock, s1 = std::min(n, s0 + kBlock);
      Forward f;
      forward(net, params, ConstMatrixMap(x + s0 * d, s1 - s0, d), f);
      Eigen::Map<RowMatrix>(e.prob.data() + s0 * c, s1 - s0, c) = f.prob;
      for (int64_t i = 0; i < s1 - s0; ++i) {
        Eigen::Index best;
        f.prob.row(i).maxCoeff(&best);
        if (best == labels[s0 + i]) ++correct[b];
        losses[b] -= f.logQ(i, labels[s0 + i]);
      }
    }
  });
  for (int64_t b = 0; b < blocks; ++b) {
    e.loss += losses[b];
    e.accuracy += static_cast<double>(correct[b]);
  }
  e.loss /= static_cast<double>(n);
  e.accuracy /= static_cast<double>(n);
  return e;
}

std::vector<double> initMlp(const Mlp& net, uint64_t seed) {
  std::mt19937_64 rng(seed);
  // Built from raw 53-bit draws: std::uniform_real_distribution differs between standard libraries.
  const auto uniform = [&rng]() { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  std::vector<double> params;
  params.reserve(net.paramCount());
  for (int64_t l = 0; l < net.layers(); ++l) {
    const double bound = 1 / std::sqrt(static_cast<double>(net.sizes[l]));
    for (int64_t k = 0; k < (net.sizes[l] + 1) * net.sizes[l + 1]; ++k) params.push_back(bound * (2 * uniform() - 1));
  }
  return params;
}

}  // namespace sloppy
