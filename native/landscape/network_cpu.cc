// The CPU backend of the network jobs: W networks side by side on Lanes<W> (one SIMD instruction per statement
// of mlp_net.h; W = cpuLaneWidth(), and a network's numbers do not depend on it), blocks of networks spread over
// the thread pool. Lanes past the end of a batch repeat its last network and are never written back.
#include <algorithm>
#include <vector>

#include "../core/cpu_kernel.h"
#include "../core/dual.h"
#include "../core/lane_width.h"
#include "../core/lanes.h"
#include "../core/rng.h"
#include "../core/thread_pool.h"
#include "../sde/job.h"
#include "init.h"
#include "mlp_net.h"
#include "network.h"

namespace sloppy {
namespace {

template <int W>
int64_t blocksOf(int64_t count) { return (count + W - 1) / W; }

template <int W>
void pack(const double* params, int P, int64_t count, int64_t block, Lanes<W>* w) {
  for (int l = 0; l < W; ++l) {
    const int64_t net = std::min(block * W + l, count - 1);
    for (int p = 0; p < P; ++p) w[p].v[l] = params[net * P + p];
  }
}

template <int W, class Out>
void unpack(const Lanes<W>* src, int width, int64_t count, int64_t block, Out write) {
  for (int l = 0; l < W && block * W + l < count; ++l) {
    for (int k = 0; k < width; ++k) write(block * W + l, k, src[k].v[l]);
  }
}

constexpr int kPointTile = 4;

// Σᵢ ‖f(xᵢ) − yᵢ‖² of a block over the whole data set, in tiles of 4 points and then one at a time;
// z and a hold K·N × 4 values. The error comes back through a pointer: a clone's vector return value would not
// match its caller's ABI.
template <int W>
SLOPPY_CPU_KERNEL
void blockError(const NetJobBase& job, const Lanes<W>* w, Lanes<W>* g, Lanes<W>* z, Lanes<W>* a, Lanes<W>* error) {
  *error = datasetError<kPointTile>(job.shape, job.act, w, job.data.x.data(), job.data.y.data(), job.data.points,
                                  1.0 / job.data.points, g, z, a);
}

// `steps` optimizer steps of one block, recording the curve at global steps that are multiples of the stride.
template <int W>
SLOPPY_CPU_KERNEL
void fitSteps(const FitJob& job, int firstStep, int steps, Lanes<W>* state, Lanes<W>* scratch, double* curves,
              int64_t block) {
  const NetShape& s = job.shape;
  const int P = s.params();
  Lanes<W>* w = state;
  Lanes<W>* s1 = state + P;
  Lanes<W>* s2 = state + 2 * P;
  Lanes<W>* g = scratch;
  Lanes<W>* z = scratch + P;
  Lanes<W>* a = z + s.hidden() * kPointTile;
  Lanes<W>* noise = a + s.hidden() * kPointTile;
  const int points = curvePointCount(job.steps, job.curveStride);
  PathRng streams[W];
  for (int l = 0; l < W; ++l) {
    streams[l] = makePathRng(job.seed, job.firstFit + std::min(block * W + l, job.count - 1), 0);
  }
  const LaneRng<W> rng(streams);
  for (int t = firstStep; t < firstStep + steps; ++t) {
    for (int p = 0; p < P; ++p) g[p] = Lanes<W>(0.0);
    Lanes<W> error;
    blockError<W>(job, w, g, z, a, &error);
    const double sigma = noiseScale(job.optimizer, t, job.steps);
    if (sigma > 0.0) {
      rng.normals(static_cast<uint32_t>(t), Stream::Dynamics, noise, P);
      for (int p = 0; p < P; ++p) g[p] = m::fusedMulAdd(noise[p], sigma, g[p]);
    }
    if (job.curveStride > 0 && t % job.curveStride == 0) {
      const int k = t / job.curveStride;
      for (int l = 0; l < W && block * W + l < job.count; ++l) {
        curves[(block * W + l) * points + k] = error.v[l] / job.data.points;
      }
    }
    for (int p = 0; p < P; ++p) optimizerStep(job.optimizer, w[p], g[p], s1[p], s2[p]);
  }
}

// The losses and, on request, gradients of every network, W at a time.
template <int W>
void lossesOn(const EvaluateJob& job, EvaluateResult& r) {
  const NetShape& s = job.shape;
  const int P = s.params();
  const int64_t blocks = blocksOf<W>(job.count);
  parallelFor(blocks, 16, job.threads, [&](int64_t begin, int64_t end) {
    std::vector<Lanes<W>> w(P), g(P), z(s.hidden() * kPointTile), a(s.hidden() * kPointTile);
    for (int64_t b = begin; b < end; ++b) {
      throwIfCancelled(job.cancelled);
      pack<W>(job.params, P, job.count, b, w.data());
      for (auto& v : g) v = Lanes<W>(0.0);
      Lanes<W> error;
      blockError<W>(job, w.data(), job.gradient ? g.data() : nullptr, z.data(), a.data(), &error);
      unpack<W>(&error, 1, job.count, b, [&](int64_t n, int, double v) { r.loss[n] = v / job.data.points; });
      if (job.gradient) unpack<W>(g.data(), P, job.count, b, [&](int64_t n, int k, double v) { r.gradient[n * P + k] = v; });
    }
  });
}

template <int W>
void predictOn(const PredictJob& job, PredictResult& r) {
  const NetShape& s = job.shape;
  const int P = s.params();
  const int n = job.data.points, O = s.outputs;
  parallelFor(blocksOf<W>(job.count), 16, job.threads, [&](int64_t begin, int64_t end) {
    std::vector<Lanes<W>> w(P), z(s.hidden()), a(s.hidden());
    Lanes<W> out[kMaxOutputs];
    for (int64_t b = begin; b < end; ++b) {
      throwIfCancelled(job.cancelled);
      pack<W>(job.params, P, job.count, b, w.data());
      Lanes<W> margin(HUGE_VAL);
      for (int i = 0; i < n; ++i) {
        forward<1>(s, job.act, w.data(), job.data.x.data() + i * s.inputs, z.data(), a.data(), out);
        for (const Lanes<W>& zi : z) margin = m::min(margin, m::abs(zi));
        unpack<W>(out, O, job.count, b, [&](int64_t net, int k, double v) { r.outputs[(net * n + i) * O + k] = v; });
      }
      unpack<W>(&margin, 1, job.count, b, [&](int64_t net, int, double v) { r.kinkMargin[net] = v; });
    }
  });
}

template <int W>
void fitOn(const FitJob& job, FitResult& r) {
  const NetShape& s = job.shape;
  const int P = s.params();
  const int64_t blocks = blocksOf<W>(job.count);
  // Weights and both optimizer slots of every block persist across slabs of steps, so progress and
  // cancellation come every slab rather than once per fit.
  std::vector<Lanes<W>> state(blocks * 3 * P, Lanes<W>(0.0));
  std::vector<double> start(P);
  for (int64_t b = 0; b < blocks; ++b) {
    Lanes<W>* w = state.data() + b * 3 * P;
    if (job.init != nullptr) {
      pack<W>(job.init, P, job.count, b, w);
      continue;
    }
    for (int l = 0; l < W; ++l) {
      const int64_t net = std::min(b * W + l, job.count - 1);
      glorotUniform(s, job.seed, job.firstFit + net, start.data());
      for (int p = 0; p < P; ++p) w[p].v[l] = start[p];
    }
  }
  const int slab = std::max(1, std::min(job.steps, 200));
  for (int t0 = 0; t0 < job.steps; t0 += slab) {
    throwIfCancelled(job.cancelled);
    const int steps = std::min(slab, job.steps - t0);
    parallelFor(blocks, 1, job.threads, [&](int64_t begin, int64_t end) {
      std::vector<Lanes<W>> scratch(2 * P + 2 * s.hidden() * kPointTile);
      for (int64_t b = begin; b < end; ++b) {
        throwIfCancelled(job.cancelled);
        fitSteps<W>(job, t0, steps, state.data() + b * 3 * P, scratch.data(), r.curves.data(), b);
      }
    });
    if (job.progress) job.progress(static_cast<double>(t0 + steps) / job.steps);
  }
  r.params.resize(job.count * P);
  r.loss.resize(job.count);
  parallelFor(blocks, 16, job.threads, [&](int64_t begin, int64_t end) {
    std::vector<Lanes<W>> z(s.hidden() * kPointTile), a(s.hidden() * kPointTile);
    for (int64_t b = begin; b < end; ++b) {
      const Lanes<W>* w = state.data() + b * 3 * P;
      unpack<W>(w, P, job.count, b, [&](int64_t n, int k, double v) { r.params[n * P + k] = v; });
      Lanes<W> error;
      blockError<W>(job, w, nullptr, z.data(), a.data(), &error);
      unpack<W>(&error, 1, job.count, b, [&](int64_t n, int, double v) { r.loss[n] = v / job.data.points; });
    }
  });
}

}  // namespace

EvaluateResult evaluateCpu(const EvaluateJob& job) {
  const NetShape& s = job.shape;
  const int P = s.params();
  EvaluateResult r;
  r.loss.resize(job.count);
  if (job.gradient) r.gradient.resize(job.count * P);
  withLaneWidth([&](auto w) { lossesOn<w>(job, r); });
  if (!job.hessian) return r;
  // Forward mode over the reverse-mode gradient, 8 directions a pass: column block c of H is the tangent of ∇L
  // along the unit vectors e_{8c} … e_{8c+7}. The two halves of H agree to rounding; their mean is returned.
  constexpr int kDirections = 8;
  using HessDual = Dual<kDirections>;
  r.hessian.resize(job.count * P * P);
  parallelFor(job.count, 1, job.threads, [&](int64_t begin, int64_t end) {
    std::vector<HessDual> w(P), g(P), z(s.hidden()), a(s.hidden());
    for (int64_t n = begin; n < end; ++n) {
      throwIfCancelled(job.cancelled);
      double* h = r.hessian.data() + n * P * P;
      for (int c0 = 0; c0 < P; c0 += kDirections) {
        for (int p = 0; p < P; ++p) {
          w[p] = HessDual(job.params[n * P + p]);
          if (p >= c0 && p < c0 + kDirections) w[p].d[p - c0] = 1.0;
          g[p] = HessDual(0.0);
        }
        datasetError<1>(s, job.act, w.data(), job.data.x.data(), job.data.y.data(), job.data.points,
                        1.0 / job.data.points, g.data(), z.data(), a.data());
        for (int p = 0; p < P; ++p) {
          for (int k = 0; k < kDirections && c0 + k < P; ++k) h[p * P + c0 + k] = g[p].d[k];
        }
      }
      for (int p = 0; p < P; ++p) {
        for (int q = 0; q < p; ++q) h[p * P + q] = h[q * P + p] = 0.5 * (h[p * P + q] + h[q * P + p]);
      }
    }
  });
  return r;
}

PredictResult predictCpu(const PredictJob& job) {
  PredictResult r;
  r.outputs.resize(job.count * job.data.points * job.shape.outputs);
  r.kinkMargin.resize(job.count);
  withLaneWidth([&](auto w) { predictOn<w>(job, r); });
  return r;
}

FitResult fitCpu(const FitJob& job) {
  FitResult r;
  r.curvePoints = curvePointCount(job.steps, job.curveStride);
  r.curves.resize(job.count * r.curvePoints);
  withLaneWidth([&](auto w) { fitOn<w>(job, r); });
  return r;
}

}  // namespace sloppy
