// Bindings for the batched SDE engine: models(), modelInfo() and the asynchronous simulate().
#include <memory>

#include "../core/errors.h"
#include "../sde/registry.h"
#include "async_job.h"
#include "bindings.h"
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
  struct State {
    SimJob job;
    SimResult result;
  };
  auto state = std::make_shared<State>();
  state->job = std::move(job);
  JobRun run = [state, runner](const std::atomic<bool>* cancelled, const std::function<void(double)>& progress) {
    state->job.cancelled = cancelled;
    state->job.progress = progress;
    runner(state->job, state->result);
  };
  JobResolve resolve = [state](Napi::Env env) -> Napi::Value {
    SimResult& res = state->result;
    Napi::Object out = Napi::Object::New(env);
    out.Set("stats", toFloat64Array(env, std::move(res.stats)));
    out.Set("grad", toFloat64Array(env, std::move(res.grad)));
    out.Set("trajectory", toFloat64Array(env, std::move(res.trajectory)));
    out.Set("recorded", res.recorded);
    if (res.fault.count > 0) out.Set("fault", faultToObject(env, res.fault));
    return out;
  };
  return startJob(env, std::move(run), std::move(resolve), args.Get("token"), args.Get("onProgress"));
}

}  // namespace

void initSde(Napi::Env env, Napi::Object exports) {
  exports.Set("models", Napi::Function::New<Models>(env, "models"));
  exports.Set("modelInfo", Napi::Function::New<ModelInfoFor>(env, "modelInfo"));
  exports.Set("simulate", Napi::Function::New<Simulate>(env, "simulate"));
}

}  // namespace sloppy
