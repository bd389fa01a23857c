/**
 * Sloppiness analysis: Gram products, Fisher spectra and the maximum-entropy relations built on them.
 * @packageDocumentation
 */
export { gram, spectrum } from './gram';
export type { FisherSpectrum, GramOptions, GramResult } from './gram';
export { densityGap, entropy, gapAtEntropy, sampleBoltzmann, sloppyGap, sloppySpectrum, temperature } from './maxent';
export type { BoltzmannOptions, DensityGapOptions, SloppySpectrumOptions } from './maxent';
export { evaluateClassifier, initClassifier, parameterCount, scoreRows, trainClassifier } from './classifier';
export type {
  Activation, ClassifierControl, ClassifierNet, Evaluation, ScoreOptions, ScoreRows, TrainingRecord, TrainOptions,
  TrainResult,
} from './classifier';
export { fisherConvergence, permuteLabels, trainingSpectra } from './classifier-spectra';
export type {
  CheckpointSpectrum, ConvergenceOptions, ConvergenceStep, FisherConvergence, SpectrumAtN, TrainingSpectraOptions,
} from './classifier-spectra';
