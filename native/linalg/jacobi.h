// Cyclic Jacobi eigen-decomposition of a small symmetric matrix (n ≤ kJacobiMax) in fixed-size arrays, for
// per-thread use on both backends where Eigen cannot go. Jacobi is chosen over QR iterations because each
// rotation is exactly orthogonal, so eigenvectors stay orthonormal to rounding, and for n ≤ 4 it converges
// quadratically within a handful of sweeps.
#pragma once
#include "../core/math.h"

namespace sloppy {

constexpr int kJacobiMax = 4;

// On return a[j][j] holds the eigenvalues (unsorted) and column j of v the matching unit eigenvector; the
// off-diagonal of a is destroyed. Only a's upper triangle is read. T is double, or Lanes<W> on the host: W
// matrices side by side, each lane doing exactly what it would do alone (a lane that has converged, or whose
// rotation is negligible, keeps its numbers through selects), so lanes and single matrices agree bit for bit.
template <class T>
SLOPPY_HD void jacobiEigen(T a[kJacobiMax][kJacobiMax], T v[kJacobiMax][kJacobiMax], int n) {
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) v[i][j] = T(i == j ? 1.0 : 0.0);
  }
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < i; ++j) a[i][j] = a[j][i];
  }
  auto active = T(0.0) == T(0.0);  // true in every lane: no matrix has converged yet
  // 30 sweeps is far beyond the ~6 a 4×4 needs; the bound only guards against non-finite input.
  for (int sweep = 0; sweep < 30; ++sweep) {
    T off(0.0), diag(0.0);
    for (int p = 0; p < n; ++p) {
      diag += a[p][p] * a[p][p];
      for (int q = p + 1; q < n; ++q) off += a[p][q] * a[p][q];
    }
    active = m::maskAnd(active, off > 1e-36 * diag);  // off-diagonal norm below 1e-18 of the diagonal's: done
    if (!m::anyOf(active)) break;
    for (int p = 0; p < n; ++p) {
      for (int q = p + 1; q < n; ++q) {
        const T apq = a[p][q];
        // Negligible against both diagonal entries: rotating would change nothing but rounding.
        const T small = 100.0 * m::abs(apq);
        const auto negligible = m::maskAnd(m::abs(a[p][p]) + small == m::abs(a[p][p]),
                                          m::abs(a[q][q]) + small == m::abs(a[q][q]));
        const auto rotate = m::maskAnd(active, m::maskNot(negligible));
        // Zero by construction after a rotation, and set to zero where negligible; storing the rounding residue
        // only slows convergence.
        const T cleared = m::select(active, T(0.0), apq);
        if (!m::anyOf(rotate)) {
          a[p][q] = a[q][p] = cleared;
          continue;
        }
        // The smaller rotation angle, t = tan θ, as in Golub & Van Loan §8.5.2. √(θ² + 1) rather than hypot, a
        // slow library call on the rotation's critical path; past 1e150, where θ² would overflow, it is |θ|.
        const T theta = (a[q][q] - a[p][p]) / (2.0 * apq);
        const T size = m::abs(theta);
        const T root = m::select(size < 1e150, m::sqrt(theta * theta + 1.0), size);
        const T t = m::select(theta >= 0.0, T(1.0), T(-1.0)) / (size + root);
        const T c = 1.0 / m::sqrt(t * t + 1.0);
        const T s = t * c;
        for (int k = 0; k < n; ++k) {
          const T akp = a[k][p], akq = a[k][q];
          a[k][p] = m::select(rotate, c * akp - s * akq, akp);
          a[k][q] = m::select(rotate, s * akp + c * akq, akq);
        }
        for (int k = 0; k < n; ++k) {
          const T apk = a[p][k], aqk = a[q][k];
          a[p][k] = m::select(rotate, c * apk - s * aqk, apk);
          a[q][k] = m::select(rotate, s * apk + c * aqk, aqk);
        }
        a[p][q] = a[q][p] = cleared;
        for (int k = 0; k < n; ++k) {
          const T vkp = v[k][p], vkq = v[k][q];
          v[k][p] = m::select(rotate, c * vkp - s * vkq, vkp);
          v[k][q] = m::select(rotate, s * vkp + c * vkq, vkq);
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
