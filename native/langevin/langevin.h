// Overdamped Langevin dynamics on parameters, dθ = −b·D(θ)∇U dt + b·T·∇·D dt + √(2bT·D(θ)) dW, by
// Euler–Maruyama, batched over paths. D is diagonal, D = diag(d(θ₁), …, d(θ_n)) with one scalar form for every
// coordinate; the drift b·T·∇·D is the Itô correction that keeps the stationary density ∝ exp(−U/T) when D
// depends on θ (with D = I the scheme is the plain dθ = −b∇U dt + √(2bT) dW). Step k of path p draws the
// Philox normals keyed by (seed, firstPath + p, trial 0, step k), so a path is the same on any thread count,
// batch split or backend, and the TypeScript loop reproduces it exactly. The per-path arithmetic below is
// written once for double (GPU, one thread per path) and Lanes<W> (CPU, W paths per instruction), in an order
// that lib/langevin/step.ts mirrors operation for operation.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "energies.h"

namespace sloppy {

enum class DiffusionForm : int { None = 0, Quadratic = 1, Exponential = 2 };

// d(θ) = a + c·θ² (Quadratic) or a·exp(c·θ) (Exponential), per coordinate.
struct DiffusionSpec {
  DiffusionForm form = DiffusionForm::None;
  double a = 1.0;
  double c = 0.0;
};

// Constants of one step, computed once on the host in the order the TypeScript loop computes them.
struct StepSpec {
  double bdt = 0;    // b·dt
  double btdt = 0;   // (b·T)·dt
  double var = 0;    // ((2·b)·T)·dt
  double noise = 0;  // √var
  DiffusionSpec diffusion;
  bool bounded = false;
};

// One coordinate's Euler–Maruyama update from x with gradient g and normal xi, reflected into [lo, hi].
template <class T>
SLOPPY_LANE_INLINE T advance(const StepSpec& s, const T& x, const T& g, const T& xi, double lo, double hi) {
  T y;
  if (s.diffusion.form == DiffusionForm::None) {
    y = x - s.bdt * g + s.noise * xi;
  } else {
    T d, dd;
    if (s.diffusion.form == DiffusionForm::Quadratic) {
      d = s.diffusion.a + s.diffusion.c * (x * x);
      dd = (2.0 * s.diffusion.c) * x;
    } else {
      d = s.diffusion.a * sameExp(s.diffusion.c * x);
      dd = s.diffusion.c * d;
    }
    y = x - s.bdt * (d * g) + s.btdt * dd + m::sqrt(s.var * d) * xi;
  }
  if (!s.bounded) return y;
  // A reflection can overshoot the far wall only for steps longer than the box; the clamp settles that case.
  y = m::select(y < lo, lo + (lo - y), y);
  y = m::select(y > hi, hi - (y - hi), y);
  return m::min(m::max(y, T(lo)), T(hi));
}

// What every job on a built-in energy holds: the energy and the host vectors its pointers refer to.
struct EnergyJobBase {
  EnergySpec energy;  // its pointers refer to the vectors below
  std::vector<double> mu, A, dataX, dataY;
  int threads = 0;
  const std::atomic<bool>* cancelled = nullptr;

  // Points energy's pointers at the owned vectors; call after filling or moving them.
  void bind() {
    energy.mu = mu.data();
    energy.A = A.data();
    energy.x = dataX.data();
    energy.y = dataY.data();
  }
};

// Arithmetic per path-step, for sizing slabs: a closed-form energy costs a few dozen operations per coordinate.
inline double stepWork(const EnergySpec& e) {
  return e.kind == EnergyKind::Network ? static_cast<double>(e.shape.params()) * e.points : 40.0 * e.dim * e.dim;
}

struct LangevinJob : EnergyJobBase {
  StepSpec step;
  std::vector<double> lower, upper;  // dim each when step.bounded
  std::vector<double> start;         // paths × dim
  int64_t paths = 0;
  uint64_t seed = 0;
  uint64_t firstPath = 0;
  int64_t steps = 0;  // the most steps a path takes
  int64_t stride = 0;  // trajectory samples every this many steps; 0: none
  bool passage = false;  // stop a path when it enters the ball |θ − center| ≤ radius
  std::vector<double> center;
  double radius = 0;
  std::function<void(double)> progress;
};

struct LangevinResult {
  std::vector<double> final;       // paths × dim: where each path stopped
  std::vector<double> passage;     // paths: the step after which the path was first in the ball (0: at the start), −1: never
  std::vector<double> energy;      // paths: U at the final point
  std::vector<double> trajectory;  // paths × recorded × dim; NaN after a path stopped
  int64_t recorded = 0;
};

SLOPPY_HD int64_t recordedSamples(int64_t steps, int64_t stride) { return stride > 0 ? steps / stride + 1 : 0; }

struct EvaluateEnergyJob : EnergyJobBase {
  std::vector<double> points;  // count × dim
  int64_t count = 0;
  bool hessian = false;  // closed-form energies only
};

struct EvaluateEnergyResult {
  std::vector<double> energy, gradient, hessian;
};

LangevinResult langevinCpu(const LangevinJob& job);
LangevinResult langevinCuda(const LangevinJob& job);
EvaluateEnergyResult evaluateEnergyCpu(const EvaluateEnergyJob& job);

}  // namespace sloppy
