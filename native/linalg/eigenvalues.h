// Dense eigenvalue problems on the host through Eigen, for JavaScript's linalg.eigenvalues / linalg.eigh and
// for checks of the models' closed-form eigenvalue statistics. Matrices are n×n, row-major.
#pragma once
#include <vector>

namespace sloppy {

// Eigenvalues of a general real matrix as real and imaginary parts, sorted by descending real part (ties by
// descending imaginary part, so a conjugate pair lists +i first). Throws std::runtime_error if Eigen's QR
// iteration does not converge.
void eigenvaluesGeneral(const double* a, int n, std::vector<double>& re, std::vector<double>& im);

// Eigenvalues of a symmetric matrix in ascending order; only its lower triangle is read (numpy's eigh
// default). With vectors non-null, also the orthonormal eigenvectors, n×n row-major with column j belonging
// to values[j] (numpy's convention). Throws std::runtime_error if the solver does not converge.
void eigenSymmetric(const double* a, int n, std::vector<double>& values, std::vector<double>* vectors);

}  // namespace sloppy
