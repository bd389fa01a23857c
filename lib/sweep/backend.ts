/**
 * What the runner asks of a backend: run these tasks, once each, and return when all have ended. A backend
 * reports nothing else back — what became of each task is read from its markers — so local processes and
 * Slurm array elements are judged alike.
 * @packageDocumentation
 */
import * as path from 'node:path';

/** Names of the backends. */
export type BackendName = 'local' | 'slurm';

/** A way of running a sweep's tasks. */
export interface Backend {
  readonly name: BackendName;
  /** Runs `indices` once each; on `signal`, cancels what runs and resolves once it has stopped. */
  run(indices: number[], signal: AbortSignal | undefined, progress: (line: string) => void): Promise<void>;
}

/** The CLI entry point that runs one task, from lib/sweep or dist/sweep alike. */
export const CLI_MAIN = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

/** The environment variable through which a backend tells a task when it was submitted (ms since the epoch). */
export const SUBMITTED_ENV = 'SLOPPY_SUBMITTED';
