// Gram products G = A·Aᵀ·scale of a row-major r × K matrix A (Float32 or Float64), accumulated in double
// (or in float for Float32 input on request):
// the finite-rank Fisher information F(n) = A·Aᵀ/n of per-sample score rows (Box 5 of the "optimization and
// variability" seed), whose nonzero spectrum equals that of the K × K matrix Aᵀ·A/n.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

namespace sloppy {

struct GramJob {
  const void* a = nullptr;  // rows × cols, row-major
  bool f32 = false;         // element type of a
  int64_t rows = 0;
  int64_t cols = 0;
  double scale = 1.0;       // G = scale · A·Aᵀ (1/n for the Fisher information)
  bool transposed = false;  // compute Aᵀ·A (cols × cols) instead
  double* into = nullptr;   // when set: add the product into this symmetric order × order matrix, return nothing
  bool f32Accumulate = false;  // Float32 input: accumulate in float (CPU: within each column chunk; G sums chunks in double)
  int threads = 0;
  const std::atomic<bool>* cancelled = nullptr;
  std::function<void(double)> progress;
};

// The full symmetric result, row-major: rows × rows, or cols × cols when transposed; empty when the job adds
// into a matrix of its own (a stream of column chunks then needs no fresh result per chunk).
std::vector<double> gramCpu(const GramJob& job);
std::vector<double> gramCuda(const GramJob& job);

}  // namespace sloppy
