// Forward-mode dual numbers with P tangent directions, one per model parameter, over a base B (double, or
// Lanes<W> for W paths at once). A model written once over a scalar type T runs as plain values or as
// Dual<P, B> (values and exact pathwise gradients), with the same noise, so a statistic's gradient is that
// of the very simulation that produced it.
#pragma once
#include <type_traits>

#include "lanes.h"

namespace sloppy {

template <int P, class B = double>
struct Dual {
  B v;
  B d[P];

  SLOPPY_LANE_INLINE Dual() : v(0.0) {
    for (int i = 0; i < P; ++i) d[i] = B(0.0);
  }
  SLOPPY_LANE_INLINE Dual(const B& value) : v(value) {  // NOLINT: passive values promote implicitly
    for (int i = 0; i < P; ++i) d[i] = B(0.0);
  }
  template <class U = B, std::enable_if_t<!std::is_same<U, double>::value, int> = 0>
  SLOPPY_LANE_INLINE Dual(double value) : Dual(B(value)) {}  // NOLINT

  SLOPPY_LANE_INLINE Dual& operator+=(const Dual& b) {
    v += b.v;
    for (int i = 0; i < P; ++i) d[i] += b.d[i];
    return *this;
  }
  SLOPPY_LANE_INLINE Dual& operator-=(const Dual& b) {
    v -= b.v;
    for (int i = 0; i < P; ++i) d[i] -= b.d[i];
    return *this;
  }
  SLOPPY_LANE_INLINE Dual& operator*=(const Dual& b) {
    for (int i = 0; i < P; ++i) d[i] = d[i] * b.v + v * b.d[i];
    v *= b.v;
    return *this;
  }
  SLOPPY_LANE_INLINE Dual& operator/=(const Dual& b) {
    const B inv = 1.0 / b.v;
    for (int i = 0; i < P; ++i) d[i] = (d[i] - v * inv * b.d[i]) * inv;
    v *= inv;
    return *this;
  }
};

// A passive operand: a plain double, or a value of the base type carrying no tangent (e.g. noise lanes).
template <class S, class B>
using IfPassive = std::enable_if_t<std::is_same<S, double>::value || std::is_same<S, B>::value, int>;

template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> operator-(Dual<P, B> a) {
  a.v = -a.v;
  for (int i = 0; i < P; ++i) a.d[i] = -a.d[i];
  return a;
}
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> operator+(Dual<P, B> a, const Dual<P, B>& b) { return a += b; }
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> operator-(Dual<P, B> a, const Dual<P, B>& b) { return a -= b; }
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> operator*(Dual<P, B> a, const Dual<P, B>& b) { return a *= b; }
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> operator/(Dual<P, B> a, const Dual<P, B>& b) { return a /= b; }

template <int P, class B, class S, IfPassive<S, B> = 0>
SLOPPY_LANE_INLINE Dual<P, B> operator+(Dual<P, B> a, S b) {
  a.v += b;
  return a;
}
template <int P, class B, class S, IfPassive<S, B> = 0>
SLOPPY_LANE_INLINE Dual<P, B> operator+(S a, Dual<P, B> b) {
  b.v += a;
  return b;
}
template <int P, class B, class S, IfPassive<S, B> = 0>
SLOPPY_LANE_INLINE Dual<P, B> operator-(Dual<P, B> a, S b) {
  a.v -= b;
  return a;
}
template <int P, class B, class S, IfPassive<S, B> = 0>
SLOPPY_LANE_INLINE Dual<P, B> operator-(S a, const Dual<P, B>& b) {
  return -b + a;
}
template <int P, class B, class S, IfPassive<S, B> = 0>
SLOPPY_LANE_INLINE Dual<P, B> operator*(Dual<P, B> a, S b) {
  a.v *= b;
  for (int i = 0; i < P; ++i) a.d[i] *= b;
  return a;
}
template <int P, class B, class S, IfPassive<S, B> = 0>
SLOPPY_LANE_INLINE Dual<P, B> operator*(S a, const Dual<P, B>& b) {
  return b * a;
}
template <int P, class B, class S, IfPassive<S, B> = 0>
SLOPPY_LANE_INLINE Dual<P, B> operator/(const Dual<P, B>& a, S b) {
  return a * (1.0 / b);
}
// A passive numerator: one multiply per tangent, d(a/b) = −(a/b)/b · db, where the quotient rule spends three.
template <int P, class B, class S, IfPassive<S, B> = 0>
SLOPPY_LANE_INLINE Dual<P, B> operator/(S a, const Dual<P, B>& b) {
  const B inv = 1.0 / b.v;
  Dual<P, B> r(a * inv);
  const B slope = -(r.v * inv);
  for (int i = 0; i < P; ++i) r.d[i] = slope * b.d[i];
  return r;
}

// Comparisons look at values only; they give bool for double and a LaneMask for lanes.
#define SLOPPY_DUAL_COMPARE(op)                                                                           \
  template <int P, class B> SLOPPY_LANE_INLINE auto operator op(const Dual<P, B>& a, const Dual<P, B>& b) { \
    return a.v op b.v;                                                                                    \
  }                                                                                                       \
  template <int P, class B> SLOPPY_LANE_INLINE auto operator op(const Dual<P, B>& a, double b) { return a.v op b; }
SLOPPY_DUAL_COMPARE(<)
SLOPPY_DUAL_COMPARE(>)
SLOPPY_DUAL_COMPARE(<=)
SLOPPY_DUAL_COMPARE(>=)
#undef SLOPPY_DUAL_COMPARE

// Applies the chain rule for a unary function with value f and derivative df at a.v.
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> chain(const Dual<P, B>& a, const B& f, const B& df) {
  Dual<P, B> r(f);
  for (int i = 0; i < P; ++i) r.d[i] = df * a.d[i];
  return r;
}

}  // namespace sloppy
