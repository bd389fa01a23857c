// Adam (Kingma & Ba 2015) with TensorFlow's defaults (ε = 1e-7, as the reference implementation used),
// one weight at a time so that both backends share it.
#pragma once
#include <cmath>
#include <cstdint>

#include "../core/hd.h"

namespace sloppy {

struct AdamConfig {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-7;
};

// The step size at step t (1-based), with Adam's bias correction folded in.
SLOPPY_HD double adamStepSize(const AdamConfig& c, int64_t t) {
  return c.lr * ::sqrt(1.0 - ::pow(c.beta2, static_cast<double>(t))) / (1.0 - ::pow(c.beta1, static_cast<double>(t)));
}

// One update of one weight with step size lrT = adamStepSize(c, t).
SLOPPY_HD void adamUpdate(const AdamConfig& c, double lrT, double g, double& w, double& m1, double& m2) {
  m1 = c.beta1 * m1 + (1.0 - c.beta1) * g;
  m2 = c.beta2 * m2 + (1.0 - c.beta2) * g * g;
  w -= lrT * m1 / (::sqrt(m2) + c.eps);
}

}  // namespace sloppy
