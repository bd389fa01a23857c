// Cyclic Jacobi eigen-decomposition of a small symmetric matrix (n ≤ kJacobiMax) in fixed-size arrays, for
// per-thread use on both backends where Eigen cannot go. Jacobi is chosen over QR iterations because each
// rotation is exactly orthogonal, so eigenvectors stay orthonormal to rounding, and for n ≤ 4 it converges
// quadratically within a handful of sweeps.
#pragma once
#include "../core/hd.h"

namespace sloppy {

constexpr int kJacobiMax = 4;

// On return a[j][j] holds the eigenvalues (unsorted) and column j of v the matching unit eigenvector; the
// off-diagonal of a is destroyed. Only a's upper triangle is read.
SLOPPY_HD void jacobiEigen(double a[kJacobiMax][kJacobiMax], double v[kJacobiMax][kJacobiMax], int n) {
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) v[i][j] = i == j ? 1.0 : 0.0;
  }
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < i; ++j) a[i][j] = a[j][i];
  }
  // 30 sweeps is far beyond the ~6 a 4×4 needs; the bound only guards against non-finite input.
  for (int sweep = 0; sweep < 30; ++sweep) {
    double off = 0.0, diag = 0.0;
    for (int p = 0; p < n; ++p) {
      diag += a[p][p] * a[p][p];
      for (int q = p + 1; q < n; ++q) off += a[p][q] * a[p][q];
    }
    if (!(off > 1e-36 * diag)) break;  // off-diagonal norm below 1e-18 of the diagonal's
    for (int p = 0; p < n; ++p) {
      for (int q = p + 1; q < n; ++q) {
        const double apq = a[p][q];
        // Negligible against both diagonal entries: rotating would change nothing but rounding.
        const double small = 100.0 * fabs(apq);
        if (fabs(a[p][p]) + small == fabs(a[p][p]) && fabs(a[q][q]) + small == fabs(a[q][q])) {
          a[p][q] = a[q][p] = 0.0;
          continue;
        }
        // The smaller rotation angle, t = tan θ, as in Golub & Van Loan §8.5.2. √(θ² + 1) rather than hypot, a
        // slow library call on the rotation's critical path; past 1e150, where θ² would overflow, it is |θ|.
        const double theta = (a[q][q] - a[p][p]) / (2.0 * apq);
        const double size = fabs(theta);
        const double root = size < 1e150 ? sqrt(theta * theta + 1.0) : size;
        const double t = (theta >= 0 ? 1.0 : -1.0) / (size + root);
        const double c = 1.0 / sqrt(t * t + 1.0);
        const double s = t * c;
        for (int k = 0; k < n; ++k) {
          const double akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; ++k) {
          const double apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        a[p][q] = a[q][p] = 0.0;  // zero by construction; storing the rounding residue only slows convergence
        for (int k = 0; k < n; ++k) {
          const double vkp = v[k][p], vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
}

// Index of the largest eigenvalue after jacobiEigen.
SLOPPY_HD int jacobiArgmax(const double a[kJacobiMax][kJacobiMax], int n) {
  int best = 0;
  for (int j = 1; j < n; ++j) {
    if (a[j][j] > a[best][best]) best = j;
  }
  return best;
}

}  // namespace sloppy
