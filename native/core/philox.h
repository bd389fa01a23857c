// Philox4x32-10 (Salmon et al., SC'11), the counter-based generator shared by the CPU and CUDA backends.
// A draw depends only on (key, counter), never on the order in which threads run, which is what makes
// results identical across thread counts, batch splits and devices.
#pragma once
#include "hd.h"

namespace sloppy {

struct Philox4x32 {
  uint32_t v[4];
};

namespace detail {
constexpr uint32_t kPhiloxM0 = 0xD2511F53u;
constexpr uint32_t kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u;
constexpr uint32_t kPhiloxW1 = 0xBB67AE85u;

SLOPPY_HD void mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  const uint64_t p = static_cast<uint64_t>(a) * static_cast<uint64_t>(b);
  hi = static_cast<uint32_t>(p >> 32);
  lo = static_cast<uint32_t>(p);
}
}  // namespace detail

SLOPPY_HD Philox4x32 philox4x32_10(Philox4x32 ctr, uint32_t k0, uint32_t k1) {
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    detail::mulhilo(detail::kPhiloxM0, ctr.v[0], hi0, lo0);
    detail::mulhilo(detail::kPhiloxM1, ctr.v[2], hi1, lo1);
    ctr = Philox4x32{{hi1 ^ ctr.v[1] ^ k0, lo1, hi0 ^ ctr.v[3] ^ k1, lo0}};
    k0 += detail::kPhiloxW0;
    k1 += detail::kPhiloxW1;
  }
  return ctr;
}

// W independent blocks at once, lane by lane in the innermost loops so the compiler vectorises the
// 32×32→64-bit products; lane l gets exactly philox4x32_10(ctr[l], k0[l], k1[l]).
template <int W>
SLOPPY_HD void philox4x32_10(uint32_t (&c)[4][W], uint32_t (&k0)[W], uint32_t (&k1)[W]) {
  for (int round = 0; round < 10; ++round) {
    for (int l = 0; l < W; ++l) {
      const uint64_t p0 = static_cast<uint64_t>(detail::kPhiloxM0) * c[0][l];
      const uint64_t p1 = static_cast<uint64_t>(detail::kPhiloxM1) * c[2][l];
      const uint32_t c1 = c[1][l], c3 = c[3][l];
      c[0][l] = static_cast<uint32_t>(p1 >> 32) ^ c1 ^ k0[l];
      c[1][l] = static_cast<uint32_t>(p1);
      c[2][l] = static_cast<uint32_t>(p0 >> 32) ^ c3 ^ k1[l];
      c[3][l] = static_cast<uint32_t>(p0);
      k0[l] += detail::kPhiloxW0;
      k1[l] += detail::kPhiloxW1;
    }
  }
}

// 53 random bits from two words, mapped to (0, 1]: never 0, so log() in Box–Muller is finite.
SLOPPY_HD double uniform_open0(uint32_t hi, uint32_t lo) {
  const uint64_t bits = (static_cast<uint64_t>(hi) << 21) ^ static_cast<uint64_t>(lo >> 11);
  return (static_cast<double>(bits & ((uint64_t(1) << 53) - 1)) + 1.0) * (1.0 / 9007199254740992.0);
}

}  // namespace sloppy
