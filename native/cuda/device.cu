#include <cuda_runtime.h>

#include "../core/cuda_status.h"

namespace sloppy {

CudaStatus cudaStatus() {
  CudaStatus s;
  s.compiled = true;
  cudaRuntimeGetVersion(&s.runtimeVersion);
  cudaDriverGetVersion(&s.driverVersion);
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    s.reason = std::string(cudaGetErrorName(err)) + ": " + cudaGetErrorString(err);
    cudaGetLastError();  // clear the sticky-free error so later calls start clean
    return s;
  }
  if (count == 0) {
    s.reason = "no CUDA device found";
    return s;
  }
  for (int d = 0; d < count; ++d) {
    cudaDeviceProp prop;
    if (cudaGetDeviceProperties(&prop, d) != cudaSuccess) continue;
    int clock = 0;
    if (cudaDeviceGetAttribute(&clock, cudaDevAttrClockRate, d) != cudaSuccess) {
      clock = 0;
      cudaGetLastError();
    }
    s.devices.push_back(CudaDevice{prop.name, prop.major, prop.minor, static_cast<double>(prop.totalGlobalMem),
                                   prop.multiProcessorCount, clock});
  }
  s.available = !s.devices.empty();
  if (!s.available) s.reason = "CUDA devices could not be queried";
  return s;
}

}  // namespace sloppy
