// W paths side by side: the CPU backend runs a model on Lanes<W> so that every arithmetic statement of the
// model becomes one SIMD instruction over W paths. Operations are plain loops over lanes, which the compiler
// vectorises; comparisons give a LaneMask, and branch-free model code picks with m::select.
#pragma once
#include "hd.h"

#if defined(__GNUC__) && !defined(__CUDACC__)
#define SLOPPY_LANE_INLINE inline __attribute__((always_inline))
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

}  // namespace sloppy
