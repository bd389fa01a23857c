// A cancellation flag shared between JavaScript (AbortSignal → cancel()) and a running native job.
#pragma once
#include <napi.h>

#include <atomic>
#include <memory>

namespace sloppy {

class CancelToken : public Napi::ObjectWrap<CancelToken> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit CancelToken(const Napi::CallbackInfo& info);
  // The flag outlives the wrapper if the job is still running when JavaScript drops the token.
  std::shared_ptr<std::atomic<bool>> flag() const { return flag_; }
  static std::shared_ptr<std::atomic<bool>> from(const Napi::Value& value);

 private:
  Napi::Value Cancel(const Napi::CallbackInfo& info);
  Napi::Value Cancelled(const Napi::CallbackInfo& info);
  std::shared_ptr<std::atomic<bool>> flag_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace sloppy
