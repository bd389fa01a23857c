#include "async_job.h"

#include "../core/errors.h"
#include "../sde/job.h"
#include "cancel_token.h"
#include "convert.h"

namespace sloppy {
namespace {

class AsyncJob : public Napi::AsyncProgressWorker<double> {
 public:
  AsyncJob(Napi::Env env, JobRun run, JobResolve resolve, std::shared_ptr<std::atomic<bool>> cancelled,
           const Napi::Value& onProgress)
      : Napi::AsyncProgressWorker<double>(env),
        deferred_(Napi::Promise::Deferred::New(env)),
        run_(std::move(run)),
        resolve_(std::move(resolve)),
        cancelled_(std::move(cancelled)) {
    if (onProgress.IsFunction()) onProgress_ = Napi::Persistent(onProgress.As<Napi::Function>());
  }
  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute(const ExecutionProgress& progress) override {
    std::function<void(double)> report;
    if (!onProgress_.IsEmpty()) report = [&progress](double f) { progress.Send(&f, 1); };
    try {
      run_(cancelled_.get(), report);
    } catch (const Cancelled&) {
      code_ = "ABORT_ERR";
      SetError("the job was cancelled");
    } catch (const CodedError& e) {
      code_ = e.code;
      SetError(e.what());
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }

  void OnProgress(const double* data, size_t count) override {
    if (count > 0 && !onProgress_.IsEmpty()) onProgress_.Call({Napi::Number::New(Env(), data[count - 1])});
  }

  void OnOK() override { deferred_.Resolve(resolve_(Env())); }

  void OnError(const Napi::Error& e) override { deferred_.Reject(codedError(Env(), code_, e.Message()).Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  JobRun run_;
  JobResolve resolve_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  Napi::FunctionReference onProgress_;
  std::string code_ = "ERR_NATIVE";
};

}  // namespace

Napi::Promise startJob(Napi::Env env, JobRun run, JobResolve resolve, const Napi::Value& token,
                       const Napi::Value& onProgress) {
  auto* job = new AsyncJob(env, std::move(run), std::move(resolve), CancelToken::from(token), onProgress);
  Napi::Promise promise = job->promise();
  job->Queue();
  return promise;
}

}  // namespace sloppy
