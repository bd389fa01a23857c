import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { SweepDescription } from '../../lib/sweep';

export { readJson } from '../../lib/sweep/files';

// Three seeds of a small lds2d run (about a third of a second each on one core): two of them converge (measured:
// seeds 1 and 3), so the merge has a real choice to make.
export const EPI_SETTINGS = {
  model: 'lds2d', batch: 200, epochs: 4, iterations: 200, initIterations: 100, c0: 10, flow: { units: 8 }, samples: 200,
  property: { stats: ['realLambda1'], mean: [0], std: [1] },
};

export function seedsSweep(name: string, extra: Partial<SweepDescription> = {}, settings = EPI_SETTINGS): SweepDescription {
  return { name, groups: [{ kind: 'epi', settings, grid: { seed: [1, 2, 3] } }], ...extra };
}

/**
 * The seeds sweep with ten times the iterations per epoch (about a second a task), for the tests that interrupt a
 * task after its first checkpoint: at 200 iterations a task ends about 0.2 s after that checkpoint, and a Slurm
 * scancel, which passes through slurmctld and slurmd, has arrived after the task was done.
 */
export function longSeedsSweep(name: string): SweepDescription {
  return seedsSweep(name, {}, { ...EPI_SETTINGS, iterations: 2000 });
}

// An ensemble of 24 short fits to the default teacher in chunks of 10 (three tasks, a second or so each).
export const FIT_GROUP = { kind: 'fit', settings: { steps: 200, seed: 3, optimizer: 'adadelta', curveStride: 50 }, chunks: { total: 24, size: 10 } };

/** The seeds sweep with the fit ensemble beside it: both kinds in one array. */
export function mixedSweep(name: string): SweepDescription {
  const d = seedsSweep(name);
  return { ...d, groups: [...d.groups, FIT_GROUP] };
}

export async function tmpdir(prefix = 'sloppy-sweep-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Every file under `dir`, relative path → SHA-256: equal trees are equal bit for bit. */
export async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = createHash('sha256').update(await fs.readFile(file)).digest('hex');
  }
  return out;
}

/** Polls `probe` every 10 ms until it returns a value, or fails after `ms`. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, ms = 60000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
