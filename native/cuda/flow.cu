// The flow on the GPU: thin kernels around the per-sample routines of native/flow/ (one thread per sample)
// and the outer-product sums of gradient.h (one thread per weight, summing over samples in order, so the
// gradient does not depend on scheduling). With batch norm a training batch runs stage by stage, and between
// stages one thread per coordinate sums the batch statistics (forward) or their cotangents (reverse) over the
// samples in order.
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "../flow/density.h"
#include "../flow/gradient.h"
#include "../flow/push.h"
#include "check.cuh"
#include "flow_cuda.h"

namespace sloppy {

namespace {

constexpr int kThreads = 128;
// Samples per launch when only z and log q are kept, and at most so many tape numbers in flight.
constexpr int64_t kSampleChunk = 1 << 14;
constexpr int64_t kSampleTape = int64_t(1) << 25;

int blocksFor(int64_t n) { return static_cast<int>((n + kThreads - 1) / kThreads); }

// A device buffer that grows on demand and keeps its size otherwise.
template <class T>
struct Growable {
  std::unique_ptr<DeviceBuffer<T>> buf;
  size_t size = 0;
  T* get(size_t count) {
    if (count > size) {
      buf = std::make_unique<DeviceBuffer<T>>(count);
      size = count;
    }
    return buf ? buf->get() : nullptr;
  }
};

__global__ void pushKernel(FlowView v, int64_t first, int64_t n, uint64_t seed, uint32_t step, Stream stream,
                           double* z, double* logq, double* tape, double* scratch) {
  const int64_t t = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= n) return;
  const int D = v.shape.dim;
  double* s = scratch + t * (pushScratch(v.shape) + D);
  double* x = s + pushScratch(v.shape);
  makePathRng(seed, static_cast<uint64_t>(first + t), 0).normals(step, stream, x, D);
  logq[t] = pushForward(v, x, z + t * D, tape + t * v.shape.tapeSize(), s, v.moving());
}

__global__ void densityKernel(FlowView v, int64_t n, const double* z, double* logq, double* scratch) {
  const int64_t t = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= n) return;
  logq[t] = logDensity(v, z + t * v.shape.dim, scratch + t * densityScratch(v.shape));
}

__global__ void pullKernel(FlowView v, int64_t n, const double* zBar, const double* qBar, const double* tape,
                           double* cotape, double* scratch) {
  const int64_t t = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= n) return;
  pullBack(v, zBar + t * v.shape.dim, qBar[t], tape + t * v.shape.tapeSize(), cotape + t * v.shape.cotapeSize(),
           scratch + t * pushScratch(v.shape));
}

// Training stages [s0, s1) of every sample with batch norm: from the base noise at stage 0, else from the tape
// where the previous launch stopped; each sample's running log-determinant waits in ldj between launches.
__global__ void stagesKernel(FlowView v, int s0, int s1, int64_t n, uint64_t seed, uint32_t step, const double* stats,
                             double* tape, double* ldj, double* scratch) {
  const int64_t t = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= n) return;
  double* tp = tape + t * v.shape.tapeSize();
  if (s0 == 0) {
    makePathRng(seed, static_cast<uint64_t>(t), 0).normals(step, Stream::Dynamics, stageTape(v.shape, tp, 0).in, v.shape.dim);
    ldj[t] = 0.0;
  }
  pushStages(v, s0, s1, stats, tp, scratch + t * pushScratch(v.shape), ldj[t]);
}

__global__ void tailKernel(FlowView v, int64_t n, double* tape, double* ldj, double* z, double* logq) {
  const int64_t t = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= n) return;
  logq[t] = pushTail(v, tape + t * v.shape.tapeSize(), z + t * v.shape.dim, ldj[t]);
}

// Batch norm s's statistics, one thread per coordinate: the batch mean of its input, then the biased variance
// about that mean.
__global__ void batchMomentsKernel(FlowShape f, int s, int64_t n, const double* tape, double* stats) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= f.dim) return;
  double* layer = stats + 2 * static_cast<int64_t>(f.dim) * s;
  double sum = 0.0;
  for (int64_t k = 0; k < n; ++k) sum += stageTape(f, tape + k * f.tapeSize(), s).bnIn[i];
  const double mean = sum / n;
  double sq = 0.0;
  for (int64_t k = 0; k < n; ++k) {
    const double d = stageTape(f, tape + k * f.tapeSize(), s).bnIn[i] - mean;
    sq += d * d;
  }
  layer[i] = mean;
  layer[f.dim + i] = sq / n;
}

// The sums S = Σ ȳ and Q = Σ ȳ·x̂ of batch norm s over the batch (batchNormBackward), one thread per coordinate,
// from the cotangents of its outputs in hBar.
__global__ void cotangentSumsKernel(FlowShape f, int s, int64_t n, const double* tape, const double* hBar,
                                    const double* stats, double* sums) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= f.dim) return;
  const double* layer = bnStatsOf(f, stats, s);
  double yBar = 0.0, yBarXHat = 0.0;
  for (int64_t k = 0; k < n; ++k) {
    const double b = hBar[k * f.dim + i];
    yBar += b;
    yBarXHat += b * batchNormHat(f, layer, i, stageTape(f, tape + k * f.tapeSize(), s).bnIn[i]);
  }
  sums[i] = yBar;
  sums[f.dim + i] = yBarXHat;
}

__global__ void batchNormWeightKernel(FlowView v, int s, const double* sums, double ldjBar, double* g) {
  if (blockIdx.x == 0 && threadIdx.x == 0) batchNormWeightGradient(v.shape, v.bn(s), sums, ldjBar, g + v.shape.bnOffset(s));
}

// Reverse mode of stages [s0, s1) with batch norm: after the tail when s1 is the last stage, else through batch
// norm s0 first, with its batch sums.
__global__ void pullStagesKernel(FlowView v, int s0, int s1, int64_t n, const double* zBar, const double* qBar,
                                 const double* stats, const double* sums, double ldjBar, const double* tape,
                                 double* cotape, double* hBar, double* scratch) {
  const int64_t t = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= n) return;
  const FlowShape& f = v.shape;
  const double* tp = tape + t * f.tapeSize();
  double* co = cotape + t * f.cotapeSize();
  double* hb = hBar + t * f.dim;
  if (s1 == f.stages) {
    pullTail(v, zBar + t * f.dim, qBar[t], tp, co, hb);
  } else {
    batchNormBackward(f, v.bn(s0), bnStatsOf(f, stats, s0), sums, static_cast<double>(n), ldjBar,
                      stageTape(f, tp, s0).bnIn, 1.0, hb);
  }
  pullStages(v, s0, s1, qBar[t], tp, co, hb, scratch + t * pushScratch(f));
}

__global__ void movingKernel(FlowShape f, const double* stats, double* w) {
  if (blockIdx.x == 0 && threadIdx.x == 0) batchNormUpdateMoving(f, stats, w + f.movingOffset());
}

// One thread per entry of a term's block (column `cols` is the bias).
__global__ void outerKernel(OuterTerm term, int64_t n, const double* tape, int64_t tapeStride, const double* cotape,
                            int64_t coStride, double* g) {
  const int64_t t = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int width = term.cols + 1;
  if (t >= static_cast<int64_t>(term.rows) * width) return;
  const int j = static_cast<int>(t / width);
  const int k = static_cast<int>(t % width);
  const double* d = cotape + term.dOffset + j;
  double acc = 0.0;
  if (k == term.cols) {
    if (term.bOffset < 0) return;
    for (int64_t i = 0; i < n; ++i) acc += d[i * coStride];
    g[term.bOffset + j] += acc;
    return;
  }
  const bool inPart = term.part == Part::All || (term.part == Part::StrictLower ? k < j : k >= j);
  if (!inPart) return;
  const double* a = tape + term.aOffset + k;
  for (int64_t i = 0; i < n; ++i) acc += d[i * coStride] * a[i * tapeStride];
  g[term.gOffset + static_cast<int64_t>(j) * term.cols + k] += acc;
}

// The log-determinants' own terms (see Flow::backward): LU diagonals and the post-affine, one thread per dim.
__global__ void ldjKernel(FlowView v, int64_t n, double ldjBar, const double* tape, const double* cotape, double* g) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  const FlowShape& f = v.shape;
  const int D = f.dim;
  if (i >= D) return;
  if (f.luPermutation) {
    for (int s = 0; s + 1 < f.stages; ++s) g[f.luOffset(s) + i * D + i] += ldjBar / v.lu(s)[i * D + i];
  }
  if (!f.postAffine) return;
  double scale = 0.0, shift = 0.0;
  for (int64_t k = 0; k < n; ++k) {
    const double hBar = cotape[k * f.cotapeSize() + f.stageCotape() * f.stages + i];
    scale += hBar * tape[k * f.tapeSize() + f.stageTape() * f.stages + i];
    shift += hBar;
  }
  g[f.affineOffset() + i] += scale + ldjBar / v.affine()[i];
  g[f.affineOffset() + D + i] += shift;
}

__global__ void squareSumKernel(const double* g, int64_t P, double* out) {
  __shared__ double part[kThreads];
  const int64_t t = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  part[threadIdx.x] = t < P ? g[t] * g[t] : 0.0;
  __syncthreads();
  for (int w = kThreads / 2; w > 0; w /= 2) {
    if (threadIdx.x < w) part[threadIdx.x] += part[threadIdx.x + w];
    __syncthreads();
  }
  if (threadIdx.x == 0) atomicAdd(out, part[0]);
}

__global__ void adamKernel(AdamConfig c, double lrT, const double* g, const double* norm2, int64_t P, double* w,
                           double* m1, double* m2) {
  const int64_t k = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (k >= P) return;
  const double clip = 1e10;
  const double scale = *norm2 > clip * clip ? clip / ::sqrt(*norm2) : 1.0;
  adamUpdate(c, lrT, g[k] * scale, w[k], m1[k], m2[k]);
}

void sync(const char* where) {
  cudaCheck(cudaGetLastError(), where);
  cudaCheck(cudaDeviceSynchronize(), where);
}

}  // namespace

struct FlowCuda {
  FlowShape shape;
  std::unique_ptr<DeviceBuffer<double>> w, m1, m2, lower, upper;
  std::unique_ptr<DeviceBuffer<int>> perm, kind;
  int64_t adamStep = 0;
  int64_t n = 0;  // samples in the batch whose tape is held
  Growable<double> tape, cotape, z, logq, scratch, zBar, qBar, grad, norm;
  Growable<double> ldj, bnStats, hBar, bnSums;  // batch norm's training buffers
  // Queries' own, so that sampling between a training batch's forward and reverse passes keeps its tape.
  Growable<double> sampleZ, sampleLogq, sampleTape, sampleScratch;
  std::vector<OuterTerm> terms;

  FlowView view() const {
    return FlowView{shape, w->get(), perm->get(), kind->get(), lower->get(), upper->get()};
  }
};

std::shared_ptr<FlowCuda> flowCudaCreate(const FlowState& s) {
  cudaCheck(cudaSetDevice(0), "cudaSetDevice");
  auto d = std::make_shared<FlowCuda>();
  d->shape = s.shape;
  const size_t P = s.w.size();
  const size_t D = static_cast<size_t>(s.shape.dim);
  d->w = std::make_unique<DeviceBuffer<double>>(P);
  d->m1 = std::make_unique<DeviceBuffer<double>>(P);
  d->m2 = std::make_unique<DeviceBuffer<double>>(P);
  d->lower = std::make_unique<DeviceBuffer<double>>(D);
  d->upper = std::make_unique<DeviceBuffer<double>>(D);
  d->perm = std::make_unique<DeviceBuffer<int>>(s.constants.perm.size());
  d->kind = std::make_unique<DeviceBuffer<int>>(D);
  d->lower->upload(s.support.lower.data(), D);
  d->upper->upload(s.support.upper.data(), D);
  d->perm->upload(s.constants.perm.data(), s.constants.perm.size());
  d->kind->upload(s.support.kind.data(), D);
  d->terms = outerTerms(s.shape);
  flowCudaUpload(*d, s);
  return d;
}

void flowCudaUpload(FlowCuda& d, const FlowState& s) {
  d.w->upload(s.w.data(), s.w.size());
  d.m1->upload(s.m1.data(), s.m1.size());
  d.m2->upload(s.m2.data(), s.m2.size());
  d.adamStep = s.adamStep;
}

void flowCudaDownload(const FlowCuda& d, FlowState& s) {
  d.w->download(s.w.data(), s.w.size());
  d.m1->download(s.m1.data(), s.m1.size());
  d.m2->download(s.m2.data(), s.m2.size());
  s.adamStep = d.adamStep;
}

void flowCudaSample(FlowCuda& d, int64_t n, uint64_t seed, uint32_t step, Stream stream, double* z, double* logq) {
  const FlowView v = d.view();
  const int D = v.shape.dim;
  const int64_t chunk = std::min({n, kSampleChunk, std::max<int64_t>(1, kSampleTape / v.shape.tapeSize())});
  double* dz = d.sampleZ.get(chunk * D);
  double* dq = d.sampleLogq.get(chunk);
  double* dt = d.sampleTape.get(chunk * v.shape.tapeSize());
  double* ds = d.sampleScratch.get(chunk * (pushScratch(v.shape) + D));
  for (int64_t first = 0; first < n; first += chunk) {
    const int64_t m = std::min(chunk, n - first);
    pushKernel<<<blocksFor(m), kThreads>>>(v, first, m, seed, step, stream, dz, dq, dt, ds);
    sync("flow pushKernel");
    cudaCheck(cudaMemcpy(z + first * D, dz, m * D * sizeof(double), cudaMemcpyDeviceToHost), "flow sample z");
    cudaCheck(cudaMemcpy(logq + first, dq, m * sizeof(double), cudaMemcpyDeviceToHost), "flow sample log q");
  }
}

void flowCudaLogProb(FlowCuda& d, const double* z, int64_t n, double* logq) {
  const FlowView v = d.view();
  const int D = v.shape.dim;
  double* dz = d.zBar.get(n * D);  // zBar's buffer is free outside backprop
  double* dq = d.qBar.get(n);
  double* ds = d.cotape.get(n * densityScratch(v.shape));
  cudaCheck(cudaMemcpy(dz, z, n * D * sizeof(double), cudaMemcpyHostToDevice), "flow logProb z");
  densityKernel<<<blocksFor(n), kThreads>>>(v, n, dz, dq, ds);
  sync("flow densityKernel");
  cudaCheck(cudaMemcpy(logq, dq, n * sizeof(double), cudaMemcpyDeviceToHost), "flow logProb log q");
}

void flowCudaForward(FlowCuda& d, int64_t n, uint64_t seed, uint32_t step, double* z, double* logq) {
  const FlowView v = d.view();
  const int D = v.shape.dim;
  d.n = 0;  // until this batch's tape is complete
  double* dz = d.z.get(n * D);
  double* dq = d.logq.get(n);
  double* dt = d.tape.get(n * v.shape.tapeSize());
  double* ds = d.scratch.get(n * (pushScratch(v.shape) + D));
  const FlowShape& f = v.shape;
  if (f.batchNorm) {
    double* ldj = d.ldj.get(n);
    double* stats = d.bnStats.get(static_cast<size_t>(f.bnLayers()) * 2 * D);
    for (int s = 0; s < f.stages; ++s) {
      stagesKernel<<<blocksFor(n), kThreads>>>(v, s, s + 1, n, seed, step, stats, dt, ldj, ds);
      if (s + 1 < f.stages) batchMomentsKernel<<<blocksFor(D), kThreads>>>(f, s, n, dt, stats);
    }
    tailKernel<<<blocksFor(n), kThreads>>>(v, n, dt, ldj, dz, dq);
  } else {
    pushKernel<<<blocksFor(n), kThreads>>>(v, 0, n, seed, step, Stream::Dynamics, dz, dq, dt, ds);
  }
  sync("flow forward");
  cudaCheck(cudaMemcpy(z, dz, n * D * sizeof(double), cudaMemcpyDeviceToHost), "flow forward z");
  cudaCheck(cudaMemcpy(logq, dq, n * sizeof(double), cudaMemcpyDeviceToHost), "flow forward log q");
  d.n = n;
}

void flowCudaBackwardAdam(FlowCuda& d, const double* zBar, const double* qBar, const AdamConfig& adam) {
  if (d.n == 0) throw CodedError("ERR_NATIVE", "flow backward without a forward batch on the GPU");
  const FlowView v = d.view();
  const FlowShape& f = v.shape;
  const int64_t n = d.n;
  const int64_t P = f.size();
  double* dzb = d.zBar.get(n * f.dim);
  double* dqb = d.qBar.get(n);
  double* dco = d.cotape.get(n * f.cotapeSize());
  double* ds = d.scratch.get(n * pushScratch(f));
  double* g = d.grad.get(P);
  double* norm = d.norm.get(1);
  cudaCheck(cudaMemcpy(dzb, zBar, n * f.dim * sizeof(double), cudaMemcpyHostToDevice), "flow zBar");
  cudaCheck(cudaMemcpy(dqb, qBar, n * sizeof(double), cudaMemcpyHostToDevice), "flow qBar");
  double ldjBar = 0.0;
  for (int64_t i = 0; i < n; ++i) ldjBar -= qBar[i];
  cudaCheck(cudaMemset(g, 0, P * sizeof(double)), "flow gradient reset");
  if (f.batchNorm) {
    double* stats = d.bnStats.get(0);
    double* hBar = d.hBar.get(n * f.dim);
    double* sums = d.bnSums.get(2 * f.dim);
    for (int s1 = f.stages; s1 > 0; --s1) {
      const int s0 = s1 - 1;
      if (s1 < f.stages) {
        cotangentSumsKernel<<<blocksFor(f.dim), kThreads>>>(f, s0, n, d.tape.get(0), hBar, stats, sums);
        batchNormWeightKernel<<<1, 1>>>(v, s0, sums, ldjBar, g);
      }
      pullStagesKernel<<<blocksFor(n), kThreads>>>(v, s0, s1, n, dzb, dqb, stats, sums, ldjBar, d.tape.get(0), dco,
                                                   hBar, ds);
    }
  } else {
    pullKernel<<<blocksFor(n), kThreads>>>(v, n, dzb, dqb, d.tape.get(0), dco, ds);
  }
  sync("flow reverse pass");
  for (const OuterTerm& t : d.terms) {
    outerKernel<<<blocksFor(static_cast<int64_t>(t.rows) * (t.cols + 1)), kThreads>>>(
        t, n, d.tape.get(0), f.tapeSize(), dco, f.cotapeSize(), g);
  }
  ldjKernel<<<blocksFor(f.dim), kThreads>>>(v, n, ldjBar, d.tape.get(0), dco, g);
  cudaCheck(cudaMemset(norm, 0, sizeof(double)), "flow norm reset");
  squareSumKernel<<<blocksFor(P), kThreads>>>(g, P, norm);
  const double lrT = adamStepSize(adam, ++d.adamStep);
  adamKernel<<<blocksFor(P), kThreads>>>(adam, lrT, g, norm, P, d.w->get(), d.m1->get(), d.m2->get());
  if (f.batchNorm) movingKernel<<<1, 1>>>(f, d.bnStats.get(0), d.w->get());
  sync("flow backward and Adam");
  d.n = 0;
}

void flowCudaResetAdam(FlowCuda& d) {
  const size_t P = static_cast<size_t>(d.shape.size());
  cudaCheck(cudaMemset(d.m1->get(), 0, P * sizeof(double)), "flow Adam reset");
  cudaCheck(cudaMemset(d.m2->get(), 0, P * sizeof(double)), "flow Adam reset");
  d.adamStep = 0;
}

}  // namespace sloppy
