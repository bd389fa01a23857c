// A multilayer-perceptron classifier with softmax cross-entropy, for the finite-rank Fisher information of
// Box 5 of the "optimization and variability" seed: training on user data, and the per-sample, per-class
// score rows A(i,c) = √Q(c|xᵢ)·∇θ log Q(c|xᵢ) whose Gram product A·Aᵀ/n has the nonzero spectrum of F(n).
// Parameters are one flat vector in PyTorch order: per layer W (out × in, row-major), then b.
#pragma once
#include <Eigen/Dense>

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

namespace sloppy {

// Its own name: sloppy::Activation is the landscape networks' (net_shape.h), with other members.
enum class ClassifierActivation { Relu, Tanh, Softplus };

struct Mlp {
  std::vector<int64_t> sizes;  // d_in, h1, …, C
  ClassifierActivation activation = ClassifierActivation::Relu;
  int64_t layers() const { return static_cast<int64_t>(sizes.size()) - 1; }
  int64_t classes() const { return sizes.back(); }
  int64_t paramCount() const;
};

// Throws ERR_INVALID_ARG_VALUE for fewer than two sizes, a size below 1, or fewer than two classes.
void checkMlp(const Mlp& net);

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// One batch's pass: post[0] = inputs, pre[l] = post[l-1]·Wₗᵀ + bₗ, post[l] = σ(pre[l]) for hidden layers;
// logQ and prob hold the log-softmax and softmax of the last pre-activation.
struct Forward {
  std::vector<RowMatrix> pre;
  std::vector<RowMatrix> post;
  RowMatrix logQ;
  RowMatrix prob;
};

void forward(const Mlp& net, const double* params, const Eigen::Ref<const RowMatrix>& x, Forward& f);

// Multiplies `delta` (rows × width of hidden layer `layer`) elementwise by σ' at that layer's
// pre-activations, row r of delta belonging to batch row r / repeat (score rows carry C rows per sample).
void scaleByDerivative(const Mlp& net, const Forward& f, int64_t layer, RowMatrix& delta, int64_t repeat);

// The sum over the batch of the cross-entropy and its gradient (added to `grad`), plus the number of
// correctly classified samples.
struct BatchLoss {
  double loss = 0;
  int64_t correct = 0;
};
BatchLoss lossAndGradient(const Mlp& net, const double* params, const Eigen::Ref<const RowMatrix>& x,
                          const int32_t* labels, double* grad);

// Loss (mean cross-entropy), accuracy and class probabilities (n × C) on a whole data set, threaded in
// fixed blocks so the sums do not depend on the thread count.
struct Evaluation {
  double loss = 0;
  double accuracy = 0;
  std::vector<double> prob;
};
Evaluation evaluateMlp(const Mlp& net, const double* params, const double* x, const int32_t* labels, int64_t n,
                       int threads);

// PyTorch's nn.Linear default: W and b uniform in ±1/√(fan-in), from a seeded 64-bit Mersenne Twister.
std::vector<double> initMlp(const Mlp& net, uint64_t seed);

struct ClassifierTrainJob {
  Mlp net;
  std::vector<double> params;  // initial parameters
  const double* x = nullptr;   // n × d_in, row-major
  const int32_t* labels = nullptr;
  int64_t n = 0;
  bool adam = true;            // else plain gradient descent
  double learningRate = 1e-2;
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
  int64_t batch = 0;           // 0: full batch
  int64_t steps = 5000;        // the step limit
  bool stopWhenPerfect = true;
  uint64_t seed = 0;           // minibatch order
  std::vector<int64_t> checkpoints;  // ascending step counts whose parameters are kept
  int threads = 0;
  const std::atomic<bool>* cancelled = nullptr;
  std::function<void(double)> progress;
};

struct ClassifierTrainResult {
  std::vector<double> params;
  int64_t steps = 0;
  std::vector<double> history;  // rows (step, loss, accuracy) on the whole training set
  std::vector<int64_t> checkpointSteps;
  std::vector<double> checkpointParams;  // one parameter vector per reached checkpoint
};

ClassifierTrainResult trainMlp(const ClassifierTrainJob& job);

struct ScoreJob {
  Mlp net;
  const double* params = nullptr;
  const double* x = nullptr;
  int64_t n = 0;
  bool f32 = false;  // element type of the output
  int threads = 0;
  const std::atomic<bool>* cancelled = nullptr;
};

// Row i·C + c of the (n·C) × K result is √Q(c|xᵢ)·∇θ log Q(c|xᵢ); `out` must hold n·C·K elements of the
// job's type.
void scoreRows(const ScoreJob& job, void* out);

}  // namespace sloppy
