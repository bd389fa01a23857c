/**
 * Synaptic sampling in a winner-take-all spiking network (seed 004): the model, batched runs with learning
 * curves, the paired comparison of its noise modes, and the report.
 * @packageDocumentation
 */
export { NoiseMode, SynapticModelOptions, resolveModel, ResolvedModel } from './options';
export { InputProbe, probeInputs, synapticSampling, SynapticOptions, SynapticResult } from './run';
export { compareNoise, CompareOptions, ModeSummary, NoiseComparison, PairedComparison } from './compare';
export { meanCi, MeanCi, pairedDifference } from './stats';
export { renderNoiseReport, ReportVariant, writeNoiseReport } from './report';
