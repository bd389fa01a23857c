// The network jobs on the GPU: one thread per network running the per-point routines of native/landscape/
// on doubles, with its weights, gradient and optimizer slots in thread-local arrays of a capacity fixed at
// compile time (the kernel is instantiated for the paper's small networks and for larger ones). Between
// launches of a slab of steps the state lives in global memory parameter-major, so loads and stores coalesce
// across a warp; the data set is read by every thread at the same address and broadcast.
#include <algorithm>
#include <string>
#include <vector>

#include "../core/errors.h"
#include "../landscape/init.h"
#include "../landscape/mlp_net.h"
#include "../landscape/network.h"
#include "../sde/job.h"
#include "check.cuh"

namespace sloppy {
namespace {

constexpr int kThreads = 128;
constexpr int kSlab = 200;  // optimizer steps per launch: progress and cancellation between launches

struct DeviceData {
  NetShape shape;
  ActivationSpec act;
  const double* x;
  const double* y;
  int points;
};

__device__ double pointsError(const DeviceData& d, const double* w, double* g, double* z, double* a) {
  return datasetError<1>(d.shape, d.act, w, d.x, d.y, d.points, 1.0 / d.points, g, z, a);
}

template <int Cap>
__global__ void initKernel(NetShape s, int64_t count, uint64_t seed, uint64_t firstFit, const double* init,
                           double* state) {
  const int64_t n = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (n >= count) return;
  const int P = s.params();
  double w[Cap];
  if (init != nullptr) {
    for (int p = 0; p < P; ++p) w[p] = init[n * P + p];
  } else {
    glorotUniform(s, seed, firstFit + n, w);
  }
  for (int p = 0; p < P; ++p) {
    state[(0 * P + p) * count + n] = w[p];
    state[(1 * P + p) * count + n] = 0.0;
    state[(2 * P + p) * count + n] = 0.0;
  }
}

template <int Cap>
__global__ void fitKernel(DeviceData d, OptimizerSpec opt, int64_t count, int firstStep, int steps, int totalSteps,
                          uint64_t seed, uint64_t firstFit, int stride, int curvePoints, double* state,
                          double* curves) {
  const int64_t n = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (n >= count) return;
  const int P = d.shape.params();
  double w[Cap], g[Cap], s1[Cap], s2[Cap];
  double z[Cap], a[Cap];  // K·N ≤ P
  for (int p = 0; p < P; ++p) {
    w[p] = state[(0 * P + p) * count + n];
    s1[p] = state[(1 * P + p) * count + n];
    s2[p] = state[(2 * P + p) * count + n];
  }
  const PathRng rng = makePathRng(seed, firstFit + n, 0);
  for (int t = firstStep; t < firstStep + steps; ++t) {
    for (int p = 0; p < P; ++p) g[p] = 0.0;
    const double error = pointsError(d, w, g, z, a);
    const double sigma = noiseScale(opt, t, totalSteps);
    if (sigma > 0.0) {
      // Normals 2i and 2i + 1 come from Philox block i, as PathRng::normals and the CPU's lanes draw them.
      for (int p = 0; p < P; p += 2) {
        const Philox4x32 r = rng.block(static_cast<uint32_t>(t), static_cast<uint32_t>(p / 2), Stream::Dynamics);
        double n1, n2;
        boxMuller(uniform_open0(r.v[0], r.v[1]), uniform_open0(r.v[2], r.v[3]), n1, n2);
        g[p] = fma(n1, sigma, g[p]);
        if (p + 1 < P) g[p + 1] = fma(n2, sigma, g[p + 1]);
      }
    }
    if (stride > 0 && t % stride == 0) curves[n * curvePoints + t / stride] = error / d.points;
    for (int p = 0; p < P; ++p) optimizerStep(opt, w[p], g[p], s1[p], s2[p]);
  }
  for (int p = 0; p < P; ++p) {
    state[(0 * P + p) * count + n] = w[p];
    state[(1 * P + p) * count + n] = s1[p];
    state[(2 * P + p) * count + n] = s2[p];
  }
}

// Loss (and gradient) of row-major weights, or of the parameter-major state of a fit when `paramMajor`.
template <int Cap>
__global__ void evaluateKernel(DeviceData d, int64_t count, const double* params, bool paramMajor, double* loss,
                               double* gradient, double* finalParams) {
  const int64_t n = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (n >= count) return;
  const int P = d.shape.params();
  double w[Cap], g[Cap];
  double z[Cap], a[Cap];  // K·N ≤ P
  for (int p = 0; p < P; ++p) {
    w[p] = paramMajor ? params[p * count + n] : params[n * P + p];
    g[p] = 0.0;
  }
  loss[n] = pointsError(d, w, gradient != nullptr ? g : nullptr, z, a) / d.points;
  for (int p = 0; p < P; ++p) {
    if (gradient != nullptr) gradient[n * P + p] = g[p];
    if (finalParams != nullptr) finalParams[n * P + p] = w[p];
  }
}

struct Uploaded {
  DeviceBuffer<double> x, y;
  DeviceData view;
  explicit Uploaded(const NetJobBase& job) : x(job.data.x.size()), y(job.data.y.size()) {
    x.upload(job.data.x.data(), job.data.x.size());
    y.upload(job.data.y.data(), job.data.y.size());
    view = DeviceData{job.shape, job.act, x.get(), y.get(), job.data.points};
  }
};

unsigned gridFor(int64_t n) { return static_cast<unsigned>((n + kThreads - 1) / kThreads); }


template <int Cap>
EvaluateResult evaluateWith(const EvaluateJob& job) {
  const int P = job.shape.params();
  Uploaded data(job);
  DeviceBuffer<double> params(job.count * P), loss(job.count), gradient(job.gradient ? job.count * P : 0);
  params.upload(job.params, job.count * P);
  evaluateKernel<Cap><<<gridFor(job.count), kThreads>>>(data.view, job.count, params.get(), false, loss.get(),
                                                         job.gradient ? gradient.get() : nullptr, nullptr);
  cudaCheck(cudaGetLastError(), "evaluateKernel launch");
  cudaCheck(cudaDeviceSynchronize(), "evaluateKernel");
  EvaluateResult r;
  r.loss.resize(job.count);
  loss.download(r.loss.data(), job.count);
  if (job.gradient) {
    r.gradient.resize(job.count * P);
    gradient.download(r.gradient.data(), job.count * P);
  }
  return r;
}

template <int Cap>
FitResult fitWith(const FitJob& job) {
  const int P = job.shape.params();
  Uploaded data(job);
  DeviceBuffer<double> state(3 * P * job.count), init(job.init != nullptr ? job.count * P : 0);
  if (job.init != nullptr) init.upload(job.init, job.count * P);
  FitResult r;
  r.curvePoints = curvePointCount(job.steps, job.curveStride);
  DeviceBuffer<double> curves(job.count * r.curvePoints);
  initKernel<Cap><<<gridFor(job.count), kThreads>>>(job.shape, job.count, job.seed, job.firstFit,
                                                     job.init != nullptr ? init.get() : nullptr, state.get());
  cudaCheck(cudaGetLastError(), "initKernel launch");
  for (int t0 = 0; t0 < job.steps; t0 += kSlab) {
    throwIfCancelled(job.cancelled);
    const int steps = std::min(kSlab, job.steps - t0);
    fitKernel<Cap><<<gridFor(job.count), kThreads>>>(data.view, job.optimizer, job.count, t0, steps, job.steps, job.seed,
                                                      job.firstFit, job.curveStride, r.curvePoints, state.get(),
                                                      curves.get());
    cudaCheck(cudaGetLastError(), "fitKernel launch");
    cudaCheck(cudaDeviceSynchronize(), "fitKernel");
    if (job.progress) job.progress(static_cast<double>(t0 + steps) / job.steps);
  }
  DeviceBuffer<double> loss(job.count), params(job.count * P);
  evaluateKernel<Cap><<<gridFor(job.count), kThreads>>>(data.view, job.count, state.get(), true, loss.get(), nullptr,
                                                         params.get());
  cudaCheck(cudaGetLastError(), "evaluateKernel launch");
  cudaCheck(cudaDeviceSynchronize(), "evaluateKernel");
  r.params.resize(job.count * P);
  r.loss.resize(job.count);
  r.curves.resize(job.count * r.curvePoints);
  params.download(r.params.data(), job.count * P);
  loss.download(r.loss.data(), job.count);
  curves.download(r.curves.data(), job.count * r.curvePoints);
  return r;
}

// The two capacities: the paper's 5 × 5 network has 136 parameters; 1 024 covers e.g. 10 × 10 or 3 × 16.
constexpr int kSmallCap = 160;
constexpr int kLargeCap = 1024;

void checkCapacity(const NetShape& s) {
  if (s.params() > kLargeCap) {
    throw CodedError("ERR_INVALID_ARG_VALUE", "the CUDA network kernels hold at most " + std::to_string(kLargeCap) +
                                                  " parameters per network; this one has " +
                                                  std::to_string(s.params()) + " (use device 'cpu')");
  }
}

}  // namespace

EvaluateResult evaluateCuda(const EvaluateJob& job) {
  checkCapacity(job.shape);
  if (job.hessian) throw CodedError("ERR_INVALID_ARG_VALUE", "the Hessian of a network is computed on the CPU");
  return job.shape.params() <= kSmallCap ? evaluateWith<kSmallCap>(job) : evaluateWith<kLargeCap>(job);
}

FitResult fitCuda(const FitJob& job) {
  checkCapacity(job.shape);
  return job.shape.params() <= kSmallCap ? fitWith<kSmallCap>(job) : fitWith<kLargeCap>(job);
}

}  // namespace sloppy
