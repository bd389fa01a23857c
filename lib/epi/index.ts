/**
 * Emergent property inference: {@link epi} trains the distribution; {@link Distribution} queries it.
 * @packageDocumentation
 */
export { epi } from './run';
export type { EpiOptions, EpiProgress, EpiResult, EpiSettings } from './run';
export { Distribution } from './distribution';
export type { DistributionInfo, ModeOptions, Sensitivity } from './distribution';
export { DEFAULT_SCHEDULE, MODEL_DEFAULTS } from './defaults';
export type { ModelDefaults, Schedule } from './defaults';
export { historyCsv } from './history';
export type { EpiHistory, EpochSummary, HistoryRow } from './history';
export { resolveProperty } from './property';
export { maxEntropyRun, selectedEntropy } from './select';
export type { Property, PropertySpec } from './property';
export type { CustomModel } from './source';
export { convergenceTest, penaltyUpdate, welchTTest } from './hypothesis';
