// Bindings for Gram products: fisher.gram({ a, rows, cols, scale, transposed, f32Accumulate, into, threads,
// device, token, onProgress }) → Promise<Float64Array> (the full symmetric product; `into` itself, with the
// product added, when given).
// The classifier's calls (fisher.classifier*) live in fisher_classifier.cc.
#include <memory>

#include "../core/errors.h"
#include "../fisher/gram.h"
#include "async_job.h"
#include "bindings.h"
#include "convert.h"
#include "fisher_classifier.h"

namespace sloppy {
namespace {

Napi::Value Gram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "gram expects an options object");
  const Napi::Object args = info[0].As<Napi::Object>();
  const Napi::Value a = args.Get("a");
  if (!a.IsTypedArray()) throw Napi::TypeError::New(env, "a must be a Float32Array or Float64Array");
  const napi_typedarray_type type = a.As<Napi::TypedArray>().TypedArrayType();
  if (type != napi_float32_array && type != napi_float64_array) {
    throw Napi::TypeError::New(env, "a must be a Float32Array or Float64Array");
  }
  auto job = std::make_shared<GramJob>();
  job->f32 = type == napi_float32_array;
  job->rows = static_cast<int64_t>(getNumber(args, "rows", 0));
  job->cols = static_cast<int64_t>(getNumber(args, "cols", 0));
  job->scale = getNumber(args, "scale", 1.0);
  job->transposed = args.Get("transposed").ToBoolean().Value();
  job->f32Accumulate = args.Get("f32Accumulate").ToBoolean().Value();
  job->threads = static_cast<int>(getNumber(args, "threads", 0));
  const auto elements = a.As<Napi::TypedArray>().ElementLength();
  if (job->rows < 1 || job->cols < 1 || static_cast<size_t>(job->rows * job->cols) != elements) {
    throw codedError(env, "ERR_INVALID_ARG_VALUE", "a must hold rows × cols numbers");
  }
  // The job keeps the input alive and reads it in place: JavaScript must not write to it until the promise settles.
  auto input = std::make_shared<Napi::Reference<Napi::Value>>(Napi::Persistent(a));
  job->a = a.As<Napi::TypedArray>().ArrayBuffer().Data();
  job->a = static_cast<const char*>(job->a) + a.As<Napi::TypedArray>().ByteOffset();
  const Napi::Value into = args.Get("into");
  std::shared_ptr<Napi::Reference<Napi::Value>> target;
  if (!into.IsUndefined()) {
    const int64_t order = job->transposed ? job->cols : job->rows;
    if (!into.IsTypedArray() || into.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
        into.As<Napi::TypedArray>().ElementLength() != static_cast<size_t>(order * order)) {
      throw codedError(env, "ERR_INVALID_ARG_VALUE", "into must be a Float64Array of order × order numbers");
    }
    target = std::make_shared<Napi::Reference<Napi::Value>>(Napi::Persistent(into));
    job->into = reinterpret_cast<double*>(static_cast<char*>(into.As<Napi::TypedArray>().ArrayBuffer().Data()) +
                                          into.As<Napi::TypedArray>().ByteOffset());
  }
  const bool cuda = wantsCuda(env, args);
  return startJobOf(
      env, args, job,
      [cuda](const GramJob& j) {
#ifdef SLOPPY_HAVE_CUDA
        if (cuda) return gramCuda(j);
#endif
        return gramCpu(j);
      },
      [input, target](Napi::Env e, std::vector<double>& g) -> Napi::Value {
        input->Reset();
        if (target) {
          const Napi::Value result = target->Value();
          target->Reset();
          return result;
        }
        return toFloat64Array(e, std::move(g));
      });
}

}  // namespace

void initFisher(Napi::Env env, Napi::Object exports) {
  Napi::Object fisher = Napi::Object::New(env);
  fisher.Set("gram", Napi::Function::New<Gram>(env, "gram"));
  addClassifierBindings(env, fisher);
  exports.Set("fisher", fisher);
}

}  // namespace sloppy
