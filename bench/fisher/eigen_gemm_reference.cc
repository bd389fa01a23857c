// The Eigen peer of bench/gram.js, a reference and no part of sloppy: G = A·Aᵀ by Eigen's general matrix
// product (the full square, C += A·B with B = Aᵀ, not a triangle), over A streamed in column chunks generated
// on the fly as a(i, j) = sin(i·cols + j) — the chunks the bench hands sloppy and numpy. Built for this machine
// (-march=native, OpenMP: OMP_NUM_THREADS threads) as an Eigen user would build it.
// Usage: eigen_gemm_reference rows cols width [float64|float32], then one chunk index per line on stdin (A and G
// in that type, float64 by default): each is generated
// (untimed), multiplied into G and answered with {"seconds", "cpu"}: wall and process CPU time of its product, so that the bench can interleave the
// peers chunk by chunk. At end of input it prints {"trace", "corner", "eigen"}: two entries of G to check against
// the other sides.
#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

template <class Scalar>
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

static double cpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

template <class Scalar>
static void fill(Matrix<Scalar>& a, long cols, long first) {
  for (long i = 0; i < a.rows(); ++i)
    for (long k = 0; k < a.cols(); ++k) a(i, k) = static_cast<Scalar>(std::sin(static_cast<double>(i) * cols + first + k));
}

template <class Scalar>
static int run(long rows, long cols, long width) {
  Matrix<Scalar> g = Matrix<Scalar>::Zero(rows, rows);
  // A narrow untimed product first starts OpenMP's threads.
  Matrix<Scalar> warm(rows, std::min(width, 64L));
  fill(warm, cols, 0);
  g.noalias() += warm * warm.transpose();
  g.setZero();
  long c = 0;
  while (std::scanf("%ld", &c) == 1) {
    const long first = c * width;
    Matrix<Scalar> a(rows, std::min(width, cols - first));
    fill(a, cols, first);
    const double cpu = cpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    g.noalias() += a * a.transpose();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("{\"seconds\": %.9g, \"cpu\": %.9g}\n", seconds, cpuSeconds() - cpu);
    std::fflush(stdout);
  }
  std::printf("{\"trace\": %.17g, \"corner\": %.17g, \"eigen\": \"%d.%d.%d\"}\n", static_cast<double>(g.trace()),
              static_cast<double>(g(rows - 1, 0)), EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION);
  return 0;
}

int main(int argc, char** argv) {
  const bool single = argc == 5 && std::string(argv[4]) == "float32";
  if (argc < 4 || argc > 5 || (argc == 5 && !single && std::string(argv[4]) != "float64")) {
    std::fprintf(stderr, "usage: eigen_gemm_reference rows cols width [float64|float32] < chunk indices\n");
    return 2;
  }
  const long rows = std::atol(argv[1]), cols = std::atol(argv[2]), width = std::atol(argv[3]);
  return single ? run<float>(rows, cols, width) : run<double>(rows, cols, width);
}
