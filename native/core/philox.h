// Philox4x32-10 (Salmon et al., SC'11), the counter-based generator shared by the CPU and CUDA backends.
// A draw depends only on (key, counter), never on the order in which threads run, which is what makes
// results identical across thread counts, batch splits and devices.
#pragma once
#include <cstring>

#include "lanes.h"

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

#if SLOPPY_LANE_VECTORS
namespace detail {
// Eight lanes' words in the low halves of 64-bit vector lanes (LaneWords).
typedef uint32_t PhiloxHalves __attribute__((vector_size(8 * sizeof(uint32_t))));

// By reference, not by value: a 512-bit vector passed by value has a different ABI on each instruction set that
// the engines are cloned for.
inline __attribute__((always_inline)) void loadWords(const uint32_t* from, LaneWords& w) {
  PhiloxHalves h;
  memcpy(&h, from, sizeof h);
  w = __builtin_convertvector(h, LaneWords);
}
inline __attribute__((always_inline)) void storeWords(const LaneWords& w, uint32_t* to) {
  const PhiloxHalves h = __builtin_convertvector(w, PhiloxHalves);  // keeps the low halves
  memcpy(to, &h, sizeof h);
}
// The round keys of eight lanes' blocks: round r xors key + r·W (mod 2³²). A caller that draws many blocks under
// one key computes them once.
struct PhiloxLaneKeys {
  LaneWords k0[10], k1[10];
};
inline __attribute__((always_inline)) void philoxKeys(LaneWords key0, LaneWords key1, PhiloxLaneKeys& keys) {
  const LaneWords low = LaneWords{} + 0xFFFFFFFFull;
  for (int round = 0; round < 10; ++round) {
    keys.k0[round] = key0;
    keys.k1[round] = key1;
    key0 = (key0 + kPhiloxW0) & low;
    key1 = (key1 + kPhiloxW1) & low;
  }
}
// Ten rounds on eight lanes' blocks held as words (LaneWords).
inline __attribute__((always_inline)) void philoxRounds(LaneWords (&w)[4], const PhiloxLaneKeys& keys) {
  const LaneWords low = LaneWords{} + 0xFFFFFFFFull;
  for (int round = 0; round < 10; ++round) {
    const LaneWords p0 = w[0] * kPhiloxM0;
    const LaneWords p1 = w[2] * kPhiloxM1;
    w[0] = (p1 >> 32) ^ w[1] ^ keys.k0[round];
    w[1] = p1 & low;
    w[2] = (p0 >> 32) ^ w[3] ^ keys.k1[round];
    w[3] = p0 & low;
  }
}
}  // namespace detail
#endif

// W independent blocks at once; lane l gets exactly philox4x32_10(ctr[l], k0[l], k1[l]), and the keys end as ten
// rounds leave them. On the host each round's 32×32→64-bit products are one vector multiply per eight lanes
// whatever the caller around it: left to the auto-vectoriser, the rounds ran lane by lane inside the Langevin
// engine's flattened step.
template <int W>
SLOPPY_HD void philox4x32_10(uint32_t (&c)[4][W], uint32_t (&k0)[W], uint32_t (&k1)[W]) {
#if SLOPPY_LANE_VECTORS
  if constexpr (W % 8 == 0) {
    for (int g = 0; g < W; g += 8) {
      LaneWords w[4], key0, key1;
      for (int j = 0; j < 4; ++j) detail::loadWords(c[j] + g, w[j]);
      detail::loadWords(k0 + g, key0);
      detail::loadWords(k1 + g, key1);
      detail::PhiloxLaneKeys keys;
      detail::philoxKeys(key0, key1, keys);
      detail::philoxRounds(w, keys);
      for (int j = 0; j < 4; ++j) detail::storeWords(w[j], c[j] + g);
      detail::storeWords(keys.k0[9] + detail::kPhiloxW0, k0 + g);  // storing keeps the low 32 bits
      detail::storeWords(keys.k1[9] + detail::kPhiloxW1, k1 + g);
    }
    return;
  }
#endif
  for (int l = 0; l < W; ++l) {
    const Philox4x32 r = philox4x32_10(Philox4x32{{c[0][l], c[1][l], c[2][l], c[3][l]}}, k0[l], k1[l]);
    for (int j = 0; j < 4; ++j) c[j][l] = r.v[j];
    k0[l] += 10u * detail::kPhiloxW0;
    k1[l] += 10u * detail::kPhiloxW1;
  }
}

namespace detail {
SLOPPY_HD double toReal(uint64_t bits) { return static_cast<double>(bits); }
#if SLOPPY_LANE_VECTORS
SLOPPY_LANE_INLINE LaneDoubles toReal(const LaneWords& bits) { return __builtin_convertvector((LaneInts)bits, LaneDoubles); }
#endif
}  // namespace detail

// 53 random bits from two 32-bit words, mapped to (0, 1]: never 0, so log() in Box–Muller is finite. U holds
// the words zero-extended: uint64_t for one path, LaneWords for eight lanes.
template <class U> SLOPPY_LANE_INLINE auto uniformOpen0Of(const U& hi, const U& lo) {
  const U bits = ((hi << 21) ^ (lo >> 11)) & ((uint64_t(1) << 53) - 1);
  return (detail::toReal(bits) + 1.0) * (1.0 / 9007199254740992.0);
}
SLOPPY_HD double uniform_open0(uint32_t hi, uint32_t lo) {
  return uniformOpen0Of(static_cast<uint64_t>(hi), static_cast<uint64_t>(lo));
}

}  // namespace sloppy
