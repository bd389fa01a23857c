// The random streams of one simulated path, a (parameter set, trial) pair. Key = (seed low word, global
// parameter-set index); counter = (step, draw block, trial·4 + stream, seed high word). Keying by the
// global set index makes a split batch (batchOffset) reproduce the whole one, and putting the trial in
// the counter makes the first R trials identical whatever the trial count. Each Philox block yields two
// 53-bit uniforms and so two normals by Box–Muller: a step's n normals take ceil(n/2) blocks.
#pragma once
#include "philox.h"

namespace sloppy {

// Separate counter spaces, so that adding initial-condition draws never shifts the dynamics noise.
enum class Stream : uint32_t { Dynamics = 0, Initial = 1, Quenched = 2 };

struct PathRng {
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
      const double u1 = uniform_open0(r.v[0], r.v[1]);
      const double u2 = uniform_open0(r.v[2], r.v[3]);
      const double radius = sqrt(-2.0 * log(u1));
      const double angle = 6.283185307179586476925286766559 * u2;
      out[i] = radius * cos(angle);
      if (i + 1 < n) out[i + 1] = radius * sin(angle);
    }
  }
};

SLOPPY_HD PathRng makePathRng(uint64_t seed, uint64_t globalSet, int trial) {
  return PathRng{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32), static_cast<uint32_t>(globalSet),
                 static_cast<uint32_t>(trial)};
}

}  // namespace sloppy
