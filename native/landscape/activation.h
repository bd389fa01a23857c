// Hidden-unit activations over any scalar of the core (double, Lanes<W>, Dual<P>): ReLU, and softplus_β
// written without overflow as max(z, 0) + log1p(exp(−β|z|))/β. The derivative is a function of the same
// scalar, so forward mode over the gradient (the Hessian) differentiates it too: for ReLU it is the step,
// whose own derivative is zero away from the kink.
#pragma once
#include "../core/dual.h"
#include "../core/math.h"
#include "net_shape.h"

namespace sloppy {

template <class T>
SLOPPY_LANE_INLINE auto isPositive(const T& z) {
  using V = decltype(m::value(z));
  return m::value(z) > V(0.0);
}

template <class T>
SLOPPY_LANE_INLINE T activate(const T& z, const ActivationSpec& act) {
  if (act.kind == Activation::Relu) return m::relu(z);
  return m::relu(z) + m::log1p(m::exp(-act.beta * m::abs(z))) * (1.0 / act.beta);
}

template <class T>
SLOPPY_LANE_INLINE T activateDerivative(const T& z, const ActivationSpec& act) {
  if (act.kind == Activation::Relu) return m::select(isPositive(z), T(1.0), T(0.0));
  return m::sigmoid(act.beta * z);
}

}  // namespace sloppy
