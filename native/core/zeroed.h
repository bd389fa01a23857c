// A zero-filled vector (of doubles unless asked) for large results and scratch. Its pages are advised as transparent huge pages
// (Linux, where the kernel allows it on request) before they are first touched: a fresh 32 MB Gram product
// otherwise takes 8 192 page faults, which on a virtual machine can cost as much as the product's arithmetic.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace sloppy {

template <class T = double>
std::vector<T> zeroedVector(size_t n) {
  std::vector<T> v;
  v.reserve(n);  // allocated, not yet touched
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHuge = uintptr_t{1} << 21;
  const uintptr_t first = (reinterpret_cast<uintptr_t>(v.data()) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t last = reinterpret_cast<uintptr_t>(v.data() + n) & ~(kHuge - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);  // advice only: failure is harmless
#endif
  v.assign(n, T(0));
  return v;
}

}  // namespace sloppy
