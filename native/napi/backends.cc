// backends(): what this build compiled, what this machine can run, and why not.
#include "../core/cuda_status.h"
#include "../core/lane_width.h"
#include "../core/thread_pool.h"
#include "bindings.h"

namespace sloppy {
namespace {

Napi::Value Backends(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object cpu = Napi::Object::New(env);
  cpu.Set("compiled", true);
  cpu.Set("available", true);
  cpu.Set("threads", hardwareThreads());
  cpu.Set("lanes", cpuLaneWidth());

  const CudaStatus status = cudaStatus();
  Napi::Object cuda = Napi::Object::New(env);
  cuda.Set("compiled", status.compiled);
  cuda.Set("available", status.available);
  if (!status.available) cuda.Set("reason", status.reason);
  cuda.Set("runtimeVersion", status.runtimeVersion);
  cuda.Set("driverVersion", status.driverVersion);
  Napi::Array devices = Napi::Array::New(env, status.devices.size());
  for (size_t i = 0; i < status.devices.size(); ++i) {
    Napi::Object d = Napi::Object::New(env);
    d.Set("name", status.devices[i].name);
    d.Set("computeCapability", std::to_string(status.devices[i].major) + "." + std::to_string(status.devices[i].minor));
    d.Set("memoryBytes", status.devices[i].memoryBytes);
    d.Set("multiprocessors", status.devices[i].multiprocessors);
    d.Set("clockKHz", status.devices[i].clockKHz);
    devices.Set(i, d);
  }
  cuda.Set("devices", devices);

  Napi::Object out = Napi::Object::New(env);
  out.Set("cpu", cpu);
  out.Set("cuda", cuda);
  return out;
}

}  // namespace

void initBackends(Napi::Env env, Napi::Object exports) {
  exports.Set("backends", Napi::Function::New<Backends>(env, "backends"));
}

}  // namespace sloppy
