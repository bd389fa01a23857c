// One simulated path (one parameter set, one trial): the per-thread body shared by the CPU thread pool
// and the CUDA kernel. Writes the trial's statistics (and their gradients when T is a Dual) and,
// on request, the trajectory every `stride` steps.
#pragma once
#include "model.h"

namespace sloppy {

// Where the first non-finite number appeared, if any (step −1: none).
struct PathFault {
  int step;
  int state;
};

struct PathOutput {
  double* stats;       // kStats values
  double* grad;        // kStats × kParams, row-major; null when not requested
  double* trajectory;  // (steps / stride + 1) × kState; null when not requested
  int stride;
};

template <class Model, class T>
SLOPPY_HD PathFault simulatePath(const double* opt, const double* zRow, const PathRng& rng, Trace<T> trace,
                                 const PathOutput& out) {
  constexpr int P = Model::kParams;
  T z[P];
  for (int i = 0; i < P; ++i) z[i] = Scalar<T>::variable(zRow[i], i);

  T x[Model::kState];
  Model::init(opt, z, x, rng);
  PathFault fault{-1, -1};
  const bool integrate = Model::kStatsNeedPath || out.trajectory != nullptr;
  const int steps = integrate ? Model::steps(opt) : 0;
  auto record = [&](int n) {
    if (out.trajectory != nullptr && n % out.stride == 0) {
      double* row = out.trajectory + static_cast<int64_t>(n / out.stride) * Model::kState;
      for (int k = 0; k < Model::kState; ++k) row[k] = m::value(x[k]);
    }
  };
  Model::observe(opt, z, x, 0, trace);
  record(0);
  for (int n = 0; n < steps; ++n) {
    Model::step(opt, z, x, n, rng);
    for (int k = 0; k < Model::kState; ++k) {
      if (!m::isfinite(x[k])) {
        fault = PathFault{n + 1, k};
        break;
      }
    }
    if (fault.step >= 0) break;
    Model::observe(opt, z, x, n + 1, trace);
    record(n + 1);
  }

  T stats[Model::kStats];
  if (fault.step < 0) {
    Model::finish(opt, z, x, trace, stats);
  } else {
    for (int s = 0; s < Model::kStats; ++s) stats[s] = T(NAN);
  }
  for (int s = 0; s < Model::kStats; ++s) {
    out.stats[s] = m::value(stats[s]);
    if (out.grad != nullptr) {
      for (int i = 0; i < P; ++i) out.grad[s * P + i] = Scalar<T>::tangent(stats[s], i);
    }
  }
  return fault;
}

}  // namespace sloppy
