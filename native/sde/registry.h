// The table of built-in models: name → description and the backends that run it.
#pragma once
#include <string>
#include <vector>

#include "../core/model_info.h"
#include "job.h"

namespace sloppy {

using ModelRunner = void (*)(const SimJob&, SimResult&);

struct ModelEntry {
  ModelInfo (*describe)();                              // static description; options at their defaults
  ModelInfo (*info)(const std::vector<double>& options);  // plus steps and trace size for these options
  ModelRunner cpu;
  ModelRunner cuda;  // null when the CUDA backend is not compiled
};

const std::vector<std::string>& modelNames();
const ModelEntry* findModel(const std::string& name);

}  // namespace sloppy
