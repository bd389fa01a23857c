#include "linearnet.h"

#include <Eigen/Dense>
#include <cmath>
#include <complex>

#include "../core/errors.h"
#include "../core/thread_pool.h"
#include "../sde/job.h"

namespace sloppy {
namespace {

using Complex = std::complex<double>;
using CMat = Eigen::MatrixXcd;
using RMat = Eigen::MatrixXd;

RMat systemMatrix(int n, const std::vector<double>& j, double tau0) {
  RMat a(n, n);
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) a(r, c) = (j[r * n + c] - (r == c ? 1.0 : 0.0)) / tau0;
  return a;
}

// φ(t) = (e^{λ_k t} − e^{λ_l t})/(λ_k − λ_l), and t·e^{λt} in the limit, without cancellation for close λ:
// e^{λ_l t}·t·(e^x − 1)/x with x = (λ_k − λ_l)t, by its series when |x| is small.
Complex phi(Complex lk, Complex ll, double t) {
  const Complex x = (lk - ll) * t;
  if (std::abs(x) < 0.1) {
    Complex term(1.0), sum(1.0);
    for (int q = 2; q < 14; ++q) {
      term *= x / static_cast<double>(q);
      sum += term;
    }
    return std::exp(ll * t) * t * sum;
  }
  return (std::exp(lk * t) - std::exp(ll * t)) / (lk - ll);
}

void check(const LinearNetJob& job) {
  const size_t n = static_cast<size_t>(job.n);
  if (job.n < 1 || job.j.size() != n * n || job.m.size() != n || job.readout.size() != n) {
    throw CodedError("ERR_INVALID_ARG_VALUE", "J must be N × N and m, n of length N");
  }
  if (!(job.tau0 > 0)) throw CodedError("ERR_INVALID_ARG_VALUE", "tau0 must be positive");
}

}  // namespace

LinearNetResult linearNetFilter(const LinearNetJob& job) {
  check(job);
  const int n = job.n;
  const int64_t count = static_cast<int64_t>(job.times.size());
  Eigen::EigenSolver<RMat> solver(systemMatrix(n, job.j, job.tau0));
  if (solver.info() != Eigen::Success) throw CodedError("ERR_NONFINITE", "the eigen-decomposition of J failed");
  const CMat v = solver.eigenvectors();
  const Eigen::VectorXcd lambda = solver.eigenvalues();
  Eigen::PartialPivLU<CMat> lu(v);
  const CMat vinv = lu.inverse();
  const Eigen::VectorXd mv = Eigen::Map<const Eigen::VectorXd>(job.m.data(), n);
  const Eigen::VectorXd nv = Eigen::Map<const Eigen::VectorXd>(job.readout.data(), n);
  const Eigen::VectorXcd alpha = v.transpose() * nv.cast<Complex>();
  const Eigen::VectorXcd beta = vinv * mv.cast<Complex>();
  // ∂f(t)/∂J = Re(L Φ(t) R)/τ₀² with L_ik = (V⁻¹)_ki α_k and R_lj = β_l V_jl.
  const CMat left = vinv.transpose() * alpha.asDiagonal();
  const CMat right = beta.asDiagonal() * v.transpose();

  LinearNetResult out;
  out.f.resize(count);
  out.dfdn.resize(count * n);
  if (job.jacobian) out.dfdj.resize(count * n * n);
  const double inv = 1.0 / job.tau0;
  std::atomic<int64_t> done{0};
  parallelFor(count, 4, job.threads, [&](int64_t begin, int64_t end) {
    CMat phiT(n, n);
    for (int64_t q = begin; q < end; ++q) {
      throwIfCancelled(job.cancelled);
      const double t = job.times[q];
      const Eigen::VectorXcd e = (lambda * t).array().exp();
      out.f[q] = (alpha.cwiseProduct(e).cwiseProduct(beta)).sum().real() * inv;
      const Eigen::VectorXd b = (v * e.cwiseProduct(beta)).real() * inv;
      for (int i = 0; i < n; ++i) out.dfdn[q * n + i] = b[i];
      if (!job.jacobian) continue;
      for (int k = 0; k < n; ++k)
        for (int l = 0; l < n; ++l) phiT(k, l) = phi(lambda[k], lambda[l], t);
      const RMat d = (left * phiT * right).real() * (inv * inv);
      for (int i = 0; i < n; ++i)
        for (int c = 0; c < n; ++c) out.dfdj[(q * n + i) * n + c] = d(i, c);
      const int64_t finished = ++done;
      if (job.progress && finished % 16 == 0) job.progress(static_cast<double>(finished) / count);
    }
  });
  for (double x : out.f) {
    if (!std::isfinite(x)) throw CodedError("ERR_NONFINITE", "the filter is not finite (J too close to defective?)");
  }
  return out;
}

std::vector<double> linearNetGramian(int n, const std::vector<double>& j, const std::vector<double>& m, double tau0) {
  if (n < 1 || j.size() != static_cast<size_t>(n) * n || m.size() != static_cast<size_t>(n) || !(tau0 > 0)) {
    throw CodedError("ERR_INVALID_ARG_VALUE", "J must be N × N and m of length N, tau0 positive");
  }
  // Complex Schur A = U T Uᴴ turns A W + W Aᵀ = −C into T Y + Y Tᴴ = −Uᴴ C U, solved column by column from
  // the last: (T + conj(T_jj)) y_j = −ĉ_j − Σ_{k>j} conj(T_jk) y_k.
  Eigen::ComplexSchur<CMat> schur(systemMatrix(n, j, tau0).cast<Complex>());
  if (schur.info() != Eigen::Success) throw CodedError("ERR_NONFINITE", "the Schur decomposition of J failed");
  const CMat& tri = schur.matrixT();
  const CMat& u = schur.matrixU();
  for (int k = 0; k < n; ++k) {
    if (!(tri(k, k).real() < 0)) throw CodedError("ERR_INVALID_ARG_VALUE", "J − 1 is not stable: the Gramian diverges");
  }
  const Eigen::VectorXcd c = u.adjoint() * (Eigen::Map<const Eigen::VectorXd>(m.data(), n) / tau0).cast<Complex>();
  const CMat rhs = -(c * c.adjoint());
  CMat y = CMat::Zero(n, n);
  for (int col = n - 1; col >= 0; --col) {
    Eigen::VectorXcd r = rhs.col(col);
    for (int k = col + 1; k < n; ++k) r -= std::conj(tri(col, k)) * y.col(k);
    CMat shifted = tri;
    shifted.diagonal().array() += std::conj(tri(col, col));
    y.col(col) = shifted.triangularView<Eigen::Upper>().solve(r);
  }
  const RMat w = (u * y * u.adjoint()).real();
  std::vector<double> out(static_cast<size_t>(n) * n);
  for (int r = 0; r < n; ++r)
    for (int q = 0; q < n; ++q) out[r * n + q] = 0.5 * (w(r, q) + w(q, r));
  return out;
}

}  // namespace sloppy
