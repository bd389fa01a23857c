/**
 * sloppy: emergent property inference, batched SDE simulation and sloppiness analysis of neural-circuit
 * models, on CPU and CUDA.
 * @packageDocumentation
 */
export { backends, resolveDevice } from './backends';
export type { Backends, Device, DeviceChoice } from './backends';
export { Distribution, epi, historyCsv, maxEntropyRun, MODEL_DEFAULTS } from './epi';
export type { CustomModel, EpiOptions, EpiProgress, EpiResult, PropertySpec } from './epi';
export { SloppyError } from './errors';
export type { SloppyErrorCode } from './errors';
export * as fisher from './fisher';
export { Flow, flowSpec } from './flow/flow';
export type { FlowOptions, FlowSpec } from './flow/flow';
export type { FisherSpectrum, GramOptions, GramResult } from './fisher';
export * as landscape from './landscape';
export {
  classifyStationary, curvedDoubleWellEnergy, energyAt, escapeTimes, findSaddle, hessianAt, kramersLanger, langevin,
  locateStationary, logDensityEnergy, mullerBrownEnergy, networkLossEnergy, quadraticEnergy, strictSaddleTest,
} from './langevin';
export type { EscapeResult, KramersLanger, LangevinOptions, LangevinResult, StationaryPoint } from './langevin';
export { saddleStudy } from './langevin/saddle-study';
export * as linalg from './linalg';
export * as models from './models';
export type { ModelDescriptor, ModelName, OptionDescriptor, ParamDescriptor } from './models';
export { normals, philox, Stream } from './rng';
export * as robustness from './robustness';
export { simulate, statistics } from './sde';
export type { NonFiniteReport, SimulateOptions, SimulationResult, SimulationShape } from './sde';
export * as spectra from './spectra';
export * as synaptic from './synaptic';
export * as sweep from './sweep';
