#include <napi.h>

#include "bindings.h"
#include "cancel_token.h"
#include "instance_data.h"

namespace sloppy {

InstanceData& instanceData(Napi::Env env) { return *env.GetInstanceData<InstanceData>(); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new InstanceData());
  exports.Set("CancelToken", CancelToken::Define(env));
  initBackends(env, exports);
  initFisher(env, exports);
  initFlow(env, exports);
  initLandscape(env, exports);
  initLangevin(env, exports);
  initLinalg(env, exports);
  initRng(env, exports);
  initSde(env, exports);
  initSpectra(env, exports);
  initSynaptic(env, exports);
  return exports;
}

}  // namespace sloppy

static Napi::Object InitSloppy(Napi::Env env, Napi::Object exports) { return sloppy::Init(env, exports); }

NODE_API_MODULE(sloppy, InitSloppy)
