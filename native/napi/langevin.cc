// Bindings for Langevin dynamics: langevin.run({ energy, start, paths, seed, firstPath, steps, stride, step,
// diffusion, lower, upper, center, radius, device, threads, token, onProgress }) and langevin.evaluate({ energy,
// points, count, hessian, threads, token }) → Promises of plain objects of Float64Arrays; langevin.noise(seed,
// paths, step, dim) → the normals those paths draw at that step. The step constants arrive computed by
// TypeScript, which uses the same numbers in its own loop. Shapes were validated there; this guards memory.
#include <memory>
#include <string>

#include "../core/errors.h"
#include "../core/rng.h"
#include "../langevin/langevin.h"
#include "async_job.h"
#include "bindings.h"
#include "convert.h"

namespace sloppy {
namespace {

std::vector<double> optionalVector(const Napi::Object& args, const char* key) {
  const Napi::Value v = args.Get(key);
  return v.IsUndefined() ? std::vector<double>() : toVector(v, key);
}

// The energy's description into job.energy and the vectors its pointers will refer to.
void readEnergy(Napi::Env env, const Napi::Object& args, EnergyJobBase& job) {
  const Napi::Object spec = args.Get("energy").As<Napi::Object>();
  EnergySpec& e = job.energy;
  const int kind = static_cast<int>(getNumber(spec, "kind", -1));
  if (kind < 0 || kind > 3) throw codedError(env, "ERR_INVALID_ARG_VALUE", "unknown built-in energy kind");
  e.kind = static_cast<EnergyKind>(kind);
  e.dim = static_cast<int>(getNumber(spec, "dim", 0));
  if (e.kind == EnergyKind::Quadratic) {
    job.mu = toVector(spec.Get("mu"), "mu");
    job.A = toVector(spec.Get("A"), "A");
    if (e.dim < 1 || job.mu.size() != static_cast<size_t>(e.dim) || job.A.size() != job.mu.size() * job.mu.size()) {
      throw codedError(env, "ERR_INVALID_ARG_VALUE", "a quadratic energy needs mu (dim) and A (dim × dim)");
    }
  } else if (e.kind == EnergyKind::Network) {
    const Napi::Object shape = spec.Get("shape").As<Napi::Object>();
    NetShape& s = e.shape;
    s.layers = static_cast<int>(getNumber(shape, "layers", 0));
    s.units = static_cast<int>(getNumber(shape, "units", 0));
    s.inputs = static_cast<int>(getNumber(shape, "inputs", 0));
    s.outputs = static_cast<int>(getNumber(shape, "outputs", 0));
    if (s.layers < 1 || s.layers > kMaxLayers || s.units < 1 || s.units > kMaxUnits || s.inputs < 1 ||
        s.inputs > kMaxInputs || s.outputs < 1 || s.outputs > kMaxOutputs || e.dim != s.params()) {
      throw codedError(env, "ERR_INVALID_ARG_VALUE", "network shape out of range");
    }
    e.act.kind = spec.Get("activation").ToString().Utf8Value() == "softplus" ? Activation::Softplus : Activation::Relu;
    e.act.beta = getNumber(spec, "beta", 1.0);
    job.dataX = toVector(spec.Get("x"), "x");
    job.dataY = toVector(spec.Get("y"), "y");
    e.points = static_cast<int>(job.dataX.size() / s.inputs);
    if (e.points < 1 || job.dataX.size() != static_cast<size_t>(e.points) * s.inputs ||
        job.dataY.size() != static_cast<size_t>(e.points) * s.outputs) {
      throw codedError(env, "ERR_INVALID_ARG_VALUE", "x and y must hold the same number of points");
    }
  } else if (e.dim != 2) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", "the planar energies have dim 2");
  }
  job.bind();
}

Napi::Value Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object args = info[0].As<Napi::Object>();
  auto job = std::make_shared<LangevinJob>();
  readEnergy(env, args, *job);
  const int dim = job->energy.dim;
  job->paths = static_cast<int64_t>(getNumber(args, "paths", 0));
  job->start = toVector(args.Get("start"), "start");
  if (job->paths < 1 || job->start.size() != static_cast<size_t>(job->paths) * dim) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", "start must hold paths × dim numbers");
  }
  job->seed = static_cast<uint64_t>(getNumber(args, "seed", 0));
  job->firstPath = static_cast<uint64_t>(getNumber(args, "firstPath", 0));
  job->steps = static_cast<int64_t>(getNumber(args, "steps", 0));
  job->stride = static_cast<int64_t>(getNumber(args, "stride", 0));
  if (job->steps < 0 || job->stride < 0) throw codedError(env, "ERR_INVALID_ARG_VALUE", "steps and stride must be ≥ 0");
  const Napi::Object step = args.Get("step").As<Napi::Object>();
  job->step.bdt = getNumber(step, "bdt", 0);
  job->step.btdt = getNumber(step, "btdt", 0);
  job->step.var = getNumber(step, "var", 0);
  job->step.noise = getNumber(step, "noise", 0);
  const Napi::Value diffusion = args.Get("diffusion");
  if (!diffusion.IsUndefined()) {
    const Napi::Object d = diffusion.As<Napi::Object>();
    job->step.diffusion.form = static_cast<DiffusionForm>(static_cast<int>(getNumber(d, "form", 0)));
    job->step.diffusion.a = getNumber(d, "a", 1);
    job->step.diffusion.c = getNumber(d, "c", 0);
  }
  job->lower = optionalVector(args, "lower");
  job->upper = optionalVector(args, "upper");
  job->step.bounded = !job->lower.empty();
  if (job->step.bounded && (job->lower.size() != static_cast<size_t>(dim) || job->upper.size() != job->lower.size())) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", "lower and upper must hold dim numbers each");
  }
  job->center = optionalVector(args, "center");
  job->passage = !job->center.empty();
  job->radius = getNumber(args, "radius", 0);
  if (job->passage && job->center.size() != static_cast<size_t>(dim)) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", "center must hold dim numbers");
  }
  job->threads = static_cast<int>(getNumber(args, "threads", 0));
  const bool cuda = wantsCuda(env, args);
  return startJobOf(
      env, args, job,
      [cuda](const auto& j) {
#ifdef SLOPPY_HAVE_CUDA
        if (cuda) return langevinCuda(j);
#endif
        return langevinCpu(j);
      },
      [](Napi::Env e, LangevinResult& r) -> Napi::Value {
        Napi::Object out = Napi::Object::New(e);
        out.Set("recorded", Napi::Number::New(e, static_cast<double>(r.recorded)));
        out.Set("final", toFloat64Array(e, std::move(r.final)));
        out.Set("passage", toFloat64Array(e, std::move(r.passage)));
        out.Set("energy", toFloat64Array(e, std::move(r.energy)));
        out.Set("trajectory", toFloat64Array(e, std::move(r.trajectory)));
        return out;
      });
}

Napi::Value Evaluate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object args = info[0].As<Napi::Object>();
  auto job = std::make_shared<EvaluateEnergyJob>();
  readEnergy(env, args, *job);
  job->count = static_cast<int64_t>(getNumber(args, "count", 0));
  job->points = toVector(args.Get("points"), "points");
  if (job->count < 1 || job->points.size() < static_cast<size_t>(job->count) * job->energy.dim) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", "points must hold count × dim numbers");
  }
  job->hessian = args.Get("hessian").ToBoolean().Value();
  if (job->hessian && job->energy.kind == EnergyKind::Network) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", "the network's Hessian comes from the landscape jobs");
  }
  job->threads = static_cast<int>(getNumber(args, "threads", 0));
  auto result = std::make_shared<EvaluateEnergyResult>();
  JobRun run = [job, result](const std::atomic<bool>* cancelled, const std::function<void(double)>&) {
    job->cancelled = cancelled;
    *result = evaluateEnergyCpu(*job);
  };
  JobResolve resolve = [result](Napi::Env e) -> Napi::Value {
    Napi::Object out = Napi::Object::New(e);
    out.Set("energy", toFloat64Array(e, std::move(result->energy)));
    out.Set("gradient", toFloat64Array(e, std::move(result->gradient)));
    if (!result->hessian.empty()) out.Set("hessian", toFloat64Array(e, std::move(result->hessian)));
    return out;
  };
  return startJob(env, std::move(run), std::move(resolve), args.Get("token"), args.Get("onProgress"));
}

// noise(seed, paths: Float64Array of global path indices, step, dim) → paths × dim normals.
Napi::Value Noise(const Napi::CallbackInfo& info) {
  const auto seed = static_cast<uint64_t>(info[0].As<Napi::Number>().DoubleValue());
  const std::vector<double> paths = toVector(info[1], "paths");
  const auto step = static_cast<uint32_t>(info[2].As<Napi::Number>().Int64Value());
  const int dim = info[3].As<Napi::Number>().Int32Value();
  if (dim < 1) throw codedError(info.Env(), "ERR_INVALID_ARG_VALUE", "dim must be ≥ 1");
  std::vector<double> out(paths.size() * static_cast<size_t>(dim));
  for (size_t k = 0; k < paths.size(); ++k) {
    makePathRng(seed, static_cast<uint64_t>(paths[k]), 0).normals(step, Stream::Dynamics, out.data() + k * dim, dim);
  }
  return toFloat64Array(info.Env(), std::move(out));
}

}  // namespace

void initLangevin(Napi::Env env, Napi::Object exports) {
  Napi::Object langevin = Napi::Object::New(env);
  langevin.Set("run", Napi::Function::New<Run>(env, "run"));
  langevin.Set("evaluate", Napi::Function::New<Evaluate>(env, "evaluate"));
  langevin.Set("noise", Napi::Function::New<Noise>(env, "noise"));
  exports.Set("langevin", langevin);
}

}  // namespace sloppy
