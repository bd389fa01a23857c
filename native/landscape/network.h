// Batched jobs over many networks of one shape on one data set (x: points × d_in, y: points × d_out):
// the loss L(w) = (1/n)·Σᵢ ‖f(xᵢ; w) − yᵢ‖² (the mean squared error when d_out = 1) with its gradient and exact
// Hessian, the outputs at the data, and full-batch fits. Networks never interact, so every result is the
// same whatever the batch split, the thread count or the backend (to rounding on the GPU).
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "../core/hd.h"
#include "net_shape.h"
#include "optimizer.h"

namespace sloppy {

struct NetData {
  std::vector<double> x;  // points × inputs
  std::vector<double> y;  // points × outputs
  int points = 0;
};

struct NetJobBase {
  NetShape shape;
  ActivationSpec act;
  NetData data;
  int64_t count = 0;  // networks
  int threads = 0;
  const std::atomic<bool>* cancelled = nullptr;
  std::function<void(double)> progress;
};

struct EvaluateJob : NetJobBase {
  const double* params = nullptr;  // count × P, read in place
  bool gradient = true;
  bool hessian = false;  // CPU only: float64 forward mode over the reverse-mode gradient
};

struct EvaluateResult {
  std::vector<double> loss;      // count
  std::vector<double> gradient;  // count × P, when asked
  std::vector<double> hessian;   // count × P × P, when asked
};

struct PredictJob : NetJobBase {
  const double* params = nullptr;
};

struct PredictResult {
  std::vector<double> outputs;  // count × points × d_out
  std::vector<double> kinkMargin;  // count: min over data and hidden units of |z|, how far from the ReLU kink
};

struct FitJob : NetJobBase {
  OptimizerSpec optimizer;
  int steps = 20000;
  int curveStride = 0;          // record the loss every this many steps (0: no curves)
  uint64_t seed = 0;
  uint64_t firstFit = 0;        // global index of the first network: its Glorot draws are keyed by it
  const double* init = nullptr;  // count × P initial weights, or null for Glorot-uniform
};

struct FitResult {
  std::vector<double> params;  // count × P final weights
  std::vector<double> loss;    // count: loss of the final weights
  std::vector<double> curves;  // count × curvePoints: loss before steps 0, stride, 2·stride, …
  int curvePoints = 0;
};

EvaluateResult evaluateCpu(const EvaluateJob& job);
PredictResult predictCpu(const PredictJob& job);
FitResult fitCpu(const FitJob& job);
EvaluateResult evaluateCuda(const EvaluateJob& job);
FitResult fitCuda(const FitJob& job);

SLOPPY_HD int curvePointCount(int steps, int stride) { return stride > 0 ? (steps + stride - 1) / stride : 0; }

}  // namespace sloppy
