#include "cuda_status.h"

namespace sloppy {

CudaStatus cudaStatus() {
  CudaStatus s;
  s.reason = "sloppy was built without the CUDA backend (nvcc was not found at build time)";
  return s;
}

}  // namespace sloppy
