// The CPU backend of the flow: samples over the thread pool, training batches on SIMD lanes.
#pragma once
#include <cstdint>
#include <vector>

#include "flow.h"

namespace sloppy {

void sampleCpu(const FlowView& v, int64_t n, uint64_t seed, uint32_t step, Stream stream, double* z, double* logq,
               int threads);
void logProbCpu(const FlowView& v, const double* z, int64_t n, double* logq, int threads, double* x);
void gradLogProbCpu(const FlowView& v, const double* z, int64_t n, double* logq, double* grad, int threads);
void hessianLogProbCpu(const FlowView& v, const double* z, int64_t n, double* hess, int threads);
void forwardCpu(const FlowView& v, int64_t n, uint64_t seed, uint32_t step, FlowBatch& b, int threads);
void gradientCpu(const FlowView& v, FlowBatch& b, const double* zBar, const double* qBar, std::vector<double>& g,
                 int threads);
// One Adam step (t, 1-based) of every weight from the gradient g, whose norm is first clipped to 1e10.
void adamCpu(const AdamConfig& c, int64_t t, const std::vector<double>& g, double* w, double* m1, double* m2,
             int threads);

}  // namespace sloppy
