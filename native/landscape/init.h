// Glorot-uniform initial weights with zero biases, drawn from Philox keyed by (seed, fit index): parameter p
// takes uniform draw p of the fit's Initial stream, so a fit's start depends on its index alone, never on the
// batch it runs in or the backend.
#pragma once
#include "../core/rng.h"
#include "net_shape.h"

namespace sloppy {

SLOPPY_HD void glorotUniform(const NetShape& s, uint64_t seed, uint64_t fit, double* w) {
  const PathRng rng = makePathRng(seed, fit, 0);
  rng.uniforms(0, Stream::Initial, w, s.params());
  for (int l = 0; l <= s.layers; ++l) {
    const int nin = s.fanIn(l), nout = s.fanOut(l);
    const double limit = ::sqrt(6.0 / (nin + nout));
    double* wl = w + s.weightOffset(l);
    for (int k = 0; k < nin * nout; ++k) wl[k] = limit * (2.0 * wl[k] - 1.0);
    double* bl = w + s.biasOffset(l);
    for (int i = 0; i < nout; ++i) bl[i] = 0.0;
  }
}

}  // namespace sloppy
