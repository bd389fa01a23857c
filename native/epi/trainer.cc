#include "trainer.h"

#include <algorithm>
#include <cmath>

namespace sloppy {
namespace {

constexpr double kStatClip = 1e10;

// NaN passes through, so a failed simulation shows up in the cost instead of hiding behind the clip.
double clip(double v) { return std::isnan(v) ? v : std::max(-kStatClip, std::min(kStatClip, v)); }

// Runs `iteration(k, step)` for each iteration, stopping at the first non-finite cost.
template <class Iteration>
TrainResult trainLoop(const TrainControl& c, const Iteration& iteration) {
  TrainResult res;
  for (int k = 0; k < c.iterations; ++k) {
    throwIfCancelled(c.cancelled);
    IterationLog log = iteration(c.firstStep + static_cast<uint32_t>(k), res.fault);
    const bool finite = std::isfinite(log.cost);
    res.log.push_back(std::move(log));
    if (!finite) {
      res.failedAt = k;
      break;
    }
    if (c.progress && (k + 1) % 10 == 0) c.progress(static_cast<double>(k + 1) / c.iterations);
  }
  return res;
}

// Moves a vector's contents into another for a scope and back when the scope ends, exception or not.
struct Lent {
  Lent(std::vector<double>& owner, std::vector<double>& borrower) : owner(owner), borrower(borrower) {
    owner.swap(borrower);
  }
  ~Lent() { owner.swap(borrower); }
  Lent(const Lent&) = delete;
  Lent& operator=(const Lent&) = delete;
  std::vector<double>& owner;
  std::vector<double>& borrower;
};

}  // namespace

void augmentedLagrangian(int64_t n, int m, int dim, const double* T, const double* J, const double* logq,
                         const std::vector<double>& mu, const std::vector<double>& eta, double c, double* zBar,
                         double* qBar, IterationLog& log) {
  const int64_t half = n / 2;
  std::vector<double> R(m, 0.0), R2(m, 0.0);
  double sumLogq = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    sumLogq += logq[i];
    for (int j = 0; j < m; ++j) {
      R[j] += T[i * m + j];
      if (i >= half) R2[j] += T[i * m + j];
    }
  }
  for (int j = 0; j < m; ++j) {
    R[j] = R[j] / n - mu[j];
    R2[j] = R2[j] / (n - half) - mu[j];
  }
  log.entropy = -sumLogq / n;
  double etaR = 0.0, norm2 = 0.0;
  for (int j = 0; j < m; ++j) {
    etaR += eta[j] * R[j];
    norm2 += R[j] * R[j];
  }
  log.cost = -log.entropy + etaR + 0.5 * c * norm2;
  log.R = R;
  // Each sample's cotangent is Σ_j w_j·J_j with one weight vector per half: the first half also carries the
  // penalty, against the second half's residual.
  std::vector<double> wFirst(m), wSecond(m);
  for (int j = 0; j < m; ++j) {
    wSecond[j] = eta[j] / n;
    wFirst[j] = wSecond[j] + c * R2[j] / half;
  }
  // One fill for the batch: per sample, a dim-long fill became a call to memset (a third of this function).
  std::fill(zBar, zBar + n * dim, 0.0);
  for (int64_t i = 0; i < n; ++i) {
    qBar[i] = 1.0 / n;
    const double* w = i < half ? wFirst.data() : wSecond.data();
    double* out = zBar + i * dim;
    for (int j = 0; j < m; ++j) {
      const double* row = J + (i * m + j) * dim;
      for (int d = 0; d < dim; ++d) out[d] += w[j] * row[d];
    }
  }
}

void propertyRows(const Property& p, const double* stats, const double* grad, int64_t n, int S, int dim,
                  std::vector<double>& T, std::vector<double>& J) {
  const int K = static_cast<int>(p.stats.size());
  const int m = 2 * K;
  T.resize(n * m);  // every entry is written below
  J.resize(n * m * dim);
  for (int64_t i = 0; i < n; ++i) {
    for (int k = 0; k < K; ++k) {
      const double s = stats[i * S + p.stats[k]];
      const double dev = s - p.mean[k];
      T[i * m + k] = clip(s);
      T[i * m + K + k] = clip(dev * dev);
      // A clipped value does not move with z: its Jacobian row is zero, as clip_by_value's gradient is.
      const bool moves = !(std::fabs(s) > kStatClip), movesSq = !(dev * dev > kStatClip);
      const double* g = grad + (i * S + p.stats[k]) * dim;
      for (int d = 0; d < dim; ++d) {
        J[(i * m + k) * dim + d] = moves ? g[d] : 0.0;
        J[(i * m + K + k) * dim + d] = movesSq ? 2.0 * dev * g[d] : 0.0;
      }
    }
  }
}

IterationLog constrainedStep(Flow& flow, FlowBatch& batch, const Property& p, const double* stats, const double* grad,
                             int S, const std::vector<double>& eta, double c, int threads, StepScratch& scratch,
                             std::vector<double>* gradientOnly) {
  const int dim = static_cast<int>(batch.z.size() / batch.n);
  scratch.zBar.resize(batch.n * dim);
  scratch.qBar.resize(batch.n);
  propertyRows(p, stats, grad, batch.n, S, dim, scratch.T, scratch.J);
  IterationLog log;
  augmentedLagrangian(batch.n, p.constraints(), dim, scratch.T.data(), scratch.J.data(), batch.logq.data(), p.targets(),
                      eta, c, scratch.zBar.data(), scratch.qBar.data(), log);
  if (!std::isfinite(log.cost)) return log;
  if (gradientOnly != nullptr) {
    flow.gradient(batch, scratch.zBar.data(), scratch.qBar.data(), *gradientOnly, threads);
  } else {
    flow.step(batch, scratch.zBar.data(), scratch.qBar.data(), threads);
  }
  return log;
}

TrainResult trainEpi(Flow& flow, const EpiJob& job, TrainBuffers& buffers) {
  const TrainControl& c = job.control;
  FlowBatch& batch = buffers.batch;
  SimResult& res = buffers.sim;
  SimJob sim;
  sim.batch = c.batch;
  sim.trials = job.trials;
  sim.options = job.options;
  sim.grad = true;
  sim.threads = c.threads;
  sim.cancelled = c.cancelled;
  return trainLoop(c, [&](uint32_t step, SimFault& fault) {
    flow.forward(c.batch, c.seed, step, batch, c.threads);
    // The simulation's noise differs at every iteration: the step goes into the seed's high word.
    sim.seed = c.seed ^ (static_cast<uint64_t>(step + 1) << 32);
    res.fault = SimFault{};  // the engines resize and overwrite the rest
    {
      // The samples are lent to the simulation, not copied, and taken back however it ends.
      const Lent lent(batch.z, sim.z);
      // A flow on the GPU simulates there too; only z and the statistics cross to the host.
      (flow.onCuda() && job.model->cuda != nullptr ? job.model->cuda : job.model->cpu)(sim, res);
    }
    if (res.fault.count > 0 && fault.count == 0) fault = res.fault;
    return constrainedStep(flow, batch, job.property, res.stats.data(), res.grad.data(),
                           static_cast<int>(res.stats.size() / c.batch), job.eta, job.c, c.threads, buffers.scratch);
  });
}

TrainResult trainGaussian(Flow& flow, const GaussianJob& job, TrainBuffers& buffers) {
  const TrainControl& c = job.control;
  const int dim = flow.state().shape.dim;
  FlowBatch& batch = buffers.batch;
  std::vector<double>& zBar = buffers.scratch.zBar;
  std::vector<double>& qBar = buffers.scratch.qBar;
  zBar.assign(c.batch * dim, 0.0);
  qBar.assign(c.batch, 1.0 / c.batch);
  std::vector<double> dev(dim);
  return trainLoop(c, [&](uint32_t step, SimFault&) {
    flow.forward(c.batch, c.seed, step, batch, c.threads);
    IterationLog log;
    double sumLogq = 0.0, sumQuad = 0.0;
    for (int64_t i = 0; i < c.batch; ++i) {
      for (int d = 0; d < dim; ++d) dev[d] = batch.z[i * dim + d] - job.mean[d];
      for (int d = 0; d < dim; ++d) {
        double s = 0.0;
        for (int e = 0; e < dim; ++e) s += job.precision[d * dim + e] * dev[e];
        zBar[i * dim + d] = s / c.batch;
        sumQuad += 0.5 * dev[d] * s;
      }
      sumLogq += batch.logq[i];
    }
    log.entropy = -sumLogq / c.batch;
    log.cost = (sumLogq + sumQuad) / c.batch;
    if (std::isfinite(log.cost)) flow.step(batch, zBar.data(), qBar.data(), c.threads);
    return log;
  });
}

}  // namespace sloppy
