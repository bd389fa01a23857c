// Turns a failed CUDA call into a CodedError ('ERR_CUDA') naming the error and where it happened.
#pragma once
#include <cuda_runtime.h>

#include <string>

#include "../core/errors.h"

namespace sloppy {

inline void cudaCheck(cudaError_t status, const char* where) {
  if (status != cudaSuccess) {
    throw CodedError("ERR_CUDA", std::string(cudaGetErrorName(status)) + " in " + where + ": " +
                                     cudaGetErrorString(status));
  }
}

// A typed device allocation freed on scope exit, so an exception mid-job leaks nothing.
template <class T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t count) : count_(count) {
    if (count_ > 0) cudaCheck(cudaMalloc(&ptr_, count_ * sizeof(T)), "cudaMalloc");
  }
  ~DeviceBuffer() {
    if (ptr_ != nullptr) cudaFree(ptr_);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  T* get() const { return ptr_; }
  void upload(const T* host, size_t count) {
    if (count > 0) cudaCheck(cudaMemcpy(ptr_, host, count * sizeof(T), cudaMemcpyHostToDevice), "cudaMemcpy (upload)");
  }
  void download(T* host, size_t count) const {
    if (count > 0) cudaCheck(cudaMemcpy(host, ptr_, count * sizeof(T), cudaMemcpyDeviceToHost), "cudaMemcpy (download)");
  }

 private:
  T* ptr_ = nullptr;
  size_t count_;
};

}  // namespace sloppy
