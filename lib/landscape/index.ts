/**
 * Energy landscapes of small networks: the parameter layout, teachers, batched losses, gradients, Hessians
 * and fits, symmetrization, NEB over any batched energy, curvature, paths, basins, and the whole study.
 * @packageDocumentation
 */
export { basinOfMinimum, logisticFit } from './basin';
export type { Basin, BasinOptions, LogisticFit } from './basin';
export { hessianSpectra } from './curvature';
export type { Curvature, CurvatureOptions } from './curvature';
export { curvedDoubleWell, mullerBrown } from './energies';
export { checkBatch, userEnergy } from './energy';
export type { Energy, EnergyBatch, EnergyFunction } from './energy';
export { fitNetworks, OPTIMIZER_DEFAULTS } from './fit';
export type { FitOptions, FitResult } from './fit';
export { biasOffset, networkShape, parameterCount, parameterLayout, weightOffset } from './layout';
export type { NetworkShape, NetworkShapeSpec, ParameterLayout } from './layout';
export { directionCosines, distancesTo, pairwiseDistances } from './measure';
export type { PairOptions, PointDimension } from './measure';
export { neb } from './neb';
export type { DenseProfile, NebBand, NebBandInput, NebEndpoints, NebInput, NebOptions, NebPath, NebProgress, NebResult } from './neb';
export { networkEnergy, networkLoss, networkOutputs } from './network';
export type { ActivationName, DataSet, LossOptions, LossResult, NetworkOptions, OutputsResult } from './network';
export { noisyTraining } from './noise';
export type { NoisyTrainingOptions, TemperatureOutcome } from './noise';
export { analysePath } from './path';
export type { PathAnalysis } from './path';
export { renderLandscapeReport, writeLandscapeReport } from './report';
export { landscapeStudy } from './study';
export type { Ensemble, LandscapeStudy, LandscapeStudyOptions } from './study';
export { symmetrize } from './symmetrize';
export type { SymmetrizeResult } from './symmetrize';
export { DEFAULT_SPLINE, SPLINE_3_2, teacher } from './teacher';
export type { SplineUnit, Teacher, TeacherOptions } from './teacher';
