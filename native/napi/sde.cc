// Bindings for the batched SDE engine: models(), modelInfo() and the asynchronous simulate().
#include <memory>

#include "../core/errors.h"
#include "../sde/registry.h"
#include "bindings.h"
#include "cancel_token.h"
#include "convert.h"

namespace sloppy {
namespace {

Napi::Object infoToObject(Napi::Env env, const ModelInfo& info) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", info.name);
  o.Set("summary", info.summary);
  Napi::Array params = Napi::Array::New(env, info.params.size());
  for (size_t i = 0; i < info.params.size(); ++i) {
    Napi::Object p = Napi::Object::New(env);
    p.Set("name", info.params[i].name);
    p.Set("unit", info.params[i].unit);
    p.Set("lower", info.params[i].lower);
    p.Set("upper", info.params[i].upper);
    p.Set("value", info.params[i].value);
    params.Set(i, p);
  }
  o.Set("params", params);
  auto strings = [&](const std::vector<std::string>& v) {
    Napi::Array a = Napi::Array::New(env, v.size());
    for (size_t i = 0; i < v.size(); ++i) a.Set(i, v[i]);
    return a;
  };
  o.Set("stats", strings(info.stats));
  o.Set("state", strings(info.state));
  Napi::Array options = Napi::Array::New(env, info.options.size());
  for (size_t i = 0; i < info.options.size(); ++i) {
    Napi::Object opt = Napi::Object::New(env);
    opt.Set("name", info.options[i].name);
    opt.Set("value", info.options[i].value);
    opt.Set("doc", info.options[i].doc);
    opt.Set("kind", info.options[i].kind);
    options.Set(i, opt);
  }
  o.Set("options", options);
  o.Set("steps", info.steps);
  o.Set("traceSize", info.traceSize);
  o.Set("optionError", info.optionError);
  return o;
}

const ModelEntry& entryFor(const Napi::Value& name) {
  if (!name.IsString()) throw Napi::TypeError::New(name.Env(), "model must be a string");
  const ModelEntry* entry = findModel(name.As<Napi::String>().Utf8Value());
  if (entry == nullptr) {
    throw codedError(name.Env(), "ERR_UNKNOWN_MODEL", "unknown model '" + name.As<Napi::String>().Utf8Value() + "'");
  }
  return *entry;
}

Napi::Value Models(const Napi::CallbackInfo& info) {
  const auto& names = modelNames();
  Napi::Array out = Napi::Array::New(info.Env(), names.size());
  for (size_t i = 0; i < names.size(); ++i) out.Set(i, infoToObject(info.Env(), findModel(names[i])->describe()));
  return out;
}

// modelInfo(name, options: Float64Array) → the description with steps and trace size for those options.
Napi::Value ModelInfoFor(const Napi::CallbackInfo& info) {
  const ModelEntry& entry = entryFor(info[0]);
  try {
    return infoToObject(info.Env(), entry.info(toVector(info[1], "options")));
  } catch (const CodedError& e) {
    throw codedError(info.Env(), e.code, e.what());
  }
}

class SimulateWorker : public Napi::AsyncProgressWorker<double> {
 public:
  SimulateWorker(Napi::Env env, ModelRunner runner, SimJob job, std::shared_ptr<std::atomic<bool>> cancelled,
                 Napi::Value onProgress)
      : Napi::AsyncProgressWorker<double>(env),
        deferred_(Napi::Promise::Deferred::New(env)),
        runner_(runner),
        job_(std::move(job)),
        cancelled_(std::move(cancelled)) {
    job_.cancelled = cancelled_.get();
    if (onProgress.IsFunction()) onProgress_ = Napi::Persistent(onProgress.As<Napi::Function>());
  }
  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute(const ExecutionProgress& progress) override {
    if (!onProgress_.IsEmpty()) job_.progress = [&progress](double f) { progress.Send(&f, 1); };
    try {
      runner_(job_, result_);
    } catch (const Cancelled&) {
      code_ = "ABORT_ERR";
      SetError("the simulation was cancelled");
    } catch (const CodedError& e) {
      code_ = e.code;
      SetError(e.what());
    } catch (const std::exception& e) {
      code_ = "ERR_NATIVE";
      SetError(e.what());
    }
  }

  void OnProgress(const double* data, size_t count) override {
    if (count > 0 && !onProgress_.IsEmpty()) onProgress_.Call({Napi::Number::New(Env(), data[count - 1])});
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object out = Napi::Object::New(env);
    out.Set("stats", toFloat64Array(env, std::move(result_.stats)));
    out.Set("grad", toFloat64Array(env, std::move(result_.grad)));
    out.Set("trajectory", toFloat64Array(env, std::move(result_.trajectory)));
    out.Set("recorded", result_.recorded);
    if (result_.fault.count > 0) {
      Napi::Object f = Napi::Object::New(env);
      f.Set("set", static_cast<double>(result_.fault.set));
      f.Set("trial", result_.fault.trial);
      f.Set("step", result_.fault.step);
      f.Set("state", result_.fault.state);
      f.Set("count", static_cast<double>(result_.fault.count));
      out.Set("fault", f);
    }
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error& e) override {
    deferred_.Reject(codedError(Env(), code_, e.Message()).Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  ModelRunner runner_;
  SimJob job_;
  SimResult result_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  Napi::FunctionReference onProgress_;
  std::string code_ = "ERR_NATIVE";
};

// simulate({ model, z, batch, trials, options, seed, batchOffset, grad, stride, threads, device, token, onProgress })
// Shapes and ranges are validated in TypeScript; here only what would corrupt memory is re-checked.
Napi::Value Simulate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "simulate expects an options object");
  const Napi::Object args = info[0].As<Napi::Object>();
  const ModelEntry& entry = entryFor(args.Get("model"));
  SimJob job;
  job.z = toVector(args.Get("z"), "z");
  job.options = toVector(args.Get("options"), "options");
  job.batch = static_cast<int64_t>(getNumber(args, "batch", 0));
  job.trials = static_cast<int>(getNumber(args, "trials", 1));
  job.seed = static_cast<uint64_t>(getNumber(args, "seed", 0));
  job.batchOffset = static_cast<uint64_t>(getNumber(args, "batchOffset", 0));
  job.grad = args.Get("grad").ToBoolean().Value();
  job.stride = static_cast<int>(getNumber(args, "stride", 0));
  job.threads = static_cast<int>(getNumber(args, "threads", 0));
  const ModelInfo described = entry.info(job.options);
  if (job.options.size() != described.options.size()) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", "options has the wrong length for model " + described.name);
  }
  if (!described.optionError.empty()) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", described.name + ": " + described.optionError);
  }
  if (job.batch < 1 || job.trials < 1 || job.stride < 0 ||
      job.z.size() != static_cast<size_t>(job.batch) * described.params.size()) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", "z, batch, trials or stride are inconsistent");
  }
  const std::string device = args.Get("device").ToString().Utf8Value();
  ModelRunner runner = device == "cuda" ? entry.cuda : entry.cpu;
  if (runner == nullptr) {
    throw codedError(env, "ERR_CUDA_UNAVAILABLE", "model " + described.name + " has no CUDA backend in this build");
  }
  auto* worker = new SimulateWorker(env, runner, std::move(job), CancelToken::from(args.Get("token")),
                                    args.Get("onProgress"));
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

}  // namespace

void initSde(Napi::Env env, Napi::Object exports) {
  exports.Set("models", Napi::Function::New<Models>(env, "models"));
  exports.Set("modelInfo", Napi::Function::New<ModelInfoFor>(env, "modelInfo"));
  exports.Set("simulate", Napi::Function::New<Simulate>(env, "simulate"));
}

}  // namespace sloppy
