// Builds a model's registry entry functions from its describe(): the option-dependent fields come from
// the same steps()/traceSize() that the engine uses.
#pragma once
#include "job.h"
#include "model.h"

#include <string>
#include <type_traits>

namespace sloppy {

// Models with constraints between options define `static std::string checkOptions(const double* opt)`,
// returning "" when the options are consistent.
template <class Model, class = void>
struct HasOptionCheck : std::false_type {};
template <class Model>
struct HasOptionCheck<Model, std::void_t<decltype(Model::checkOptions(static_cast<const double*>(nullptr)))>>
    : std::true_type {};

template <class Model>
ModelInfo sdeInfo(const std::vector<double>& options) {
  ModelInfo i = Model::describe();
  if (options.size() != i.options.size()) return i;
  if constexpr (HasOptionCheck<Model>::value) i.optionError = Model::checkOptions(options.data());
  if (i.optionError.empty()) {
    i.steps = Model::steps(options.data());
    i.traceSize = Model::traceSize(options.data());
  }
  return i;
}

}  // namespace sloppy
