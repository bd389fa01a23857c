/**
 * `sweep run`: under the folder's lock, run every task that is not done — skipping done ones, rerunning
 * failed, missing, interrupted and damaged ones — on one backend, retrying failures up to the limit.
 * Interrupted tasks (a killed worker, a cancelled array element) are left for the next run, which resumes
 * them from their checkpoints.
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';

import { SloppyError } from '../errors';
import { integer } from '../validate';
import { Backend, BackendName } from './backend';
import { expandSweep, SweepDescription } from './description';
import { pidAlive, readJson } from './files';
import { acquireLock, createSweep, openSweep, RecordedPlan } from './folder';
import { LocalOptions, localBackend } from './local';
import { LockHolder } from './lock';
import { taskPaths } from './markers';
import { SlurmResources, slurmResources } from './resources';
import { activeJobs, requireSlurm, slurmAvailable, slurmBackend } from './slurm';
import { sweepStatus, SweepStatus, taskStatus } from './status';

/** Options of {@link runSweep}. */
export interface RunSweepOptions extends LocalOptions {
  /** A description to plan into the folder (or to check against the one it holds); without it, the folder's. */
  description?: SweepDescription;
  /** 'local' (default) or 'slurm'. */
  backend?: BackendName;
  /** Overrides of the description's per-task Slurm resources. */
  slurm?: SlurmResources;
  /** Overrides the description's retry limit for this run. */
  retries?: number;
  /** Milliseconds between squeue calls. Default 2000. */
  poll?: number;
  /** Cancels the running tasks (SIGTERM locally, scancel under Slurm); they resume on the next run. */
  signal?: AbortSignal;
  /** Progress lines (the CLI writes them to stderr). */
  onProgress?: (line: string) => void;
}

/** What a run did, and where the sweep stands after it. */
export interface RunSweepResult {
  folder: string;
  /** Task indices started by this run, once per attempt. */
  started: number[];
  status: SweepStatus;
}

// Claims (running markers) that no live process can hold: dead pids of this machine, and — once no job of
// the sweep is left in Slurm's queue — every claim made on another machine.
async function clearStaleClaims(folder: string, plan: RecordedPlan, progress: (line: string) => void): Promise<void> {
  for (const t of plan.tasks) {
    const file = taskPaths(folder, t.id).running;
    const holder = await readJson<LockHolder>(file);
    if (holder === undefined) continue;
    if (holder.host === os.hostname() && pidAlive(holder.pid)) continue;
    progress(`task ${t.index}: clearing the claim of process ${holder.pid} on ${holder.host}, which is gone`);
    await fs.rm(file, { force: true });
  }
}

async function refuseActiveJobs(folder: string): Promise<void> {
  const active = await activeJobs(folder);
  if (active.length > 0) {
    throw new SloppyError('ERR_SWEEP_LOCKED', `Slurm job ${active.join(', ')} of the sweep ${folder} is still queued or running; ` +
      `wait for it or scancel it`, { jobs: active });
  }
}

function backendFor(folder: string, plan: RecordedPlan, opts: RunSweepOptions): Backend {
  if (opts.backend === 'slurm') {
    return slurmBackend(folder, plan.name, { ...plan.slurm, ...slurmResources(opts.slurm) }, opts.poll);
  }
  return localBackend(folder, { workers: opts.workers, threads: opts.threads });
}

/**
 * Runs the sweep in `folder` until every task is done, failed past its retry limit, or interrupted.
 * Refusals, before anything runs: ERR_SLURM_UNAVAILABLE (Slurm backend without sbatch; nothing written),
 * ERR_SWEEP_MISMATCH (the folder holds another description), ERR_SWEEP_LOCKED (another runner, or a Slurm
 * job of the sweep still queued), and the description's own errors (e.g. ERR_UNKNOWN_MODEL).
 */
export async function runSweep(folder: string, opts: RunSweepOptions = {}): Promise<RunSweepResult> {
  const progress = opts.onProgress ?? (() => undefined);
  if (opts.backend !== undefined && opts.backend !== 'local' && opts.backend !== 'slurm') {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `backend must be 'local' or 'slurm'; got ${String(opts.backend)}`);
  }
  const planned = opts.description === undefined ? undefined : expandSweep(opts.description);
  if (opts.backend === 'slurm') requireSlurm();
  const retries = opts.retries === undefined ? undefined : integer(opts.retries, 'retries', 0, 1000);
  const plan = planned ? await createSweep(planned, folder) : await openSweep(folder);
  const backend = backendFor(folder, plan, opts);
  const lock = await acquireLock(folder);
  const started: number[] = [];
  try {
    // Elements of an earlier submission may still run even when this run is local.
    if (slurmAvailable()) await refuseActiveJobs(folder);
    await clearStaleClaims(folder, plan, progress);
    const before = await sweepStatus(folder, { verify: true, retries });
    for (const t of before.tasks) if (t.runnable && t.note) progress(`task ${t.index}: ${t.note}; running it again`);
    let todo = before.tasks.filter((t) => t.runnable).map((t) => t.index);
    progress(`${plan.name}: ${before.counts.done} of ${plan.tasks.length} tasks done; running ${todo.length} on the ${backend.name} backend`);
    const attempts = new Map(before.tasks.map((t) => [t.index, t.attempts]));
    while (todo.length > 0 && !opts.signal?.aborted) {
      started.push(...todo);
      await backend.run(todo, opts.signal, progress);
      const after = await Promise.all(todo.map((i) => taskStatus(folder, plan, i, false, retries)));
      // Only an attempt that counted itself may be retried: a process that died before (a broken install,
      // a node that cannot start it) would otherwise be started again for ever.
      const stuck = after.filter((t) => t.state !== 'done' && t.attempts === attempts.get(t.index));
      if (!opts.signal?.aborted) for (const t of stuck) progress(`task ${t.index}: its process ended before starting an attempt; not retried (see the lines above)`);
      todo = after.filter((t) => t.state === 'failed' && t.runnable && !stuck.includes(t)).map((t) => t.index);
      for (const t of after) attempts.set(t.index, t.attempts);
      if (todo.length > 0 && !opts.signal?.aborted) progress(`retrying ${todo.length} failed task(s): ${todo.join(', ')}`);
    }
    return { folder, started, status: await sweepStatus(folder, { retries }) };
  } finally {
    await lock.release();
  }
}
