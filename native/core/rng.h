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

// Two normals from two uniforms in (0, 1], for one path (double) or a lane vector.
template <class V> SLOPPY_LANE_INLINE void boxMullerOf(const V& u1, const V& u2, V& n1, V& n2) {
  const V radius = fm::sqrtOf(V(-2.0 * fm::logOf(u1)));
  V s, c;
  fm::sincos2piOf(u2, s, c);
  n1 = radius * c;
  n2 = radius * s;
}
SLOPPY_HD void boxMuller(double u1, double u2, double& n1, double& n2) { boxMullerOf(u1, u2, n1, n2); }

#if SLOPPY_LANE_VECTORS
// Two normals in each of W (4 or 8) lanes from the lanes' Philox blocks held as words (w[j]: word j of every lane).
template <int W>
SLOPPY_LANE_INLINE void laneBoxMullerOf(const detail::PhiloxWords<W> (&w)[4], Lanes<W>& n1, Lanes<W>& n2) {
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
// n normals in each of W (4 or 8) lanes from the counters (step, block, counter2, counter3) under the lanes' round
// keys: the draw of LaneRng and of the Langevin engine, whose lanes sit at different steps.
template <int W>
SLOPPY_LANE_INLINE void laneNormalsOf(const detail::PhiloxWords<W>& step, const detail::PhiloxWords<W>& counter2,
                                      const detail::PhiloxWords<W>& counter3, const detail::PhiloxLaneKeys<W>& keys,
                                      Lanes<W>* out, int n) {
  for (int i = 0; i < n; i += 2) {
    detail::PhiloxWords<W> w[4] = {step, detail::PhiloxWords<W>{} + static_cast<uint64_t>(i / 2), counter2, counter3};
    detail::philoxRounds<W>(w, keys);
    Lanes<W> second;
    laneBoxMullerOf<W>(w, out[i], second);
    if (i + 1 < n) out[i + 1] = second;
  }
}
#endif

// W paths' streams side by side: lane l draws exactly what streams[l] would draw alone. With a vector width (four or
// eight lanes) the counter words and round keys that stay fixed along the paths are made once, here.
template <int W>
struct LaneRng {
  using Real = Lanes<W>;
  PathRng paths[W];
#if SLOPPY_LANE_VECTORS
  static constexpr bool kVector = LaneVector<W>::kVector;
  static constexpr int kV = kVector ? W : 8;  // the vector members' width (unused unless kVector)
  detail::PhiloxWords<kV> trialWords, seedHiWords;  // trial·4 (the stream is or-ed in per draw), seed high word
  detail::PhiloxLaneKeys<kV> keys;
#endif

  explicit LaneRng(const PathRng (&streams)[W]) {
    for (int l = 0; l < W; ++l) paths[l] = streams[l];
#if SLOPPY_LANE_VECTORS
    if constexpr (kVector) {
      uint32_t trial[W], seedHi[W], key0[W], key1[W];
      for (int l = 0; l < W; ++l) {
        trial[l] = streams[l].trial << 2;
        seedHi[l] = streams[l].seedHi;
        key0[l] = streams[l].seedLo;
        key1[l] = streams[l].set;
      }
      detail::loadWords<W>(trial, trialWords);
      detail::loadWords<W>(seedHi, seedHiWords);
      detail::PhiloxWords<W> k0, k1;
      detail::loadWords<W>(key0, k0);
      detail::loadWords<W>(key1, k1);
      detail::philoxKeys<W>(k0, k1, keys);
    }
#endif
  }

#if SLOPPY_LANE_VECTORS
  // n normals of step steps[l] in lane l (a vector width): the draw of one path at W steps when every lane holds
  // that path's stream.
  SLOPPY_LANE_INLINE void normalsAt(const detail::PhiloxWords<kV>& steps, Stream stream, Lanes<W>* out, int n) const {
    static_assert(kVector, "per-lane steps take the vector form");
    laneNormalsOf<W>(steps, trialWords | static_cast<uint64_t>(stream), seedHiWords, keys, out, n);
  }
#endif

  SLOPPY_LANE_INLINE void normals(uint32_t step, Stream stream, Lanes<W>* out, int n) const {
#if SLOPPY_LANE_VECTORS
    if constexpr (kVector) {
      normalsAt(detail::PhiloxWords<kV>{} + static_cast<uint64_t>(step), stream, out, n);
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
