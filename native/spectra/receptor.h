// Information captured by an array of N receptors (Box 1 of the "optimization and variability" seed):
// F = I/N with I = ½ log₂ det(1 + SNR·K), K_nm = κ(x_n − x_m), κ(0) = 1, and its exact gradient and Hessian
// with respect to all 2N coordinates. Two kernels:
//  - free: κ = ₁F₁(η/2; 1; −r²/4), the closed form of Eq. 6 with the blur width as unit of length;
//  - periodic: the same spectrum on a torus, κ(Δ) ∝ Σ_{k≠0} |k|^{η−2} e^{−|k|²} cos(k·Δ) over the torus's
//    reciprocal lattice, where a hexagonal lattice is a stationary point (the free patch is a saddle).
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

namespace sloppy {

struct ReceptorGeometry {
  double eta = 0.2;
  bool periodic = false;
  double torus[4] = {0, 0, 0, 0};  // periodic only: the torus's two period vectors (x1, y1, x2, y2)
};

struct ReceptorJob {
  ReceptorGeometry geometry;
  std::vector<double> positions;  // N × 2, row-major
  std::vector<double> snr;        // information: one F per SNR; derivatives: exactly one
  bool gradient = false, hessian = false;
  int threads = 0;
  const std::atomic<bool>* cancelled = nullptr;
  std::function<void(double)> progress;
};

struct ReceptorResult {
  std::vector<double> value;     // F (bits per receptor), one per SNR
  std::vector<double> gradient;  // 2N: ∂F/∂(x_1, y_1, x_2, …)
  std::vector<double> hessian;   // 2N × 2N, same ordering
};

// ₁F₁(η/2; 1; −r²/4) for each squared distance: the free kernel, exposed for tests against quadrature.
std::vector<double> receptorFreeKernel(const std::vector<double>& r2, double eta);

// Throws CodedError ERR_INVALID_ARG_VALUE for a malformed job, Cancelled when cancelled between phases.
ReceptorResult receptorEvaluate(const ReceptorJob& job);

}  // namespace sloppy
