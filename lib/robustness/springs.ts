/**
 * "Springs back": push a circuit's state off its attractor by a given amount along given state directions,
 * simulate, and measure how long the state takes to come back within a tolerance of the attractor for good
 * (the last time it is farther away, interpolated between samples in log distance, which is exact for an
 * exponential approach). The state is the trial mean, or the noise-free path for the models whose return is
 * timed on their noise-free dynamics (lib/robustness/attractors.ts); the distance is to the fixed point, or
 * to the orbit of a limit cycle.
 * @packageDocumentation
 */
import { Device } from '../backends';
import { SloppyError } from '../errors';
import { describeWith, get, optionVector } from '../models';
import { integer, knownKeys, positiveNumber } from '../validate';
import type { Attractor } from './attractors';
import { statePush } from './attractors';
import { meanPath, RunSettings } from './mean-path';
import { orbitDistances } from './orbit';
import { unitVector } from './vectors';

/** Options of {@link springsBack}. */
export interface SpringsBackOptions {
  /** Model parameters; default the model's representative values. */
  z?: ArrayLike<number>;
  /** Unit-normalised state-space directions of the push; default each state axis. */
  directions?: ArrayLike<number>[];
  /** Sizes of the push (state units); each must be ≥ 0. Default [1]. */
  amounts?: number[];
  /** Distance to the attractor that counts as back. */
  tolerance: number;
  /** Trials averaged into the mean path; default 1 (exact for noise-free dynamics, and always 1 for the models timed on them). */
  trials?: number;
  seed?: number;
  /** Model options; `dt` and `steps` set the horizon (sc: `dt` alone, timed over its cue epoch). The state options are set by the push. */
  options?: Record<string, number>;
  /** Record every `stride` steps. Default 1. */
  stride?: number;
  device?: Device;
  threads?: number;
  signal?: AbortSignal;
}

/** One push and its return. */
export interface Return {
  /** Index into the directions. */
  direction: number;
  amount: number;
  /** Time (model units) after which the state stays within the tolerance; Infinity when not by the horizon. */
  returnTime: number;
  returned: boolean;
  /** ln(amount / tolerance) / returnTime: the effective exponential rate of return (0 when not returned or at once). */
  rate: number;
}

/** The outcome of {@link springsBack}. */
export interface SpringsBackResult {
  model: string;
  z: Float64Array;
  stateNames: string[];
  /** The state every push starts from: the fixed point, or a point on the limit cycle. */
  attractor: Float64Array;
  /** A limit cycle's orbit over one period (samples × state), to which the distances are taken; else undefined. */
  orbit?: Float64Array;
  /** The smallest distance the attractor resolves (see {@link Attractor}); 0 for a fixed point. */
  resolution: number;
  attractorDescription: string;
  /** Whether the paths were run without noise (the models timed on their noise-free dynamics). */
  noiseFree: boolean;
  directions: Float64Array[];
  tolerance: number;
  trials: number;
  /** Time between recorded samples. */
  sampleInterval: number;
  /** Simulated time. */
  horizon: number;
  returns: Return[];
  /** returns.length × recorded: distance of the state to the attractor at each sample. */
  distances: Float64Array;
  recorded: number;
}

const KNOWN = ['z', 'directions', 'amounts', 'tolerance', 'trials', 'seed', 'options', 'stride', 'device', 'threads', 'signal'];

/** The return time of a distance series, sampled every `dt`: see the module's description. */
export function returnTime(d: ArrayLike<number>, tolerance: number, dt: number): number {
  let last = -1;
  for (let k = 0; k < d.length; ++k) if (!(d[k] <= tolerance)) last = k;
  if (last < 0) return 0;
  if (last === d.length - 1) return Infinity;
  const [a, b] = [d[last], d[last + 1]];
  const fraction = b > 0 ? Math.log(a / tolerance) / Math.log(a / b) : (a - tolerance) / (a - b);
  return (last + fraction) * dt;
}

/**
 * Pushes the state of `model` at parameters `z` off its attractor and times its return.
 * @throws SloppyError ERR_UNKNOWN_MODEL; ERR_INVALID_ARG_VALUE for a model whose state cannot be set, a
 *   direction of the wrong length, non-finite or zero, a negative or non-finite amount, a non-positive
 *   tolerance, or a model that settles to no fixed point.
 */
export async function springsBack(model: string, opts: SpringsBackOptions): Promise<SpringsBackResult> {
  const descriptor = get(model);
  if (typeof opts !== 'object' || opts === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options with a tolerance are required');
  knownKeys(opts, KNOWN, 'springsBack option');
  const push = statePush(model);
  const tolerance = positiveNumber(opts.tolerance, 'tolerance');
  const info = describeWith(model, optionVector(descriptor, opts.options));
  const S = info.state.length;
  const directions = (opts.directions ?? info.state.map((_, i) => Array.from({ length: S }, (_, j) => (i === j ? 1 : 0)))).map(
    (d, k) => unitVector(d, S, `state direction ${k}`),
  );
  if (directions.length === 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'directions is empty');
  const amounts = opts.amounts ?? [1];
  if (!Array.isArray(amounts) || amounts.length === 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'amounts must be a non-empty array');
  amounts.forEach((a, k) => {
    if (typeof a !== 'number' || !Number.isFinite(a) || a < 0) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `amounts[${k}] must be a finite number ≥ 0; got ${String(a)}`);
    }
  });
  const requested = integer(opts.trials ?? 1, 'trials', 1, 2 ** 30);
  const trials = push.noiseFree ? 1 : requested;
  const stride = integer(opts.stride ?? 1, 'stride', 1);
  const z = Float64Array.from(opts.z ?? info.params.map((p) => p.value));
  const run = push.timed({ z, options: { ...(opts.options ?? {}) } });
  const settings: RunSettings = { seed: opts.seed ?? 0, device: opts.device, threads: opts.threads, signal: opts.signal };
  const defaults = Object.fromEntries(descriptor.options.map((o) => [o.name, o.value]));
  const context = { state: info.state, option: (name: string) => run.options[name] ?? defaults[name], settings };
  const { point, orbit, resolution } = await push.attractor(run, context);
  const names = push.stateOptions(info.state);

  const cases = directions.flatMap((_, d) => amounts.map((amount) => ({ direction: d, amount })));
  const paths = await Promise.all(
    cases.map(({ direction, amount }) => {
      const start = Object.fromEntries(names.map((name, i) => [name, point[i] + amount * directions[direction][i]]));
      return meanPath(model, run.z, { ...run.options, ...start }, trials, stride, settings);
    }),
  );
  const last = push.lastSample?.(context);
  const recorded = last === undefined ? paths[0].recorded : Math.min(paths[0].recorded, Math.floor(last / stride) + 1);
  const dt = paths[0].interval;
  const distances = new Float64Array(cases.length * recorded);
  const returns = cases.map((c, n) => {
    const d = distances.subarray(n * recorded, (n + 1) * recorded);
    const path = paths[n].path;
    if (orbit) d.set(orbitDistances(path, recorded, orbit, S));
    else for (let k = 0; k < recorded; ++k) d[k] = Math.sqrt(point.reduce((s2, v, i) => s2 + (path[k * S + i] - v) ** 2, 0));
    const t = returnTime(d, tolerance, dt);
    return {
      ...c, returnTime: t, returned: Number.isFinite(t),
      rate: Number.isFinite(t) && t > 0 ? Math.log(c.amount / tolerance) / t : 0,
    };
  });
  return {
    model, z, stateNames: info.state, attractor: point, orbit, resolution, attractorDescription: push.description,
    noiseFree: push.noiseFree, directions, tolerance, trials, sampleInterval: dt, horizon: (recorded - 1) * dt, returns,
    distances, recorded,
  };
}
