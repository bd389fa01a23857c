/**
 * The trial-mean state path of one parameter set: what springs-back measures and what its attractors are
 * found from.
 * @packageDocumentation
 */
import { Device } from '../backends';
import { simulate } from '../sde';

/** How the runs are made: shared by every run of one springs-back measurement. */
export interface RunSettings {
  seed: number;
  device?: Device;
  threads?: number;
  signal?: AbortSignal;
}

/** A recorded path: `recorded` samples of `state` values, row-major, `interval` model time apart. */
export interface MeanPath {
  path: Float64Array;
  recorded: number;
  state: number;
  interval: number;
}

/** The mean over `trials` trials of `model`'s state at `z` with `options`, every `stride` steps. */
export async function meanPath(
  model: string, z: ArrayLike<number>, options: Record<string, number>, trials: number, stride: number, run: RunSettings,
): Promise<MeanPath> {
  const r = await simulate(model, [Array.from(z)], {
    trials, seed: run.seed, options, trajectories: { stride }, device: run.device, threads: run.threads, signal: run.signal,
  });
  const { recorded, state } = r.shape;
  const traj = r.trajectories!;
  const path = new Float64Array(recorded * state);
  for (let tr = 0; tr < trials; ++tr) {
    for (let k = 0; k < recorded * state; ++k) path[k] += traj[tr * recorded * state + k];
  }
  for (let k = 0; k < path.length; ++k) path[k] /= trials;
  return { path, recorded, state, interval: r.sampleInterval! };
}

/** Sample `k` of a path. */
export function sample(p: MeanPath, k: number): Float64Array {
  return p.path.slice(k * p.state, (k + 1) * p.state);
}
