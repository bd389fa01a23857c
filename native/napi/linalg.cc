// Bindings for dense eigen-decompositions (Eigen on the host): linalg.eigenvalues and linalg.eigh.
// Small, synchronous calls: matrices of the size a user inspects interactively.
#include "../linalg/eigenvalues.h"
#include "bindings.h"
#include "convert.h"

namespace sloppy {
namespace {

int order(const Napi::CallbackInfo& info, size_t elements) {
  const int n = info[1].As<Napi::Number>().Int32Value();
  if (n < 1 || static_cast<size_t>(n) * static_cast<size_t>(n) != elements) {
    throw codedError(info.Env(), "ERR_INVALID_ARG_VALUE", "matrix must hold n × n numbers");
  }
  return n;
}

// eigenvalues(matrix: Float64Array (n × n, row-major), n) → { re, im }, by descending real part.
Napi::Value Eigenvalues(const Napi::CallbackInfo& info) {
  const std::vector<double> a = toVector(info[0], "matrix");
  const int n = order(info, a.size());
  std::vector<double> re, im;
  eigenvaluesGeneral(a.data(), n, re, im);
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("re", toFloat64Array(info.Env(), std::move(re)));
  out.Set("im", toFloat64Array(info.Env(), std::move(im)));
  return out;
}

// eigh(matrix, n, vectors: boolean) → { values (ascending), vectors? (n × n, column j for value j) }.
Napi::Value Eigh(const Napi::CallbackInfo& info) {
  const std::vector<double> a = toVector(info[0], "matrix");
  const int n = order(info, a.size());
  const bool wantVectors = info[2].ToBoolean().Value();
  std::vector<double> values, vectors;
  eigenSymmetric(a.data(), n, values, wantVectors ? &vectors : nullptr);
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("values", toFloat64Array(info.Env(), std::move(values)));
  if (wantVectors) out.Set("vectors", toFloat64Array(info.Env(), std::move(vectors)));
  return out;
}

}  // namespace

void initLinalg(Napi::Env env, Napi::Object exports) {
  Napi::Object linalg = Napi::Object::New(env);
  linalg.Set("eigenvalues", Napi::Function::New<Eigenvalues>(env, "eigenvalues"));
  linalg.Set("eigh", Napi::Function::New<Eigh>(env, "eigh"));
  exports.Set("linalg", linalg);
}

}  // namespace sloppy
