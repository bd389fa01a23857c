// Per-environment state (one per main thread or worker_thread), never process globals.
#pragma once
#include <napi.h>

namespace sloppy {

struct InstanceData {
  Napi::FunctionReference cancelToken;
};

InstanceData& instanceData(Napi::Env env);

}  // namespace sloppy
