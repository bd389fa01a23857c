#include "cancel_token.h"

#include "instance_data.h"

namespace sloppy {

Napi::Function CancelToken::Define(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "CancelToken",
                                    {InstanceMethod<&CancelToken::Cancel>("cancel"),
                                     InstanceAccessor<&CancelToken::Cancelled>("cancelled")});
  instanceData(env).cancelToken = Napi::Persistent(ctor);
  return ctor;
}

CancelToken::CancelToken(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CancelToken>(info) {}

Napi::Value CancelToken::Cancel(const Napi::CallbackInfo& info) {
  flag_->store(true);
  return info.Env().Undefined();
}

Napi::Value CancelToken::Cancelled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), flag_->load());
}

std::shared_ptr<std::atomic<bool>> CancelToken::from(const Napi::Value& value) {
  if (value.IsUndefined() || value.IsNull()) return std::make_shared<std::atomic<bool>>(false);
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(instanceData(value.Env()).cancelToken.Value())) {
    throw Napi::TypeError::New(value.Env(), "token must be a CancelToken");
  }
  return CancelToken::Unwrap(value.As<Napi::Object>())->flag();
}

}  // namespace sloppy
