#include "lane_width.h"

#include <cstdlib>
#include <cstring>

namespace sloppy {
namespace {

int detectLaneWidth() {
  if (const char* forced = std::getenv("SLOPPY_LANES")) {
    if (std::strcmp(forced, "4") == 0) return 4;
    if (std::strcmp(forced, "8") == 0) return 8;
  }
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
  // The same test as the ifunc resolver that picks cpu_kernel.h's AVX-512 clone.
  if (__builtin_cpu_supports("x86-64-v4")) return 8;
#endif
  return 4;
}

}  // namespace

int cpuLaneWidth() {
  static const int width = detectLaneWidth();
  return width;
}

}  // namespace sloppy
