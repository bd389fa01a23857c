/**
 * A task folder and the markers in it. `done.json` (checksummed) lists the SHA-256 and size of every
 * output in `out/`; `failed.json` holds the last failure's code, message and log tail; `running.json` names
 * the process that works on the task (a lock: see lock.ts); `attempts.json` counts attempts over all runs;
 * `state/` keeps what an interrupted attempt leaves for the next (checkpoints); `log.txt` collects every
 * attempt's progress.
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { readEnvelope, writeEnvelope } from '../io/envelope';
import { exists, fileDigest } from './files';
import { sweepPaths } from './folder';

const DONE_FORMAT = 'sloppy.task-done';
const DONE_VERSION = 1;

/** Paths of one task's folder. */
export interface TaskPaths {
  dir: string;
  done: string;
  failed: string;
  running: string;
  attempts: string;
  log: string;
  out: string;
  state: string;
}

/** The paths of the folder of task `id` in the sweep folder `folder`. */
export function taskPaths(folder: string, id: string): TaskPaths {
  const dir = sweepPaths.task(folder, id);
  const at = (f: string) => path.join(dir, f);
  return {
    dir, done: at('done.json'), failed: at('failed.json'), running: at('running.json'), attempts: at('attempts.json'),
    log: at('log.txt'), out: at('out'), state: at('state'),
  };
}

/** The done marker: what an attempt wrote and when. Times are milliseconds since the epoch. */
export interface DoneMarker {
  id: string;
  index: number;
  kind: string;
  attempt: number;
  /** Each output, relative to out/, with its checksum and size. */
  files: Record<string, { sha256: string; bytes: number }>;
  /** When the runner submitted the attempt (spawn, or sbatch), where it said. */
  submitted?: number;
  /** When the task's process started. */
  started: number;
  finished: number;
  host: string;
  pid: number;
  /** `<array job>_<index>` under Slurm. */
  slurmJob?: string;
}

/** The failure marker of a task's last attempt. */
export interface FailedMarker {
  id: string;
  index: number;
  attempt: number;
  code: string;
  message: string;
  /** The last lines of the task's log. */
  logTail: string;
  at: string;
}

/** Writes the done marker, checksummed, through a temporary name. */
export function writeDone(p: TaskPaths, marker: DoneMarker): Promise<void> {
  return writeEnvelope(p.done, DONE_FORMAT, DONE_VERSION, marker);
}

/**
 * The done marker when it and the outputs it lists are intact, or the reason they are not. `full` compares
 * every output's SHA-256; otherwise only sizes, which catches truncation cheaply (for status displays).
 */
export async function checkDone(p: TaskPaths, full: boolean): Promise<{ marker?: DoneMarker; problem?: string }> {
  if (!(await exists(p.done))) return {};
  let marker: DoneMarker;
  try {
    marker = (await readEnvelope(p.done, DONE_FORMAT, DONE_VERSION)) as DoneMarker;
  } catch (err) {
    return { problem: `done marker unreadable: ${(err as Error).message}` };
  }
  for (const [name, want] of Object.entries(marker.files)) {
    const file = path.join(p.out, name);
    if (!(await exists(file))) return { problem: `output ${name} is missing` };
    const got = full ? await fileDigest(file) : { sha256: want.sha256, bytes: (await fs.stat(file)).size };
    if (got.bytes !== want.bytes) return { problem: `output ${name} has ${got.bytes} bytes, not ${want.bytes}` };
    if (got.sha256 !== want.sha256) return { problem: `output ${name} does not match its checksum` };
  }
  return { marker };
}
