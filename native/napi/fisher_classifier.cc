// Bindings of the Fisher classifier. Every call takes one options object with the network
// ({ sizes: Float64Array, activation: 'relu' | 'tanh' | 'softplus' }) and, as the call needs, params
// (Float64Array), x (Float64Array, n × d_in), labels (Int32Array), threads, token and onProgress:
//   classifierInit({ …, seed }) → Float64Array
//   classifierTrain({ …, adam, learningRate, beta1, beta2, epsilon, batch, steps, stopWhenPerfect, seed,
//                     checkpoints }) → Promise<{ params, steps, history, checkpointSteps, checkpointParams }>
//   classifierEvaluate({ … }) → Promise<{ loss, accuracy, prob }>
//   classifierScores({ …, f32 }) → Promise<Float32Array | Float64Array>
// Inputs are copied, so JavaScript may reuse its buffers while a job runs.
#include "fisher_classifier.h"

#include <cstring>
#include <memory>

#include "../core/errors.h"
#include "../fisher/classifier.h"
#include "async_job.h"
#include "convert.h"

namespace sloppy {
namespace {

Mlp parseNet(const Napi::Object& args) {
  Mlp net;
  for (double s : toVector(args.Get("sizes"), "sizes")) net.sizes.push_back(static_cast<int64_t>(s));
  const std::string act = args.Get("activation").ToString().Utf8Value();
  if (act == "relu") {
    net.activation = ClassifierActivation::Relu;
  } else if (act == "tanh") {
    net.activation = ClassifierActivation::Tanh;
  } else if (act == "softplus") {
    net.activation = ClassifierActivation::Softplus;
  } else {
    throw codedError(args.Env(), "ERR_INVALID_ARG_VALUE", "activation must be 'relu', 'tanh' or 'softplus'");
  }
  try {
    checkMlp(net);
  } catch (const CodedError& e) {
    throw codedError(args.Env(), e.code, e.what());
  }
  return net;
}

std::vector<double> parseParams(const Napi::Object& args, const Mlp& net) {
  std::vector<double> params = toVector(args.Get("params"), "params");
  if (static_cast<int64_t>(params.size()) != net.paramCount()) {
    throw codedError(args.Env(), "ERR_INVALID_ARG_VALUE", "params must hold the network's parameter count");
  }
  return params;
}

// x as n × d_in; n is its length over d_in.
std::vector<double> parseInputs(const Napi::Object& args, const Mlp& net, int64_t& n) {
  std::vector<double> x = toVector(args.Get("x"), "x");
  n = static_cast<int64_t>(x.size()) / net.sizes[0];
  if (n < 1 || n * net.sizes[0] != static_cast<int64_t>(x.size())) {
    throw codedError(args.Env(), "ERR_INVALID_ARG_VALUE", "x must hold a positive multiple of d_in numbers");
  }
  return x;
}

std::vector<int32_t> parseLabels(const Napi::Object& args, const Mlp& net, int64_t n) {
  const Napi::Value v = args.Get("labels");
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(args.Env(), "labels must be an Int32Array");
  }
  const auto a = v.As<Napi::Int32Array>();
  if (static_cast<int64_t>(a.ElementLength()) != n) {
    throw codedError(args.Env(), "ERR_INVALID_ARG_VALUE", "labels must hold one label per sample");
  }
  std::vector<int32_t> labels(a.Data(), a.Data() + n);
  for (int32_t y : labels) {
    if (y < 0 || y >= net.classes()) throw codedError(args.Env(), "ERR_INVALID_ARG_VALUE", "labels must lie in [0, C)");
  }
  return labels;
}

int threadsOf(const Napi::Object& args) { return static_cast<int>(getNumber(args, "threads", 0)); }

Napi::Value Init(const Napi::CallbackInfo& info) {
  const Napi::Object args = info[0].As<Napi::Object>();
  const Mlp net = parseNet(args);
  return toFloat64Array(info.Env(), initMlp(net, static_cast<uint64_t>(getNumber(args, "seed", 0))));
}

Napi::Value Train(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object args = info[0].As<Napi::Object>();
  auto job = std::make_shared<ClassifierTrainJob>();
  job->net = parseNet(args);
  job->params = parseParams(args, job->net);
  auto x = std::make_shared<std::vector<double>>(parseInputs(args, job->net, job->n));
  auto labels = std::make_shared<std::vector<int32_t>>(parseLabels(args, job->net, job->n));
  job->x = x->data();
  job->labels = labels->data();
  job->adam = args.Get("adam").ToBoolean().Value();
  job->learningRate = getNumber(args, "learningRate", job->learningRate);
  job->beta1 = getNumber(args, "beta1", job->beta1);
  job->beta2 = getNumber(args, "beta2", job->beta2);
  job->epsilon = getNumber(args, "epsilon", job->epsilon);
  job->batch = static_cast<int64_t>(getNumber(args, "batch", 0));
  job->steps = static_cast<int64_t>(getNumber(args, "steps", static_cast<double>(job->steps)));
  job->stopWhenPerfect = args.Get("stopWhenPerfect").ToBoolean().Value();
  job->seed = static_cast<uint64_t>(getNumber(args, "seed", 0));
  for (double s : toVector(args.Get("checkpoints"), "checkpoints")) job->checkpoints.push_back(static_cast<int64_t>(s));
  job->threads = threadsOf(args);
  return startJobOf(
      env, args, job, [x, labels](const ClassifierTrainJob& j) { return trainMlp(j); },
      [](Napi::Env e, ClassifierTrainResult& r) -> Napi::Value {
        Napi::Object out = Napi::Object::New(e);
        out.Set("params", toFloat64Array(e, std::move(r.params)));
        out.Set("steps", static_cast<double>(r.steps));
        out.Set("history", toFloat64Array(e, std::move(r.history)));
        std::vector<double> steps(r.checkpointSteps.begin(), r.checkpointSteps.end());
        out.Set("checkpointSteps", toFloat64Array(e, std::move(steps)));
        out.Set("checkpointParams", toFloat64Array(e, std::move(r.checkpointParams)));
        return out;
      });
}

Napi::Value Evaluate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object args = info[0].As<Napi::Object>();
  const Mlp net = parseNet(args);
  auto params = std::make_shared<std::vector<double>>(parseParams(args, net));
  int64_t n = 0;
  auto x = std::make_shared<std::vector<double>>(parseInputs(args, net, n));
  auto labels = std::make_shared<std::vector<int32_t>>(parseLabels(args, net, n));
  const int threads = threadsOf(args);
  auto result = std::make_shared<Evaluation>();
  JobRun run = [=](const std::atomic<bool>*, const std::function<void(double)>&) {
    *result = evaluateMlp(net, params->data(), x->data(), labels->data(), n, threads);
  };
  JobResolve resolve = [result](Napi::Env e) -> Napi::Value {
    Napi::Object out = Napi::Object::New(e);
    out.Set("loss", result->loss);
    out.Set("accuracy", result->accuracy);
    out.Set("prob", toFloat64Array(e, std::move(result->prob)));
    return out;
  };
  return startJob(env, std::move(run), std::move(resolve), args.Get("token"), args.Get("onProgress"));
}

Napi::Value Scores(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object args = info[0].As<Napi::Object>();
  auto job = std::make_shared<ScoreJob>();
  job->net = parseNet(args);
  auto params = std::make_shared<std::vector<double>>(parseParams(args, job->net));
  auto x = std::make_shared<std::vector<double>>(parseInputs(args, job->net, job->n));
  job->params = params->data();
  job->x = x->data();
  job->f32 = args.Get("f32").ToBoolean().Value();
  job->threads = threadsOf(args);
  const size_t count = static_cast<size_t>(job->n * job->net.classes() * job->net.paramCount());
  auto out64 = std::make_shared<std::vector<double>>();
  auto out32 = std::make_shared<std::vector<float>>();
  JobRun run = [job, params, x, out64, out32, count](const std::atomic<bool>* cancelled,
                                                     const std::function<void(double)>&) {
    job->cancelled = cancelled;
    if (job->f32) {
      out32->resize(count);
      scoreRows(*job, out32->data());
    } else {
      out64->resize(count);
      scoreRows(*job, out64->data());
    }
  };
  JobResolve resolve = [job, out64, out32](Napi::Env e) -> Napi::Value {
    if (!job->f32) return toFloat64Array(e, std::move(*out64));
    Napi::Float32Array a = Napi::Float32Array::New(e, out32->size());
    std::memcpy(a.Data(), out32->data(), out32->size() * sizeof(float));
    return a;
  };
  return startJob(env, std::move(run), std::move(resolve), args.Get("token"), args.Get("onProgress"));
}

}  // namespace

void addClassifierBindings(Napi::Env env, Napi::Object fisher) {
  fisher.Set("classifierInit", Napi::Function::New<Init>(env, "classifierInit"));
  fisher.Set("classifierTrain", Napi::Function::New<Train>(env, "classifierTrain"));
  fisher.Set("classifierEvaluate", Napi::Function::New<Evaluate>(env, "classifierEvaluate"));
  fisher.Set("classifierScores", Napi::Function::New<Scores>(env, "classifierScores"));
}

}  // namespace sloppy
