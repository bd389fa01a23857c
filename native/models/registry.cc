// The built-in models, by name. Adding a model: write its header in this folder, list it here and
// instantiate its CUDA entry in cuda/sde_models.cu.
#include "../sde/registry.h"

#include <map>

#include "../sde/engine_cpu.h"
#include "../sde/sde_info.h"
#include "lds2d.h"
#include "ou.h"
#include "rnn2.h"
#include "sc.h"
#include "stg.h"
#include "v1.h"
#ifdef SLOPPY_HAVE_CUDA
#include "../cuda/sde_models.h"
#endif

namespace sloppy {
namespace {

template <class Model>
ModelEntry sdeEntry() {
#ifdef SLOPPY_HAVE_CUDA
  ModelRunner cuda = &runCuda<Model>;
#else
  ModelRunner cuda = nullptr;
#endif
  return ModelEntry{&Model::describe, &sdeInfo<Model>, &runSdeCpu<Model>, cuda};
}

ModelEntry rnn2Entry() {
#ifdef SLOPPY_HAVE_CUDA
  ModelRunner cuda = &runRnn2Cuda;
#else
  ModelRunner cuda = nullptr;
#endif
  return ModelEntry{&Rnn2::describe, &rnn2Info, &runRnn2Cpu, cuda};
}

const std::map<std::string, ModelEntry>& table() {
  static const std::map<std::string, ModelEntry> models = {
      {"ou", sdeEntry<Ou>()},
      {"lds2d", sdeEntry<Lds2d>()},
      {"stg", sdeEntry<Stg>()},
      {"sc", sdeEntry<Sc>()},
      {"v1", sdeEntry<V1>()},
      {"rnn2", rnn2Entry()},
  };
  return models;
}

}  // namespace

const std::vector<std::string>& modelNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& kv : table()) n.push_back(kv.first);
    return n;
  }();
  return names;
}

const ModelEntry* findModel(const std::string& name) {
  const auto it = table().find(name);
  return it == table().end() ? nullptr : &it->second;
}

}  // namespace sloppy
