// The weights' gradient as sums over samples of outer products: every trainable block of the flow gets
//   G[j][k] += Σ_samples d[j]·a[k]   (and, for biases, b[j] += Σ d[j])
// with d a cotangent from the sample's cotape and a an activation from its tape. Listing the blocks once
// lets each backend run them as dense reductions (GEMM-like on the CPU), independent of how samples are
// spread over threads, so the sum's order — and the result — is fixed.
#pragma once
#include <cstdint>
#include <vector>

#include "layout.h"

namespace sloppy {

// Which entries of a square block an outer sum fills: the LU matrix keeps L below the diagonal and U on and
// above it, each with its own cotangent.
enum class Part : int { All = 0, StrictLower = 1, Upper = 2 };

struct OuterTerm {
  int64_t dOffset;  // in a sample's cotape
  int64_t aOffset;  // in a sample's tape
  int rows;         // j
  int cols;         // k
  int64_t gOffset;  // rows × cols block of the gradient, row-major
  int64_t bOffset;  // bias block (rows), or −1
  Part part;
};

inline std::vector<OuterTerm> outerTerms(const FlowShape& f) {
  std::vector<OuterTerm> terms;
  const int D = f.dim;
  for (int s = 0; s < f.stages; ++s) {
    const int64_t tape = f.stageTape() * s;
    const int64_t cotape = f.stageCotape() * s;
    for (int l = 0; l <= f.layers; ++l) {
      const bool last = l == f.layers;
      const int rows = last ? 2 * f.d2() : f.units;
      const int cols = last ? (f.layers > 0 ? f.units : f.d1()) : f.mlpInput(l);
      // Layer 0 reads the stage input's first d1 coordinates; later layers the previous hidden layer.
      const int64_t a = l == 0 ? tape : tape + D + static_cast<int64_t>(l - 1) * f.units;
      int64_t off = f.stageOffset(s);
      for (int k = 0; k < l; ++k) off += static_cast<int64_t>(f.units) * f.mlpInput(k) + f.units;
      terms.push_back({cotape + static_cast<int64_t>(l) * f.units, a, rows, cols, off,
                       off + static_cast<int64_t>(rows) * cols, Part::All});
    }
    if (f.luPermutation && s < f.stages - 1) {
      const int64_t lBar = cotape + static_cast<int64_t>(f.layers) * f.units + 2 * f.d2();
      const int64_t hid = static_cast<int64_t>(f.layers) * f.units;
      const int64_t out = tape + D + hid + f.d2();
      const int64_t u = out + D;
      terms.push_back({lBar, u, D, D, f.luOffset(s), -1, Part::StrictLower});
      terms.push_back({lBar + D, out, D, D, f.luOffset(s), -1, Part::Upper});
    }
  }
  return terms;
}

}  // namespace sloppy
