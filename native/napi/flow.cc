// Bindings for normalizing flows and the EPI inner loop: a `Flow` object that owns its weights and Adam
// state natively. Every computation is an async job; jobs on one flow run one at a time (a mutex held on
// the worker thread), so a query never sees weights half-way through an update.
#include <memory>
#include <mutex>

#include "../core/errors.h"
#include "../epi/trainer.h"
#include "../flow/flow.h"
#include "async_job.h"
#include "bindings.h"
#include "convert.h"

namespace sloppy {
namespace {

struct Shared {
  std::mutex mutex;
  std::unique_ptr<Flow> flow;
  TrainBuffers train;
  // trainBegin left its batch in train.batch for trainEnd; any other training call overwrites it.
  bool hasPending = false;
};

std::vector<int> toInts(const Napi::Value& v, const char* what) {
  const std::vector<double> d = toVector(v, what);
  return std::vector<int>(d.begin(), d.end());
}

Napi::Int32Array intArray(Napi::Env env, const std::vector<int>& v) {
  Napi::Int32Array a = Napi::Int32Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) a[i] = v[i];
  return a;
}

Property propertyOf(const Napi::Object& args) {
  Property p;
  p.stats = toInts(args.Get("stats"), "stats");
  p.mean = toVector(args.Get("mean"), "mean");
  p.variance = toVector(args.Get("variance"), "variance");
  if (p.stats.empty() || p.mean.size() != p.stats.size() || p.variance.size() != p.stats.size()) {
    throw codedError(args.Env(), "ERR_INVALID_ARG_VALUE", "stats, mean and variance must have one entry per constraint");
  }
  return p;
}

TrainControl control(const Napi::Object& args) {
  TrainControl c;
  c.iterations = static_cast<int>(getNumber(args, "iterations", 1));
  c.firstStep = static_cast<uint32_t>(getNumber(args, "firstStep", 0));
  c.seed = static_cast<uint64_t>(getNumber(args, "seed", 0));
  c.batch = static_cast<int64_t>(getNumber(args, "batch", 500));
  c.threads = static_cast<int>(getNumber(args, "threads", 0));
  if (c.iterations < 1 || c.batch < 2) throw codedError(args.Env(), "ERR_INVALID_ARG_VALUE", "iterations ≥ 1 and batch ≥ 2");
  return c;
}

// Rows of [H, cost, R…] per iteration, plus the failure and simulation fault if any.
Napi::Value trainResult(Napi::Env env, TrainResult& r) {
  const size_t m = r.log.empty() ? 0 : r.log[0].R.size();
  std::vector<double> rows;
  rows.reserve(r.log.size() * (2 + m));
  for (const IterationLog& l : r.log) {
    rows.push_back(l.entropy);
    rows.push_back(l.cost);
    rows.insert(rows.end(), l.R.begin(), l.R.end());
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("iterations", static_cast<double>(r.log.size()));
  out.Set("width", static_cast<double>(2 + m));
  out.Set("log", toFloat64Array(env, std::move(rows)));
  out.Set("failedAt", r.failedAt);
  if (!r.gradient.empty()) out.Set("gradient", toFloat64Array(env, std::move(r.gradient)));
  if (r.fault.count > 0) out.Set("fault", faultToObject(env, r.fault));
  return out;
}

class FlowObject : public Napi::ObjectWrap<FlowObject> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Flow",
                       {InstanceMethod<&FlowObject::Sample>("sample"),
                        InstanceMethod<&FlowObject::LogProb>("logProb"),
                        InstanceMethod<&FlowObject::Inverse>("inverse"),
                        InstanceMethod<&FlowObject::GradLogProb>("gradLogProb"),
                        InstanceMethod<&FlowObject::HessianLogProb>("hessianLogProb"),
                        InstanceMethod<&FlowObject::TrainEpi>("trainEpi"),
                        InstanceMethod<&FlowObject::TrainGaussian>("trainGaussian"),
                        InstanceMethod<&FlowObject::TrainBegin>("trainBegin"),
                        InstanceMethod<&FlowObject::TrainEnd>("trainEnd"),
                        InstanceMethod<&FlowObject::GetState>("getState"),
                        InstanceMethod<&FlowObject::SetState>("setState"),
                        InstanceMethod<&FlowObject::ResetAdam>("resetAdam"),
                        InstanceAccessor<&FlowObject::Size>("size")});
  }

  // new Flow({ dim, stages, layers, units, lu, postAffine, batchNorm, batchNormMomentum, batchNormEpsilon, kind,
  //            lower, upper, seed, lr, device })
  explicit FlowObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<FlowObject>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsObject()) throw Napi::TypeError::New(env, "Flow expects an options object");
    const Napi::Object a = info[0].As<Napi::Object>();
    FlowShape shape;
    shape.dim = static_cast<int>(getNumber(a, "dim", 1));
    shape.stages = static_cast<int>(getNumber(a, "stages", 3));
    shape.layers = static_cast<int>(getNumber(a, "layers", 2));
    shape.units = static_cast<int>(getNumber(a, "units", 25));
    shape.luPermutation = a.Get("lu").ToBoolean().Value();
    shape.postAffine = a.Get("postAffine").ToBoolean().Value();
    shape.batchNorm = a.Get("batchNorm").ToBoolean().Value();
    shape.bnMomentum = getNumber(a, "batchNormMomentum", 0.0);
    shape.bnEpsilon = getNumber(a, "batchNormEpsilon", 1e-3);
    SupportMap support;
    support.kind = toInts(a.Get("kind"), "kind");
    support.lower = toVector(a.Get("lower"), "lower");
    support.upper = toVector(a.Get("upper"), "upper");
    const size_t D = static_cast<size_t>(shape.dim);
    if (shape.dim < 1 || shape.stages < 1 || shape.layers < 0 || shape.units < 1 || !(shape.bnMomentum >= 0.0) ||
        !(shape.bnMomentum < 1.0) || !(shape.bnEpsilon > 0.0) || support.kind.size() != D ||
        support.lower.size() != D || support.upper.size() != D) {
      throw codedError(env, "ERR_INVALID_ARG_VALUE", "inconsistent flow shape");
    }
    shape_ = shape;
    FlowState state = Flow::initialState(shape, support, static_cast<uint64_t>(getNumber(a, "seed", 0)));
    state.adam.lr = getNumber(a, "lr", 1e-3);
    try {
      shared_->flow = std::make_unique<Flow>(std::move(state), a.Get("device").ToString().Utf8Value() == "cuda");
    } catch (const CodedError& e) {
      throw codedError(env, e.code, e.what());
    }
  }

 private:
  // Queues `work` (on the worker thread, with the flow locked) and resolves with `done`.
  template <class Work, class Done>
  Napi::Value job(const Napi::Object& args, Work work, Done done) {
    auto shared = shared_;
    auto result = std::make_shared<decltype(work(*shared, nullptr, {}))>();
    JobRun run = [shared, result, work](const std::atomic<bool>* cancelled, const std::function<void(double)>& progress) {
      std::lock_guard<std::mutex> lock(shared->mutex);
      *result = work(*shared, cancelled, progress);
    };
    JobResolve resolve = [result, done](Napi::Env env) -> Napi::Value { return done(env, *result); };
    return startJob(args.Env(), std::move(run), std::move(resolve), args.Get("token"), args.Get("onProgress"));
  }

  // A job of many training iterations: `spec` gets the job's cancel flag and progress callback.
  template <class Spec>
  Napi::Value training(const Napi::Object& args, std::shared_ptr<Spec> spec,
                       TrainResult (*train)(Flow&, const Spec&, TrainBuffers&)) {
    return job(args, [spec, train](Shared& s, const std::atomic<bool>* cancelled, const std::function<void(double)>& progress) {
      Spec local = *spec;
      local.control.cancelled = cancelled;
      local.control.progress = progress;
      s.hasPending = false;
      return train(*s.flow, local, s.train);
    }, [](Napi::Env env, TrainResult& r) { return trainResult(env, r); });
  }

  // Synchronous calls never wait for a running job: the main thread must not block.
  std::unique_lock<std::mutex> idle(Napi::Env env) {
    std::unique_lock<std::mutex> lock(shared_->mutex, std::try_to_lock);
    if (!lock.owns_lock()) throw codedError(env, "ERR_FLOW_BUSY", "the flow is running a job; await it first");
    return lock;
  }

  Napi::Object argsOf(const Napi::CallbackInfo& info) {
    if (!info[0].IsObject()) throw Napi::TypeError::New(info.Env(), "expected an options object");
    return info[0].As<Napi::Object>();
  }

  // z given as n × dim; returns n.
  int64_t rowsOf(const Napi::Env& env, const std::vector<double>& z) {
    const size_t D = static_cast<size_t>(shape_.dim);
    if (z.empty() || z.size() % D != 0) throw codedError(env, "ERR_INVALID_ARG_VALUE", "z must hold n × dim numbers");
    return static_cast<int64_t>(z.size() / D);
  }

  using Arrays = std::vector<std::vector<double>>;
  static Napi::Value arraysOut(Napi::Env env, Arrays& a, std::initializer_list<const char*> names) {
    Napi::Object out = Napi::Object::New(env);
    size_t k = 0;
    for (const char* name : names) out.Set(name, toFloat64Array(env, std::move(a[k++])));
    return out;
  }

  // sample({ n, seed, step, stream, threads }) → { z, logq }
  Napi::Value Sample(const Napi::CallbackInfo& info) {
    const Napi::Object a = argsOf(info);
    const int64_t n = static_cast<int64_t>(getNumber(a, "n", 1));
    const uint64_t seed = static_cast<uint64_t>(getNumber(a, "seed", 0));
    const uint32_t step = static_cast<uint32_t>(getNumber(a, "step", 0));
    const Stream stream = getNumber(a, "stream", 0) == 0 ? Stream::Dynamics : Stream::Initial;
    const int threads = static_cast<int>(getNumber(a, "threads", 0));
    if (n < 1) throw codedError(info.Env(), "ERR_INVALID_ARG_VALUE", "n must be ≥ 1");
    return job(a, [=](Shared& s, const std::atomic<bool>*, const std::function<void(double)>&) {
      Arrays r{std::vector<double>(n * s.flow->state().shape.dim), std::vector<double>(n)};
      s.flow->sample(n, seed, step, stream, r[0].data(), r[1].data(), threads);
      return r;
    }, [](Napi::Env env, Arrays& r) { return arraysOut(env, r, {"z", "logq"}); });
  }

  // logProb({ z, threads }) → { logq }; inverse → { logq, x }; gradLogProb → { logq, grad };
  // hessianLogProb → { hessian }
  Napi::Value LogProb(const Napi::CallbackInfo& info) { return density(info, 0); }
  Napi::Value Inverse(const Napi::CallbackInfo& info) { return density(info, 3); }
  Napi::Value GradLogProb(const Napi::CallbackInfo& info) { return density(info, 1); }
  Napi::Value HessianLogProb(const Napi::CallbackInfo& info) { return density(info, 2); }
  Napi::Value density(const Napi::CallbackInfo& info, int order) {
    const Napi::Object a = argsOf(info);
    auto z = std::make_shared<std::vector<double>>(toVector(a.Get("z"), "z"));
    const int64_t n = rowsOf(info.Env(), *z);
    const int threads = static_cast<int>(getNumber(a, "threads", 0));
    return job(a, [=](Shared& s, const std::atomic<bool>*, const std::function<void(double)>&) {
      const int64_t D = s.flow->state().shape.dim;
      Arrays r;
      if (order == 0) {
        r = {std::vector<double>(n)};
        s.flow->logProb(z->data(), n, r[0].data(), threads);
      } else if (order == 3) {
        r = {std::vector<double>(n), std::vector<double>(n * D)};
        s.flow->logProb(z->data(), n, r[0].data(), threads, r[1].data());
      } else if (order == 1) {
        r = {std::vector<double>(n), std::vector<double>(n * D)};
        s.flow->gradLogProb(z->data(), n, r[0].data(), r[1].data(), threads);
      } else {
        r = {std::vector<double>(n * D * D)};
        s.flow->hessianLogProb(z->data(), n, r[0].data(), threads);
      }
      return r;
    }, [order](Napi::Env env, Arrays& r) {
      switch (order) {
        case 0: return arraysOut(env, r, {"logq"});
        case 1: return arraysOut(env, r, {"logq", "grad"});
        case 2: return arraysOut(env, r, {"hessian"});
        default: return arraysOut(env, r, {"logq", "x"});
      }
    });
  }

  // trainEpi({ model, options, trials, stats, mean, variance, eta, c, iterations, firstStep, seed, batch, threads })
  Napi::Value TrainEpi(const Napi::CallbackInfo& info) {
    const Napi::Object a = argsOf(info);
    auto e = std::make_shared<EpiJob>();
    const std::string model = a.Get("model").ToString().Utf8Value();
    e->model = findModel(model);
    if (e->model == nullptr) throw codedError(info.Env(), "ERR_UNKNOWN_MODEL", "unknown model '" + model + "'");
    e->options = toVector(a.Get("options"), "options");
    e->trials = static_cast<int>(getNumber(a, "trials", 1));
    e->property = propertyOf(a);
    e->eta = toVector(a.Get("eta"), "eta");
    e->c = getNumber(a, "c", 1.0);
    e->control = control(a);
    const ModelInfo described = e->model->info(e->options);
    bool ok = static_cast<int>(described.params.size()) == shape_.dim &&
              e->options.size() == described.options.size() && described.optionError.empty() &&
              static_cast<int>(e->eta.size()) == e->property.constraints();
    for (int s : e->property.stats) ok = ok && s >= 0 && s < static_cast<int>(described.stats.size());
    if (!ok) throw codedError(info.Env(), "ERR_INVALID_ARG_VALUE", "trainEpi arguments are inconsistent with " + model);
    return training(a, e, &trainEpi);
  }

  // trainGaussian({ mean, precision, iterations, firstStep, seed, batch, threads })
  Napi::Value TrainGaussian(const Napi::CallbackInfo& info) {
    const Napi::Object a = argsOf(info);
    auto g = std::make_shared<GaussianJob>();
    g->mean = toVector(a.Get("mean"), "mean");
    g->precision = toVector(a.Get("precision"), "precision");
    g->control = control(a);
    const size_t D = static_cast<size_t>(shape_.dim);
    if (g->mean.size() != D || g->precision.size() != D * D) {
      throw codedError(info.Env(), "ERR_INVALID_ARG_VALUE", "mean must hold dim and precision dim × dim numbers");
    }
    return training(a, g, &trainGaussian);
  }

  // trainBegin({ batch, seed, step, threads }) → { z }: one iteration's samples, for statistics computed in
  // JavaScript; trainEnd({ values, grad, statCount, stats, mean, variance, eta, c, apply, threads }) → the
  // iteration's log and the weights' gradient, after backprop and (unless apply is false) Adam.
  Napi::Value TrainBegin(const Napi::CallbackInfo& info) {
    const Napi::Object a = argsOf(info);
    const TrainControl c = control(a);
    const uint32_t step = static_cast<uint32_t>(getNumber(a, "step", 0));
    return job(a, [c, step](Shared& s, const std::atomic<bool>*, const std::function<void(double)>&) {
      s.flow->forward(c.batch, c.seed, step, s.train.batch, c.threads);
      s.hasPending = true;
      return Arrays{s.train.batch.z};
    }, [](Napi::Env env, Arrays& r) { return arraysOut(env, r, {"z"}); });
  }

  Napi::Value TrainEnd(const Napi::CallbackInfo& info) {
    const Napi::Object a = argsOf(info);
    auto stats = std::make_shared<std::vector<double>>(toVector(a.Get("values"), "values"));
    auto grad = std::make_shared<std::vector<double>>(toVector(a.Get("grad"), "grad"));
    auto p = std::make_shared<Property>(propertyOf(a));
    auto eta = std::make_shared<std::vector<double>>(toVector(a.Get("eta"), "eta"));
    const double c = getNumber(a, "c", 1.0);
    const int threads = static_cast<int>(getNumber(a, "threads", 0));
    const int S = static_cast<int>(getNumber(a, "statCount", 0));
    const bool apply = a.Get("apply").IsUndefined() || a.Get("apply").ToBoolean().Value();
    const int64_t D = shape_.dim;
    int64_t n = 0;
    {
      // The pending batch belongs to the flow's jobs: read it only when none runs (trainBegin must be awaited).
      const std::unique_lock<std::mutex> lock = idle(info.Env());
      n = shared_->hasPending ? shared_->train.batch.n : 0;
    }
    bool ok = n > 0 && S > 0 && static_cast<int64_t>(stats->size()) == n * S &&
              static_cast<int64_t>(grad->size()) == n * S * D && static_cast<int>(eta->size()) == p->constraints();
    for (int s : p->stats) ok = ok && s >= 0 && s < S;
    if (!ok) {
      throw codedError(info.Env(), "ERR_INVALID_ARG_VALUE",
                       "trainEnd needs trainBegin's batch, values (n × statCount), grad (n × statCount × dim) and a "
                       "property over those statistics");
    }
    return job(a, [=](Shared& s, const std::atomic<bool>*, const std::function<void(double)>&) {
      TrainResult r;
      r.log.push_back(constrainedStep(*s.flow, s.train.batch, *p, stats->data(), grad->data(), S, *eta, c, threads,
                                      s.train.scratch, apply ? nullptr : &r.gradient));
      if (!std::isfinite(r.log[0].cost)) r.failedAt = 0;
      s.hasPending = false;
      return r;
    }, [](Napi::Env env, TrainResult& r) { return trainResult(env, r); });
  }

  // getState() → { weights, m1, m2, adamStep, perm }; setState({ weights, m1, m2, adamStep }).
  Napi::Value GetState(const Napi::CallbackInfo& info) {
    const std::unique_lock<std::mutex> lock = idle(info.Env());
    const FlowState& s = shared_->flow->state();
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("weights", toFloat64Array(info.Env(), std::vector<double>(s.w)));
    out.Set("m1", toFloat64Array(info.Env(), std::vector<double>(s.m1)));
    out.Set("m2", toFloat64Array(info.Env(), std::vector<double>(s.m2)));
    out.Set("adamStep", static_cast<double>(s.adamStep));
    out.Set("perm", intArray(info.Env(), s.constants.perm));
    return out;
  }

  Napi::Value SetState(const Napi::CallbackInfo& info) {
    const Napi::Object a = argsOf(info);
    std::vector<double> w = toVector(a.Get("weights"), "weights");
    std::vector<double> m1 = toVector(a.Get("m1"), "m1");
    std::vector<double> m2 = toVector(a.Get("m2"), "m2");
    const std::unique_lock<std::mutex> lock = idle(info.Env());
    const size_t P = static_cast<size_t>(shape_.size());
    if (w.size() != P || m1.size() != P || m2.size() != P) {
      throw codedError(info.Env(), "ERR_INVALID_ARG_VALUE", "state arrays must hold " + std::to_string(P) + " numbers");
    }
    shared_->flow->setWeights(std::move(w), std::move(m1), std::move(m2),
                              static_cast<int64_t>(getNumber(a, "adamStep", 0)));
    return info.Env().Undefined();
  }

  Napi::Value ResetAdam(const Napi::CallbackInfo& info) {
    const std::unique_lock<std::mutex> lock = idle(info.Env());
    shared_->flow->resetAdam();
    return info.Env().Undefined();
  }

  // The shape never changes, so reading it needs no lock even while a job runs.
  Napi::Value Size(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(shape_.size()));
  }

  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  FlowShape shape_;
};

}  // namespace

void initFlow(Napi::Env env, Napi::Object exports) { exports.Set("Flow", FlowObject::Define(env)); }

}  // namespace sloppy
