// exp, log and sincos(2πu) written as branch-free polynomials. Why not libm: the CPU backend runs W
// paths per instruction (lanes.h), and glibc's exp/log/sin cannot be vectorised by the compiler without
// -ffast-math. The Box–Muller normals use them on every backend, so the CPU and its SIMD lanes draw bit-for-bit
// the same noise from the same Philox words, and the GPU (which fuses multiply-adds) the same to an ulp or two.
// Each is written once over its number type V: double (one path, on either backend) or, on the host, the four
// or eight lanes of a LaneVector, where every statement is one vector operation and every ?: a blend.
// Accuracy, the worst of 2·10⁶ points against long double: exp 1.2 ulp (normal results), log 2.6 ulp,
// sincos2pi 1.8e-16 absolute, log1p 3.3 ulp (x = e^{−a} for a ∈ [0, 40], and x ∈ [−1 + 10⁻⁶, −10⁻⁶]).
#pragma once
#include <cstring>
#include <type_traits>

#include "lanes.h"

namespace sloppy {
namespace fm {

// The integer types that go with a number type: its bit pattern (Word) and a signed integer of the same width
// (Int). Casts between the three keep the bits.
template <class V> struct Ints {
  using Word = uint64_t;
  using Int = int64_t;
};
#if SLOPPY_LANE_VECTORS
// A template argument drops the vectors' alignment attribute, which only the arrays that hold them need; the
// specialisations still match the aligned types.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"
template <> struct Ints<LaneVector<8>::Doubles> {
  using Word = LaneVector<8>::Words;
  using Int = LaneVector<8>::Ints;
};
template <> struct Ints<LaneVector<4>::Doubles> {
  using Word = LaneVector<4>::Words;
  using Int = LaneVector<4>::Ints;
};
#pragma GCC diagnostic pop
#endif

SLOPPY_HD uint64_t bits(double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}
SLOPPY_HD double fromBits(uint64_t u) {
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
}
template <class V> SLOPPY_LANE_INLINE V splat(double x) {
  if constexpr (std::is_same<V, double>::value) {
    return x;
  } else {
    return V{} + x;
  }
}
// c ? a : b, for a bool and for a vector comparison's lane mask alike.
template <class M, class T> SLOPPY_LANE_INLINE T pick(const M& c, const T& a, const T& b) { return c ? a : b; }
// √x: libm's for one path; lane by lane for the vector, which GCC turns into one vector square root.
SLOPPY_HD double sqrtOf(double x) { return ::sqrt(x); }
#if SLOPPY_LANE_VECTORS
#define SLOPPY_VECTOR_BITS(W)                                                                      \
  SLOPPY_LANE_INLINE LaneVector<W>::Doubles sqrtOf(const LaneVector<W>::Doubles& x) {              \
    LaneVector<W>::Doubles r;                                                                      \
    for (int l = 0; l < W; ++l) r[l] = __builtin_sqrt(x[l]);                                       \
    return r;                                                                                      \
  }                                                                                                \
  SLOPPY_LANE_INLINE LaneVector<W>::Words bits(const LaneVector<W>::Doubles& x) {                  \
    LaneVector<W>::Words u;                                                                        \
    memcpy(&u, &x, sizeof u);                                                                      \
    return u;                                                                                      \
  }                                                                                                \
  SLOPPY_LANE_INLINE LaneVector<W>::Doubles fromBits(const LaneVector<W>::Words& u) {              \
    LaneVector<W>::Doubles x;                                                                      \
    memcpy(&x, &u, sizeof x);                                                                      \
    return x;                                                                                      \
  }
SLOPPY_VECTOR_BITS(8)
SLOPPY_VECTOR_BITS(4)
#undef SLOPPY_VECTOR_BITS
#endif

// e^x: x = k·ln2 + r with |r| ≤ ln2/2, a degree-13 Taylor polynomial for e^r (truncation < 4e-18), and
// 2^k assembled in the exponent bits, in two halves so that k = 1024 and subnormal results work. Saturates to
// 0 below −745.2 and to +inf above 709.78; NaN propagates.
template <class V> SLOPPY_LANE_INLINE V expOf(const V& x) {
  using I = typename Ints<V>::Int;
  using U = typename Ints<V>::Word;
  constexpr double kLog2e = 1.4426950408889634;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kShifter = 6755399441055744.0;  // 1.5·2^52: adding it rounds to an integer in the low bits
  // Arguments past the saturation points give garbage below, which the last three picks replace; within them k
  // stays in [−1075, 1024]. (Even ±inf and NaN keep the integer steps in range: no clamp is needed.)
  const V shifted = x * kLog2e + kShifter;
  const V kd = shifted - kShifter;
  // k from the shifted value's low bits: integer arithmetic only, which AVX2 vectorises (a double → int64
  // conversion needs AVX-512).
  const I k = (I)(bits(shifted) - bits(kShifter));
  const V r = (x - kd * kLn2Hi) - kd * kLn2Lo;
  // The terms r²/2! … r¹³/13! by Estrin's scheme (four dependent steps, not eleven), whose rounding is scaled
  // by r² ≤ 0.12; the last two steps by Horner, which keeps the result within 1 ulp. The short dependency chain
  // is what lets independent exponentials overlap in the SIMD pipelines.
  const V r2 = r * r;
  const V r4 = r2 * r2;
  const V r8 = r4 * r4;
  const V e23 = (1.0 / 6.0) * r + 0.5;
  const V e45 = (1.0 / 120.0) * r + 1.0 / 24.0;
  const V e67 = (1.0 / 5040.0) * r + 1.0 / 720.0;
  const V e89 = (1.0 / 362880.0) * r + 1.0 / 40320.0;
  const V e1011 = (1.0 / 39916800.0) * r + 1.0 / 3628800.0;
  const V e1213 = (1.0 / 6227020800.0) * r + 1.0 / 479001600.0;
  const V e2to5 = e45 * r2 + e23;
  const V e6to9 = e89 * r2 + e67;
  const V e10to13 = e1213 * r2 + e1011;
  const V high = (e10to13 * r8 + e6to9 * r4) + e2to5;
  V p = high * r + 1.0;
  p = p * r + 1.0;
  const I k1 = k >> 1;
  const V y = (p * fromBits((U)(k1 + 1023) << 52)) * fromBits((U)(k - k1 + 1023) << 52);
  const V big = pick(x > 709.782712893384, splat<V>(__builtin_huge_val()), y);
  const V small = pick(x < -745.2, splat<V>(0.0), big);
  return pick(x != x, x, small);
}

// log(x) for x > 0 (finite): x = 2^e·m with m ∈ [√½, √2), then log m = 2·atanh(s), s = (m − 1)/(m + 1),
// |s| ≤ 0.1716, by its odd series to s^21 (truncation < 2e-18). Only the engine's uniforms (0, 1] reach it.
template <class V> SLOPPY_LANE_INLINE V logOf(const V& x) {
  using I = typename Ints<V>::Int;
  using U = typename Ints<V>::Word;
  const U u = bits(x);
  I e = (I)((u >> 52) & 0x7ff) - 1023;
  V mant = fromBits((u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);  // [1, 2)
  const auto high = mant > 1.4142135623730951;
  mant = pick(high, mant * 0.5, mant);
  e = pick(high, e + 1, e);
  const V s = (mant - 1.0) / (mant + 1.0);
  const V s2 = s * s;
  // 1/5 + s²/7 + … + s¹⁶/21 by Estrin's scheme, the last two terms by Horner (as in exp()).
  const V s4 = s2 * s2;
  const V s8 = s4 * s4;
  const V l57 = (1.0 / 7.0) * s2 + 1.0 / 5.0;
  const V l911 = (1.0 / 11.0) * s2 + 1.0 / 9.0;
  const V l1315 = (1.0 / 15.0) * s2 + 1.0 / 13.0;
  const V l1719 = (1.0 / 19.0) * s2 + 1.0 / 17.0;
  const V series = ((1.0 / 21.0) * s8 + (l1719 * s4 + l1315)) * s8 + (l911 * s4 + l57);
  V p = series * s2 + 1.0 / 3.0;
  p = p * s2 + 1.0;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  // e as a double through the exponent bits, as in exp(): no int64 → double conversion (AVX-512 only).
  const V ed = fromBits(0x4330000000000000ULL + (U)(e + 2048)) - (4503599627370496.0 + 2048.0);
  return (ed * kLn2Hi + 2.0 * s * p) + ed * kLn2Lo;
}

// log(1 + x) for x > −1 (finite): log of the rounded u = 1 + x, less the rounding (u − 1 − x)/u to first order,
// and x itself where u rounds to 1. NaN propagates through the correction.
template <class V> SLOPPY_LANE_INLINE V log1pOf(const V& x) {
  const V u = 1.0 + x;
  return pick(u == 1.0, x, V(logOf(u) - ((u - 1.0) - x) / u));
}

// sin and cos of 2πu for u ∈ [0, 1]. Working in turns makes the reduction exact: u = q/4 + t with
// |t| ≤ 1/8 turn, so the angle 2πt lies in [−π/4, π/4], where Taylor series to degree 17/18 are exact to
// below 1e-17; the quadrant q then rotates (sin, cos).
template <class V> SLOPPY_LANE_INLINE void sincos2piOf(const V& u, V& s, V& c) {
  using I = typename Ints<V>::Int;
  constexpr double kShifter = 6755399441055744.0;  // rounds u·4 to the nearest integer, as in exp()
  const V shifted = u * 4.0 + kShifter;
  const V q = shifted - kShifter;
  const V a = (u - 0.25 * q) * 6.283185307179586476925286766559;
  const V a2 = a * a;
  // Each series' terms from a⁴ on by Estrin's scheme in a², the last two by Horner (as in exp()).
  const V a4 = a2 * a2;
  const V a8 = a4 * a4;
  const V s01 = (-1.0 / 362880.0) * a2 + 1.0 / 5040.0;
  const V s23 = (-1.0 / 6227020800.0) * a2 + 1.0 / 39916800.0;
  const V s45 = (-1.0 / 355687428096000.0) * a2 + 1.0 / 1307674368000.0;  // to −1/17!
  const V sinHigh = (s45 * a4 + s23) * a4 + s01;
  const V ps = (sinHigh * a2 - 1.0 / 120.0) * a2 + 1.0 / 6.0;
  const V sinA = a - a * a2 * ps;
  const V c01 = (-1.0 / 40320.0) * a2 + 1.0 / 720.0;
  const V c23 = (-1.0 / 479001600.0) * a2 + 1.0 / 3628800.0;
  const V c45 = (-1.0 / 20922789888000.0) * a2 + 1.0 / 87178291200.0;
  const V cosHigh = ((1.0 / 6402373705728000.0) * a4 + c45) * a8 + (c23 * a4 + c01);  // to 1/18!
  const V pc = (cosHigh * a2 - 1.0 / 24.0) * a2 + 0.5;
  const V cosA = 1.0 - a2 * pc;
  const I quadrant = (I)(bits(shifted) - bits(kShifter)) & 3;
  s = pick(quadrant == 0, sinA, pick(quadrant == 1, cosA, pick(quadrant == 2, V(-sinA), V(-cosA))));
  c = pick(quadrant == 0, cosA, pick(quadrant == 1, V(-sinA), pick(quadrant == 2, V(-cosA), sinA)));
}

// Functions built on exp, branch-free so that lanes vectorise; overflow saturates to the right limit.
template <class V> SLOPPY_LANE_INLINE V sigmoidOf(const V& x) { return 1.0 / (1.0 + expOf(V(-x))); }
// tanh x = 1 − 2/(e^{2x} + 1): one exponential, exact to 2e-16 absolute (relative precision degrades only
// for |x| ≪ 1, where no model reads tanh except through 1 ± tanh).
template <class V> SLOPPY_LANE_INLINE V tanhOf(const V& x) { return 1.0 - 2.0 / (expOf(V(2.0 * x)) + 1.0); }
template <class V> SLOPPY_LANE_INLINE V coshOf(const V& x) {
  const V e = expOf(x);
  return 0.5 * (e + 1.0 / e);
}

SLOPPY_HD double exp(double x) { return expOf(x); }
SLOPPY_HD double log(double x) { return logOf(x); }
SLOPPY_HD void sincos2pi(double u, double& s, double& c) { sincos2piOf(u, s, c); }
SLOPPY_HD double sigmoid(double x) { return sigmoidOf(x); }
SLOPPY_HD double tanh(double x) { return tanhOf(x); }
SLOPPY_HD double cosh(double x) { return coshOf(x); }

}  // namespace fm
}  // namespace sloppy
