// The quenched geometry of one run (cluster means and shapes, tuning centres), identical on every backend.
#pragma once
#include "draws.h"

namespace sloppy {
namespace syn {

// Cluster c of a run; explicit means (classes × 3, or null) replace the drawn ones, keeping the drawn shape.
SLOPPY_HD Cluster clusterOf(const SynParams& p, uint64_t seed, uint64_t run, int c, const double* means) {
  Cluster cluster = drawCluster(p, seed, run, c);
  if (means != nullptr) {
    for (int d = 0; d < 3; ++d) cluster.mean[d] = means[3 * c + d];
  }
  return cluster;
}

// The label and stimulus of a presentation (training sample `index`, or test sample `index`).
SLOPPY_HD int presentationStimulus(const SynParams& p, uint64_t seed, uint64_t run, bool test, int64_t index,
                                   const double* means, double* y) {
  const uint32_t step = test ? testStep(static_cast<int>(index)) : trainStep(index);
  const int label = drawLabel(p, seed, run, step, test, static_cast<int>(index));
  drawStimulus(clusterOf(p, seed, run, label, means), seed, run, step, y);
  return label;
}

// Curve point k lies after this many training samples: multiples of curveEvery, and the last sample.
SLOPPY_HD int64_t curveSample(int64_t samples, int64_t every, int k) {
  const int64_t s = static_cast<int64_t>(k) * every;
  return s < samples ? s : samples;
}

}  // namespace syn
}  // namespace sloppy
