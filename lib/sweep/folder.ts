/**
 * The sweep folder: `sweep.json` (the description, its expansion and the sloppy version that planned it),
 * `tasks/<id>/` (one folder per task, named by its content-derived id), `slurm/` (scripts, submissions and
 * Slurm's logs), `collected/` (the merged results) and `report.html`; and `lock`, held by the one runner
 * that may submit the sweep's tasks.
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { SloppyError } from '../errors';
import { readEnvelope, writeEnvelope } from '../io/envelope';
import { SweepPlan } from './description';
import { exists } from './files';
import { Lock, takeLock } from './lock';

const FORMAT = 'sloppy.sweep';
const VERSION = 1;

/** A plan as recorded in a sweep folder. */
export interface RecordedPlan extends SweepPlan {
  /** The sloppy version that planned the sweep; every task must run under the same one. */
  sloppy: string;
  created: string;
}

/** Paths inside a sweep folder. */
export const sweepPaths = {
  plan: (folder: string): string => path.join(folder, 'sweep.json'),
  lock: (folder: string): string => path.join(folder, 'lock'),
  task: (folder: string, id: string): string => path.join(folder, 'tasks', id),
  slurm: (folder: string): string => path.join(folder, 'slurm'),
  collected: (folder: string): string => path.join(folder, 'collected'),
  report: (folder: string): string => path.join(folder, 'report.html'),
};

let version: string | undefined;

/** This sloppy's version, from its package.json (one level above lib/ or dist/). */
export function sloppyVersion(): string {
  version ??= (require(path.join(__dirname, '..', '..', 'package.json')) as { version: string }).version;
  return version;
}

function checkVersion(folder: string, recorded: RecordedPlan): RecordedPlan {
  if (recorded.sloppy !== sloppyVersion()) {
    throw new SloppyError('ERR_SWEEP_MISMATCH', `${folder} was planned by sloppy ${recorded.sloppy}; this is sloppy ${sloppyVersion()}, ` +
      'and one sweep never mixes results of two versions', { recorded: recorded.sloppy, running: sloppyVersion() });
  }
  return recorded;
}

/** Reads a sweep folder's plan; ERR_INVALID_ARG_VALUE when it is not a sweep folder. */
export async function openSweep(folder: string): Promise<RecordedPlan> {
  const file = sweepPaths.plan(folder);
  if (!(await exists(file))) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${folder} is not a sweep folder (no sweep.json)`);
  return checkVersion(folder, (await readEnvelope(file, FORMAT, VERSION)) as RecordedPlan);
}

/**
 * Records `plan` in `folder`, or checks that the folder already holds the same sweep: a folder made from
 * another description, or by another sloppy version, is refused with ERR_SWEEP_MISMATCH, as is a non-empty folder
 * that is not a sweep.
 */
export async function createSweep(plan: SweepPlan, folder: string): Promise<RecordedPlan> {
  if (await exists(sweepPaths.plan(folder))) {
    const recorded = await openSweep(folder);
    if (recorded.hash !== plan.hash) {
      throw new SloppyError('ERR_SWEEP_MISMATCH', `${folder} holds another sweep (description ${recorded.hash.slice(0, 12)}, ` +
        `not ${plan.hash.slice(0, 12)}); use another folder for a different description`, { recorded: recorded.hash, given: plan.hash });
    }
    return recorded;
  }
  const entries = await fs.readdir(folder).catch(() => [] as string[]);
  if (entries.length > 0) {
    throw new SloppyError('ERR_SWEEP_MISMATCH', `${folder} is not empty and is not a sweep folder; choose an empty or new folder`);
  }
  const recorded: RecordedPlan = { ...plan, sloppy: sloppyVersion(), created: new Date().toISOString() };
  await writeEnvelope(sweepPaths.plan(folder), FORMAT, VERSION, recorded);
  return recorded;
}

/**
 * Takes the folder's runner lock: one runner submits a sweep's tasks at a time. A lock left by a dead
 * process of this machine is taken over; a live holder's is refused with ERR_SWEEP_LOCKED.
 */
export function acquireLock(folder: string): Promise<Lock> {
  const file = sweepPaths.lock(folder);
  return takeLock(file, `the sweep ${folder}`, `wait for it, or remove ${file} if that process is gone`);
}
