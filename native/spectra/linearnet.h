// The filter of a linear recurrent network (Box 4 of the "optimization and variability" seed):
// τ₀ dx/dt = −x + Jx + m u(t), z = n·x, so z = f ∗ u with f(t) = nᵀ e^{At} m / τ₀, A = (J − 1)/τ₀.
// Evaluated in the eigenbasis of A, where the exact derivative of f(t) with respect to J_ij is
// (1/τ₀²) Σ_kl (V⁻¹)_ki α_k φ_kl(t) β_l V_jl, α = Vᵀn, β = V⁻¹m, φ_kl(t) = ∫₀ᵗ e^{λ_k(t−s)} e^{λ_l s} ds;
// and the readout Hessian's Gramian W = ∫ (e^{At}m/τ₀)(e^{At}m/τ₀)ᵀ dt by a Bartels–Stewart Lyapunov solve.
#pragma once
#include <atomic>
#include <functional>
#include <vector>

namespace sloppy {

struct LinearNetJob {
  int n = 0;                   // neurons N
  std::vector<double> j;       // N × N, row-major (J_ij: from j to i)
  std::vector<double> m, readout;
  double tau0 = 1.0;
  std::vector<double> times;   // where to evaluate f
  bool jacobian = false;       // also ∂f(t)/∂J, T × N² (row t, column i·N + j)
  int threads = 0;
  const std::atomic<bool>* cancelled = nullptr;
  std::function<void(double)> progress;
};

struct LinearNetResult {
  std::vector<double> f;        // T
  std::vector<double> dfdn;     // T × N: e^{At}m/τ₀
  std::vector<double> dfdj;     // T × N² when asked
};

// Throws CodedError ERR_INVALID_ARG_VALUE for a malformed job, ERR_NONFINITE when A is not diagonalisable
// to working precision, Cancelled when cancelled.
LinearNetResult linearNetFilter(const LinearNetJob& job);

// W with A W + W Aᵀ + (m/τ₀)(m/τ₀)ᵀ = 0 (N × N, row-major). Throws ERR_INVALID_ARG_VALUE unless A is stable.
std::vector<double> linearNetGramian(int n, const std::vector<double>& j, const std::vector<double>& m, double tau0);

}  // namespace sloppy
