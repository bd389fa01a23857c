// Rank-2 RNN connectivity W = U'V'ᵀ of N neurons with quenched noise, U' = U + gχ, V' = V + gχ' (EPI paper,
// "Scaling EPI for stable amplification in RNNs"; epi-reference.md §4.3). Not an SDE: its two statistics are
// eigenvalue functions of W, evaluated per (parameter set, noise draw) with analytic gradients:
//   realLambda1  Re λ₁ of the 2×2 reduced matrix Wʳ = V'ᵀU' + eps·I, as the reference code computes it. Wʳ's
//                eigenvalues are W's two nonzero ones shifted by eps; W's N − 2 zero eigenvalues are ignored.
//   symLambda1   the largest eigenvalue of (W + Wᵀ)/2 on the full N×N matrix, found exactly from its rank-4
//                structure in O(N) work.
// z = [U (N×2 row-major), V (N×2 row-major)] has 4N entries with N an option, which is why this model has its
// own runners instead of the fixed-size Dual<P> engine. The math below runs per thread on both backends. The CPU
// draws a path's rows of [U' V'] beforehand, eight rows per vector (rnn2_cpu.cc), and both passes read them; a GPU
// thread (O(1) memory) draws each row where a pass needs it, twice, from the counter-based noise: the same numbers.
#pragma once
#include <string>
#include <vector>

#include "../core/errors.h"
#include "../linalg/jacobi.h"
#include "../sde/job.h"
#include "../sde/model.h"

namespace sloppy {

struct Rnn2 {
  static constexpr int kStats = 2;
  enum Option { kN, kG, kEps, kNumOptions };

  SLOPPY_HD static int neurons(const double* opt) { return intOption(opt[kN]); }

  // Row i of [U V], before the noise.
  SLOPPY_HD static void baseRow(int n, const double* z, int i, double q[4]) {
    q[0] = z[2 * i];
    q[1] = z[2 * i + 1];
    q[2] = z[2 * n + 2 * i];
    q[3] = z[2 * n + 2 * i + 1];
  }

  // Row i of Q = [U' V']: (U'ᵢ₀, U'ᵢ₁, V'ᵢ₀, V'ᵢ₁). Its noise is the 4 normals of step i of the quenched
  // stream, so any row can be drawn again without the others (z index 2i + k ↔ χ[k], 2N + 2i + k ↔ χ[2 + k]).
  SLOPPY_HD static void row(const double* opt, const double* z, const PathRng& rng, int i, double q[4]) {
    baseRow(neurons(opt), z, i, q);
    const double g = opt[kG];
    if (g != 0.0) {
      double chi[4];
      rng.normals(static_cast<uint32_t>(i), Stream::Quenched, chi, 4);
      for (int k = 0; k < 4; ++k) q[k] += g * chi[k];
    }
  }

  // Re λ₁ = ½(tr + Re√(tr² − 4 det)) of the 2×2 matrix a, and dA = ∂Re λ₁/∂a. For a complex pair, and at a zero
  // discriminant where the real branch's derivative is unbounded, the derivative is that of ½ tr.
  SLOPPY_HD static double realLambda1(const double a[2][2], double dA[2][2]) {
    const double tr = a[0][0] + a[1][1];
    const double disc = tr * tr - 4.0 * (a[0][0] * a[1][1] - a[0][1] * a[1][0]);
    const double root = disc > 0.0 ? sqrt(disc) : 0.0;
    // ∂disc/∂a = 2 tr·I − 4·cof(a), with cof(a) = ∂det/∂a = [[a₁₁, −a₁₀], [−a₀₁, a₀₀]].
    const double w = disc > 0.0 ? 0.5 / root : 0.0;
    dA[0][0] = 0.5 + w * (tr - 2.0 * a[1][1]);
    dA[1][1] = 0.5 + w * (tr - 2.0 * a[0][0]);
    dA[0][1] = w * 2.0 * a[1][0];
    dA[1][0] = w * 2.0 * a[0][1];
    return 0.5 * (tr + root);
  }

  // The top eigenpair of S = (W + Wᵀ)/2 in the form its gradient needs: λ, a = Qᵀv, and v itself (N ≤ 4)
  // or its coefficients c in v = Qc (N > 4).
  template <class T = double>
  struct SymTop {
    T lambda;
    T a[4];
    T v[kJacobiMax];
    T c[4];
  };

  // N ≤ 4: S is at most 4×4, so diagonalise it directly; this also gets its zero eigenvalues right.
  SLOPPY_HD static SymTop<> symSmall(const double q[4][4], int n) {
    double s[kJacobiMax][kJacobiMax], e[kJacobiMax][kJacobiMax];
    for (int i = 0; i < n; ++i) {
      for (int j = i; j < n; ++j) {
        s[i][j] = 0.5 * (q[i][0] * q[j][2] + q[i][1] * q[j][3] + q[i][2] * q[j][0] + q[i][3] * q[j][1]);
      }
    }
    jacobiEigen(s, e, n);
    const int top = jacobiArgmax(s, n);
    SymTop<> t{};
    t.lambda = s[top][top];
    for (int i = 0; i < n; ++i) t.v[i] = e[i][top];
    for (int k = 0; k < 4; ++k) {
      for (int i = 0; i < n; ++i) t.a[k] += q[i][k] * t.v[i];
    }
    return t;
  }

  // N > 4: S = ½ Q M Qᵀ with M = [[0, I], [I, 0]] (M swaps the U and V halves: index k ↔ k ^ 2). With the Gram
  // matrix G = QᵀQ = B Bᵀ, B = E Λ^½ from G's eigen-decomposition, S's nonzero eigenvalues are those of the
  // symmetric 4×4 H = ½ BᵀMB (AB and BA share nonzero eigenvalues), and Hy = hy gives Sv = hv for v = QMBy.
  // The other N − 4 eigenvalues of S are zero, so λ = max(h_max, 0). By Sylvester's law of inertia S has M's
  // two positive eigenvalues whenever Q has rank 4, so h_max ≤ 0 only for rank-deficient Q (e.g. V = −cU);
  // there λ = 0 with zero gradient (vᵀdSv = 0 for v ⊥ range Q). B stays accurate when G is singular: a zero
  // Λ only zeroes a column.
  // W paths' Gram matrices at once on the CPU (T = Lanes<W>, each lane exactly as alone), one on a GPU thread.
  // Lanes that fail a test keep the zero result instead of returning early, and the top eigenpair is chosen by
  // selects in the order jacobiArgmax takes.
  template <class T>
  SLOPPY_HD static SymTop<T> symLarge(const T gram[4][4]) {
    T g[kJacobiMax][kJacobiMax], e[kJacobiMax][kJacobiMax];
    for (int i = 0; i < 4; ++i) {
      for (int j = i; j < 4; ++j) g[i][j] = gram[i][j];
    }
    jacobiEigen(g, e, 4);
    T b[4][4];
    for (int j = 0; j < 4; ++j) {
      const T root = m::sqrt(m::max(g[j][j], T(0.0)));  // rounding can leave a zero Λ slightly negative
      for (int k = 0; k < 4; ++k) b[k][j] = e[k][j] * root;
    }
    T h[kJacobiMax][kJacobiMax], y[kJacobiMax][kJacobiMax];
    for (int j = 0; j < 4; ++j) {
      for (int l = j; l < 4; ++l) {
        T sum(0.0);
        for (int k = 0; k < 4; ++k) sum += b[k][j] * b[k ^ 2][l];
        h[j][l] = 0.5 * sum;
      }
    }
    jacobiEigen(h, y, 4);
    T top = h[0][0], yTop[4];
    for (int k = 0; k < 4; ++k) yTop[k] = y[k][0];
    for (int j = 1; j < 4; ++j) {
      const auto larger = h[j][j] > top;
      top = m::select(larger, h[j][j], top);
      for (int k = 0; k < 4; ++k) yTop[k] = m::select(larger, y[k][j], yTop[k]);
    }
    T c[4];
    for (int k = 0; k < 4; ++k) {
      c[k] = T(0.0);
      for (int j = 0; j < 4; ++j) c[k] += b[k ^ 2][j] * yTop[j];
    }
    // Normalise by the computed ‖Qc‖² = cᵀGc rather than the exact 4h², so v stays a unit vector under rounding.
    T gc[4], norm2(0.0);
    for (int k = 0; k < 4; ++k) {
      gc[k] = T(0.0);
      for (int l = 0; l < 4; ++l) gc[k] += gram[k][l] * c[l];
      norm2 += c[k] * gc[k];
    }
    const auto found = m::maskAnd(top > 0.0, norm2 > 0.0);
    const T inv = 1.0 / m::sqrt(m::select(found, norm2, T(1.0)));
    SymTop<T> t{};
    t.lambda = m::select(found, top, T(0.0));
    for (int k = 0; k < 4; ++k) {
      t.c[k] = m::select(found, c[k] * inv, T(0.0));
      t.a[k] = m::select(found, gc[k] * inv, T(0.0));
    }
    return t;
  }

  // Row i from the path's drawn rows, or drawn here when `rows` is null.
  SLOPPY_HD static void rowOf(const double* opt, const double* z, const PathRng& rng, const double* rows, int i,
                              double q[4]) {
    if (rows == nullptr) return row(opt, z, rng, i, q);
    for (int k = 0; k < 4; ++k) q[k] = rows[4 * i + k];
  }

  // What a path's rows add up to: Wʳ[k][l] = Σᵢ V'ᵢₖ U'ᵢₗ plus eps·I, and the upper triangle of QᵀQ mirrored
  // (N > 4) or the rows themselves (N ≤ 4). `rows` is null (the rows are drawn here) or the path's 4N rows.
  struct Sums {
    double wr[2][2];
    double gram[4][4];
    double small[4][4];
  };
  SLOPPY_HD static Sums sums(const double* opt, const double* z, const PathRng& rng, const double* rows) {
    const int n = neurons(opt);
    const double eps = opt[kEps];
    Sums s = {{{eps, 0.0}, {0.0, eps}}, {}, {}};
    for (int i = 0; i < n; ++i) {
      double q[4];
      rowOf(opt, z, rng, rows, i, q);
      for (int k = 0; k < 2; ++k) {
        for (int l = 0; l < 2; ++l) s.wr[k][l] += q[2 + k] * q[l];
      }
      if (n <= kJacobiMax) {
        for (int k = 0; k < 4; ++k) s.small[i][k] = q[k];
      } else {
        for (int k = 0; k < 4; ++k) {
          for (int l = k; l < 4; ++l) s.gram[k][l] += q[k] * q[l];
        }
      }
    }
    if (n > kJacobiMax) {
      for (int k = 0; k < 4; ++k) {
        for (int l = 0; l < k; ++l) s.gram[k][l] = s.gram[l][k];
      }
    }
    return s;
  }

  // The statistics of one (parameter set, noise draw) from its sums and S's top eigenpair and, when grad is not
  // null, their gradients (kStats × 4N, row-major): dRe λ₁ = Σ ∂Re λ₁/∂Wʳ ⊙ dWʳ with dWʳ = dV'ᵀU' + V'ᵀdU', and
  // for the unit top eigenvector v, dλˢ = vᵀ dS v = (vᵀdU')(V'ᵀv) + (vᵀdV')(U'ᵀv). The noise does not depend on
  // z, so d/dz = d/d[U' V'].
  SLOPPY_HD static void results(const double* opt, const double* z, const PathRng& rng, const double* rows,
                                const Sums& s, const SymTop<>& sym, double* stats, double* grad) {
    const int n = neurons(opt);
    double dWr[2][2];
    stats[0] = realLambda1(s.wr, dWr);
    stats[1] = sym.lambda;
    if (grad == nullptr) return;

    const int p = 4 * n;
    for (int i = 0; i < n; ++i) {
      double q[4];
      rowOf(opt, z, rng, rows, i, q);
      const double vi =
          n <= kJacobiMax ? sym.v[i] : q[0] * sym.c[0] + q[1] * sym.c[1] + q[2] * sym.c[2] + q[3] * sym.c[3];
      for (int k = 0; k < 2; ++k) {
        const int u = 2 * i + k, v = 2 * n + 2 * i + k;
        grad[u] = dWr[0][k] * q[2] + dWr[1][k] * q[3];  // Σₖ' ∂/∂Wʳ[k'][k] · V'ᵢₖ'
        grad[v] = dWr[k][0] * q[0] + dWr[k][1] * q[1];  // Σₗ ∂/∂Wʳ[k][l] · U'ᵢₗ
        grad[p + u] = vi * sym.a[2 + k];
        grad[p + v] = vi * sym.a[k];
      }
    }
  }

  // One path, start to end, drawing each row where a pass needs it: what a GPU thread runs (the CPU runs the
  // phases itself, eight paths at a time, rnn2_cpu.cc).
  SLOPPY_HD static void evaluate(const double* opt, const double* z, const PathRng& rng, double* stats,
                                 double* grad) {
    const int n = neurons(opt);
    const Sums s = sums(opt, z, rng, nullptr);
    results(opt, z, rng, nullptr, s, n <= kJacobiMax ? symSmall(s.small, n) : symLarge(s.gram), stats, grad);
  }

  static ModelInfo describe();
};

// The description for these options (N sets the parameter list); also what describe() returns at the defaults.
inline ModelInfo rnn2Info(const std::vector<double>& options) {
  // N = 100 is the reference script's setting and the one configuration with stored EPI results (D = 400);
  // the paper's scaling study sweeps N from 2 to 250 through this option.
  constexpr int kDefaultN = 100;
  // The binding asks for the description before it checks the options' length, so a wrong length falls back to
  // the defaults here and is rejected there.
  const double nOption = options.size() == Rnn2::kNumOptions ? options[Rnn2::kN] : kDefaultN;
  const int n = intOption(nOption);
  if (!(nOption >= 1) || nOption != n) {
    throw CodedError("ERR_INVALID_ARG_VALUE", "rnn2: option N must be a positive integer");
  }
  ModelInfo i;
  i.name = "rnn2";
  i.summary =
      "rank-2 RNN W = (U + g chi)(V + g chi')^T of N neurons; statistics Re(lambda1) of the reduced 2x2 matrix "
      "V'^T U' + eps I and the largest eigenvalue of (W + W^T)/2";
  // A stable, amplifying connectivity for any N: rows 0 and 1 give W's leading block [[0.3, 2], [0, 0.5]], so
  // Re λ₁ = 0.5 + eps and λˢ₁ = 0.4 + √1.01 ≈ 1.405 (the property asks for 0.5 ± 0.25 and 1.5 ± 0.25).
  const double example[2][2][2] = {{{1.0, 1.0}, {1.0, -0.5}}, {{0.1, 0.2}, {1.0, 1.0}}};  // [U|V][row][column]
  for (int m = 0; m < 2; ++m) {
    for (int r = 0; r < n; ++r) {
      for (int k = 0; k < 2; ++k) {
        const std::string name = std::string(m == 0 ? "U" : "V") + "[" + std::to_string(r) + "][" +
                                 std::to_string(k) + "]";
        i.params.push_back({name, "1", -1.0, 1.0, r < 2 ? example[m][r][k] : 0.0});
      }
    }
  }
  i.stats = {"realLambda1", "symLambda1"};
  i.state = {};
  i.options = {{"N", static_cast<double>(kDefaultN), "neurons; z holds U and V, each N x 2 row-major (4N parameters)",
                "positiveCount"},
               {"g", 0.01, "quenched noise scale: U' = U + g chi, V' = V + g chi', chi ~ N(0, 1), one draw per trial",
                "nonnegative"},
               {"eps", 0.01,
                "added to the reduced matrix V'^T U' before Re(lambda1): the paper-era code's EPS; later versions "
                "of that code drop it, and eps = 0 gives W's eigenvalue exactly"}};
  return i;
}

inline ModelInfo Rnn2::describe() { return rnn2Info({}); }

void runRnn2Cpu(const SimJob& job, SimResult& res);
void runRnn2Cuda(const SimJob& job, SimResult& res);

}  // namespace sloppy
