/**
 * One attempt at one task of a sweep — the code path of both backends (`sloppy task <folder> <index>`).
 * The attempt claims the task, counts itself, lets the kind write into a fresh temporary folder, renames
 * that folder into place, and ends with the done marker listing its outputs' checksums; a failure leaves
 * its code, message and log tail instead, and an interrupted attempt leaves the kind's checkpoints.
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { SloppyError } from '../errors';
import { integer } from '../validate';
import { writeFileAtomic } from '../io/atomic';
import { fileDigest, readJson, tail } from './files';
import { openSweep } from './folder';
import { taskKind } from './kinds';
import { takeLock } from './lock';
import { checkDone, DoneMarker, FailedMarker, TaskPaths, taskPaths, writeDone } from './markers';

/** How an attempt ended. 'already done': the task's outputs were intact, so nothing ran. */
export type TaskOutcome = 'done' | 'already done' | 'failed' | 'interrupted';

/** Options of {@link runTask}. */
export interface RunTaskOptions {
  /** CPU threads for the task; 0 = all. */
  threads?: number;
  /** Aborting interrupts the attempt: no failure is recorded and the kind's checkpoints stay. */
  signal?: AbortSignal;
  /** When the process running the attempt started (ms since the epoch); default now. */
  started?: number;
  /** When the runner submitted the attempt, for the report's queue times. */
  submitted?: number;
  /** `<array job>_<index>` under Slurm. */
  slurmJob?: string;
  /** Also receives each log line (the CLI sends them to stderr). */
  echo?: (line: string) => void;
}

/**
 * Runs task `index` of the sweep in `folder` once, unless its outputs are already intact. Resolves to the
 * outcome; a failure of the task itself resolves to 'failed' (recorded in its folder), so that the caller
 * decides about retries. Throws ERR_SWEEP_LOCKED when another live process works on the task, and
 * ERR_SWEEP_MISMATCH when the sweep was planned by another sloppy version.
 */
export async function runTask(folder: string, index: number, opts: RunTaskOptions = {}): Promise<TaskOutcome> {
  const plan = await openSweep(folder);
  integer(index, 'task index', 0, plan.tasks.length - 1);
  const task = plan.tasks[index];
  const p = taskPaths(folder, task.id);
  await fs.mkdir(p.dir, { recursive: true });
  const claim = await takeLock(p.running, `task ${index} (${task.id})`, '', { slurmJob: opts.slurmJob });
  let attempts = 0;
  const log = async (line: string): Promise<void> => {
    opts.echo?.(line);
    await fs.appendFile(p.log, `${new Date().toISOString()} [attempt ${attempts}, pid ${process.pid}] ${line}\n`);
  };
  const staging = path.join(p.dir, `out.${process.pid}.tmp`);
  try {
    if ((await checkDone(p, true)).marker) return 'already done';
    attempts = ((await readJson<{ count: number }>(p.attempts))?.count ?? 0) + 1;
    await writeFileAtomic(p.attempts, JSON.stringify({ count: attempts }));
    // The outputs are about to be replaced: an old marker (of outputs found damaged) must not outlive them.
    await fs.rm(p.done, { force: true });
    await fs.rm(p.failed, { force: true });
    await fs.rm(staging, { recursive: true, force: true });
    await fs.mkdir(staging, { recursive: true });
    await fs.mkdir(p.state, { recursive: true });
    await log(`task ${index} (${task.kind} ${task.id}) on ${os.hostname()}${opts.slurmJob ? `, Slurm job ${opts.slurmJob}` : ''}`);
    const started = opts.started ?? Date.now();
    const signal = opts.signal ?? new AbortController().signal;
    const lines: Promise<void>[] = [];
    const files = await taskKind(task.kind).run({ out: staging, state: p.state }, task.settings, {
      threads: opts.threads ?? 0, signal, log: (line) => void lines.push(log(line)),
    });
    await Promise.all(lines);
    await finish(p, staging, files, {
      id: task.id, index, kind: task.kind, attempt: attempts, submitted: opts.submitted, started,
      host: os.hostname(), pid: process.pid, slurmJob: opts.slurmJob,
    });
    await log('done');
    return 'done';
  } catch (err) {
    await fs.rm(staging, { recursive: true, force: true });
    if (opts.signal?.aborted) {
      await log('interrupted; the next run resumes from the checkpoint');
      return 'interrupted';
    }
    const e = err as SloppyError;
    const code = typeof e.code === 'string' ? e.code : 'ERR_TASK_FAILED';
    await log(`failed: ${e.message} [${code}]`);
    const failed: FailedMarker = {
      id: task.id, index, attempt: attempts, code, message: e.message, logTail: await tail(p.log), at: new Date().toISOString(),
    };
    await writeFileAtomic(p.failed, JSON.stringify(failed, null, 2));
    return 'failed';
  } finally {
    await claim.release();
  }
}

// Checksums, then the rename of the whole output folder, then the marker: a kill between any two steps
// leaves no done marker, so the task is simply run again.
async function finish(p: TaskPaths, staging: string, files: string[], marker: Omit<DoneMarker, 'files' | 'finished'>): Promise<void> {
  const digests: DoneMarker['files'] = {};
  for (const f of [...files].sort()) {
    try {
      digests[f] = await fileDigest(path.join(staging, f));
    } catch {
      throw new SloppyError('ERR_TASK_FAILED', `the task reported an output ${f} that it did not write`);
    }
  }
  await fs.rm(p.out, { recursive: true, force: true });
  await fs.rename(staging, p.out);
  await writeDone(p, { ...marker, files: digests, finished: Date.now() });
}
