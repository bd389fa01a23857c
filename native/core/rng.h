// The random streams of one simulated path, a (parameter set, trial) pair. Key = (seed low word, global
// parameter-set index); counter = (step, draw block, trial·4 + stream, seed high word). Keying by the
// global set index makes a split batch (batchOffset) reproduce the whole one, and putting the trial in
// the counter makes the first R trials identical whatever the trial count. Each Philox block yields two
// 53-bit uniforms and so two normals by Box–Muller: a step's n normals take ceil(n/2) blocks. The
// transcendentals are fastmath.h's, so the CPU draws bit-identical normals on every machine and lane; the GPU
// (where nvcc fuses multiply-adds) agrees to within an ulp or two.
#pragma once
#include "fastmath.h"
#include "lanes.h"
#include "philox.h"

namespace sloppy {

// Separate counter spaces, so that adding initial-condition draws never shifts the dynamics noise.
enum class Stream : uint32_t { Dynamics = 0, Initial = 1, Quenched = 2 };

// Two normals from two uniforms in (0, 1], for one path (double) or eight lanes (LaneDoubles).
template <class V> SLOPPY_LANE_INLINE void boxMullerOf(const V& u1, const V& u2, V& n1, V& n2) {
  const V radius = fm::sqrtOf(V(-2.0 * fm::logOf(u1)));
  V s, c;
  fm::sincos2piOf(u2, s, c);
  n1 = radius * c;
  n2 = radius * s;
}
SLOPPY_HD void boxMuller(double u1, double u2, double& n1, double& n2) { boxMullerOf(u1, u2, n1, n2); }

#if SLOPPY_LANE_VECTORS
// Two normals in each of eight lanes from the lanes' Philox blocks held as words (w[j]: word j of every lane).
SLOPPY_LANE_INLINE void laneBoxMullerOf(const LaneWords (&w)[4], Lanes<8>& n1, Lanes<8>& n2) {
  boxMullerOf(uniformOpen0Of(w[0], w[1]), uniformOpen0Of(w[2], w[3]), n1.v, n2.v);
}
#endif

// Two normals in each of W lanes from the lanes' Philox blocks (c[j][l]: word j of lane l), each exactly what
// boxMuller(uniform_open0(c0, c1), uniform_open0(c2, c3)) gives that lane alone.
template <int W>
SLOPPY_LANE_INLINE void laneBoxMuller(const uint32_t (&c)[4][W], Lanes<W>& n1, Lanes<W>& n2) {
  for (int l = 0; l < W; ++l) {
    double a, b;
    boxMuller(uniform_open0(c[0][l], c[1][l]), uniform_open0(c[2][l], c[3][l]), a, b);
    n1.v[l] = a;
    n2.v[l] = b;
  }
}

struct PathRng {
  using Real = double;  // what a draw is: one number per path
  uint32_t seedLo;
  uint32_t seedHi;
  uint32_t set;
  uint32_t trial;

  SLOPPY_HD Philox4x32 block(uint32_t step, uint32_t index, Stream stream) const {
    const uint32_t lane = (trial << 2) | static_cast<uint32_t>(stream);
    return philox4x32_10(Philox4x32{{step, index, lane, seedHi}}, seedLo, set);
  }

  SLOPPY_HD void uniforms(uint32_t step, Stream stream, double* out, int n) const {
    for (int i = 0; i < n; i += 2) {
      const Philox4x32 r = block(step, static_cast<uint32_t>(i / 2), stream);
      out[i] = uniform_open0(r.v[0], r.v[1]);
      if (i + 1 < n) out[i + 1] = uniform_open0(r.v[2], r.v[3]);
    }
  }

  SLOPPY_HD void normals(uint32_t step, Stream stream, double* out, int n) const {
    for (int i = 0; i < n; i += 2) {
      const Philox4x32 r = block(step, static_cast<uint32_t>(i / 2), stream);
      double second;
      boxMuller(uniform_open0(r.v[0], r.v[1]), uniform_open0(r.v[2], r.v[3]), out[i], second);
      if (i + 1 < n) out[i + 1] = second;
    }
  }
};

SLOPPY_HD PathRng makePathRng(uint64_t seed, uint64_t globalSet, int trial) {
  return PathRng{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32), static_cast<uint32_t>(globalSet),
                 static_cast<uint32_t>(trial)};
}

#if SLOPPY_LANE_VECTORS
// n normals in each of eight lanes from the counters (step, block, counter2, counter3) under the lanes' round
// keys: the draw of LaneRng<8> and of the Langevin engine, whose lanes sit at different steps.
SLOPPY_LANE_INLINE void laneNormalsOf(const LaneWords& step, const LaneWords& counter2, const LaneWords& counter3,
                                      const detail::PhiloxLaneKeys& keys, Lanes<8>* out, int n) {
  for (int i = 0; i < n; i += 2) {
    LaneWords w[4] = {step, LaneWords{} + static_cast<uint64_t>(i / 2), counter2, counter3};
    detail::philoxRounds(w, keys);
    Lanes<8> second;
    laneBoxMullerOf(w, out[i], second);
    if (i + 1 < n) out[i + 1] = second;
  }
}
#endif

// W paths' streams side by side: lane l draws exactly what streams[l] would draw alone. With eight lanes the
// counter words and round keys that stay fixed along the paths are made once, here.
template <int W>
struct LaneRng {
  using Real = Lanes<W>;
  PathRng paths[W];
#if SLOPPY_LANE_VECTORS
  LaneWords trialWords, seedHiWords;  // trial·4 (the stream is or-ed in per draw), seed high word
  detail::PhiloxLaneKeys keys;
#endif

  explicit LaneRng(const PathRng (&streams)[W]) {
    for (int l = 0; l < W; ++l) paths[l] = streams[l];
#if SLOPPY_LANE_VECTORS
    if constexpr (W == 8) {
      uint32_t trial[8], seedHi[8], key0[8], key1[8];
      for (int l = 0; l < 8; ++l) {
        trial[l] = streams[l].trial << 2;
        seedHi[l] = streams[l].seedHi;
        key0[l] = streams[l].seedLo;
        key1[l] = streams[l].set;
      }
      detail::loadWords(trial, trialWords);
      detail::loadWords(seedHi, seedHiWords);
      LaneWords k0, k1;
      detail::loadWords(key0, k0);
      detail::loadWords(key1, k1);
      detail::philoxKeys(k0, k1, keys);
    }
#endif
  }

#if SLOPPY_LANE_VECTORS
  // n normals of step steps[l] in lane l (eight lanes): the draw of one path at eight steps when every lane holds
  // that path's stream.
  SLOPPY_LANE_INLINE void normalsAt(const LaneWords& steps, Stream stream, Lanes<8>* out, int n) const {
    static_assert(W == 8, "per-lane steps take the eight-lane vector form");
    laneNormalsOf(steps, trialWords | static_cast<uint64_t>(stream), seedHiWords, keys, out, n);
  }
#endif

  SLOPPY_LANE_INLINE void normals(uint32_t step, Stream stream, Lanes<W>* out, int n) const {
#if SLOPPY_LANE_VECTORS
    if constexpr (W == 8) {
      normalsAt(LaneWords{} + static_cast<uint64_t>(step), stream, out, n);
      return;
    }
#endif
    for (int i = 0; i < n; i += 2) {
      uint32_t c[4][W], k0[W], k1[W];
      for (int l = 0; l < W; ++l) {
        c[0][l] = step;
        c[1][l] = static_cast<uint32_t>(i / 2);
        c[2][l] = (paths[l].trial << 2) | static_cast<uint32_t>(stream);
        c[3][l] = paths[l].seedHi;
        k0[l] = paths[l].seedLo;
        k1[l] = paths[l].set;
      }
      philox4x32_10<W>(c, k0, k1);
      Lanes<W> second;
      laneBoxMuller(c, out[i], second);
      if (i + 1 < n) out[i + 1] = second;
    }
  }
};

}  // namespace sloppy
