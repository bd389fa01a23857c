// The addon's own worker threads. Long simulations run here rather than on libuv's small pool, so that a
// minutes-long job never starves Node's fs, dns or crypto work. One pool per process, created lazily;
// concurrent jobs share it, and the calling thread works too, so a job never waits on itself.
#pragma once
#include <cstdint>
#include <functional>

namespace sloppy {

// Runs body(begin, end) over [0, n) in blocks of at most `grain`, on up to `threads` threads
// (0 = all hardware threads). Blocks may run in any order; callers make results order-independent.
// Rethrows the first exception a block threw, after all blocks have finished.
void parallelFor(int64_t n, int64_t grain, int threads, const std::function<void(int64_t, int64_t)>& body);

int hardwareThreads();
// How many threads a job that asks for `threads` runs on: all hardware threads for 0 (or less).
int threadCount(int threads);

}  // namespace sloppy
