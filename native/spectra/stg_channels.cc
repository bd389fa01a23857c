#include "stg_channels.h"

#include <cmath>

#include "../core/errors.h"
#include "../core/scalar.h"
#include "../models/stg.h"

namespace sloppy {
namespace {

constexpr int P = kStgChannelParams;
using First = Dual<P, double>;
using Second = Dual<P, First>;

template <class T> struct ChannelTable {
  const T* g;  // S
  struct Entry {
    T gCa, gK, gH;
  };
  Entry operator()(int k) const { return Entry{g[3 * k], g[3 * k + 1], g[3 * k + 2]}; }
};

// ω on the noise-free path, with θ as T variables made by `variable(value, i)`.
template <class T, class Make>
T frequency(const StgChannelJob& job, Make variable) {
  const double* opt = job.options.data();
  T theta[P];
  for (int i = 0; i < P; ++i) theta[i] = variable(job.theta[i] * 1e-9, i);
  T x[Stg::kState];
  Stg::init(opt, static_cast<const T*>(nullptr), x, 0);
  std::vector<T> trace(Stg::traceSize(opt));
  const Trace<T> view{trace.data(), 1};
  const double xi[Stg::kNeurons] = {0, 0, 0, 0, 0};
  const ChannelTable<T> table{theta};
  Stg::observe(opt, static_cast<const T*>(nullptr), x, 0, view);
  const int steps = Stg::steps(opt);
  for (int n = 0; n < steps; ++n) {
    Stg::stepWith(opt, theta[15], theta[16], table, x, xi);
    Stg::observe(opt, static_cast<const T*>(nullptr), x, n + 1, view);
  }
  T stats[Stg::kStats];
  Stg::finish(opt, static_cast<const T*>(nullptr), x, view, stats);
  return stats[job.stat];
}

}  // namespace

std::vector<double> stgChannelDefaults() {
  std::vector<double> out;
  for (int k = 0; k < Stg::kNeurons; ++k) {
    const Stg::Channels c = Stg::channels(k);
    for (double g : {c.gCa, c.gK, c.gH}) out.push_back(g * 1e9);
  }
  for (const auto& p : Stg::describe().params) out.push_back(p.value);
  return out;
}

StgChannelResult stgChannelEvaluate(const StgChannelJob& job) {
  if (job.theta.size() != P) throw CodedError("ERR_INVALID_ARG_VALUE", "theta must hold 17 conductances");
  if (job.options.size() != Stg::kNumOptions) throw CodedError("ERR_INVALID_ARG_VALUE", "wrong number of stg options");
  if (job.stat < 0 || job.stat >= Stg::kStats) throw CodedError("ERR_INVALID_ARG_VALUE", "no such statistic");
  if (!(job.target > 0)) throw CodedError("ERR_INVALID_ARG_VALUE", "the target frequency must be positive");
  const std::string bad = Stg::checkOptions(job.options.data());
  if (!bad.empty()) throw CodedError("ERR_INVALID_ARG_VALUE", bad);

  StgChannelResult out;
  const double scale = 1.0 / (job.target * job.target);
  double grad[P] = {};
  double hess[P][P] = {};
  if (job.hessian) {
    // Outer tangents are ∂/∂θ_i, inner ones ∂/∂θ_j: ω.d[i].d[j] is ∂²ω/∂θ_i∂θ_j.
    const Second w = frequency<Second>(job, [](double v, int i) {
      First inner(v);
      inner.d[i] = 1e-9;
      Second s(inner);
      s.d[i] = First(1e-9);
      return s;
    });
    out.frequency = w.v.v;
    for (int i = 0; i < P; ++i) {
      grad[i] = w.d[i].v;
      for (int j = 0; j < P; ++j) hess[i][j] = w.d[i].d[j];
    }
  } else if (job.gradient) {
    const First w = frequency<First>(job, [](double v, int i) {
      First s(v);
      s.d[i] = 1e-9;  // θ is in nS, the model in S
      return s;
    });
    out.frequency = w.v;
    for (int i = 0; i < P; ++i) grad[i] = w.d[i];
  } else {
    out.frequency = frequency<double>(job, [](double v, int) { return v; });
  }
  if (!std::isfinite(out.frequency)) throw CodedError("ERR_NONFINITE", "the STG path went non-finite");
  const double miss = out.frequency - job.target;
  out.value = -miss * miss * scale;
  if (job.gradient || job.hessian) {
    out.frequencyGradient.assign(grad, grad + P);
    out.gradient.resize(P);
    for (int i = 0; i < P; ++i) out.gradient[i] = -2.0 * miss * scale * grad[i];
  }
  if (job.hessian) {
    out.hessian.resize(P * P);
    for (int i = 0; i < P; ++i) {
      for (int j = 0; j < P; ++j) {
        out.hessian[i * P + j] = -2.0 * scale * (grad[i] * grad[j] + miss * 0.5 * (hess[i][j] + hess[j][i]));
      }
    }
  }
  return out;
}

}  // namespace sloppy
