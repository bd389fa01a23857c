// The CUDA entry point of each SDE model, declared for the host-compiled registry and defined
// (specialised) in sde_models.cu.
#pragma once
#include "../sde/job.h"

namespace sloppy {

template <class Model>
void runCuda(const SimJob& job, SimResult& res);

}  // namespace sloppy
