// Bindings for the network jobs: landscape.evaluate / predict / fit({ shape, activation, beta, x, y, …,
// device, threads, token, onProgress }) → Promise of plain objects of Float64Arrays. Inputs are copied, so
// JavaScript may reuse its arrays at once.
#include <memory>
#include <string>

#include "../core/errors.h"
#include "../landscape/network.h"
#include "async_job.h"
#include "bindings.h"
#include "convert.h"

namespace sloppy {
namespace {

// The fields every job shares. Shapes and lengths were validated in TypeScript; this guards memory safety.
void readBase(Napi::Env env, const Napi::Object& args, NetJobBase& job) {
  const Napi::Object shape = args.Get("shape").As<Napi::Object>();
  job.shape.layers = static_cast<int>(getNumber(shape, "layers", 0));
  job.shape.units = static_cast<int>(getNumber(shape, "units", 0));
  job.shape.inputs = static_cast<int>(getNumber(shape, "inputs", 0));
  job.shape.outputs = static_cast<int>(getNumber(shape, "outputs", 0));
  const NetShape& s = job.shape;
  if (s.layers < 1 || s.layers > kMaxLayers || s.units < 1 || s.units > kMaxUnits || s.inputs < 1 ||
      s.inputs > kMaxInputs || s.outputs < 1 || s.outputs > kMaxOutputs) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", "network shape out of range");
  }
  job.act.kind = args.Get("activation").ToString().Utf8Value() == "softplus" ? Activation::Softplus : Activation::Relu;
  job.act.beta = getNumber(args, "beta", 1.0);
  job.data.x = toVector(args.Get("x"), "x");
  job.data.y = toVector(args.Get("y"), "y");
  job.data.points = static_cast<int>(job.data.x.size() / s.inputs);
  if (job.data.points < 1 || job.data.x.size() != static_cast<size_t>(job.data.points) * s.inputs ||
      job.data.y.size() != static_cast<size_t>(job.data.points) * s.outputs) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", "x and y must hold the same number of points");
  }
  job.count = static_cast<int64_t>(getNumber(args, "count", 0));
  job.threads = static_cast<int>(getNumber(args, "threads", 0));
}

std::shared_ptr<std::vector<double>> readParams(Napi::Env env, const Napi::Value& v, const NetJobBase& job,
                                                const char* what) {
  auto params = std::make_shared<std::vector<double>>(toVector(v, what));
  if (job.count < 1 || params->size() != static_cast<size_t>(job.count) * job.shape.params()) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", std::string(what) + " must hold count × parameters numbers");
  }
  return params;
}

Napi::Value Evaluate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object args = info[0].As<Napi::Object>();
  auto job = std::make_shared<EvaluateJob>();
  readBase(env, args, *job);
  auto params = readParams(env, args.Get("params"), *job, "params");
  job->params = params->data();
  job->gradient = args.Get("gradient").ToBoolean().Value();
  job->hessian = args.Get("hessian").ToBoolean().Value();
  const bool cuda = wantsCuda(env, args);
  if (cuda && job->hessian) throw codedError(env, "ERR_INVALID_ARG_VALUE", "the Hessian of a network is computed on the CPU");
  return startJobOf(
      env, args, job,
      [params, cuda](const EvaluateJob& j) {
#ifdef SLOPPY_HAVE_CUDA
        if (cuda) return evaluateCuda(j);
#endif
        return evaluateCpu(j);
      },
      [](Napi::Env e, EvaluateResult& r) -> Napi::Value {
        Napi::Object out = Napi::Object::New(e);
        out.Set("loss", toFloat64Array(e, std::move(r.loss)));
        if (!r.gradient.empty()) out.Set("gradient", toFloat64Array(e, std::move(r.gradient)));
        if (!r.hessian.empty()) out.Set("hessian", toFloat64Array(e, std::move(r.hessian)));
        return out;
      });
}

Napi::Value Predict(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object args = info[0].As<Napi::Object>();
  auto job = std::make_shared<PredictJob>();
  readBase(env, args, *job);
  auto params = readParams(env, args.Get("params"), *job, "params");
  job->params = params->data();
  return startJobOf(
      env, args, job, [params](const PredictJob& j) { return predictCpu(j); },
      [](Napi::Env e, PredictResult& r) -> Napi::Value {
        Napi::Object out = Napi::Object::New(e);
        out.Set("outputs", toFloat64Array(e, std::move(r.outputs)));
        out.Set("kinkMargin", toFloat64Array(e, std::move(r.kinkMargin)));
        return out;
      });
}

Napi::Value Fit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object args = info[0].As<Napi::Object>();
  auto job = std::make_shared<FitJob>();
  readBase(env, args, *job);
  const Napi::Object opt = args.Get("optimizer").As<Napi::Object>();
  job->optimizer.kind = opt.Get("kind").ToString().Utf8Value() == "adadelta" ? Optimizer::Adadelta : Optimizer::Momentum;
  job->optimizer.rate = getNumber(opt, "rate", job->optimizer.rate);
  job->optimizer.momentum = getNumber(opt, "momentum", job->optimizer.momentum);
  job->optimizer.rho = getNumber(opt, "rho", job->optimizer.rho);
  job->optimizer.epsilon = getNumber(opt, "epsilon", job->optimizer.epsilon);
  job->optimizer.temperature = getNumber(opt, "temperature", 0.0);
  job->optimizer.anneal = getNumber(opt, "anneal", job->optimizer.anneal);
  job->steps = static_cast<int>(getNumber(args, "steps", job->steps));
  job->curveStride = static_cast<int>(getNumber(args, "curveStride", 0));
  job->seed = static_cast<uint64_t>(getNumber(args, "seed", 0));
  job->firstFit = static_cast<uint64_t>(getNumber(args, "firstFit", 0));
  if (job->count < 1 || job->steps < 0 || job->curveStride < 0) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", "count must be ≥ 1 and steps, curveStride ≥ 0");
  }
  std::shared_ptr<std::vector<double>> init;
  if (!args.Get("init").IsUndefined()) {
    init = readParams(env, args.Get("init"), *job, "init");
    job->init = init->data();
  }
  const bool cuda = wantsCuda(env, args);
  return startJobOf(
      env, args, job,
      [init, cuda](const FitJob& j) {
#ifdef SLOPPY_HAVE_CUDA
        if (cuda) return fitCuda(j);
#endif
        return fitCpu(j);
      },
      [](Napi::Env e, FitResult& r) -> Napi::Value {
        Napi::Object out = Napi::Object::New(e);
        out.Set("curvePoints", Napi::Number::New(e, r.curvePoints));
        out.Set("params", toFloat64Array(e, std::move(r.params)));
        out.Set("loss", toFloat64Array(e, std::move(r.loss)));
        out.Set("curves", toFloat64Array(e, std::move(r.curves)));
        return out;
      });
}

}  // namespace

void initLandscape(Napi::Env env, Napi::Object exports) {
  Napi::Object landscape = Napi::Object::New(env);
  landscape.Set("evaluate", Napi::Function::New<Evaluate>(env, "evaluate"));
  landscape.Set("predict", Napi::Function::New<Predict>(env, "predict"));
  landscape.Set("fit", Napi::Function::New<Fit>(env, "fit"));
  Napi::Object limits = Napi::Object::New(env);
  limits.Set("layers", kMaxLayers);
  limits.Set("units", kMaxUnits);
  limits.Set("inputs", kMaxInputs);
  limits.Set("outputs", kMaxOutputs);
  landscape.Set("limits", limits);
  exports.Set("landscape", landscape);
}

}  // namespace sloppy
