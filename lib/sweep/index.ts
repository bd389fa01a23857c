/**
 * Sweeps: a description of many tasks (EPI over models, properties, seeds and settings; chunks of batched
 * jobs) run resumably on a local worker pool or as a Slurm job array, and merged into one result.
 * @packageDocumentation
 */
export { expandSweep } from './description';
export type { SweepDescription, SweepGroup, SweepPlan, SweepTask } from './description';
export { createSweep, openSweep, sweepPaths } from './folder';
export type { RecordedPlan } from './folder';
export { runSweep } from './runner';
export type { RunSweepOptions, RunSweepResult } from './runner';
export { runTask } from './task';
export type { RunTaskOptions, TaskOutcome } from './task';
export { countsLine, formatStatus, sweepStatus } from './status';
export type { SweepStatus, TaskState, TaskStatus } from './status';
export { collectSweep } from './collect';
export type { CollectResult } from './collect';
export { TASK_KINDS, taskKind } from './kinds';
export type { CollectTask, KindCollection, TaskContext, TaskDirs, TaskKind } from './kinds';
export type { EpiTaskSettings } from './epi-task';
export type { BackendName } from './backend';
export type { LocalOptions } from './local';
export type { SlurmResources } from './resources';
export type { FitTaskSettings } from './fit-task';
