// Training the classifier: full-batch or minibatch gradient descent or Adam on the mean cross-entropy,
// stopping at 100% training accuracy (optionally) or at the step limit.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "../core/errors.h"
#include "../core/thread_pool.h"
#include "../sde/job.h"
#include "classifier.h"

namespace sloppy {

namespace {

constexpr int64_t kBlock = 256;

// The batch's mean-loss gradient, summed block by block in a fixed order so any thread count gives the
// same bits.
void batchGradient(const ClassifierTrainJob& job, const std::vector<double>& params, const RowMatrix& x,
                   const std::vector<int32_t>& labels, std::vector<double>& grad) {
  const int64_t rows = x.rows(), k = job.net.paramCount();
  const int64_t blocks = (rows + kBlock - 1) / kBlock;
  std::vector<std::vector<double>> parts(blocks, std::vector<double>(k, 0.0));
  parallelFor(blocks, 1, job.threads, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t s0 = b * kBlock, s1 = std::min(rows, s0 + kBlock);
      lossAndGradient(job.net, params.data(), x.middleRows(s0, s1 - s0), labels.data() + s0, parts[b].data());
    }
  });
  std::fill(grad.begin(), grad.end(), 0.0);
  for (const auto& part : parts) {
    for (int64_t j = 0; j < k; ++j) grad[j] += part[j];
  }
  for (double& g : grad) g /= static_cast<double>(rows);
}

}  // namespace

ClassifierTrainResult trainMlp(const ClassifierTrainJob& job) {
  const Mlp& net = job.net;
  const int64_t k = net.paramCount(), d = net.sizes[0], n = job.n;
  const int64_t batch = job.batch > 0 ? std::min(job.batch, n) : n;
  // Accuracy is checked on the whole training set once per epoch, so full batch checks every step.
  const int64_t stepsPerEpoch = (n + batch - 1) / batch;
  ClassifierTrainResult r;
  r.params = job.params;
  std::vector<double> grad(k), m(k, 0.0), v(k, 0.0);
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(job.seed);
  RowMatrix xb(batch, d);
  std::vector<int32_t> yb(batch);
  size_t nextCheckpoint = 0;
  int64_t cursor = n;  // start of the next minibatch in `order`; n forces a shuffle first

  const auto keepCheckpoints = [&](int64_t step) {
    while (nextCheckpoint < job.checkpoints.size() && job.checkpoints[nextCheckpoint] <= step) {
      if (job.checkpoints[nextCheckpoint] == step) {
        r.checkpointSteps.push_back(step);
        r.checkpointParams.insert(r.checkpointParams.end(), r.params.begin(), r.params.end());
      }
      ++nextCheckpoint;
    }
  };
  const auto record = [&](int64_t step) {
    const Evaluation e = evaluateMlp(net, r.params.data(), job.x, job.labels, n, job.threads);
    if (!std::isfinite(e.loss)) throw CodedError("ERR_NONFINITE", "the training loss became non-finite at step " +
                                                                      std::to_string(step));
    r.history.insert(r.history.end(), {static_cast<double>(step), e.loss, e.accuracy});
    return e.accuracy;
  };

  int64_t step = 0;
  keepCheckpoints(0);
  double accuracy = record(0);
  while (step < job.steps && !(job.stopWhenPerfect && accuracy == 1.0)) {
    throwIfCancelled(job.cancelled);
    if (batch < n) {
      if (cursor + batch > n) {
        std::shuffle(order.begin(), order.end(), rng);
        cursor = 0;
      }
      for (int64_t i = 0; i < batch; ++i) {
        xb.row(i) = Eigen::Map<const Eigen::RowVectorXd>(job.x + order[cursor + i] * d, d);
        yb[i] = job.labels[order[cursor + i]];
      }
      cursor += batch;
    } else if (step == 0) {
      xb = Eigen::Map<const RowMatrix>(job.x, n, d);
      yb.assign(job.labels, job.labels + n);
    }
    batchGradient(job, r.params, xb, yb, grad);
    ++step;
    if (job.adam) {
      const double c1 = 1 - std::pow(job.beta1, static_cast<double>(step));
      const double c2 = 1 - std::pow(job.beta2, static_cast<double>(step));
      for (int64_t j = 0; j < k; ++j) {
        m[j] = job.beta1 * m[j] + (1 - job.beta1) * grad[j];
        v[j] = job.beta2 * v[j] + (1 - job.beta2) * grad[j] * grad[j];
        r.params[j] -= job.learningRate * (m[j] / c1) / (std::sqrt(v[j] / c2) + job.epsilon);
      }
    } else {
      for (int64_t j = 0; j < k; ++j) r.params[j] -= job.learningRate * grad[j];
    }
    keepCheckpoints(step);
    if (step % stepsPerEpoch == 0 || step == job.steps) accuracy = record(step);
    if (job.progress) job.progress(static_cast<double>(step) / static_cast<double>(job.steps));
  }
  if (r.history[r.history.size() - 3] != static_cast<double>(step)) record(step);
  r.steps = step;
  return r;
}

}  // namespace sloppy
