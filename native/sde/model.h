// The contract every SDE model satisfies. The engine (sde/path.h) calls these for one path; everything
// is a template over the scalar type T (double, or Dual<P> for gradients), compiled for CPU and CUDA.
//
//   struct M {
//     static constexpr int kParams, kState, kStats;
//     static constexpr bool kStatsNeedPath;   // false: statistics are closed-form in z (skip integration)
//     enum Option { ..., kNumOptions };      // model options, passed as const double* opt in this order
//     static ModelInfo describe();                              // host only: names, units, bounds, defaults
//     SLOPPY_HD static int steps(const double* opt);
//     SLOPPY_HD static int traceSize(const double* opt);       // scratch scalars per path
//     template <class T> SLOPPY_HD static void init(const double* opt, const T* z, T* x, const PathRng&);
//     template <class T> SLOPPY_HD static void step(const double* opt, const T* z, T* x, int n, const PathRng&);
//     template <class T> SLOPPY_HD static void observe(const double* opt, const T* z, const T* x, int n, Trace<T>);
//     template <class T> SLOPPY_HD static void finish(const double* opt, const T* z, const T* x, Trace<T>, T* stats);
//   };
//
// step(n) advances x from step n to n + 1 and draws its own noise with rng.normals(n, Stream::Dynamics, …);
// observe(n) sees the state after n steps (n = 0 is the initial state); finish() turns the trace into
// the statistics of one trial. The engine averages statistics over trials.
#pragma once
#include "../core/model_info.h"
#include "../core/rng.h"
#include "../core/scalar.h"

namespace sloppy {

// Reads an integer-valued option (options cross as doubles; validation in TypeScript makes them exact).
SLOPPY_HD int intOption(double v) { return static_cast<int>(v + 0.5); }

}  // namespace sloppy
