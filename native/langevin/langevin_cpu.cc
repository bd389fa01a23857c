// The CPU backend of Langevin dynamics: W = cpuLaneWidth() lanes side by side on Lanes<W> (every statement of
// energies.h and langevin.h one SIMD instruction), groups of lanes spread over the thread pool in slabs of steps, so progress
// and cancellation come between slabs. Every path starts in its own lane; between slabs, the lanes whose paths
// are still running are packed into as few groups as hold them, so the long paths of a passage study do not
// each keep a group of idle lanes stepping. Each lane counts its own path's steps and draws that path's own
// Philox normals, so which lane or group runs a path, and when, changes nothing in its numbers. Idle lanes
// compute along but are never written back.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "../core/cpu_kernel.h"
#include "../core/lane_width.h"
#include "../core/rng.h"
#include "../core/thread_pool.h"
#include "../sde/job.h"
#include "langevin.h"

namespace sloppy {
namespace {

// Groups of lanes that one call steps side by side (closed-form energies).
constexpr int kSideBySide = 4;

template <int W>
struct Group {
  int64_t path[W];
  int64_t step[W];
  bool live[W];  // the lane holds a path that has not finished
  // The lane's path's Philox key and fixed counter words (see PathRng::block), kept lane-major for laneNormals.
  uint32_t counter2[W], counter3[W], key0[W], key1[W];

  void assign(int l, int64_t p, const PathRng& rng) {
    path[l] = p;
    step[l] = 0;
    counter2[l] = (rng.trial << 2) | static_cast<uint32_t>(Stream::Dynamics);
    counter3[l] = rng.seedHi;
    key0[l] = rng.seedLo;
    key1[l] = rng.set;
  }
  // Lane l takes over lane f of `from`, position included.
  void take(int l, Lanes<W>* x, const Group& from, int f, const Lanes<W>* xFrom, int dim) {
    path[l] = from.path[f];
    step[l] = from.step[f];
    live[l] = from.live[f];
    counter2[l] = from.counter2[f];
    counter3[l] = from.counter3[f];
    key0[l] = from.key0[f];
    key1[l] = from.key1[f];
    for (int i = 0; i < dim; ++i) x[i].v[l] = xFrom[i].v[f];
  }
};

// A group's Philox round keys and fixed counter words as vectors, made once for a run of steps.
template <int W>
struct LaneDraw {
  detail::PhiloxWords<W> step, counter2, counter3;
  detail::PhiloxLaneKeys<W> keys;
};

template <int W>
LaneDraw<W> drawOf(const Group<W>& grp) {
  LaneDraw<W> d;
  typename LaneVector<W>::Ints step;
  memcpy(&step, grp.step, sizeof step);
  d.step = (detail::PhiloxWords<W>)step;
  detail::loadWords<W>(grp.counter2, d.counter2);
  detail::loadWords<W>(grp.counter3, d.counter3);
  detail::PhiloxWords<W> key0, key1;
  detail::loadWords<W>(grp.key0, key0);
  detail::loadWords<W>(grp.key1, key1);
  detail::philoxKeys<W>(key0, key1, d.keys);
  return d;
}

// n normals of each lane's own path at that path's step + ahead: LaneRng's draw with a step per lane.
template <int W>
SLOPPY_LANE_INLINE void laneNormals(const LaneDraw<W>& d, int64_t ahead, Lanes<W>* out, int n) {
  const detail::PhiloxWords<W> low = detail::PhiloxWords<W>{} + 0xFFFFFFFFull;
  laneNormalsOf<W>((d.step + static_cast<uint64_t>(ahead)) & low, d.counter2, d.counter3, d.keys, out, n);
}

// After lane l's path has taken grp.step[l] steps: its trajectory sample, and its end if it has now finished.
template <int W>
void visit(const LangevinJob& job, const Lanes<W>* x, int l, Group<W>& grp, LangevinResult& r) {
  const int dim = job.energy.dim;
  const int64_t p = grp.path[l];
  const int64_t step = grp.step[l];
  if (job.stride > 0 && step % job.stride == 0) {
    double* out = r.trajectory.data() + (p * r.recorded + step / job.stride) * dim;
    for (int i = 0; i < dim; ++i) out[i] = x[i].v[l];
  }
  bool finished = step >= job.steps;
  if (job.passage) {
    double r2 = 0.0;
    for (int i = 0; i < dim; ++i) {
      const double d = x[i].v[l] - job.center[i];
      r2 += d * d;
    }
    if (r2 <= job.radius * job.radius) {
      r.passage[p] = static_cast<double>(step);
      finished = true;
    }
  }
  if (finished) {
    for (int i = 0; i < dim; ++i) r.final[p * dim + i] = x[i].v[l];
    grp.live[l] = false;
  }
}

// The energy comes back through a pointer: a clone's vector return value would not match its caller's ABI.
template <int W>
SLOPPY_CPU_KERNEL
void energyAt(const LangevinJob& job, const Lanes<W>* x, Lanes<W>* g, Lanes<W>* scratch, Lanes<W>* u) {
  *u = energyGradient<kLangevinTile>(job.energy, x, g, scratch);
}

// How many steps every moving lane of the groups can take before one of them reaches a step that visit() must
// see: a trajectory sample, or `until` (never past the path's last step). A passage test ends the run sooner,
// at the first step that puts any lane in the ball.
template <int W, int G>
int64_t quietSteps(const LangevinJob& job, int64_t until, const Group<W>* grp, const LaneMask<W>* moving) {
  int64_t run = until;
  for (int k = 0; k < G; ++k) {
    for (int l = 0; l < W; ++l) {
      if (!laneOf(moving[k], l)) continue;
      const int64_t step = grp[k].step[l];
      int64_t left = until - step;
      if (job.stride > 0) left = std::min(left, job.stride - step % job.stride);
      run = std::min(run, left);
    }
  }
  return run;
}

// Whether a moving lane is now in the passage ball; visit() repeats the same sum lane by lane.
template <int W>
SLOPPY_LANE_INLINE bool anyArrived(const LangevinJob& job, const Lanes<W>* x, const LaneMask<W>& moving) {
  Lanes<W> r2(0.0);
  for (int i = 0; i < job.energy.dim; ++i) {
    const Lanes<W> d = x[i] - job.center[i];
    r2 += d * d;
  }
  const LaneMask<W> in = both(r2 <= job.radius * job.radius, moving);
  for (int l = 0; l < W; ++l)
    if (laneOf(in, l)) return true;
  return false;
}

// Moves G consecutive groups' live lanes until each has reached step `until` or finished its path. Between
// the steps that visit() must see, the lanes run in a loop of vector work alone. The groups step side by side:
// one group's step is a chain (the energy, then the update the next energy needs), and an independent chain in
// the same loop fills the SIMD pipelines while the first waits on its own results.
template <int W, int G>
SLOPPY_CPU_KERNEL void advanceGroups(const LangevinJob& job, int64_t until, Lanes<W>* x, Group<W>* grp, Lanes<W>* g,
                                     Lanes<W>* xi, Lanes<W>* scratch, int scratchSize, LangevinResult& r) {
  const int dim = job.energy.dim;
  const StepSpec& s = job.step;
  const double* lo = job.lower.data();
  const double* hi = job.upper.data();
  for (;;) {
    LaneMask<W> moving[G];
    bool busy[G];
    bool any = false;
    for (int k = 0; k < G; ++k) {
      busy[k] = false;
      for (int l = 0; l < W; ++l) {
        const bool live = grp[k].live[l] && grp[k].step[l] < until;
        setLane(moving[k], l, live);
        busy[k] = busy[k] || live;
      }
      any = any || busy[k];
    }
    if (!any) break;
    const int64_t run = quietSteps<W, G>(job, until, grp, moving);
    LaneDraw<W> draw[G];
    for (int k = 0; k < G; ++k) draw[k] = drawOf(grp[k]);
    int64_t taken = 0;
    bool arrived = false;
    while (taken < run && !arrived) {
      for (int k = 0; k < G; ++k) {
        if (!busy[k]) continue;
        // The network loss is called, not inlined: inside this flattened loop GCC vectorised parts of it lane by
        // lane, which made the network's step about 1.6 times slower.
        if (job.energy.kind == EnergyKind::Network) {
          Lanes<W> u;
          energyAt(job, x + k * dim, g + k * dim, scratch + k * scratchSize, &u);
        } else {
          energyGradient<kLangevinTile>(job.energy, x + k * dim, g + k * dim, scratch + k * scratchSize);
        }
      }
      for (int k = 0; k < G; ++k)
        if (busy[k]) laneNormals(draw[k], taken, xi + k * dim, dim);
      for (int k = 0; k < G; ++k) {
        if (!busy[k]) continue;
        for (int i = 0; i < dim; ++i) {
          Lanes<W>& xk = x[k * dim + i];
          const Lanes<W> y = advance(s, xk, g[k * dim + i], xi[k * dim + i], s.bounded ? lo[i] : 0.0, s.bounded ? hi[i] : 0.0);
          xk = m::select(moving[k], y, xk);
        }
        if (job.passage) arrived = arrived || anyArrived(job, x + k * dim, moving[k]);
      }
      ++taken;
    }
    for (int k = 0; k < G; ++k) {
      for (int l = 0; l < W; ++l) {
        if (!laneOf(moving[k], l)) continue;
        const int64_t step = grp[k].step[l] += taken;
        const bool sample = job.stride > 0 && step % job.stride == 0;
        if (job.passage || sample || step >= job.steps) visit(job, x + k * dim, l, grp[k], r);
      }
    }
  }
}

// Packs the live lanes of the first `active` groups into the fewest groups, in order (a lane only ever moves to
// an earlier slot, so one forward sweep does it), and returns how many groups that is. The last group's spare
// lanes shadow its first path, so that they compute finite numbers.
template <int W>
int64_t compact(std::vector<Group<W>>& group, std::vector<Lanes<W>>& state, int dim, int64_t active) {
  int64_t n = 0;
  for (int64_t b = 0; b < active; ++b) {
    for (int l = 0; l < W; ++l) {
      if (!group[b].live[l]) continue;
      if (n != b * W + l) group[n / W].take(n % W, &state[n / W * dim], group[b], l, &state[b * dim], dim);
      ++n;
    }
  }
  const int64_t packed = (n + W - 1) / W;
  for (int64_t j = n; j < packed * W; ++j) {
    Group<W>& last = group[j / W];
    last.take(j % W, &state[j / W * dim], last, 0, &state[j / W * dim], dim);
    last.live[j % W] = false;
  }
  return packed;
}

template <int W>
void langevinOn(const LangevinJob& job, LangevinResult& r) {
  const int dim = job.energy.dim;

  const int threads = threadCount(job.threads);
  const int64_t widths = (job.paths + W - 1) / W;
  std::vector<Lanes<W>> state(widths * dim, Lanes<W>(0.0));
  std::vector<Group<W>> group(widths);
  for (int64_t b = 0; b < widths; ++b) {
    for (int l = 0; l < W; ++l) {
      const int64_t p = std::min(b * W + l, job.paths - 1);  // lanes past the end shadow the last path
      group[b].assign(l, p, makePathRng(job.seed, job.firstPath + p, 0));
      group[b].live[l] = b * W + l < job.paths;
      for (int i = 0; i < dim; ++i) state[b * dim + i].v[l] = job.start[p * dim + i];
      if (group[b].live[l]) visit(job, &state[b * dim], l, group[b], r);  // a path may start inside the target
    }
  }

  const int scratchSize = std::max(1, energyScratch(job.energy, kLangevinTile));
  int64_t active = compact(group, state, dim, widths);
  for (int64_t t0 = 0; active > 0;) {
    throwIfCancelled(job.cancelled);
    const int64_t running = active * W;
    const int64_t slab = std::max<int64_t>(1, static_cast<int64_t>(1e8 / (stepWork(job.energy) * running)));
    const int64_t until = std::min(job.steps, t0 + slab);
    // A network energy's step is long loops that keep the pipelines full already; side by side they only crowd
    // the cache. Few groups left go one per call, so that every thread still gets one.
    const int64_t perCall = job.energy.kind == EnergyKind::Network || active < kSideBySide * threads ? 1 : kSideBySide;
    parallelFor((active + perCall - 1) / perCall, 1, job.threads, [&](int64_t begin, int64_t end) {
      std::vector<Lanes<W>> g(kSideBySide * dim), xi(kSideBySide * dim), scratch(kSideBySide * scratchSize);
      for (int64_t c = begin; c < end; ++c) {
        throwIfCancelled(job.cancelled);
        const int64_t first = c * perCall;
        const int64_t count = std::min(perCall, active - first);
        if (count == kSideBySide) {
          advanceGroups<W, kSideBySide>(job, until, &state[first * dim], &group[first], g.data(), xi.data(), scratch.data(),
                                     scratchSize, r);
          continue;
        }
        for (int64_t b = first; b < first + count; ++b)
          advanceGroups<W, 1>(job, until, &state[b * dim], &group[b], g.data(), xi.data(), scratch.data(), scratchSize, r);
      }
    });
    t0 = until;
    if (job.progress) job.progress(static_cast<double>(until) / std::max<int64_t>(1, job.steps));
    if (until >= job.steps) break;
    active = compact(group, state, dim, active);
  }

  // U at the end points, W paths per instruction as in the steps (lanes past the end repeat the last path).
  parallelFor(widths, 4, job.threads, [&](int64_t begin, int64_t end) {
    std::vector<Lanes<W>> x(dim), g(dim), scratch(scratchSize);
    for (int64_t b = begin; b < end; ++b) {
      for (int l = 0; l < W; ++l) {
        const int64_t p = std::min(b * W + l, job.paths - 1);
        for (int i = 0; i < dim; ++i) x[i].v[l] = r.final[p * dim + i];
      }
      Lanes<W> u;
      energyAt(job, x.data(), g.data(), scratch.data(), &u);
      for (int l = 0; l < W && b * W + l < job.paths; ++l) r.energy[b * W + l] = u.v[l];
    }
  });
}

}  // namespace

LangevinResult langevinCpu(const LangevinJob& job) {
  const int dim = job.energy.dim;
  LangevinResult r;
  r.final.resize(job.paths * dim);
  r.passage.assign(job.paths, -1.0);
  r.energy.resize(job.paths);
  r.recorded = recordedSamples(job.steps, job.stride);
  r.trajectory.assign(job.paths * r.recorded * dim, std::numeric_limits<double>::quiet_NaN());
  withLaneWidth([&](auto w) { langevinOn<w>(job, r); });
  return r;
}

EvaluateEnergyResult evaluateEnergyCpu(const EvaluateEnergyJob& job) {
  const int dim = job.energy.dim;
  EvaluateEnergyResult r;
  r.energy.resize(job.count);
  r.gradient.resize(job.count * dim);
  if (job.hessian) r.hessian.resize(job.count * dim * dim);
  const int scratchSize = std::max(1, energyScratch(job.energy, kLangevinTile));
  parallelFor(job.count, 64, job.threads, [&](int64_t begin, int64_t end) {
    std::vector<double> scratch(scratchSize);
    for (int64_t n = begin; n < end; ++n) {
      throwIfCancelled(job.cancelled);
      const double* th = job.points.data() + n * dim;
      r.energy[n] = energyGradient<kLangevinTile>(job.energy, th, r.gradient.data() + n * dim, scratch.data());
      if (job.hessian) closedFormHessian(job.energy, th, r.hessian.data() + n * dim * dim);
    }
  });
  return r;
}

}  // namespace sloppy
