// The CPU backend of Langevin dynamics: W = 8 lanes side by side on Lanes (every statement of energies.h and
// langevin.h one SIMD instruction), groups of lanes spread over the thread pool in slabs of steps, so progress
// and cancellation come between slabs. Each group owns a contiguous chunk of paths and keeps its lanes busy:
// a lane whose path has passed (or taken every step) takes the chunk's next path. Each lane counts its own
// path's steps and draws that path's own Philox normals, so which lane or group runs a path, and when, changes
// nothing in its numbers. Idle lanes compute along but are never written back.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "../core/cpu_kernel.h"
#include "../core/rng.h"
#include "../core/thread_pool.h"
#include "../sde/job.h"
#include "langevin.h"

namespace sloppy {
namespace {

constexpr int kW = 8;
using PathLanes = Lanes<kW>;

struct Group {
  int64_t next = 0;  // the chunk's next unstarted path
  int64_t end = 0;   // one past the chunk's last path
  int64_t path[kW];
  int64_t step[kW];
  bool live[kW];     // the lane holds a path that has not finished
  // The lane's path's Philox key and fixed counter words (see PathRng::block), kept lane-major for laneNormals.
  uint32_t counter2[kW], counter3[kW], key0[kW], key1[kW];
  bool done = false;

  void assign(int l, const PathRng& rng) {
    counter2[l] = (rng.trial << 2) | static_cast<uint32_t>(Stream::Dynamics);
    counter3[l] = rng.seedHi;
    key0[l] = rng.seedLo;
    key1[l] = rng.set;
  }
};


// n normals of each lane's own path at that path's own step: LaneRng's draw with a step per lane.
SLOPPY_LANE_INLINE void laneNormals(const Group& grp, PathLanes* out, int n) {
  for (int i = 0; i < n; i += 2) {
    uint32_t c[4][kW], k0[kW], k1[kW];
    for (int l = 0; l < kW; ++l) {
      c[0][l] = static_cast<uint32_t>(grp.step[l]);
      c[1][l] = static_cast<uint32_t>(i / 2);
      c[2][l] = grp.counter2[l];
      c[3][l] = grp.counter3[l];
      k0[l] = grp.key0[l];
      k1[l] = grp.key1[l];
    }
    philox4x32_10<kW>(c, k0, k1);
    PathLanes second;
    laneBoxMuller(c, out[i], second);
    if (i + 1 < n) out[i + 1] = second;
  }
}

// After lane l's path has taken grp.step[l] steps: its trajectory sample, and whether it has now finished.
bool visit(const LangevinJob& job, const PathLanes* x, int l, Group& grp, LangevinResult& r) {
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
  return finished;
}

// Gives idle lanes the chunk's next paths (a path that starts inside the target finishes at once).
void refill(const LangevinJob& job, PathLanes* x, Group& grp, LangevinResult& r) {
  const int dim = job.energy.dim;
  for (int l = 0; l < kW; ++l) {
    while (!grp.live[l] && grp.next < grp.end) {
      const int64_t p = grp.next++;
      grp.path[l] = p;
      grp.step[l] = 0;
      grp.live[l] = true;
      grp.assign(l, makePathRng(job.seed, job.firstPath + p, 0));
      for (int i = 0; i < dim; ++i) x[i].v[l] = job.start[p * dim + i];
      visit(job, x, l, grp, r);
    }
  }
}

SLOPPY_CPU_KERNEL
// The energy comes back through a pointer: a clone's vector return value would not match its caller's ABI.
void energyAt(const LangevinJob& job, const PathLanes* x, PathLanes* g, PathLanes* scratch, PathLanes* u) {
  *u = energyGradient<kLangevinTile>(job.energy, x, g, scratch);
}

// Moves a group's lanes until each has reached step `until` or the chunk has no path left.
SLOPPY_CPU_KERNEL
void advanceGroup(const LangevinJob& job, int64_t until, PathLanes* x, Group& grp, PathLanes* g, PathLanes* xi,
                  PathLanes* scratch, LangevinResult& r) {
  const int dim = job.energy.dim;
  const StepSpec& s = job.step;
  const double* lo = job.lower.data();
  const double* hi = job.upper.data();
  for (;;) {
    refill(job, x, grp, r);
    LaneMask<kW> moving;
    bool any = false;
    for (int l = 0; l < kW; ++l) {
      const bool live = grp.live[l] && grp.step[l] < until;
      setLane(moving, l, live);
      any = any || live;
    }
    if (!any) break;
    energyGradient<kLangevinTile>(job.energy, x, g, scratch);
    laneNormals(grp, xi, dim);
    for (int i = 0; i < dim; ++i) {
      const PathLanes y = advance(s, x[i], g[i], xi[i], s.bounded ? lo[i] : 0.0, s.bounded ? hi[i] : 0.0);
      x[i] = m::select(moving, y, x[i]);
    }
    // Most steps of most runs record nothing and test nothing: only those reach visit().
    for (int l = 0; l < kW; ++l) {
      if (!laneOf(moving, l)) continue;
      const int64_t step = ++grp.step[l];
      const bool sample = job.stride > 0 && step % job.stride == 0;
      if ((job.passage || sample || step >= job.steps) && visit(job, x, l, grp, r)) refill(job, x, grp, r);
    }
  }
  grp.done = grp.next >= grp.end && std::none_of(grp.live, grp.live + kW, [](bool v) { return v; });
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

  // Without a passage test every path takes every step and a chunk of one lane-width wastes nothing. With one,
  // paths stop at random times; chunks of several lane-widths keep lanes busy, while enough chunks remain for
  // every thread to share the work.
  const int threads = job.threads > 0 ? job.threads : hardwareThreads();
  const int64_t widths = (job.paths + kW - 1) / kW;
  const int64_t perChunk = job.passage ? std::max<int64_t>(1, widths / (4 * static_cast<int64_t>(threads))) : 1;
  const int64_t chunk = perChunk * kW;
  const int64_t groups = (job.paths + chunk - 1) / chunk;
  std::vector<PathLanes> state(groups * dim, PathLanes(0.0));
  std::vector<Group> group(groups);
  for (int64_t b = 0; b < groups; ++b) {
    group[b].next = b * chunk;
    group[b].end = std::min(job.paths, (b + 1) * chunk);
    std::fill(group[b].live, group[b].live + kW, false);
    for (int l = 0; l < kW; ++l) {
      group[b].path[l] = group[b].next;  // idle lanes shadow a real path, so they compute finite numbers
      group[b].step[l] = 0;
      group[b].assign(l, makePathRng(job.seed, job.firstPath + group[b].next, 0));
      for (int i = 0; i < dim; ++i) state[b * dim + i].v[l] = job.start[group[b].next * dim + i];
    }
  }

  const int scratchSize = std::max(1, energyScratch(job.energy, kLangevinTile));
  const int64_t slab = std::max<int64_t>(1, std::min<int64_t>(job.steps, static_cast<int64_t>(1e8 / (stepWork(job.energy) * job.paths))));
  for (int64_t t0 = 0;; t0 += slab) {
    throwIfCancelled(job.cancelled);
    const int64_t until = std::min(job.steps, t0 + slab);
    parallelFor(groups, 1, job.threads, [&](int64_t begin, int64_t end) {
      std::vector<PathLanes> g(dim), xi(dim), scratch(scratchSize);
      for (int64_t b = begin; b < end; ++b) {
        throwIfCancelled(job.cancelled);
        if (!group[b].done) advanceGroup(job, until, state.data() + b * dim, group[b], g.data(), xi.data(), scratch.data(), r);
      }
    });
    if (job.progress) job.progress(static_cast<double>(until) / std::max<int64_t>(1, job.steps));
    if (until >= job.steps || std::all_of(group.begin(), group.end(), [](const Group& grp) { return grp.done; })) break;
  }

  // U at the end points, 8 paths per instruction as in the steps (lanes past the end repeat the last path).
  parallelFor(widths, 4, job.threads, [&](int64_t begin, int64_t end) {
    std::vector<PathLanes> x(dim), g(dim), scratch(scratchSize);
    for (int64_t b = begin; b < end; ++b) {
      for (int l = 0; l < kW; ++l) {
        const int64_t p = std::min(b * kW + l, job.paths - 1);
        for (int i = 0; i < dim; ++i) x[i].v[l] = r.final[p * dim + i];
      }
      PathLanes u;
      energyAt(job, x.data(), g.data(), scratch.data(), &u);
      for (int l = 0; l < kW && b * kW + l < job.paths; ++l) r.energy[b * kW + l] = u.v[l];
    }
  });
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
