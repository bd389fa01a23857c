/**
 * Hessian spectra of the "optimization and variability" seed's built-in systems: receptor arrays (Box 1),
 * the gap-gene read-out (Box 2), STG channel densities (Box 3) and the linear recurrent network (Box 4), and
 * the Gaussian-mixture data set for the classifier's Fisher spectra (Box 5).
 * @packageDocumentation
 */
export { DEFAULT_SEPARATION, syntheticClasses } from './classes';
export type { ClassSamples, SyntheticClassesOptions } from './classes';
export { stiffness } from './common';
export { gapGeneInformation, optimiseGapGene, syntheticEmbryo, syntheticMeans } from './gapgene';
export type { ExpressionSamples, GapGeneInformation, GapGeneOptimum, GapGeneOptions } from './gapgene';
export {
  countAbove, filter, performance, randomNetwork, readoutHessian, slowestTime, synapticHessian, synapticSpectrum, timeGrid,
} from './linearnet';
export type { Filter, LinearNet, NetPerformance, TimeGrid, TimeGridOptions } from './linearnet';
export {
  HEX_SPACING, hexPatch, periodicLattice, randomHexagon, receptorDerivatives, receptorInformation, receptorKernel,
} from './receptor';
export type { ReceptorArray, ReceptorDerivatives, ReceptorOptions } from './receptor';
export { STG_CHANNEL_PARAMS, stgChannelDefaults, stgChannelPerformance } from './stg';
export type { StgChannelOptions, StgChannelPerformance } from './stg';
