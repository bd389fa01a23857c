// Marks code compiled for both backends: the one source of truth for per-element math.
#pragma once

#if defined(__CUDACC__)
#define SLOPPY_HD __host__ __device__ __forceinline__
#else
#define SLOPPY_HD inline
#endif

#include <cmath>
#include <cstdint>
