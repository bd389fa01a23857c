// Forward-mode dual numbers with P tangent directions, one per model parameter. A model written once over a
// scalar type T runs as plain double (values) or as Dual<P> (values and exact pathwise gradients), with the
// same noise, so a statistic's gradient is that of the very simulation that produced it.
#pragma once
#include "hd.h"

namespace sloppy {

template <int P>
struct Dual {
  double v;
  double d[P];

  SLOPPY_HD Dual() : v(0.0) {
    for (int i = 0; i < P; ++i) d[i] = 0.0;
  }
  SLOPPY_HD Dual(double value) : v(value) {  // NOLINT: constants promote implicitly, as in the model code
    for (int i = 0; i < P; ++i) d[i] = 0.0;
  }

  SLOPPY_HD Dual& operator+=(const Dual& b) {
    v += b.v;
    for (int i = 0; i < P; ++i) d[i] += b.d[i];
    return *this;
  }
  SLOPPY_HD Dual& operator-=(const Dual& b) {
    v -= b.v;
    for (int i = 0; i < P; ++i) d[i] -= b.d[i];
    return *this;
  }
  SLOPPY_HD Dual& operator*=(const Dual& b) {
    for (int i = 0; i < P; ++i) d[i] = d[i] * b.v + v * b.d[i];
    v *= b.v;
    return *this;
  }
  SLOPPY_HD Dual& operator/=(const Dual& b) {
    const double inv = 1.0 / b.v;
    for (int i = 0; i < P; ++i) d[i] = (d[i] - v * inv * b.d[i]) * inv;
    v *= inv;
    return *this;
  }
};

template <int P> SLOPPY_HD Dual<P> operator-(Dual<P> a) {
  a.v = -a.v;
  for (int i = 0; i < P; ++i) a.d[i] = -a.d[i];
  return a;
}
template <int P> SLOPPY_HD Dual<P> operator+(Dual<P> a, const Dual<P>& b) { return a += b; }
template <int P> SLOPPY_HD Dual<P> operator-(Dual<P> a, const Dual<P>& b) { return a -= b; }
template <int P> SLOPPY_HD Dual<P> operator*(Dual<P> a, const Dual<P>& b) { return a *= b; }
template <int P> SLOPPY_HD Dual<P> operator/(Dual<P> a, const Dual<P>& b) { return a /= b; }
template <int P> SLOPPY_HD Dual<P> operator+(Dual<P> a, double b) { a.v += b; return a; }
template <int P> SLOPPY_HD Dual<P> operator+(double a, Dual<P> b) { b.v += a; return b; }
template <int P> SLOPPY_HD Dual<P> operator-(Dual<P> a, double b) { a.v -= b; return a; }
template <int P> SLOPPY_HD Dual<P> operator-(double a, const Dual<P>& b) { return -b + a; }
template <int P> SLOPPY_HD Dual<P> operator*(Dual<P> a, double b) {
  a.v *= b;
  for (int i = 0; i < P; ++i) a.d[i] *= b;
  return a;
}
template <int P> SLOPPY_HD Dual<P> operator*(double a, const Dual<P>& b) { return b * a; }
template <int P> SLOPPY_HD Dual<P> operator/(const Dual<P>& a, double b) { return a * (1.0 / b); }
template <int P> SLOPPY_HD Dual<P> operator/(double a, const Dual<P>& b) { return Dual<P>(a) / b; }
template <int P> SLOPPY_HD bool operator<(const Dual<P>& a, const Dual<P>& b) { return a.v < b.v; }
template <int P> SLOPPY_HD bool operator>(const Dual<P>& a, const Dual<P>& b) { return a.v > b.v; }
template <int P> SLOPPY_HD bool operator<(const Dual<P>& a, double b) { return a.v < b; }
template <int P> SLOPPY_HD bool operator>(const Dual<P>& a, double b) { return a.v > b; }

// Applies the chain rule for a unary function with value f and derivative df at a.v.
template <int P> SLOPPY_HD Dual<P> chain(const Dual<P>& a, double f, double df) {
  Dual<P> r;
  r.v = f;
  for (int i = 0; i < P; ++i) r.d[i] = df * a.d[i];
  return r;
}

}  // namespace sloppy
