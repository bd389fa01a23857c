// Elementary functions overloaded for double, Lanes<W> and Dual<P, B>, so model code reads like the
// equations and runs unchanged on one path, W paths, with or without tangents. Call them as m::exp(x) etc.
// One path uses the platform's libm (glibc, or CUDA's); lanes use fastmath.h's branch-free versions, which
// the compiler vectorises and which agree with libm to a few ulp. value(x) drops the tangents;
// select(mask, a, b) replaces branches on values, which lanes cannot take.
#pragma once
#include "dual.h"
#include "fastmath.h"

namespace sloppy {
namespace m {

// --- one path ---
SLOPPY_HD double value(double x) { return x; }
SLOPPY_HD double select(bool c, double a, double b) { return c ? a : b; }
SLOPPY_HD double exp(double x) { return ::exp(x); }
SLOPPY_HD double log(double x) { return ::log(x); }
SLOPPY_HD double log1p(double x) { return ::log1p(x); }
SLOPPY_HD double sqrt(double x) { return ::sqrt(x); }
SLOPPY_HD double sin(double x) { return ::sin(x); }
SLOPPY_HD double cos(double x) { return ::cos(x); }
SLOPPY_HD double atanh(double x) { return ::atanh(x); }
SLOPPY_HD double abs(double x) { return ::fabs(x); }
SLOPPY_HD double max(double a, double b) { return a > b ? a : b; }
SLOPPY_HD double min(double a, double b) { return a < b ? a : b; }
SLOPPY_HD double relu(double x) { return x > 0 ? x : 0.0; }
SLOPPY_HD double sigmoid(double x) { return x >= 0 ? 1.0 / (1.0 + ::exp(-x)) : ::exp(x) / (1.0 + ::exp(x)); }
SLOPPY_HD double tanh(double x) { return ::tanh(x); }
SLOPPY_HD double cosh(double x) { return ::cosh(x); }
SLOPPY_HD double lift(double, double f, double) { return f; }
SLOPPY_HD bool isfinite(double x) {  // on the exponent bits, so lanes vectorise it
  return (fm::bits(x) & 0x7ff0000000000000ULL) != 0x7ff0000000000000ULL;
}
// Conditions combined the same way for one path (bool) and for lanes (LaneMask): where lane code must keep a
// lane's numbers instead of branching.
SLOPPY_HD bool maskAnd(bool a, bool b) { return a && b; }
SLOPPY_HD bool maskNot(bool a) { return !a; }
SLOPPY_HD bool anyOf(bool a) { return a; }

// --- four or eight paths as one vector (lanes.h): fastmath's templates on the whole vector; libm-only functions
// lane by lane, as below ---
#if SLOPPY_LANE_VECTORS
// a·b + c with one rounding (fusedMulAdd). GCC has no vector fma: this loop over arrays becomes one FMA instruction
// in small kernels, but inside a flattened engine GCC still scalarises some of them (the fits' blockError keeps 41
// vector and 64 scalar FMAs), so hot lane code that need not fuse writes a·b + c (STG's DFT does).
#define SLOPPY_VECTOR_MATH(W)                                                                                      \
  SLOPPY_LANE_INLINE Lanes<W> exp(const Lanes<W>& x) { return Lanes<W>(fm::expOf(x.v)); }                          \
  SLOPPY_LANE_INLINE Lanes<W> log1p(const Lanes<W>& x) { return Lanes<W>(fm::log1pOf(x.v)); }                      \
  SLOPPY_LANE_INLINE Lanes<W> sigmoid(const Lanes<W>& x) { return Lanes<W>(fm::sigmoidOf(x.v)); }                  \
  SLOPPY_LANE_INLINE Lanes<W> tanh(const Lanes<W>& x) { return Lanes<W>(fm::tanhOf(x.v)); }                        \
  SLOPPY_LANE_INLINE Lanes<W> cosh(const Lanes<W>& x) { return Lanes<W>(fm::coshOf(x.v)); }                        \
  SLOPPY_LANE_INLINE Lanes<W> select(const LaneMask<W>& c, const Lanes<W>& a, const Lanes<W>& b) {                 \
    return Lanes<W>(c.m ? a.v : b.v);                                                                              \
  }                                                                                                                \
  SLOPPY_LANE_INLINE Lanes<W> relu(const Lanes<W>& x) { return select(x > 0.0, x, Lanes<W>(0.0)); }                \
  SLOPPY_LANE_INLINE Lanes<W> abs(const Lanes<W>& x) {                                                             \
    return Lanes<W>(fm::fromBits(fm::bits(x.v) & 0x7fffffffffffffffULL));                                          \
  }                                                                                                                \
  SLOPPY_LANE_INLINE LaneMask<W> isfinite(const Lanes<W>& x) {                                                     \
    return {(fm::bits(x.v) & 0x7ff0000000000000ULL) != 0x7ff0000000000000ULL};                                    \
  }                                                                                                                \
  SLOPPY_LANE_INLINE Lanes<W> sqrt(const Lanes<W>& x) { return Lanes<W>(fm::sqrtOf(x.v)); }                        \
  SLOPPY_LANE_INLINE LaneMask<W> maskAnd(const LaneMask<W>& a, const LaneMask<W>& b) { return {a.m & b.m}; }       \
  SLOPPY_LANE_INLINE LaneMask<W> maskNot(const LaneMask<W>& a) { return {~a.m}; }                                  \
  SLOPPY_LANE_INLINE bool anyOf(const LaneMask<W>& a) {                                                            \
    bool any = false;                                                                                              \
    for (int l = 0; l < W; ++l) any = any || a.m[l] != 0;                                                          \
    return any;                                                                                                    \
  }                                                                                                                \
  SLOPPY_LANE_INLINE Lanes<W> fusedMulAdd(const Lanes<W>& a, const Lanes<W>& b, Lanes<W> c) {                      \
    double x[W], y[W], z[W];                                                                                       \
    memcpy(x, &a.v, sizeof x);                                                                                     \
    memcpy(y, &b.v, sizeof y);                                                                                     \
    memcpy(z, &c.v, sizeof z);                                                                                     \
    for (int l = 0; l < W; ++l) z[l] = __builtin_fma(x[l], y[l], z[l]);                                            \
    memcpy(&c.v, z, sizeof z);                                                                                     \
    return c;                                                                                                      \
  }                                                                                                                \
  SLOPPY_LANE_INLINE Lanes<W> mulAdd(const Lanes<W>& x, double s, Lanes<W> acc) {                                  \
    return fusedMulAdd(x, Lanes<W>(s), acc);                                                                       \
  }                                                                                                                \
  SLOPPY_LANE_INLINE Lanes<W> fusedMulAdd(const Lanes<W>& a, double b, Lanes<W> c) { return mulAdd(a, b, c); }
SLOPPY_VECTOR_MATH(8)
SLOPPY_VECTOR_MATH(4)
#undef SLOPPY_VECTOR_MATH
#endif

// --- W paths: a scalar function applied lane by lane; vectorised where that function is branch-free ---
#define SLOPPY_LANEWISE(fn, scalar)                                  \
  template <int W> SLOPPY_LANE_INLINE Lanes<W> fn(const Lanes<W>& x) { \
    Lanes<W> r;                                                      \
    for (int l = 0; l < W; ++l) r.v[l] = scalar(x.v[l]);             \
    return r;                                                        \
  }
SLOPPY_LANEWISE(exp, fm::exp)
SLOPPY_LANEWISE(sigmoid, fm::sigmoid)
SLOPPY_LANEWISE(tanh, fm::tanh)
SLOPPY_LANEWISE(cosh, fm::cosh)
SLOPPY_LANEWISE(sqrt, ::sqrt)
SLOPPY_LANEWISE(abs, ::fabs)
SLOPPY_LANEWISE(relu, relu)
SLOPPY_LANEWISE(log, ::log)
SLOPPY_LANEWISE(log1p, ::log1p)
SLOPPY_LANEWISE(sin, ::sin)
SLOPPY_LANEWISE(cos, ::cos)
SLOPPY_LANEWISE(atanh, ::atanh)
#undef SLOPPY_LANEWISE
template <int W> SLOPPY_LANE_INLINE Lanes<W> value(const Lanes<W>& x) { return x; }
template <int W> SLOPPY_LANE_INLINE Lanes<W> lift(const Lanes<W>&, const Lanes<W>& f, const Lanes<W>&) { return f; }
template <int W> SLOPPY_LANE_INLINE Lanes<W> select(const LaneMask<W>& c, const Lanes<W>& a, const Lanes<W>& b) {
  Lanes<W> r;
  for (int l = 0; l < W; ++l) r.v[l] = c.m[l] ? a.v[l] : b.v[l];
  return r;
}
template <int W> SLOPPY_LANE_INLINE Lanes<W> max(const Lanes<W>& a, const Lanes<W>& b) { return select(a > b, a, b); }
template <int W> SLOPPY_LANE_INLINE Lanes<W> min(const Lanes<W>& a, const Lanes<W>& b) { return select(a < b, a, b); }
template <int W> SLOPPY_LANE_INLINE LaneMask<W> isfinite(const Lanes<W>& x) {
  LaneMask<W> r;
  for (int l = 0; l < W; ++l) r.m[l] = isfinite(x.v[l]);
  return r;
}

// x·s + acc with one rounding (fused multiply-add), s a plain number: accumulations such as a DFT's sums.
// Fused, the result is the same on every machine; where the hardware has FMA it is also one instruction.
SLOPPY_HD double mulAdd(double x, double s, double acc) { return ::fma(x, s, acc); }
template <int W> SLOPPY_LANE_INLINE Lanes<W> mulAdd(const Lanes<W>& x, double s, Lanes<W> acc) {
  for (int l = 0; l < W; ++l) acc.v[l] = __builtin_fma(x.v[l], s, acc.v[l]);
  return acc;
}

// --- with tangents ---
// f(x) from f's value and derivative at x's value: f itself for a plain number or lanes; over duals, f with x's
// tangents times df. Model code differentiates a formula of one variable by hand with it.
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> lift(const Dual<P, B>& x, const B& f, const B& df) {
  return chain(x, f, df);
}
template <int P, class B> SLOPPY_LANE_INLINE B value(const Dual<P, B>& x) { return x.v; }
template <int P, class B, class C>
SLOPPY_LANE_INLINE Dual<P, B> select(const C& c, const Dual<P, B>& a, const Dual<P, B>& b) {
  Dual<P, B> r(select(c, a.v, b.v));
  for (int i = 0; i < P; ++i) r.d[i] = select(c, a.d[i], b.d[i]);
  return r;
}
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> exp(const Dual<P, B>& a) {
  const B e = exp(a.v);
  return chain(a, e, e);
}
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> log(const Dual<P, B>& a) { return chain(a, log(a.v), B(1.0 / a.v)); }
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> log1p(const Dual<P, B>& a) {
  return chain(a, log1p(a.v), B(1.0 / (1.0 + a.v)));
}
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> sqrt(const Dual<P, B>& a) {
  const B s = sqrt(a.v);
  return chain(a, s, B(0.5 / s));
}
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> tanh(const Dual<P, B>& a) {
  const B t = tanh(a.v);
  return chain(a, t, B(1.0 - t * t));
}
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> cosh(const Dual<P, B>& a) {
  const B e = exp(a.v);
  const B inv = 1.0 / e;
  return chain(a, B(0.5 * (e + inv)), B(0.5 * (e - inv)));
}
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> sin(const Dual<P, B>& a) { return chain(a, sin(a.v), cos(a.v)); }
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> cos(const Dual<P, B>& a) { return chain(a, cos(a.v), B(-sin(a.v))); }
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> atanh(const Dual<P, B>& a) {
  return chain(a, atanh(a.v), B(1.0 / (1.0 - a.v * a.v)));
}
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> sigmoid(const Dual<P, B>& a) {
  const B s = sigmoid(a.v);
  return chain(a, s, B(s * (1.0 - s)));
}
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> abs(const Dual<P, B>& a) { return select(a.v < 0.0, -a, a); }
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> relu(const Dual<P, B>& a) {
  return select(a.v > 0.0, a, Dual<P, B>(B(0.0)));
}
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> max(const Dual<P, B>& a, const Dual<P, B>& b) {
  return select(a.v > b.v, a, b);
}
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> min(const Dual<P, B>& a, const Dual<P, B>& b) {
  return select(a.v < b.v, a, b);
}
template <int P, class B> SLOPPY_LANE_INLINE Dual<P, B> mulAdd(const Dual<P, B>& x, double s, Dual<P, B> acc) {
  acc.v = mulAdd(x.v, s, acc.v);
  for (int i = 0; i < P; ++i) acc.d[i] = mulAdd(x.d[i], s, acc.d[i]);
  return acc;
}
// a·b + c with one rounding where both factors are plain or lanes (one instruction where the hardware has FMA,
// the same result where it has not); over duals the ordinary product rule.
template <int W> SLOPPY_LANE_INLINE Lanes<W> fusedMulAdd(const Lanes<W>& a, const Lanes<W>& b, Lanes<W> c) {
  for (int l = 0; l < W; ++l) c.v[l] = __builtin_fma(a.v[l], b.v[l], c.v[l]);
  return c;
}
template <int W> SLOPPY_LANE_INLINE Lanes<W> fusedMulAdd(const Lanes<W>& a, double b, Lanes<W> c) { return mulAdd(a, b, c); }
SLOPPY_HD double fusedMulAdd(double a, double b, double c) { return ::fma(a, b, c); }
template <int P, class B, class S>
SLOPPY_LANE_INLINE Dual<P, B> fusedMulAdd(const Dual<P, B>& a, const S& b, const Dual<P, B>& c) { return a * b + c; }
// x's value plus its tangents: non-finite where any of them is (a NaN or an infinity survives the addition of
// finite numbers), so a sum over a whole state, minus itself, tests every number in it with one vector
// operation per number (allZero() reads the result). Comparisons on the bits, as isfinite() makes them, are
// scalarised lane by lane inside the engines.
SLOPPY_HD double componentSum(double x) { return x; }
template <int W> SLOPPY_LANE_INLINE Lanes<W> componentSum(const Lanes<W>& x) { return x; }
template <int P, class B> SLOPPY_LANE_INLINE B componentSum(const Dual<P, B>& a) {
  B sum = a.v;
  for (int i = 0; i < P; ++i) sum += a.d[i];
  return sum;
}
// Finite when the value and every tangent are.
template <int P, class B> SLOPPY_LANE_INLINE auto isfinite(const Dual<P, B>& a) {
  auto ok = isfinite(a.v);
  for (int i = 0; i < P; ++i) ok = both(ok, isfinite(a.d[i]));
  return ok;
}

}  // namespace m
}  // namespace sloppy
