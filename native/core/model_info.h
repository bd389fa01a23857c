// Host-side description of a built-in model: what JavaScript sees through models() and what the
// TypeScript layer validates against. Kept beside the equations so names, order and defaults never drift.
#pragma once
#include <limits>
#include <string>
#include <vector>

namespace sloppy {

constexpr double kInf = std::numeric_limits<double>::infinity();
// The default of an option whose value the model otherwise draws itself (a random initial state).
constexpr double kUnset = std::numeric_limits<double>::quiet_NaN();

struct ParamInfo {
  std::string name;
  std::string unit;
  double lower;
  double upper;
  double value;  // a published or representative point, used by demos and as a documented example
};

// What values an option accepts; TypeScript checks them before a job starts. "real" is any finite
// number, "positive" > 0, "nonnegative" ≥ 0, "count" an integer ≥ 0, "positiveCount" an integer ≥ 1,
// "flag" 0 or 1, "sign" −1 or +1.
struct OptionInfo {
  std::string name;
  double value;  // default
  std::string doc;
  std::string kind = "real";
};

struct ModelInfo {
  std::string name;
  std::string summary;
  std::vector<ParamInfo> params;
  std::vector<std::string> stats;
  std::vector<std::string> state;
  std::vector<OptionInfo> options;
  std::string optionError;  // why the given options are inconsistent with each other, if they are
  int traceSize = 0;        // scratch scalars per path for the given options
  int steps = 0;      // Euler–Maruyama steps for the given options
};

}  // namespace sloppy
