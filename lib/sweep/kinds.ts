/**
 * The registry of task kinds. A kind is what one sweep task does: it checks a task's settings when the
 * sweep is planned, runs one task into a folder, and merges the finished tasks of a sweep. Adding a kind is
 * one entry in {@link TASK_KINDS}; the runner, the backends, the markers and the report know no kind.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import type { SweepTask } from './description';
import { epiKind } from './epi-task';
import { fitKind } from './fit-task';

/** The folders one attempt of a task writes to. */
export interface TaskDirs {
  /** An empty folder for the outputs; it becomes the task's `out/` only when the attempt succeeds. */
  out: string;
  /** A folder kept across attempts (checkpoints), so an interrupted task resumes. */
  state: string;
}

/** What a running task is given besides its settings. */
export interface TaskContext {
  /** CPU threads the task may use (its Slurm allocation, or its share of a local machine). */
  threads: number;
  /** Aborted when the task is cancelled (SIGTERM from `scancel` or the local runner). */
  signal: AbortSignal;
  /** A progress line for the task's log. */
  log(line: string): void;
}

/** One task of a kind, as {@link TaskKind.collect} sees it. */
export interface CollectTask {
  task: SweepTask;
  /** The folder of its verified outputs when it is done; undefined when it is not. */
  out?: string;
}

/** What a kind's merge wrote. */
export interface KindCollection {
  /** The files written, relative to the kind's collect folder. */
  files: string[];
  /** Lines for people: one per merged result. */
  summary: string[];
}

/** A kind of sweep task. */
export interface TaskKind {
  /**
   * Checks one task's settings when the sweep is planned, throwing a coded SloppyError. It checks what can
   * be known before running (names, shapes, models); values that the run's own code validates are left to
   * it, so that a bad value fails its task, with that code, rather than being checked twice.
   */
  validate(settings: Record<string, unknown>): void;
  /** Runs one task; resolves to the output files it wrote, relative to `dirs.out`. */
  run(dirs: TaskDirs, settings: Record<string, unknown>, ctx: TaskContext): Promise<string[]>;
  /**
   * Merges the sweep's tasks of this kind into `out` (an empty folder). It must depend only on the tasks'
   * settings and outputs — not on their order, timing or attempts — so that collecting twice, or after an
   * interrupted run, writes the same bytes.
   */
  collect(tasks: CollectTask[], out: string): Promise<KindCollection>;
}

/** The task kinds by name. */
export const TASK_KINDS: Readonly<Record<string, TaskKind>> = {
  epi: epiKind,
  fit: fitKind,
};

/** The kind of that name; ERR_INVALID_ARG_VALUE naming the known ones otherwise. */
export function taskKind(name: unknown): TaskKind {
  const kind = typeof name === 'string' && Object.prototype.hasOwnProperty.call(TASK_KINDS, name) ? TASK_KINDS[name] : undefined;
  if (kind === undefined) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `unknown task kind '${String(name)}'; known: ${Object.keys(TASK_KINDS).join(', ')}`);
  }
  return kind;
}
