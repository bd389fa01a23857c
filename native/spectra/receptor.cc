#include "receptor.h"

#include <Eigen/Dense>
#include <cmath>

#include "../core/errors.h"
#include "../core/thread_pool.h"
#include "../sde/job.h"
#include "hyp1f1.h"

namespace sloppy {
namespace {

using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// κ(x_n − x_m) for every pair, and on request its gradient (d[α]) and Hessian (e[αβ], packed 00, 01, 11)
// in Δ = x_n − x_m; diagonals of d and e are zero because no receptor moves relative to itself.
struct PairKernel {
  Mat k, d[2], e[3];
};


PairKernel freeKernel(const ReceptorJob& job, int64_t n, bool derivatives) {
  const double a = 0.5 * job.geometry.eta;
  const double* x = job.positions.data();
  PairKernel p;
  p.k = Mat::Identity(n, n);
  if (derivatives) {
    for (auto& m : p.d) m = Mat::Zero(n, n);
    for (auto& m : p.e) m = Mat::Zero(n, n);
  }
  parallelFor(n, 8, job.threads, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        if (i == j) continue;
        const double dx = x[2 * i] - x[2 * j], dy = x[2 * i + 1] - x[2 * j + 1];
        const double z = 0.25 * (dx * dx + dy * dy);
        p.k(i, j) = kummerNegative(a, 1.0, z);
        if (!derivatives) continue;
        // κ(s = r²): κ' = −(a/4)·M(a+1; 2; −s/4), κ'' = a(a+1)/32·M(a+2; 3; −s/4).
        const double k1 = -0.25 * a * kummerNegative(a + 1.0, 2.0, z);
        const double k2 = a * (a + 1.0) / 32.0 * kummerNegative(a + 2.0, 3.0, z);
        p.d[0](i, j) = 2.0 * k1 * dx;
        p.d[1](i, j) = 2.0 * k1 * dy;
        p.e[0](i, j) = 4.0 * k2 * dx * dx + 2.0 * k1;
        p.e[1](i, j) = 4.0 * k2 * dx * dy;
        p.e[2](i, j) = 4.0 * k2 * dy * dy + 2.0 * k1;
      }
    }
  });
  return p;
}

// The torus sum runs over half of the reciprocal lattice (k and −k give the same cosine), as products of
// N × K cosine and sine tables: cos(k·(x_n − x_m)) = C_n C_m + S_n S_m, sin(…) = S_n C_m − C_n S_m.
PairKernel periodicKernel(const ReceptorJob& job, int64_t n, bool derivatives) {
  const double* t = job.geometry.torus;
  const double det = t[0] * t[3] - t[1] * t[2];
  if (!(std::fabs(det) > 0)) throw CodedError("ERR_INVALID_ARG_VALUE", "the torus's period vectors are parallel");
  // Reciprocal vectors b_i with b_i·t_j = 2π δ_ij.
  const double twoPi = 2.0 * M_PI;
  const double b1[2] = {twoPi * t[3] / det, -twoPi * t[2] / det};
  const double b2[2] = {-twoPi * t[1] / det, twoPi * t[0] / det};
  const double kMax2 = 40.0;  // e^{−|k|²} < 5e-18 beyond
  const double cell = std::fabs(b1[0] * b2[1] - b1[1] * b2[0]);
  const int range = static_cast<int>(std::ceil(std::sqrt(kMax2) * std::max(std::hypot(b1[0], b1[1]),
                                                                         std::hypot(b2[0], b2[1])) / cell)) + 1;
  std::vector<double> kx, ky, w;
  double total = 0.0;
  for (int i = 0; i <= range; ++i) {
    for (int j = -range; j <= range; ++j) {
      if (i == 0 && j <= 0) continue;
      const double qx = i * b1[0] + j * b2[0], qy = i * b1[1] + j * b2[1];
      const double q2 = qx * qx + qy * qy;
      if (q2 > kMax2) continue;
      const double weight = std::pow(q2, 0.5 * job.geometry.eta - 1.0) * std::exp(-q2);
      kx.push_back(qx);
      ky.push_back(qy);
      w.push_back(weight);
      total += 2.0 * weight;
    }
  }
  const int64_t kCount = static_cast<int64_t>(w.size());
  if (kCount == 0) throw CodedError("ERR_INVALID_ARG_VALUE", "the torus is too small for the blur");
  const double* x = job.positions.data();
  Mat c(n, kCount), s(n, kCount);
  parallelFor(n, 16, job.threads, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      for (int64_t q = 0; q < kCount; ++q) {
        const double phase = kx[q] * x[2 * i] + ky[q] * x[2 * i + 1];
        c(i, q) = std::cos(phase);
        s(i, q) = std::sin(phase);
      }
    }
  });
  Eigen::VectorXd weights(kCount), wx(kCount), wy(kCount);
  for (int64_t q = 0; q < kCount; ++q) {
    weights[q] = 2.0 * w[q] / total;
    wx[q] = weights[q] * kx[q];
    wy[q] = weights[q] * ky[q];
  }
  const auto cosSum = [&](const Eigen::VectorXd& v) -> Mat {
    return c * v.asDiagonal() * c.transpose() + s * v.asDiagonal() * s.transpose();
  };
  const auto sinSum = [&](const Eigen::VectorXd& v) -> Mat {
    return s * v.asDiagonal() * c.transpose() - c * v.asDiagonal() * s.transpose();
  };
  PairKernel p;
  p.k = cosSum(weights);
  if (derivatives) {
    p.d[0] = -sinSum(wx);
    p.d[1] = -sinSum(wy);
    p.e[0] = -cosSum(wx.cwiseProduct(Eigen::Map<Eigen::VectorXd>(kx.data(), kCount)));
    p.e[1] = -cosSum(wx.cwiseProduct(Eigen::Map<Eigen::VectorXd>(ky.data(), kCount)));
    p.e[2] = -cosSum(wy.cwiseProduct(Eigen::Map<Eigen::VectorXd>(ky.data(), kCount)));
    for (auto& m : p.d) m.diagonal().setZero();
    for (auto& m : p.e) m.diagonal().setZero();
  }
  return p;
}

}  // namespace

std::vector<double> receptorFreeKernel(const std::vector<double>& r2, double eta) {
  std::vector<double> out(r2.size());
  for (size_t i = 0; i < r2.size(); ++i) out[i] = kummerNegative(0.5 * eta, 1.0, 0.25 * r2[i]);
  return out;
}

ReceptorResult receptorEvaluate(const ReceptorJob& job) {
  const int64_t n = static_cast<int64_t>(job.positions.size() / 2);
  if (n < 1 || job.positions.size() % 2 != 0) throw CodedError("ERR_INVALID_ARG_VALUE", "positions must be N × 2");
  if (job.snr.empty()) throw CodedError("ERR_INVALID_ARG_VALUE", "at least one SNR is required");
  const bool derivatives = job.gradient || job.hessian;
  if (derivatives && job.snr.size() != 1) throw CodedError("ERR_INVALID_ARG_VALUE", "derivatives take one SNR");
  const PairKernel p = job.geometry.periodic ? periodicKernel(job, n, derivatives) : freeKernel(job, n, derivatives);
  throwIfCancelled(job.cancelled);
  if (job.progress) job.progress(0.2);

  ReceptorResult out;
  const double bitsPerCell = 1.0 / (2.0 * n * std::log(2.0));
  Eigen::LLT<Mat> llt;
  for (size_t q = 0; q < job.snr.size(); ++q) {
    Mat b = job.snr[q] * p.k;
    b.diagonal().array() += 1.0;
    llt.compute(b);
    if (llt.info() != Eigen::Success) throw CodedError("ERR_NONFINITE", "1 + SNR·K is not positive definite");
    out.value.push_back(2.0 * llt.matrixLLT().diagonal().array().log().sum() * bitsPerCell);
    throwIfCancelled(job.cancelled);
  }
  if (!derivatives) return out;

  const double snr = job.snr[0];
  const Mat g = llt.solve(Mat::Identity(n, n));  // G = (1 + SNR·K)⁻¹
  if (job.progress) job.progress(0.4);
  Mat d[2] = {snr * p.d[0], snr * p.d[1]};
  // ∂ log det / ∂x_nα = 2 Σ_m G_nm D^α_nm (both B_nm and B_mn move with x_n).
  out.gradient.resize(2 * n);
  for (int a = 0; a < 2; ++a) {
    const Eigen::VectorXd row = 2.0 * g.cwiseProduct(d[a]).rowwise().sum();
    for (int64_t i = 0; i < n; ++i) out.gradient[2 * i + a] = row[i] * bitsPerCell;
  }
  if (!job.hessian) return out;

  // ∂² log det = tr(G ∂²B) − tr(G ∂B G ∂B). With u the n-th row of D^α and v the p-th row of D^β, the
  // second trace is 2 (G u)_p (G v)_n + 2 G_np uᵀGv, i.e. 2 Pᵅ_pn Pᵝ_np + 2 G_np (Dᵅ Pᵝ)_np with Pᵅ = G Dᵅᵀ.
  const Mat pm[2] = {-(g * d[0]), -(g * d[1])};  // Dᵅ is antisymmetric: G Dᵅᵀ = −G Dᵅ
  throwIfCancelled(job.cancelled);
  if (job.progress) job.progress(0.6);
  out.hessian.assign(4 * n * n, 0.0);
  const int pairs[3][2] = {{0, 0}, {0, 1}, {1, 1}};
  for (int blk = 0; blk < 3; ++blk) {
    const int a = pairs[blk][0], b = pairs[blk][1];
    const Mat q = d[a] * pm[b];
    const Mat e = snr * p.e[blk];
    const Eigen::VectorXd diag = 2.0 * g.cwiseProduct(e).rowwise().sum();
    throwIfCancelled(job.cancelled);
    parallelFor(n, 16, job.threads, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        for (int64_t j = a == b ? i : 0; j < n; ++j) {  // a diagonal block: one triangle, mirrored
          const double first = i == j ? diag[i] : -2.0 * g(i, j) * e(i, j);
          const double second = 2.0 * pm[a](j, i) * pm[b](i, j) + 2.0 * g(i, j) * q(i, j);
          const double h = (first - second) * bitsPerCell;
          out.hessian[(2 * i + a) * 2 * n + 2 * j + b] = h;
          out.hessian[(2 * j + b) * 2 * n + 2 * i + a] = h;
        }
      }
    });
    if (job.progress) job.progress(0.6 + 0.13 * (blk + 1));
  }
  return out;
}

}  // namespace sloppy
