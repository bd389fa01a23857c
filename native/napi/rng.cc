// The generator exposed for inspection and tests: raw Philox blocks and the engine's normal stream.
#include <vector>

#include "../core/rng.h"
#include "bindings.h"
#include "convert.h"

namespace sloppy {
namespace {

uint32_t word(const Napi::Value& v) { return static_cast<uint32_t>(v.As<Napi::Number>().Int64Value()); }

// philox(counter: number[4], key: number[2]) → Uint32Array(4)
Napi::Value Philox(const Napi::CallbackInfo& info) {
  const auto c = info[0].As<Napi::Array>();
  const auto k = info[1].As<Napi::Array>();
  const Philox4x32 r = philox4x32_10(Philox4x32{{word(c[0u]), word(c[1u]), word(c[2u]), word(c[3u])}}, word(k[0u]),
                                     word(k[1u]));
  Napi::Uint32Array out = Napi::Uint32Array::New(info.Env(), 4);
  for (int i = 0; i < 4; ++i) out[i] = r.v[i];
  return out;
}

// normals(seed, set, trial, step, n, stream) → Float64Array(n): the draws a model sees at that step.
Napi::Value Normals(const Napi::CallbackInfo& info) {
  const auto seed = static_cast<uint64_t>(info[0].As<Napi::Number>().DoubleValue());
  const auto set = static_cast<uint64_t>(info[1].As<Napi::Number>().DoubleValue());
  const int trial = info[2].As<Napi::Number>().Int32Value();
  const auto step = static_cast<uint32_t>(info[3].As<Napi::Number>().Int64Value());
  const int n = info[4].As<Napi::Number>().Int32Value();
  const auto stream = static_cast<Stream>(info[5].As<Napi::Number>().Int32Value());
  std::vector<double> out(static_cast<size_t>(n));
  makePathRng(seed, set, trial).normals(step, stream, out.data(), n);
  return toFloat64Array(info.Env(), std::move(out));
}

}  // namespace

void initRng(Napi::Env env, Napi::Object exports) {
  Napi::Object rng = Napi::Object::New(env);
  rng.Set("philox", Napi::Function::New<Philox>(env, "philox"));
  rng.Set("normals", Napi::Function::New<Normals>(env, "normals"));
  exports.Set("rng", rng);
}

}  // namespace sloppy
