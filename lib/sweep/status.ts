/**
 * The state of every task of a sweep, read from the markers in its folder alone — the same under either
 * backend, and whether or not a runner is alive.
 * @packageDocumentation
 */
import { readJson } from './files';
import { openSweep, RecordedPlan } from './folder';
import { holderAlive, LockHolder } from './lock';
import { checkDone, DoneMarker, FailedMarker, taskPaths } from './markers';

/** A task is done (outputs intact), running (a live process holds it), failed (its last attempt failed) or pending. */
export type TaskState = 'done' | 'running' | 'failed' | 'pending';

/** One task's state. */
export interface TaskStatus {
  index: number;
  id: string;
  kind: string;
  settings: Record<string, unknown>;
  state: TaskState;
  /** Attempts over all runs. */
  attempts: number;
  /** Why, for people: an interruption, a damaged output, the retry limit, the Slurm job. */
  note?: string;
  /** The last failure's error code, message and log tail. */
  code?: string;
  message?: string;
  logTail?: string;
  done?: DoneMarker;
  /** Whether a run of the sweep would start it: pending (however often interrupted), or failed with attempts left. */
  runnable: boolean;
}

/** A sweep's tasks and how many are in each state. */
export interface SweepStatus {
  folder: string;
  plan: RecordedPlan;
  tasks: TaskStatus[];
  counts: Record<TaskState, number>;
}

/**
 * The state of one task. With `verify`, every output is checked against its SHA-256; otherwise only its
 * size (enough to see truncation, and cheap for large sweeps).
 */
export async function taskStatus(
  folder: string, plan: RecordedPlan, index: number, verify: boolean, retries = plan.retries,
): Promise<TaskStatus> {
  const task = plan.tasks[index];
  const p = taskPaths(folder, task.id);
  const attempts = (await readJson<{ count: number }>(p.attempts))?.count ?? 0;
  const base = { index, id: task.id, kind: task.kind, settings: task.settings, attempts };
  const done = await checkDone(p, verify);
  if (done.marker) return { ...base, state: 'done', done: done.marker, runnable: false };
  const holder = await readJson<LockHolder>(p.running);
  if (holder !== undefined && holderAlive(holder)) {
    const where = holder.slurmJob ? `Slurm job ${String(holder.slurmJob)}` : `process ${holder.pid}`;
    return { ...base, state: 'running', note: `${where} on ${holder.host}, since ${holder.started}`, runnable: false };
  }
  // The limit is on failures: damaged outputs and interruptions (scancel, a time limit, a killed worker)
  // are no attempt's fault, so those tasks are rerun whatever the count.
  const failed = await readJson<FailedMarker>(p.failed);
  if (failed !== undefined) {
    const runnable = attempts < 1 + retries || done.problem !== undefined;
    return {
      ...base, state: 'failed', code: failed.code, message: failed.message, logTail: failed.logTail,
      note: runnable ? done.problem : `retry limit reached (${attempts} attempts)`, runnable,
    };
  }
  const interrupted = attempts > 0 ? 'interrupted; resumes from its checkpoint' : undefined;
  return { ...base, state: 'pending', note: done.problem ?? interrupted, runnable: true };
}

/** The state of every task of the sweep in `folder`; `retries` overrides the description's limit. */
export async function sweepStatus(folder: string, opts: { verify?: boolean; retries?: number } = {}): Promise<SweepStatus> {
  const plan = await openSweep(folder);
  const tasks: TaskStatus[] = [];
  for (const t of plan.tasks) tasks.push(await taskStatus(folder, plan, t.index, opts.verify === true, opts.retries ?? plan.retries));
  const counts: Record<TaskState, number> = { done: 0, running: 0, failed: 0, pending: 0 };
  for (const t of tasks) counts[t.state] += 1;
  return { folder, plan, tasks, counts };
}

/** A one-line summary of the counts. */
export function countsLine(s: SweepStatus): string {
  const c = s.counts;
  return `${s.plan.name}: ${s.tasks.length} tasks — ${c.done} done, ${c.running} running, ${c.failed} failed, ${c.pending} pending`;
}

/** The status as text: the counts, then one line per task (done ones only with `all`), failures with their log tail. */
export function formatStatus(s: SweepStatus, all = false): string {
  const lines = [countsLine(s)];
  for (const t of s.tasks) {
    if (t.state === 'done' && !all) continue;
    const what = `${String(t.index).padStart(4)} ${t.id} ${t.kind.padEnd(4)} ${t.state.padEnd(7)}`;
    const seconds = t.done ? ` ${((t.done.finished - t.done.started) / 1000).toFixed(1)} s` : '';
    const error = t.code ? ` ${t.code}: ${t.message}` : '';
    lines.push(`${what} attempts ${t.attempts}${seconds}${error}${t.note ? ` (${t.note})` : ''}`);
    if (t.state === 'failed' && t.logTail) lines.push(...t.logTail.split('\n').map((l) => `       | ${l}`));
  }
  return lines.join('\n');
}
