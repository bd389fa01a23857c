#include "eigenvalues.h"

#include <Eigen/Dense>
#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace sloppy {
namespace {

using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

Eigen::Map<const RowMajor> view(const double* a, int n) {
  if (n < 0) throw std::invalid_argument("matrix size must be non-negative");
  return Eigen::Map<const RowMajor>(a, n, n);
}

}  // namespace

void eigenvaluesGeneral(const double* a, int n, std::vector<double>& re, std::vector<double>& im) {
  re.clear();
  im.clear();
  if (n == 0) return;
  Eigen::EigenSolver<Eigen::MatrixXd> solver(view(a, n), /*computeEigenvectors=*/false);
  if (solver.info() != Eigen::Success) throw std::runtime_error("eigenvalues: the QR iteration did not converge");
  const Eigen::VectorXcd& values = solver.eigenvalues();
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int i, int j) {
    if (values[i].real() != values[j].real()) return values[i].real() > values[j].real();
    return values[i].imag() > values[j].imag();
  });
  for (int i : order) {
    re.push_back(values[i].real());
    im.push_back(values[i].imag());
  }
}

void eigenSymmetric(const double* a, int n, std::vector<double>& values, std::vector<double>* vectors) {
  values.clear();
  if (vectors != nullptr) vectors->clear();
  if (n == 0) return;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(
      view(a, n), vectors != nullptr ? Eigen::ComputeEigenvectors : Eigen::EigenvaluesOnly);
  if (solver.info() != Eigen::Success) throw std::runtime_error("eigh: the symmetric eigensolver did not converge");
  values.assign(solver.eigenvalues().data(), solver.eigenvalues().data() + n);  // Eigen sorts them ascending
  if (vectors != nullptr) {
    const RowMajor v = solver.eigenvectors();
    vectors->assign(v.data(), v.data() + static_cast<size_t>(n) * n);
  }
}

}  // namespace sloppy
