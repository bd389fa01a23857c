// Elementary functions overloaded for double and Dual<P>, so model code reads like the equations.
// Call them as m::exp(x) etc.; value(x) drops the tangents (for branching and finiteness checks).
#pragma once
#include "dual.h"

namespace sloppy {
namespace m {

SLOPPY_HD double value(double x) { return x; }
SLOPPY_HD double exp(double x) { return ::exp(x); }
SLOPPY_HD double log(double x) { return ::log(x); }
SLOPPY_HD double log1p(double x) { return ::log1p(x); }
SLOPPY_HD double sqrt(double x) { return ::sqrt(x); }
SLOPPY_HD double tanh(double x) { return ::tanh(x); }
SLOPPY_HD double cosh(double x) { return ::cosh(x); }
SLOPPY_HD double sin(double x) { return ::sin(x); }
SLOPPY_HD double cos(double x) { return ::cos(x); }
SLOPPY_HD double atanh(double x) { return ::atanh(x); }
SLOPPY_HD double abs(double x) { return ::fabs(x); }
SLOPPY_HD double sigmoid(double x) {
  return x >= 0 ? 1.0 / (1.0 + ::exp(-x)) : ::exp(x) / (1.0 + ::exp(x));
}
SLOPPY_HD double relu(double x) { return x > 0 ? x : 0.0; }
SLOPPY_HD bool isfinite(double x) {
#ifdef __CUDA_ARCH__
  return ::isfinite(x);
#else
  return std::isfinite(x);
#endif
}

template <int P> SLOPPY_HD double value(const Dual<P>& x) { return x.v; }
template <int P> SLOPPY_HD Dual<P> exp(const Dual<P>& a) {
  const double e = ::exp(a.v);
  return chain(a, e, e);
}
template <int P> SLOPPY_HD Dual<P> log(const Dual<P>& a) { return chain(a, ::log(a.v), 1.0 / a.v); }
template <int P> SLOPPY_HD Dual<P> log1p(const Dual<P>& a) { return chain(a, ::log1p(a.v), 1.0 / (1.0 + a.v)); }
template <int P> SLOPPY_HD Dual<P> sqrt(const Dual<P>& a) {
  const double s = ::sqrt(a.v);
  return chain(a, s, 0.5 / s);
}
template <int P> SLOPPY_HD Dual<P> tanh(const Dual<P>& a) {
  const double t = ::tanh(a.v);
  return chain(a, t, 1.0 - t * t);
}
template <int P> SLOPPY_HD Dual<P> cosh(const Dual<P>& a) { return chain(a, ::cosh(a.v), ::sinh(a.v)); }
template <int P> SLOPPY_HD Dual<P> sin(const Dual<P>& a) { return chain(a, ::sin(a.v), ::cos(a.v)); }
template <int P> SLOPPY_HD Dual<P> cos(const Dual<P>& a) { return chain(a, ::cos(a.v), -::sin(a.v)); }
template <int P> SLOPPY_HD Dual<P> atanh(const Dual<P>& a) { return chain(a, ::atanh(a.v), 1.0 / (1.0 - a.v * a.v)); }
template <int P> SLOPPY_HD Dual<P> abs(const Dual<P>& a) { return a.v < 0 ? -a : a; }
template <int P> SLOPPY_HD Dual<P> sigmoid(const Dual<P>& a) {
  const double s = sigmoid(a.v);
  return chain(a, s, s * (1.0 - s));
}
template <int P> SLOPPY_HD Dual<P> relu(const Dual<P>& a) { return a.v > 0 ? a : Dual<P>(0.0); }
template <int P> SLOPPY_HD bool isfinite(const Dual<P>& a) {
  bool ok = isfinite(a.v);
  for (int i = 0; i < P; ++i) ok = ok && isfinite(a.d[i]);
  return ok;
}

}  // namespace m
}  // namespace sloppy
