// W paths side by side: the CPU backend runs a model on Lanes<W> so that every arithmetic statement of the
// model becomes one SIMD instruction over W paths. Comparisons give a LaneMask, and branch-free model code picks
// with m::select. Lanes<8> and Lanes<4>, the widths the engines run (core/lane_width.h picks one per machine), hold
// a GCC vector, so each statement is one vector operation by construction; other widths are plain loops over
// lanes that the compiler may vectorise. (Left to the auto-vectoriser, the eight lanes of a flattened step were
// often scalarised: GCC unrolls the short lane loops before it vectorises, and then if-converts only some of the
// branch-free selects.)
#pragma once
#include <cstdint>

#include "hd.h"

#if defined(__GNUC__) && !defined(__CUDACC__)
#define SLOPPY_LANE_INLINE inline __attribute__((always_inline))
// CUDA translation units never instantiate lanes; they keep the plain-array form.
#define SLOPPY_LANE_VECTORS 1
#else
#define SLOPPY_LANE_INLINE SLOPPY_HD
#endif

namespace sloppy {

template <int W>
struct LaneMask {
  bool m[W];
};

template <int W>
struct Lanes {
  double v[W];

  Lanes() = default;
  SLOPPY_LANE_INLINE Lanes(double x) {  // NOLINT: constants broadcast implicitly, as in the model code
    for (int l = 0; l < W; ++l) v[l] = x;
  }
#define SLOPPY_LANE_ASSIGN(op)                                  \
  SLOPPY_LANE_INLINE Lanes& operator op(const Lanes& b) {       \
    for (int l = 0; l < W; ++l) v[l] op b.v[l];                 \
    return *this;                                               \
  }                                                             \
  SLOPPY_LANE_INLINE Lanes& operator op(double b) {             \
    for (int l = 0; l < W; ++l) v[l] op b;                      \
    return *this;                                               \
  }
  SLOPPY_LANE_ASSIGN(+=)
  SLOPPY_LANE_ASSIGN(-=)
  SLOPPY_LANE_ASSIGN(*=)
  SLOPPY_LANE_ASSIGN(/=)
#undef SLOPPY_LANE_ASSIGN
};

template <int W> SLOPPY_LANE_INLINE Lanes<W> operator-(Lanes<W> a) {
  for (int l = 0; l < W; ++l) a.v[l] = -a.v[l];
  return a;
}

#define SLOPPY_LANE_BINARY(op, assign)                                                                          \
  template <int W> SLOPPY_LANE_INLINE Lanes<W> operator op(Lanes<W> a, const Lanes<W>& b) { return a assign b; } \
  template <int W> SLOPPY_LANE_INLINE Lanes<W> operator op(Lanes<W> a, double b) { return a assign b; }          \
  template <int W> SLOPPY_LANE_INLINE Lanes<W> operator op(double a, const Lanes<W>& b) { return Lanes<W>(a) assign b; }
SLOPPY_LANE_BINARY(+, +=)
SLOPPY_LANE_BINARY(-, -=)
SLOPPY_LANE_BINARY(*, *=)
SLOPPY_LANE_BINARY(/, /=)
#undef SLOPPY_LANE_BINARY

#define SLOPPY_LANE_COMPARE(op)                                                                \
  template <int W> SLOPPY_LANE_INLINE LaneMask<W> operator op(const Lanes<W>& a, const Lanes<W>& b) { \
    LaneMask<W> r;                                                                             \
    for (int l = 0; l < W; ++l) r.m[l] = a.v[l] op b.v[l];                                     \
    return r;                                                                                  \
  }                                                                                            \
  template <int W> SLOPPY_LANE_INLINE LaneMask<W> operator op(const Lanes<W>& a, double b) {   \
    return a op Lanes<W>(b);                                                                   \
  }
SLOPPY_LANE_COMPARE(<)
SLOPPY_LANE_COMPARE(>)
SLOPPY_LANE_COMPARE(<=)
SLOPPY_LANE_COMPARE(>=)
#undef SLOPPY_LANE_COMPARE

#if SLOPPY_LANE_VECTORS
// W doubles, and W 64-bit integers: a comparison's result (all ones where true) and the bit patterns that
// fastmath.h works on, for the two widths the CPU engines run: eight (one AVX-512 register) and four (one AVX2
// register; without AVX-512, GCC keeps an eight-wide vector in memory and every operation goes through the stack).
// A vector size cannot depend on a template parameter, so each width is spelled out by the macro. Halves holds
// W 32-bit words (Philox's). The alignment is explicit because GCC's default follows the instruction set, and the
// cloned engines must agree with the code that allocates their arrays.
template <int W> struct LaneVector {
  static constexpr bool kVector = false;
};
#define SLOPPY_LANE_VECTOR(W)                                                                      \
  template <> struct LaneVector<W> {                                                               \
    static constexpr bool kVector = true;                                                          \
    typedef double Doubles __attribute__((vector_size(W * sizeof(double)), aligned(W * 8)));       \
    typedef int64_t Ints __attribute__((vector_size(W * sizeof(int64_t)), aligned(W * 8)));        \
    typedef uint64_t Words __attribute__((vector_size(W * sizeof(uint64_t)), aligned(W * 8)));     \
    typedef uint32_t Halves __attribute__((vector_size(W * sizeof(uint32_t))));                    \
  };
SLOPPY_LANE_VECTOR(8)
SLOPPY_LANE_VECTOR(4)
#undef SLOPPY_LANE_VECTOR

// Lanes and masks of a vector width: every statement one vector operation. The free functions are plain
// overloads, so they win over the lane-by-lane templates above.
#define SLOPPY_VECTOR_LANES(W)                                                                                     \
  template <> struct LaneMask<W> {                                                                                 \
    LaneVector<W>::Ints m; /* −1 where true, 0 where false */                                                      \
  };                                                                                                               \
  template <> struct Lanes<W> {                                                                                    \
    using Vector = LaneVector<W>::Doubles;                                                                         \
    Vector v;                                                                                                      \
    Lanes() = default;                                                                                             \
    /* 0 + x turns −0.0 into +0.0, which no model tells apart; the sign-keeping forms (x − 0, a brace list) made */ \
    /* GCC 12's network Langevin step half as fast. */                                                             \
    SLOPPY_LANE_INLINE Lanes(double x) : v(Vector{} + x) {} /* NOLINT: constants broadcast implicitly */           \
    SLOPPY_LANE_INLINE explicit Lanes(const Vector& x) : v(x) {}                                                   \
    SLOPPY_LANE_INLINE Lanes& operator+=(const Lanes& b) { v += b.v; return *this; }                               \
    SLOPPY_LANE_INLINE Lanes& operator-=(const Lanes& b) { v -= b.v; return *this; }                               \
    SLOPPY_LANE_INLINE Lanes& operator*=(const Lanes& b) { v *= b.v; return *this; }                               \
    SLOPPY_LANE_INLINE Lanes& operator/=(const Lanes& b) { v /= b.v; return *this; }                               \
    SLOPPY_LANE_INLINE Lanes& operator+=(double b) { v += b; return *this; }                                       \
    SLOPPY_LANE_INLINE Lanes& operator-=(double b) { v -= b; return *this; }                                       \
    SLOPPY_LANE_INLINE Lanes& operator*=(double b) { v *= b; return *this; }                                       \
    SLOPPY_LANE_INLINE Lanes& operator/=(double b) { v /= b; return *this; }                                       \
  };                                                                                                               \
  SLOPPY_LANE_INLINE Lanes<W> operator-(const Lanes<W>& a) { return Lanes<W>(-a.v); }                              \
  SLOPPY_LANE_INLINE LaneMask<W> operator<(const Lanes<W>& a, const Lanes<W>& b) { return {a.v < b.v}; }           \
  SLOPPY_LANE_INLINE LaneMask<W> operator>(const Lanes<W>& a, const Lanes<W>& b) { return {a.v > b.v}; }           \
  SLOPPY_LANE_INLINE LaneMask<W> operator<=(const Lanes<W>& a, const Lanes<W>& b) { return {a.v <= b.v}; }         \
  SLOPPY_LANE_INLINE LaneMask<W> operator>=(const Lanes<W>& a, const Lanes<W>& b) { return {a.v >= b.v}; }         \
  SLOPPY_LANE_INLINE LaneMask<W> operator==(const Lanes<W>& a, const Lanes<W>& b) { return {a.v == b.v}; }         \
  SLOPPY_LANE_INLINE LaneMask<W> operator<(const Lanes<W>& a, double b) { return {a.v < b}; }                      \
  SLOPPY_LANE_INLINE LaneMask<W> operator>(const Lanes<W>& a, double b) { return {a.v > b}; }                      \
  SLOPPY_LANE_INLINE LaneMask<W> operator<=(const Lanes<W>& a, double b) { return {a.v <= b}; }                    \
  SLOPPY_LANE_INLINE LaneMask<W> operator>=(const Lanes<W>& a, double b) { return {a.v >= b}; }                    \
  SLOPPY_LANE_INLINE LaneMask<W> operator==(const Lanes<W>& a, double b) { return {a.v == b}; }
SLOPPY_VECTOR_LANES(8)
SLOPPY_VECTOR_LANES(4)
#undef SLOPPY_VECTOR_LANES
#endif

// How many paths a scalar type carries, and its value-only (tangent-free) type.
template <class B> struct LaneCount {
  static constexpr int value = 1;
};
template <int W> struct LaneCount<Lanes<W>> {
  static constexpr int value = W;
};

SLOPPY_HD double lane(double x, int) { return x; }
template <int W> SLOPPY_LANE_INLINE double lane(const Lanes<W>& x, int l) { return x.v[l]; }
SLOPPY_HD void setLane(double& x, int, double value) { x = value; }
template <int W> SLOPPY_LANE_INLINE void setLane(Lanes<W>& x, int l, double value) { x.v[l] = value; }
SLOPPY_HD bool both(bool a, bool b) { return a && b; }
template <int W> SLOPPY_LANE_INLINE LaneMask<W> both(const LaneMask<W>& a, const LaneMask<W>& b) {
  LaneMask<W> r;
  for (int l = 0; l < W; ++l) r.m[l] = a.m[l] && b.m[l];
  return r;
}
SLOPPY_HD bool laneOf(bool m, int) { return m; }
template <int W> SLOPPY_LANE_INLINE bool laneOf(const LaneMask<W>& m, int l) { return m.m[l]; }
template <int W> SLOPPY_LANE_INLINE void setLane(LaneMask<W>& m, int l, bool value) { m.m[l] = value; }
// Whether every lane holds exactly zero (a NaN in any lane makes the sum NaN, so this is also how a lane-wide
// finiteness probe is read).
SLOPPY_HD bool allZero(double x) { return x == 0.0; }
template <int W> SLOPPY_LANE_INLINE bool allZero(const Lanes<W>& x) {
  double sum = 0.0;
  for (int l = 0; l < W; ++l) sum += x.v[l] < 0.0 ? -x.v[l] : x.v[l];
  return sum == 0.0;
}
#if SLOPPY_LANE_VECTORS
#define SLOPPY_VECTOR_MASKS(W)                                                                              \
  SLOPPY_LANE_INLINE LaneMask<W> both(const LaneMask<W>& a, const LaneMask<W>& b) { return {a.m & b.m}; } \
  SLOPPY_LANE_INLINE bool laneOf(const LaneMask<W>& m, int l) { return m.m[l] != 0; }                     \
  SLOPPY_LANE_INLINE void setLane(LaneMask<W>& m, int l, bool value) { m.m[l] = value ? -1 : 0; }
SLOPPY_VECTOR_MASKS(8)
SLOPPY_VECTOR_MASKS(4)
#undef SLOPPY_VECTOR_MASKS
#endif

}  // namespace sloppy
