// One group of simulated paths (W = 1 on the GPU, W lanes on the CPU), each a (parameter set, trial): the
// body shared by the CPU thread pool and the CUDA kernel. Writes each path's statistics (and their
// gradients when T is a Dual) and, on request, its trajectory every `stride` steps.
#pragma once
#include "model.h"

namespace sloppy {

// Where a path first became non-finite, if it did (step −1: never).
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

// zRows[l], outs[l] and faults[l] belong to lane l; rng draws lane l's noise.
template <class Model, class T, class Rng>
SLOPPY_HD void simulatePaths(const double* opt, const double* const* zRows, const Rng& rng, Trace<T> trace,
                             const PathOutput* outs, PathFault* faults) {
  using B = typename Scalar<T>::Base;
  constexpr int W = LaneCount<B>::value;
  constexpr int P = Model::kParams;
  T z[P];
  for (int i = 0; i < P; ++i) {
    B v;
    for (int l = 0; l < W; ++l) setLane(v, l, zRows[l][i]);
    z[i] = Scalar<T>::variable(v, i);
  }
  for (int l = 0; l < W; ++l) faults[l] = PathFault{-1, -1};

  T x[Model::kState];
  Model::init(opt, z, x, rng);
  const bool recording = outs[0].trajectory != nullptr;
  const int steps = Model::kStatsNeedPath || recording ? Model::steps(opt) : 0;
  auto record = [&](int n) {
    if (!recording || n % outs[0].stride != 0) return;
    const int64_t row = static_cast<int64_t>(n / outs[0].stride) * Model::kState;
    for (int k = 0; k < Model::kState; ++k) {
      const B v = m::value(x[k]);
      for (int l = 0; l < W; ++l) outs[l].trajectory[row + k] = lane(v, l);
    }
  };
  Model::observe(opt, z, x, 0, trace);
  record(0);
  for (int n = 0; n < steps; ++n) {
    Model::step(opt, z, x, n, rng);
    B total = m::componentSum(x[0]);
    for (int k = 1; k < Model::kState; ++k) total += m::componentSum(x[k]);
    // Rare: find which lanes and states went bad (or found none: finite states whose sum overflowed).
    if (!allZero(total - total)) {
      int faulted = 0;
      for (int k = 0; k < Model::kState; ++k) {
        const auto ok = m::isfinite(x[k]);
        for (int l = 0; l < W; ++l) {
          if (!laneOf(ok, l) && faults[l].step < 0) faults[l] = PathFault{n + 1, k};
        }
      }
      for (int l = 0; l < W; ++l) faulted += faults[l].step >= 0;
      if (faulted == W) break;
    }
    Model::observe(opt, z, x, n + 1, trace);
    record(n + 1);
  }

  // A faulted path's trajectory is NaN from its first non-finite step on, whether it was integrated further
  // (lanes) or stopped (one path per thread), so every backend returns the same rows.
  if (recording) {
    const int rows = steps / outs[0].stride + 1;
    for (int l = 0; l < W; ++l) {
      if (faults[l].step < 0) continue;
      for (int r = (faults[l].step + outs[0].stride - 1) / outs[0].stride; r < rows; ++r) {
        for (int k = 0; k < Model::kState; ++k) outs[l].trajectory[static_cast<int64_t>(r) * Model::kState + k] = NAN;
      }
    }
  }

  T stats[Model::kStats];
  Model::finish(opt, z, x, trace, stats);
  for (int s = 0; s < Model::kStats; ++s) {
    const B v = m::value(stats[s]);
    for (int l = 0; l < W; ++l) outs[l].stats[s] = faults[l].step >= 0 ? NAN : lane(v, l);
    if (outs[0].grad == nullptr) continue;
    for (int i = 0; i < P; ++i) {
      const B d = Scalar<T>::tangent(stats[s], i);
      for (int l = 0; l < W; ++l) outs[l].grad[s * P + i] = faults[l].step >= 0 ? NAN : lane(d, l);
    }
  }
}

}  // namespace sloppy
