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

// The common shape of a binding: a plain job struct (with `cancelled` and `progress` members, filled in here),
// `compute(job)` run on the worker thread, and `build(env, result)` turning its result into JavaScript on the main
// thread. The job's `token` and `onProgress` come from `args`.
template <class Job, class Compute, class Build>
Napi::Promise startJobOf(Napi::Env env, const Napi::Object& args, std::shared_ptr<Job> job, Compute compute, Build build) {
  using Result = decltype(compute(*job));
  auto result = std::make_shared<Result>();
  JobRun run = [job, result, compute](const std::atomic<bool>* cancelled, const std::function<void(double)>& progress) {
    job->cancelled = cancelled;
    job->progress = progress;
    *result = compute(*job);
  };
  JobResolve resolve = [result, build](Napi::Env e) -> Napi::Value { return build(e, *result); };
  return startJob(env, std::move(run), std::move(resolve), args.Get("token"), args.Get("onProgress"));
}

}  // namespace sloppy
