// The one asynchronous-job primitive of the addon: `run` executes on a libuv worker thread (it may touch no
// Node-API object), reporting progress and watching the cancel flag; `resolve` builds the JavaScript result
// on the main thread. Native exceptions become rejections with codes: ABORT_ERR for a cancelled job,
// the CodedError's code, or ERR_NATIVE.
#pragma once
#include <napi.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace sloppy {

using JobRun = std::function<void(const std::atomic<bool>* cancelled, const std::function<void(double)>& progress)>;
using JobResolve = std::function<Napi::Value(Napi::Env)>;

// Queues the job and returns its promise. `token` is a CancelToken or undefined; `onProgress` a function or
// undefined.
Napi::Promise startJob(Napi::Env env, JobRun run, JobResolve resolve, const Napi::Value& token,
                       const Napi::Value& onProgress);

}  // namespace sloppy
