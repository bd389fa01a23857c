// exp, log and sincos(2πu) written as branch-free polynomials. Why not libm: the CPU backend runs W
// paths per instruction (lanes.h), and glibc's exp/log/sin cannot be vectorised by the compiler without
// -ffast-math. The Box–Muller normals use them on every backend, so the CPU and its SIMD lanes draw bit-for-bit
// the same noise from the same Philox words, and the GPU (which fuses multiply-adds) the same to an ulp or two.
// Accuracy: exp within 1 ulp (normal results), log within 3 ulp, sincos2pi within 4e-16.
#pragma once
#include <cstring>

#include "hd.h"

namespace sloppy {
namespace fm {

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

// e^x: x = k·ln2 + r with |r| ≤ ln2/2, a degree-13 Taylor polynomial for e^r (truncation < 4e-18), and
// 2^k assembled in the exponent bits, in two halves so that k = 1024 and subnormal results work. Saturates to
// 0 below −745.2 and to +inf above 709.78; NaN propagates.
SLOPPY_HD double exp(double x) {
  constexpr double kLog2e = 1.4426950408889634;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kShifter = 6755399441055744.0;  // 1.5·2^52: adding it rounds to an integer in the low bits
  const double xc = x < -746.0 ? -746.0 : (x > 710.0 ? 710.0 : x);
  const double shifted = xc * kLog2e + kShifter;
  const double kd = shifted - kShifter;
  // k from the shifted value's low bits: integer arithmetic only, which AVX2 vectorises (a double → int64
  // conversion needs AVX-512).
  const int64_t k = static_cast<int64_t>(bits(shifted) - bits(kShifter));
  const double r = (xc - kd * kLn2Hi) - kd * kLn2Lo;
  double p = 1.0 / 6227020800.0;  // 1/13!
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const int64_t k1 = k >> 1;
  const double y = (p * fromBits(static_cast<uint64_t>(k1 + 1023) << 52)) *
                   fromBits(static_cast<uint64_t>(k - k1 + 1023) << 52);
  const double big = x > 709.782712893384 ? __builtin_huge_val() : y;
  const double small = x < -745.2 ? 0.0 : big;
  return x != x ? x : small;
}

// Functions built on exp, branch-free so that lanes vectorise; overflow saturates to the right limit.
SLOPPY_HD double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }
// tanh x = 1 − 2/(e^{2x} + 1): one exponential, exact to 2e-16 absolute (relative precision degrades only
// for |x| ≪ 1, where no model reads tanh except through 1 ± tanh).
SLOPPY_HD double tanh(double x) { return 1.0 - 2.0 / (exp(2.0 * x) + 1.0); }
SLOPPY_HD double cosh(double x) {
  const double e = exp(x);
  return 0.5 * (e + 1.0 / e);
}

// log(x) for x > 0 (finite): x = 2^e·m with m ∈ [√½, √2), then log m = 2·atanh(s), s = (m − 1)/(m + 1),
// |s| ≤ 0.1716, by its odd series to s^21 (truncation < 2e-18). Only the engine's uniforms (0, 1] reach it.
SLOPPY_HD double log(double x) {
  const uint64_t u = bits(x);
  int64_t e = static_cast<int64_t>((u >> 52) & 0x7ff) - 1023;
  double mant = fromBits((u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);  // [1, 2)
  const bool high = mant > 1.4142135623730951;
  mant = high ? mant * 0.5 : mant;
  e = high ? e + 1 : e;
  const double s = (mant - 1.0) / (mant + 1.0);
  const double s2 = s * s;
  double p = 1.0 / 21.0;
  p = p * s2 + 1.0 / 19.0;
  p = p * s2 + 1.0 / 17.0;
  p = p * s2 + 1.0 / 15.0;
  p = p * s2 + 1.0 / 13.0;
  p = p * s2 + 1.0 / 11.0;
  p = p * s2 + 1.0 / 9.0;
  p = p * s2 + 1.0 / 7.0;
  p = p * s2 + 1.0 / 5.0;
  p = p * s2 + 1.0 / 3.0;
  p = p * s2 + 1.0;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  // e as a double through the exponent bits, as in exp(): no int64 → double conversion (AVX-512 only).
  const double ed = fromBits(0x4330000000000000ULL + static_cast<uint64_t>(e + 2048)) - (4503599627370496.0 + 2048.0);
  return (ed * kLn2Hi + 2.0 * s * p) + ed * kLn2Lo;
}

// sin and cos of 2πu for u ∈ [0, 1]. Working in turns makes the reduction exact: u = q/4 + t with
// |t| ≤ 1/8 turn, so the angle 2πt lies in [−π/4, π/4], where Taylor series to degree 17/18 are exact to
// below 1e-17; the quadrant q then rotates (sin, cos).
SLOPPY_HD void sincos2pi(double u, double& s, double& c) {
  constexpr double kShifter = 6755399441055744.0;  // rounds u·4 to the nearest integer, as in exp()
  const double shifted = u * 4.0 + kShifter;
  const double q = shifted - kShifter;
  const double a = (u - 0.25 * q) * 6.283185307179586476925286766559;
  const double a2 = a * a;
  double ps = -1.0 / 355687428096000.0;  // −1/17!
  ps = ps * a2 + 1.0 / 1307674368000.0;
  ps = ps * a2 - 1.0 / 6227020800.0;
  ps = ps * a2 + 1.0 / 39916800.0;
  ps = ps * a2 - 1.0 / 362880.0;
  ps = ps * a2 + 1.0 / 5040.0;
  ps = ps * a2 - 1.0 / 120.0;
  ps = ps * a2 + 1.0 / 6.0;
  const double sinA = a - a * a2 * ps;
  double pc = 1.0 / 6402373705728000.0;  // 1/18!
  pc = pc * a2 - 1.0 / 20922789888000.0;
  pc = pc * a2 + 1.0 / 87178291200.0;
  pc = pc * a2 - 1.0 / 479001600.0;
  pc = pc * a2 + 1.0 / 3628800.0;
  pc = pc * a2 - 1.0 / 40320.0;
  pc = pc * a2 + 1.0 / 720.0;
  pc = pc * a2 - 1.0 / 24.0;
  pc = pc * a2 + 0.5;
  const double cosA = 1.0 - a2 * pc;
  const int quadrant = static_cast<int>(bits(shifted) - bits(kShifter)) & 3;
  s = quadrant == 0 ? sinA : (quadrant == 1 ? cosA : (quadrant == 2 ? -sinA : -cosA));
  c = quadrant == 0 ? cosA : (quadrant == 1 ? -sinA : (quadrant == 2 ? -cosA : sinA));
}

}  // namespace fm
}  // namespace sloppy
