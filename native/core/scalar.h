// Uniform access to the scalar types a model runs on (double, Lanes<W>, Dual<P, B>): the value type B
// without tangents, how many tangents there are, how to make the i-th independent variable, and how to
// read a tangent back, and a reference to the value for code that works on values apart from tangents.
#pragma once
#include "math.h"

namespace sloppy {

template <class T> struct Scalar {
  using Base = T;  // double or Lanes<W>
  static constexpr int kTangents = 0;
  SLOPPY_LANE_INLINE static T variable(const Base& v, int) { return v; }
  SLOPPY_LANE_INLINE static Base tangent(const T&, int) { return Base(0.0); }
  SLOPPY_LANE_INLINE static Base& valueRef(T& x) { return x; }
};

template <int P, class B> struct Scalar<Dual<P, B>> {
  using Base = B;
  static constexpr int kTangents = P;
  SLOPPY_LANE_INLINE static Dual<P, B> variable(const B& v, int i) {
    Dual<P, B> r(v);
    r.d[i] = B(1.0);
    return r;
  }
  SLOPPY_LANE_INLINE static B tangent(const Dual<P, B>& x, int i) { return x.d[i]; }
  SLOPPY_LANE_INLINE static B& valueRef(Dual<P, B>& x) { return x.v; }
};

// A per-path scratch array. On the GPU consecutive paths are interleaved (stride = paths in flight) so
// that a warp's accesses coalesce; on the CPU each path (or lane group) owns a contiguous block (stride 1).
template <class T> struct Trace {
  T* data;
  int64_t stride;
  SLOPPY_HD T& operator[](int64_t k) const { return data[k * stride]; }
};

}  // namespace sloppy
