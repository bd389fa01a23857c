// Bindings for synaptic sampling: synaptic.run({ params, seed, runs, firstRun, samples, curveEvery,
// testPerClass, means, weights, threads, device, token, onProgress }) → Promise of Float64Arrays, and
// synaptic.probe({ params, seed, run, stimulus, presentations, means }) → the input layer of one run.
// Every value was validated in TypeScript (lib/synaptic/options.ts); this guards memory safety only.
#include <memory>
#include <string>

#include "../core/errors.h"
#include "../synaptic/synaptic.h"
#include "async_job.h"
#include "bindings.h"
#include "convert.h"

namespace sloppy {
namespace {

SynParams readParams(Napi::Env env, const Napi::Object& o) {
  SynParams p;
  p.classes = static_cast<int>(getNumber(o, "classes", p.classes));
  p.inputs = static_cast<int>(getNumber(o, "inputs", p.inputs));
  p.presentation = getNumber(o, "presentation", p.presentation);
  p.meanCentre = getNumber(o, "meanCentre", p.meanCentre);
  p.meanSpread = getNumber(o, "meanSpread", p.meanSpread);
  p.clusterSpread = getNumber(o, "clusterSpread", p.clusterSpread);
  p.clusterSkew = getNumber(o, "clusterSkew", p.clusterSkew);
  p.baseRate = getNumber(o, "baseRate", p.baseRate);
  p.peakRate = getNumber(o, "peakRate", p.peakRate);
  p.width = getNumber(o, "width", p.width);
  p.tauDecay = getNumber(o, "tauDecay", p.tauDecay);
  p.tauRise = getNumber(o, "tauRise", p.tauRise);
  p.outputRate = getNumber(o, "outputRate", p.outputRate);
  p.potential = o.Get("potential").ToString().Utf8Value() == "literal" ? SynPotential::Literal : SynPotential::Normalised;
  p.theta0 = getNumber(o, "theta0", p.theta0);
  p.b = getNumber(o, "b", p.b);
  p.mu = getNumber(o, "mu", p.mu);
  p.sigma = getNumber(o, "sigma", p.sigma);
  p.alpha = getNumber(o, "alpha", p.alpha);
  p.n = getNumber(o, "n", p.n);
  p.dMax = getNumber(o, "dMax", p.dMax);
  p.thetaMin = getNumber(o, "thetaMin", p.thetaMin);
  p.thetaMax = getNumber(o, "thetaMax", p.thetaMax);
  p.likelihood = o.Get("likelihood").ToBoolean().Value();
  p.prior = o.Get("prior").ToBoolean().Value();
  const std::string noise = o.Get("noise").ToString().Utf8Value();
  p.noise = noise == "standard" ? SynNoise::Standard : (noise == "weight" ? SynNoise::WeightDependent : SynNoise::None);
  p.literalPrefactor = o.Get("prefactor").ToString().Utf8Value() == "b";
  p.update = o.Get("update").ToString().Utf8Value() == "event" ? SynUpdate::PerEvent : SynUpdate::PerSample;
  if (p.classes < 2 || p.classes > kSynMaxClasses || p.inputs < 1 || p.inputs > (1 << 20) || !(p.presentation > 0) ||
      !(p.outputRate >= 0) || !(p.tauDecay > 0) || !(p.tauRise > 0) || !(p.baseRate > 0) || !(p.peakRate >= 0)) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", "synaptic-sampling parameters out of range");
  }
  return p;
}

std::vector<double> readMeans(Napi::Env env, const Napi::Object& args, const SynParams& p) {
  if (args.Get("means").IsUndefined()) return {};
  std::vector<double> means = toVector(args.Get("means"), "means");
  if (means.size() != static_cast<size_t>(3 * p.classes)) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", "means must hold classes × 3 numbers");
  }
  return means;
}

Napi::Value Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "synaptic.run expects an options object");
  const Napi::Object args = info[0].As<Napi::Object>();
  auto job = std::make_shared<SynJob>();
  job->params = readParams(env, args.Get("params").As<Napi::Object>());
  job->seed = static_cast<uint64_t>(getNumber(args, "seed", 0));
  job->runs = static_cast<int64_t>(getNumber(args, "runs", 1));
  job->firstRun = static_cast<uint64_t>(getNumber(args, "firstRun", 0));
  job->samples = static_cast<int64_t>(getNumber(args, "samples", static_cast<double>(job->samples)));
  job->curveEvery = static_cast<int64_t>(getNumber(args, "curveEvery", static_cast<double>(job->curveEvery)));
  job->testPerClass = static_cast<int>(getNumber(args, "testPerClass", job->testPerClass));
  job->means = readMeans(env, args, job->params);
  job->weights = args.Get("weights").ToBoolean().Value();
  job->threads = static_cast<int>(getNumber(args, "threads", 0));
  if (job->runs < 1 || job->samples < 0 || job->samples >= (int64_t(1) << 31) || job->curveEvery < 1 ||
      job->testPerClass < 1) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", "runs, curveEvery, testPerClass must be ≥ 1 and samples in [0, 2³¹)");
  }
  const bool cuda = wantsCuda(env, args);
  return startJobOf(
      env, args, job,
      [cuda](const auto& j) {
#ifdef SLOPPY_HAVE_CUDA
        if (cuda) return synapticCuda(j);
#endif
        return synapticCpu(j);
      },
      [](Napi::Env e, SynResult& r) -> Napi::Value {
        Napi::Object out = Napi::Object::New(e);
        out.Set("curvePoints", Napi::Number::New(e, r.curvePoints));
        out.Set("curveSamples", toFloat64Array(e, std::move(r.curveSamples)));
        out.Set("trainAccuracy", toFloat64Array(e, std::move(r.trainAccuracy)));
        out.Set("testAccuracy", toFloat64Array(e, std::move(r.testAccuracy)));
        out.Set("outputRate", toFloat64Array(e, std::move(r.outputRate)));
        out.Set("confusion", toFloat64Array(e, std::move(r.confusion)));
        if (!r.theta.empty()) {
          out.Set("thetaInitial", toFloat64Array(e, std::move(r.thetaInitial)));
          out.Set("theta", toFloat64Array(e, std::move(r.theta)));
        }
        return out;
      });
}

Napi::Value Probe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "synaptic.probe expects an options object");
  const Napi::Object args = info[0].As<Napi::Object>();
  SynProbeJob job;
  job.params = readParams(env, args.Get("params").As<Napi::Object>());
  job.seed = static_cast<uint64_t>(getNumber(args, "seed", 0));
  job.run = static_cast<uint64_t>(getNumber(args, "run", 0));
  job.presentations = static_cast<int>(getNumber(args, "presentations", 1));
  const std::vector<double> y = toVector(args.Get("stimulus"), "stimulus");
  if (y.size() != 3 || job.presentations < 0) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", "stimulus must hold 3 numbers and presentations be ≥ 0");
  }
  for (int d = 0; d < 3; ++d) job.stimulus[d] = y[d];
  job.means = readMeans(env, args, job.params);
  SynProbeResult r = synapticProbe(job);
  Napi::Object out = Napi::Object::New(env);
  out.Set("centres", toFloat64Array(env, std::move(r.centres)));
  out.Set("rates", toFloat64Array(env, std::move(r.rates)));
  out.Set("counts", toFloat64Array(env, std::move(r.counts)));
  out.Set("means", toFloat64Array(env, std::move(r.means)));
  out.Set("shapes", toFloat64Array(env, std::move(r.shapes)));
  return out;
}

}  // namespace

void initSynaptic(Napi::Env env, Napi::Object exports) {
  Napi::Object synaptic = Napi::Object::New(env);
  synaptic.Set("run", Napi::Function::New<Run>(env, "run"));
  synaptic.Set("probe", Napi::Function::New<Probe>(env, "probe"));
  exports.Set("synaptic", synaptic);
}

}  // namespace sloppy
