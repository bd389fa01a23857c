// Builds a model's registry entry functions from its describe(): the option-dependent fields come from
// the same steps()/traceSize() that the engine uses.
#pragma once
#include "job.h"
#include "model.h"

namespace sloppy {

template <class Model>
ModelInfo sdeInfo(const std::vector<double>& options) {
  ModelInfo i = Model::describe();
  i.steps = Model::steps(options.data());
  i.traceSize = Model::traceSize(options.data());
  return i;
}

}  // namespace sloppy
