/**
 * Synaptic sampling in a winner-take-all spiking network (seed 004): the model, batched runs with learning
 * curves, the paired comparison of its noise modes, and the report.
 * @packageDocumentation
 */
export { probeInputs, synapticSampling } from './run';
export type { InputProbe, SynapticOptions, SynapticResult } from './run';
export { resolveModel } from './options';
export type { NoiseMode, ResolvedModel, SynapticModelOptions } from './options';
export { compareNoise } from './compare';
export type { CompareOptions, ModeSummary, NoiseComparison, PairedComparison } from './compare';
export { meanCi, pairedDifference } from './stats';
export type { MeanCi } from './stats';
export { renderNoiseReport, writeNoiseReport } from './report';
export type { ReportVariant } from './report';
