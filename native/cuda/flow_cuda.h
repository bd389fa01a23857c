// The CUDA backend of the flow, declared for host code: weights, Adam moments and the constants live on
// the GPU, one thread per sample runs the same pushForward / pullBack / logDensity as the CPU, and the
// weights' gradient is summed over samples by one thread per weight. Defined in flow.cu.
#pragma once
#include <cstdint>
#include <memory>

#include "../core/rng.h"
#include "../flow/flow.h"

namespace sloppy {

struct FlowCuda;

// Device copies of the state's weights, moments and constants.
std::shared_ptr<FlowCuda> flowCudaCreate(const FlowState& s);
// After the host state changed (setState, resetAdam).
void flowCudaUpload(FlowCuda& d, const FlowState& s);
// Weights, moments and the Adam step count back into the host state, for checkpoints and queries.
void flowCudaDownload(const FlowCuda& d, FlowState& s);

void flowCudaSample(FlowCuda& d, int64_t n, uint64_t seed, uint32_t step, Stream stream, double* z, double* logq);
void flowCudaLogProb(FlowCuda& d, const double* z, int64_t n, double* logq);
// A training batch: its tape stays on the device; z and log q come back for the statistics.
void flowCudaForward(FlowCuda& d, int64_t n, uint64_t seed, uint32_t step, double* z, double* logq);
// Backprop of the last forward batch for the cotangents zBar (n × dim) and qBar (n), gradient clipped to norm
// 1e10, then one Adam step on the device, then (with batch norm) the moving statistics from the batch's.
void flowCudaBackwardAdam(FlowCuda& d, const double* zBar, const double* qBar, const AdamConfig& adam);
void flowCudaResetAdam(FlowCuda& d);

}  // namespace sloppy
