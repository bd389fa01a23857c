// Kummer's confluent hypergeometric function M(α; β; −z) for z ≥ 0, as the receptor-array kernel needs it
// (α = η/2 + k, β = 1 + k). Two regimes, each free of cancellation:
//  - z < kAsymptoticFrom: Kummer's transformation M(α; β; −z) = e^{−z} M(β − α; β; z), whose series has only
//    positive terms for β > α, so its relative error is a few ulps times the number of terms;
//  - otherwise the large-z expansion Γ(β)/Γ(β − α) z^{−α} Σ_j (α)_j (α − β + 1)_j / j! z^{−j}, truncated at its
//    smallest term; the exponentially small companion e^{−z}(…) is below 1e-17 relative there.
#pragma once
#include <cmath>

namespace sloppy {

constexpr double kAsymptoticFrom = 40.0;

inline double kummerNegative(double alpha, double beta, double z) {
  if (z < kAsymptoticFrom) {
    const double c = beta - alpha;
    double term = 1.0, sum = 1.0;
    for (int j = 0; j < 10000; ++j) {
      term *= (c + j) * z / ((beta + j) * (j + 1.0));
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return std::exp(-z) * sum;
  }
  const double a2 = alpha - beta + 1.0;
  double term = 1.0, sum = 1.0;
  for (int j = 0; j < 200; ++j) {
    const double next = term * (alpha + j) * (a2 + j) / ((j + 1.0) * z);
    if (std::fabs(next) >= std::fabs(term)) break;  // the expansion is asymptotic: stop at its smallest term
    term = next;
    sum += term;
    if (std::fabs(term) < 1e-17 * std::fabs(sum)) break;
  }
  return std::exp(std::lgamma(beta) - std::lgamma(beta - alpha) - alpha * std::log(z)) * sum;
}

}  // namespace sloppy
