// Moving data across the boundary: typed arrays in (copied, so JavaScript may reuse its buffers while a
// job runs), typed arrays out (zero-copy: the result vector becomes the ArrayBuffer's memory), and errors
// with codes.
#pragma once
#include <napi.h>

#include <string>
#include <vector>

#include "../sde/job.h"

namespace sloppy {

std::vector<double> toVector(const Napi::Value& value, const char* what);
Napi::Float64Array toFloat64Array(Napi::Env env, std::vector<double>&& data);
Napi::Error codedError(Napi::Env env, const std::string& code, const std::string& message);
double getNumber(const Napi::Object& obj, const char* key, double fallback);
// Whether the job's `device` option is 'cuda'; ERR_CUDA_UNAVAILABLE when this build has no CUDA backend.
bool wantsCuda(Napi::Env env, const Napi::Object& args);
// { set, trial, step, state, count }: where a simulation first went non-finite.
Napi::Object faultToObject(Napi::Env env, const SimFault& fault);

}  // namespace sloppy
