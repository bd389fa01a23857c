// The built-in energies of Langevin dynamics, written once for one path (double, CPU and GPU) and for W paths
// side by side (Lanes<W>): Müller–Brown, the curved double well, a quadratic ½(θ−μ)ᵀA(θ−μ) and the MLP loss
// (1/n)·Σᵢ‖f(xᵢ; θ) − yᵢ‖² through mlp_net.h. Exponentials go through fastmath.h on every scalar type, so one
// path and a lane of W compute the same bits, and the TypeScript loop (which evaluates these same functions
// one path at a time) follows exactly the native trajectory.
#pragma once
#include "../core/fastmath.h"
#include "../core/lanes.h"
#include "../core/math.h"
#include "../landscape/mlp_net.h"

namespace sloppy {

enum class EnergyKind : int { MullerBrown = 0, CurvedDoubleWell = 1, Quadratic = 2, Network = 3 };

// Pointers refer to host memory on the CPU and to device memory inside a CUDA kernel.
struct EnergySpec {
  EnergyKind kind = EnergyKind::MullerBrown;
  int dim = 2;
  const double* mu = nullptr;  // quadratic: dim
  const double* A = nullptr;   // quadratic: dim × dim, symmetric, row-major
  NetShape shape;              // network
  ActivationSpec act;
  const double* x = nullptr;   // network data: points × inputs
  const double* y = nullptr;   // points × outputs
  int points = 0;
};

// Network point tile on the CPU (each weight loaded once per 4 points, as in network_cpu.cc); 1 on the GPU.
constexpr int kLangevinTile = 4;

// T values of scratch an energy needs per path (hidden pre-activations and activations of one tile).
SLOPPY_HD int energyScratch(const EnergySpec& e, int tile) {
  return e.kind == EnergyKind::Network ? 2 * e.shape.hidden() * tile : 0;
}

// fastmath's exp for one path (on either backend) and for lanes alike, so that CPU and GPU paths agree.
SLOPPY_HD double sameExp(double x) { return fm::exp(x); }
template <int W> SLOPPY_LANE_INLINE Lanes<W> sameExp(const Lanes<W>& x) { return m::exp(x); }

// Müller & Brown, Theor. Chim. Acta 53, 75 (1979): Σ_k A_k·exp(a_k dx² + b_k dx dy + c_k dy²). A function
// rather than constant arrays, which device code could not index.
struct MbTerm {
  double A, a, b, c, x0, y0;
};
SLOPPY_HD MbTerm mbTerm(int k) {
  switch (k) {
    case 0: return MbTerm{-200, -1, 0, -10, 1, 0};
    case 1: return MbTerm{-100, -1, 0, -10, 0, 0.5};
    case 2: return MbTerm{-170, -6.5, 11, -6.5, -0.5, 1.5};
    default: return MbTerm{15, 0.7, 0.6, 0.7, -1, 1};
  }
}

template <class T>
SLOPPY_LANE_INLINE T mullerBrown(const T* th, T* g) {
  T v(0.0), gx(0.0), gy(0.0);
  SLOPPY_UNROLL for (int k = 0; k < 4; ++k) {
    const MbTerm t = mbTerm(k);
    const T dx = th[0] - t.x0;
    const T dy = th[1] - t.y0;
    const T term = t.A * sameExp(t.a * dx * dx + t.b * dx * dy + t.c * dy * dy);
    v += term;
    gx += term * (2.0 * t.a * dx + t.b * dy);
    gy += term * (t.b * dx + 2.0 * t.c * dy);
  }
  g[0] = gx;
  g[1] = gy;
  return v;
}

// (x² − 1)² + 4(y − (1 − x²)/2)²: minima (±1, 0), saddle (0, 0.5).
template <class T>
SLOPPY_LANE_INLINE T curvedDoubleWell(const T* th, T* g) {
  const T x = th[0];
  const T u = th[1] - (1.0 - x * x) * 0.5;
  const T w = x * x - 1.0;
  g[0] = 4.0 * x * w + 8.0 * u * x;
  g[1] = 8.0 * u;
  return w * w + 4.0 * u * u;
}

template <class T>
SLOPPY_LANE_INLINE T quadratic(const EnergySpec& e, const T* th, T* g) {
  T v(0.0);
  for (int i = 0; i < e.dim; ++i) {
    T acc(0.0);
    for (int j = 0; j < e.dim; ++j) acc += e.A[i * e.dim + j] * (th[j] - e.mu[j]);
    g[i] = acc;
    v += (th[i] - e.mu[i]) * acc;
  }
  return 0.5 * v;
}

// The mean squared error over the data set, with its gradient: the landscape jobs' own loop.
template <int R, class T>
SLOPPY_LANE_INLINE T networkLoss(const EnergySpec& e, const T* th, T* g, T* scratch) {
  const NetShape& s = e.shape;
  for (int p = 0; p < s.params(); ++p) g[p] = T(0.0);
  const double scale = 1.0 / e.points;
  return datasetError<R>(s, e.act, th, e.x, e.y, e.points, scale, g, scratch, scratch + s.hidden() * R) * scale;
}

// U(θ) with ∇U written to g; `scratch` holds energyScratch(e, R) values.
template <int R, class T>
SLOPPY_LANE_INLINE T energyGradient(const EnergySpec& e, const T* th, T* g, T* scratch) {
  switch (e.kind) {
    case EnergyKind::MullerBrown: return mullerBrown(th, g);
    case EnergyKind::CurvedDoubleWell: return curvedDoubleWell(th, g);
    case EnergyKind::Quadratic: return quadratic(e, th, g);
    default: return networkLoss<R>(e, th, g, scratch);
  }
}

// The exact Hessian (dim × dim) of the closed-form energies; the network's comes from the landscape jobs.
inline void closedFormHessian(const EnergySpec& e, const double* th, double* h) {
  if (e.kind == EnergyKind::Quadratic) {
    for (int k = 0; k < e.dim * e.dim; ++k) h[k] = e.A[k];
    return;
  }
  const double x = th[0], y = th[1];
  if (e.kind == EnergyKind::CurvedDoubleWell) {
    const double u = y - (1.0 - x * x) * 0.5;
    h[0] = 20.0 * x * x - 4.0 + 8.0 * u;
    h[1] = h[2] = 8.0 * x;
    h[3] = 8.0;
    return;
  }
  double hxx = 0, hxy = 0, hyy = 0;
  for (int k = 0; k < 4; ++k) {
    const MbTerm t = mbTerm(k);
    const double dx = x - t.x0, dy = y - t.y0;
    const double term = t.A * fm::exp(t.a * dx * dx + t.b * dx * dy + t.c * dy * dy);
    const double px = 2.0 * t.a * dx + t.b * dy;
    const double py = t.b * dx + 2.0 * t.c * dy;
    hxx += term * (px * px + 2.0 * t.a);
    hxy += term * (px * py + t.b);
    hyy += term * (py * py + 2.0 * t.c);
  }
  h[0] = hxx;
  h[1] = h[2] = hxy;
  h[3] = hyy;
}

}  // namespace sloppy
