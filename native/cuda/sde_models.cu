// Instantiates the CUDA engine for every built-in SDE model; the math comes from native/models/.
#include "../models/lds2d.h"
#include "../models/ou.h"
#include "../models/sc.h"
#include "../models/stg.h"
#include "../models/v1.h"
#include "engine_cuda.cuh"
#include "sde_models.h"

namespace sloppy {

template <class Model>
void runCuda(const SimJob& job, SimResult& res) {
  runSdeCuda<Model>(job, res);
}

template void runCuda<Ou>(const SimJob&, SimResult&);
template void runCuda<Lds2d>(const SimJob&, SimResult&);
template void runCuda<Stg>(const SimJob&, SimResult&);
template void runCuda<Sc>(const SimJob&, SimResult&);
template void runCuda<V1>(const SimJob&, SimResult&);

}  // namespace sloppy
