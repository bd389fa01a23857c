// How many paths a CPU lane kernel runs per vector on this machine: eight where the AVX-512 clone runs (one
// 512-bit register of doubles), four elsewhere (one AVX2 register; an eight-wide vector there lives in memory,
// and every operation on it goes through the stack). Paths are independent of their lanes, and sums over a
// batch run in one order for either width (flow/flow_cpu.cc), so the width changes speed only, never a number.
// SLOPPY_LANES=4 or 8 in the environment overrides the choice (read once), so that both widths can be tested
// and timed on one machine.
#pragma once
#include <type_traits>

namespace sloppy {

int cpuLaneWidth();

// run(std::integral_constant<int, W>()) with W = cpuLaneWidth(): the one place where an engine's kernels,
// templated on the width, are instantiated for both widths and one is picked.
template <class Run>
void withLaneWidth(const Run& run) {
  if (cpuLaneWidth() == 8) {
    run(std::integral_constant<int, 8>());
  } else {
    run(std::integral_constant<int, 4>());
  }
}

}  // namespace sloppy
