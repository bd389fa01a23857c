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
// W lanes' words (W = 4 or 8) in the low halves of 64-bit vector lanes (LaneVector<W>::Words).
template <int W> using PhiloxWords = typename LaneVector<W>::Words;

// By reference, not by value: a vector passed by value has a different ABI on each instruction set that the
// engines are cloned for.
template <int W>
inline __attribute__((always_inline)) void loadWords(const uint32_t* from, PhiloxWords<W>& w) {
  typename LaneVector<W>::Halves h;
  memcpy(&h, from, sizeof h);
  w = __builtin_convertvector(h, PhiloxWords<W>);
}
template <int W>
inline __attribute__((always_inline)) void storeWords(const PhiloxWords<W>& w, uint32_t* to) {
  const auto h = __builtin_convertvector(w, typename LaneVector<W>::Halves);  // keeps the low halves
  memcpy(to, &h, sizeof h);
}
// The round keys of W lanes' blocks: round r xors key + r·W (mod 2³²). A caller that draws many blocks under
// one key computes them once.
template <int W>
struct PhiloxLaneKeys {
  PhiloxWords<W> k0[10], k1[10];
};
template <int W>
inline __attribute__((always_inline)) void philoxKeys(PhiloxWords<W> key0, PhiloxWords<W> key1,
                                                      PhiloxLaneKeys<W>& keys) {
  const PhiloxWords<W> low = PhiloxWords<W>{} + 0xFFFFFFFFull;
  for (int round = 0; round < 10; ++round) {
    keys.k0[round] = key0;
    keys.k1[round] = key1;
    key0 = (key0 + kPhiloxW0) & low;
    key1 = (key1 + kPhiloxW1) & low;
  }
}
// Ten rounds on W lanes' blocks held as words.
template <int W>
inline __attribute__((always_inline)) void philoxRounds(PhiloxWords<W> (&w)[4], const PhiloxLaneKeys<W>& keys) {
  const PhiloxWords<W> low = PhiloxWords<W>{} + 0xFFFFFFFFull;
  for (int round = 0; round < 10; ++round) {
    const PhiloxWords<W> p0 = w[0] * kPhiloxM0;
    const PhiloxWords<W> p1 = w[2] * kPhiloxM1;
    w[0] = (p1 >> 32) ^ w[1] ^ keys.k0[round];
    w[1] = p1 & low;
    w[2] = (p0 >> 32) ^ w[3] ^ keys.k1[round];
    w[3] = p0 & low;
  }
}
// The widest vector width that divides W, 0 if none.
constexpr int vectorGroup(int W) { return W % 8 == 0 ? 8 : W % 4 == 0 ? 4 : 0; }
}  // namespace detail
#endif

// W independent blocks at once; lane l gets exactly philox4x32_10(ctr[l], k0[l], k1[l]), and the keys end as ten
// rounds leave them. On the host each round's 32×32→64-bit products are one vector multiply per four or eight lanes
// whatever the caller around it: left to the auto-vectoriser, the rounds ran lane by lane inside the Langevin
// engine's flattened step.
template <int W>
SLOPPY_HD void philox4x32_10(uint32_t (&c)[4][W], uint32_t (&k0)[W], uint32_t (&k1)[W]) {
#if SLOPPY_LANE_VECTORS
  constexpr int G = detail::vectorGroup(W);
  if constexpr (G > 0) {
    for (int g = 0; g < W; g += G) {
      detail::PhiloxWords<G> w[4], key0, key1;
      for (int j = 0; j < 4; ++j) detail::loadWords<G>(c[j] + g, w[j]);
      detail::loadWords<G>(k0 + g, key0);
      detail::loadWords<G>(k1 + g, key1);
      detail::PhiloxLaneKeys<G> keys;
      detail::philoxKeys<G>(key0, key1, keys);
      detail::philoxRounds<G>(w, keys);
      for (int j = 0; j < 4; ++j) detail::storeWords<G>(w[j], c[j] + g);
      detail::storeWords<G>(keys.k0[9] + detail::kPhiloxW0, k0 + g);  // storing keeps the low 32 bits
      detail::storeWords<G>(keys.k1[9] + detail::kPhiloxW1, k1 + g);
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
#define SLOPPY_VECTOR_TO_REAL(W)                                                            \
  SLOPPY_LANE_INLINE LaneVector<W>::Doubles toReal(const LaneVector<W>::Words& bits) {       \
    return __builtin_convertvector((LaneVector<W>::Ints)bits, LaneVector<W>::Doubles);      \
  }
SLOPPY_VECTOR_TO_REAL(8)
SLOPPY_VECTOR_TO_REAL(4)
#undef SLOPPY_VECTOR_TO_REAL
#endif
}  // namespace detail

// 53 random bits from two 32-bit words, mapped to (0, 1]: never 0, so log() in Box–Muller is finite. U holds
// the words zero-extended: uint64_t for one path, a LaneVector's Words for four or eight lanes.
template <class U> SLOPPY_LANE_INLINE auto uniformOpen0Of(const U& hi, const U& lo) {
  const U bits = ((hi << 21) ^ (lo >> 11)) & ((uint64_t(1) << 53) - 1);
  return (detail::toReal(bits) + 1.0) * (1.0 / 9007199254740992.0);
}
SLOPPY_HD double uniform_open0(uint32_t hi, uint32_t lo) {
  return uniformOpen0Of(static_cast<uint64_t>(hi), static_cast<uint64_t>(lo));
}

}  // namespace sloppy
