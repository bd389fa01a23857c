#include "convert.h"

namespace sloppy {

std::vector<double> toVector(const Napi::Value& value, const char* what) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(value.Env(), std::string(what) + " must be a Float64Array");
  }
  const auto array = value.As<Napi::Float64Array>();
  return std::vector<double>(array.Data(), array.Data() + array.ElementLength());
}

Napi::Float64Array toFloat64Array(Napi::Env env, std::vector<double>&& data) {
  if (data.empty()) return Napi::Float64Array::New(env, 0);
  auto* owned = new std::vector<double>(std::move(data));
  auto buffer = Napi::ArrayBuffer::New(env, owned->data(), owned->size() * sizeof(double),
                                       [](Napi::Env, void*, std::vector<double>* v) { delete v; }, owned);
  return Napi::Float64Array::New(env, owned->size(), buffer, 0);
}

Napi::Error codedError(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  return e;
}

bool wantsCuda(Napi::Env env, const Napi::Object& args) {
  const bool cuda = args.Get("device").ToString().Utf8Value() == "cuda";
#ifndef SLOPPY_HAVE_CUDA
  if (cuda) throw codedError(env, "ERR_CUDA_UNAVAILABLE", "this build has no CUDA backend");
#endif
  return cuda;
}

double getNumber(const Napi::Object& obj, const char* key, double fallback) {
  const Napi::Value v = obj.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) throw Napi::TypeError::New(obj.Env(), std::string(key) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

Napi::Object faultToObject(Napi::Env env, const SimFault& fault) {
  Napi::Object f = Napi::Object::New(env);
  f.Set("set", static_cast<double>(fault.set));
  f.Set("trial", fault.trial);
  f.Set("step", fault.step);
  f.Set("state", fault.state);
  f.Set("count", static_cast<double>(fault.count));
  return f;
}

}  // namespace sloppy
