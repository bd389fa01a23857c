// Marks code compiled for both backends: the one source of truth for per-element math.
#pragma once

#if defined(__CUDACC__)
#define SLOPPY_HD __host__ __device__ __forceinline__
#else
#define SLOPPY_HD inline
#endif

// Fully unrolls the next loop (fixed, small trip count), so that arrays indexed by it live in registers.
#if defined(__CUDACC__)
#define SLOPPY_UNROLL _Pragma("unroll")
#elif defined(__clang__)
#define SLOPPY_UNROLL _Pragma("clang loop unroll(full)")
#elif defined(__GNUC__)
#define SLOPPY_UNROLL _Pragma("GCC unroll 16")
#else
#define SLOPPY_UNROLL
#endif

#include <cmath>
#include <cstdint>
