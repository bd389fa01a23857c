// Bindings for the Hessian spectra of the seed's built-in systems (native/spectra): receptor arrays, the
// linear recurrent network's filter, and the STG circuit's channel sensitivities. Heavy calls are async jobs
// with a cancel token and progress; the small ones (a kernel table, a Gramian, defaults) are synchronous.
#include <memory>

#include "../core/errors.h"
#include "../spectra/linearnet.h"
#include "../spectra/receptor.h"
#include "../spectra/stg_channels.h"
#include "async_job.h"
#include "bindings.h"
#include "convert.h"

namespace sloppy {
namespace {

Napi::Object options(const Napi::CallbackInfo& info, const char* what) {
  if (!info[0].IsObject()) throw Napi::TypeError::New(info.Env(), std::string(what) + " expects an options object");
  return info[0].As<Napi::Object>();
}

bool flag(const Napi::Object& args, const char* key) { return args.Get(key).ToBoolean().Value(); }

// receptor({ positions, snr, eta, periodic, torus, gradient, hessian, threads, token, onProgress })
//   → Promise<{ value, gradient?, hessian? }>
Napi::Value Receptor(const Napi::CallbackInfo& info) {
  const Napi::Object args = options(info, "receptor");
  auto job = std::make_shared<ReceptorJob>();
  job->positions = toVector(args.Get("positions"), "positions");
  job->snr = toVector(args.Get("snr"), "snr");
  job->geometry.eta = getNumber(args, "eta", 0.2);
  job->geometry.periodic = flag(args, "periodic");
  if (job->geometry.periodic) {
    const std::vector<double> torus = toVector(args.Get("torus"), "torus");
    if (torus.size() != 4) throw codedError(info.Env(), "ERR_INVALID_ARG_VALUE", "torus must hold 4 numbers");
    for (int i = 0; i < 4; ++i) job->geometry.torus[i] = torus[i];
  }
  job->gradient = flag(args, "gradient");
  job->hessian = flag(args, "hessian");
  job->threads = static_cast<int>(getNumber(args, "threads", 0));
  return startJobOf(
      info.Env(), args, job, [](const auto& j) { return receptorEvaluate(j); },
      [](Napi::Env e, ReceptorResult& r) -> Napi::Value {
        Napi::Object out = Napi::Object::New(e);
        out.Set("value", toFloat64Array(e, std::move(r.value)));
        if (!r.gradient.empty()) out.Set("gradient", toFloat64Array(e, std::move(r.gradient)));
        if (!r.hessian.empty()) out.Set("hessian", toFloat64Array(e, std::move(r.hessian)));
        return out;
      });
}

// receptorKernel(r2: Float64Array, eta) → ₁F₁(η/2; 1; −r²/4) per entry.
Napi::Value ReceptorKernel(const Napi::CallbackInfo& info) {
  return toFloat64Array(info.Env(), receptorFreeKernel(toVector(info[0], "r2"), info[1].As<Napi::Number>().DoubleValue()));
}

// linearNet({ n, j, m, readout, tau0, times, jacobian, threads, token, onProgress }) → Promise<{ f, dfdn, dfdj? }>
Napi::Value LinearNet(const Napi::CallbackInfo& info) {
  const Napi::Object args = options(info, "linearNet");
  auto job = std::make_shared<LinearNetJob>();
  job->n = static_cast<int>(getNumber(args, "n", 0));
  job->j = toVector(args.Get("j"), "j");
  job->m = toVector(args.Get("m"), "m");
  job->readout = toVector(args.Get("readout"), "readout");
  job->tau0 = getNumber(args, "tau0", 1.0);
  job->times = toVector(args.Get("times"), "times");
  job->jacobian = flag(args, "jacobian");
  job->threads = static_cast<int>(getNumber(args, "threads", 0));
  return startJobOf(
      info.Env(), args, job, [](const auto& j) { return linearNetFilter(j); },
      [](Napi::Env e, LinearNetResult& r) -> Napi::Value {
        Napi::Object out = Napi::Object::New(e);
        out.Set("f", toFloat64Array(e, std::move(r.f)));
        out.Set("dfdn", toFloat64Array(e, std::move(r.dfdn)));
        if (!r.dfdj.empty()) out.Set("dfdj", toFloat64Array(e, std::move(r.dfdj)));
        return out;
      });
}

// linearNetGramian(n, j, m, tau0) → W (N × N).
Napi::Value LinearNetGramian(const Napi::CallbackInfo& info) {
  try {
    return toFloat64Array(info.Env(), linearNetGramian(info[0].As<Napi::Number>().Int32Value(), toVector(info[1], "j"),
                                                       toVector(info[2], "m"), info[3].As<Napi::Number>().DoubleValue()));
  } catch (const CodedError& e) {
    throw codedError(info.Env(), e.code, e.what());
  }
}

// stgChannels({ theta, options, stat, target, gradient, hessian, token }) →
//   Promise<{ frequency, value, frequencyGradient?, gradient?, hessian? }>
Napi::Value StgChannels(const Napi::CallbackInfo& info) {
  const Napi::Object args = options(info, "stgChannels");
  auto job = std::make_shared<StgChannelJob>();
  job->theta = toVector(args.Get("theta"), "theta");
  job->options = toVector(args.Get("options"), "options");
  job->stat = static_cast<int>(getNumber(args, "stat", 0));
  job->target = getNumber(args, "target", 0);
  job->gradient = flag(args, "gradient");
  job->hessian = flag(args, "hessian");
  auto result = std::make_shared<StgChannelResult>();
  JobRun run = [job, result](const std::atomic<bool>*, const std::function<void(double)>&) {
    *result = stgChannelEvaluate(*job);
  };
  JobResolve resolve = [result](Napi::Env e) -> Napi::Value {
    Napi::Object out = Napi::Object::New(e);
    out.Set("frequency", result->frequency);
    out.Set("value", result->value);
    if (!result->gradient.empty()) {
        out.Set("frequencyGradient", toFloat64Array(e, std::move(result->frequencyGradient)));
        out.Set("gradient", toFloat64Array(e, std::move(result->gradient)));
    }
    if (!result->hessian.empty()) out.Set("hessian", toFloat64Array(e, std::move(result->hessian)));
    return out;
  };
  return startJob(info.Env(), std::move(run), std::move(resolve), args.Get("token"), args.Get("onProgress"));
}

Napi::Value StgChannelDefaults(const Napi::CallbackInfo& info) { return toFloat64Array(info.Env(), stgChannelDefaults()); }

}  // namespace

void initSpectra(Napi::Env env, Napi::Object exports) {
  Napi::Object spectra = Napi::Object::New(env);
  spectra.Set("receptor", Napi::Function::New<Receptor>(env, "receptor"));
  spectra.Set("receptorKernel", Napi::Function::New<ReceptorKernel>(env, "receptorKernel"));
  spectra.Set("linearNet", Napi::Function::New<LinearNet>(env, "linearNet"));
  spectra.Set("linearNetGramian", Napi::Function::New<LinearNetGramian>(env, "linearNetGramian"));
  spectra.Set("stgChannels", Napi::Function::New<StgChannels>(env, "stgChannels"));
  spectra.Set("stgChannelDefaults", Napi::Function::New<StgChannelDefaults>(env, "stgChannelDefaults"));
  exports.Set("spectra", spectra);
}

}  // namespace sloppy
