// Plain job and result structs for a batched simulation: parsed from JavaScript on the main thread,
// then handed to a backend that touches no Node-API object.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sloppy {

struct SimJob {
  std::vector<double> z;        // batch × params, row-major
  int64_t batch = 0;
  int trials = 1;
  std::vector<double> options;  // the model's options, in its declared order
  uint64_t seed = 0;
  uint64_t batchOffset = 0;     // global index of the first parameter set (noise is keyed by it)
  bool grad = false;
  int stride = 0;               // trajectory stride in steps; 0 = no trajectories
  int threads = 0;              // CPU worker threads; 0 = all
  const std::atomic<bool>* cancelled = nullptr;
  std::function<void(double)> progress;  // fraction done, called from the job's thread
};

// The first non-finite state of a run, in global terms.
struct SimFault {
  int64_t set = -1;
  int trial = -1;
  int step = -1;
  int state = -1;
  int64_t count = 0;  // paths that went non-finite
};

struct SimResult {
  std::vector<double> stats;       // batch × stats, averaged over trials
  std::vector<double> grad;        // batch × stats × params, averaged over trials
  std::vector<double> trajectory;  // batch × trials × recorded × state
  int recorded = 0;                // trajectory samples per path
  SimFault fault;
};

// Thrown by backends when a job's cancel flag is seen; the binding turns it into ABORT_ERR.
struct Cancelled {};

// The check every backend makes between work items; a job without a flag is never cancelled.
inline void throwIfCancelled(const std::atomic<bool>* cancelled) {
  if (cancelled != nullptr && cancelled->load()) throw Cancelled{};
}

}  // namespace sloppy
