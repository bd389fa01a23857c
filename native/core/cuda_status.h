// What the CUDA backend can do in this process. Implemented by cuda/device.cu when the backend is
// compiled and by core/cuda_absent.cc otherwise; never initialises CUDA at module load.
#pragma once
#include <string>
#include <vector>

namespace sloppy {

struct CudaDevice {
  std::string name;
  int major = 0;
  int minor = 0;
  double memoryBytes = 0;
  int multiprocessors = 0;
  int clockKHz = 0;  // the multiprocessors' peak clock
};

struct CudaStatus {
  bool compiled = false;
  bool available = false;
  std::string reason;  // why not available
  int runtimeVersion = 0;
  int driverVersion = 0;
  std::vector<CudaDevice> devices;
};

CudaStatus cudaStatus();

}  // namespace sloppy
