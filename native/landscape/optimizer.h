// The two optimizers of the landscape study, one parameter at a time over any scalar: gradient descent with
// momentum (Keras' form: v ← μv − ηg, w ← w + v) and Adadelta (Zeiler 2012 with Keras' learning rate:
// E[g²] ← ρE[g²] + (1−ρ)g², Δ = √(E[Δ²] + ε)/√(E[g²] + ε)·g, E[Δ²] ← ρE[Δ²] + (1−ρ)Δ², w ← w − ηΔ).
#pragma once
#include "../core/math.h"

namespace sloppy {

enum class Optimizer : int { Momentum = 0, Adadelta = 1 };

struct OptimizerSpec {
  Optimizer kind = Optimizer::Momentum;
  double rate = 0.01;
  double momentum = 0.9;
  double rho = 0.95;
  double epsilon = 1e-7;
  // Gradient noise: g + σ(t)·ξ with σ(t) = √(2·T(t)/rate), so plain gradient descent becomes the Euler–Maruyama
  // step of Langevin dynamics at temperature T(t) = T₀·max(0, 1 − t/(anneal·steps)), annealed to zero.
  double temperature = 0.0;
  double anneal = 0.8;
};

SLOPPY_HD double noiseScale(const OptimizerSpec& o, int step, int steps) {
  if (o.temperature <= 0.0) return 0.0;
  const double t = o.temperature * (1.0 - step / (o.anneal * steps));
  return t > 0.0 ? ::sqrt(2.0 * t / o.rate) : 0.0;
}

// s1, s2: the optimizer's two state slots per parameter (momentum uses s1 only), zero at the start.
template <class T>
SLOPPY_LANE_INLINE void optimizerStep(const OptimizerSpec& o, T& w, const T& g, T& s1, T& s2) {
  if (o.kind == Optimizer::Momentum) {
    s1 = s1 * o.momentum - g * o.rate;
    w += s1;
    return;
  }
  s1 = s1 * o.rho + g * g * (1.0 - o.rho);
  const T step = m::sqrt(s2 + o.epsilon) / m::sqrt(s1 + o.epsilon) * g;
  s2 = s2 * o.rho + step * step * (1.0 - o.rho);
  w -= step * o.rate;
}

}  // namespace sloppy
