// Batched synaptic-sampling runs: `runs` independent networks, each trained online on `samples`
// presentations and tested on a fixed held-out set along the way. Runs never interact, and every draw is
// keyed by (seed, global run index), so the results do not depend on the batch split, the thread count or
// the backend.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "params.h"

namespace sloppy {

struct SynJob {
  SynParams params;
  uint64_t seed = 0;
  int64_t runs = 1;
  uint64_t firstRun = 0;        // global index of the first run
  int64_t samples = 43200;      // training presentations
  int64_t curveEvery = 2160;    // samples between curve points
  int testPerClass = 20;
  std::vector<double> means;    // classes × 3 explicit cluster means, or empty to draw them
  bool weights = false;         // return θ before and after training
  int threads = 0;
  const std::atomic<bool>* cancelled = nullptr;
  std::function<void(double)> progress;
};

struct SynResult {
  int curvePoints = 0;
  std::vector<double> curveSamples;   // curvePoints: training samples seen at each point
  std::vector<double> trainAccuracy;  // runs × curvePoints: online accuracy over the samples since the last point
  std::vector<double> testAccuracy;   // runs × curvePoints: the frozen network on the held-out set
  std::vector<double> outputRate;     // runs × curvePoints: mean output events per training sample in the window
  std::vector<double> confusion;      // runs × classes × (classes + 1): final test predictions, last column silent
  std::vector<double> thetaInitial;   // runs × classes × inputs, when asked
  std::vector<double> theta;
};

// The input layer of one run for diagnostics: tuning centres, each input's rate for a stimulus and its spike
// count summed over `presentations` presentations of it.
struct SynProbeJob {
  SynParams params;
  uint64_t seed = 0;
  uint64_t run = 0;
  double stimulus[3] = {0.5, 0.5, 0.5};
  int presentations = 1;
  std::vector<double> means;
};

struct SynProbeResult {
  std::vector<double> centres;  // inputs × 3
  std::vector<double> rates;    // inputs
  std::vector<double> counts;   // inputs
  std::vector<double> means;    // classes × 3, the run's cluster means
  std::vector<double> shapes;   // classes × 9
};

// The result's layout, filled in by each backend: curve points and their samples, train accuracy and output
// rate NaN at point 0 (no window before it), zero confusion counts.
SynResult synResultFor(const SynJob& job);
SynResult synapticCpu(const SynJob& job);
SynResult synapticCuda(const SynJob& job);
SynProbeResult synapticProbe(const SynProbeJob& job);

}  // namespace sloppy
