// The support bijector, one coordinate at a time: h ∈ ℝ onto the parameter's bounds.
//   Interval:      z = lb + (ub − lb)·σ(h)          log z' = log(ub − lb) + log σ(h) + log σ(−h)
//   IntervalTanh:  z = (ub + lb)/2 + (ub − lb)/2·tanh h
//   Lower:         z = lb + softplus(h)              log z' = log σ(h)
//   Upper:         z = ub − softplus(h)              log |z'| = log σ(h)
// Inverses clamp to ε = 1e-6 inside the support (as the reference implementation does), so that a sample
// rounded onto a bound still has a finite density.
#pragma once
#include "../core/math.h"
#include "layout.h"

namespace sloppy {

constexpr double kSupportEps = 1e-6;

// log σ(h) = −softplus(−h), written without overflow for either sign.
template <class T> SLOPPY_HD T logSigmoid(const T& h) {
  const T a = m::abs(h);
  return m::min(h, T(0.0)) - m::log1p(m::exp(-a));
}
template <class T> SLOPPY_HD T softplus(const T& h) {
  return m::max(h, T(0.0)) + m::log1p(m::exp(-m::abs(h)));
}

// Value and log-derivative of the map at h, with their derivatives in h (for backprop).
template <class T> struct SupportPoint {
  T z, logd, dz, dlogd;
};

template <class T>
SLOPPY_HD SupportPoint<T> supportForward(int kind, double lb, double ub, const T& h) {
  switch (static_cast<Support>(kind)) {
    case Support::Interval: {
      const T s = m::sigmoid(h);
      const T sm = 1.0 - s;
      // log σ(h) + log σ(−h) = −|h| − 2·log1p(e^{−|h|}): one logarithm for the two.
      const T logBoth = -m::abs(h) - 2.0 * m::log1p(m::exp(-m::abs(h)));
      return {lb + (ub - lb) * s, ::log(ub - lb) + logBoth, (ub - lb) * s * sm, sm - s};
    }
    case Support::IntervalTanh: {
      const T t = m::tanh(h);
      const T a = m::abs(h);
      // log(1 − tanh² h) = 2·(log 2 − |h| − log1p(e^{−2|h|})), finite for large |h|.
      const T logSech2 = 2.0 * (M_LN2 - a - m::log1p(m::exp(-2.0 * a)));
      return {0.5 * (ub + lb) + 0.5 * (ub - lb) * t, ::log(0.5 * (ub - lb)) + logSech2, 0.5 * (ub - lb) * (1.0 - t * t),
              -2.0 * t};
    }
    case Support::Lower: {
      const T s = m::sigmoid(h);
      return {lb + softplus(h), logSigmoid(h), s, 1.0 - s};
    }
    case Support::Upper: {
      const T s = m::sigmoid(h);
      return {ub - softplus(h), logSigmoid(h), -s, 1.0 - s};
    }
    default:
      return {h, T(0.0), T(1.0), T(0.0)};
  }
}

// h = map⁻¹(z) and the forward map's log-derivative at h, as functions of z (templated for derivatives).
template <class T>
SLOPPY_HD T supportInverse(int kind, double lb, double ub, const T& z, T& logd) {
  switch (static_cast<Support>(kind)) {
    case Support::Interval: {
      const T u = m::min(m::max((z - lb) / (ub - lb), T(kSupportEps)), T(1.0 - kSupportEps));
      const T h = m::log(u) - m::log1p(-u);
      logd = ::log(ub - lb) + m::log(u) + m::log1p(-u);
      return h;
    }
    case Support::IntervalTanh: {
      const T t = m::min(m::max((2.0 * z - (ub + lb)) / (ub - lb), T(-1.0 + kSupportEps)), T(1.0 - kSupportEps));
      logd = ::log(0.5 * (ub - lb)) + m::log1p(-(t * t));
      return m::atanh(t);
    }
    case Support::Lower:
    case Support::Upper: {
      const T y = m::max(static_cast<Support>(kind) == Support::Lower ? z - lb : ub - z, T(kSupportEps));
      // softplus⁻¹(y) = y + log(1 − e^{−y}); log σ(h) = log(1 − e^{−y}).
      const T logOneMinus = m::log1p(-m::exp(-y));
      logd = logOneMinus;
      return y + logOneMinus;
    }
    default:
      logd = T(0.0);
      return z;
  }
}

}  // namespace sloppy
