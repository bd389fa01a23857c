// Uniform access to double and Dual<P>: how many tangents a scalar carries, how to make the i-th
// independent variable, and how to read a tangent back.
#pragma once
#include "math.h"

namespace sloppy {

template <class T> struct Scalar;

template <> struct Scalar<double> {
  static constexpr int kTangents = 0;
  SLOPPY_HD static double variable(double v, int) { return v; }
  SLOPPY_HD static double tangent(double, int) { return 0.0; }
};

template <int P> struct Scalar<Dual<P>> {
  static constexpr int kTangents = P;
  SLOPPY_HD static Dual<P> variable(double v, int i) {
    Dual<P> r(v);
    r.d[i] = 1.0;
    return r;
  }
  SLOPPY_HD static double tangent(const Dual<P>& x, int i) { return x.d[i]; }
};

// A per-path scratch array. On the GPU consecutive paths are interleaved (stride = paths in flight) so
// that a warp's accesses coalesce; on the CPU each path owns a contiguous block (stride 1).
template <class T> struct Trace {
  T* data;
  int64_t stride;
  SLOPPY_HD T& operator[](int64_t k) const { return data[k * stride]; }
};

}  // namespace sloppy
