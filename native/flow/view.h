// What a per-sample flow routine needs to read: the shape, the weights and the fixed constants, as plain
// pointers so the same routines run on host and device memory.
#pragma once
#include "layout.h"

namespace sloppy {

struct FlowView {
  FlowShape shape;
  const double* w;       // shape.size() weights
  const int* perm;       // stages × dim
  const int* kind;       // dim, Support values
  const double* lower;   // dim
  const double* upper;   // dim

  SLOPPY_HD const double* mlp(int s) const { return w + shape.stageOffset(s); }
  SLOPPY_HD const double* lu(int s) const { return w + shape.luOffset(s); }
  SLOPPY_HD const double* bn(int s) const { return w + shape.bnOffset(s); }
  SLOPPY_HD const double* affine() const { return w + shape.affineOffset(); }
  // Every batch-norm layer's moving mean and variance (see FlowShape::movingOffset).
  SLOPPY_HD const double* moving() const { return w + shape.movingOffset(); }
  SLOPPY_HD const int* permutation(int s) const { return perm + static_cast<int64_t>(s) * shape.dim; }
};

constexpr double kLog2Pi = 1.8378770664093454836;

}  // namespace sloppy
