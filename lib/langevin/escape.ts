/**
 * Escape from a basin against temperature: first-passage times of batched Langevin paths from a minimum into
 * a target, set beside the Kramers–Langer rate over the saddle between (found by the climbing-image NEB and
 * refined by Newton's method).
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { Energy } from '../landscape/energy';
import { neb, NebOptions } from '../landscape/neb';
import { kramersLanger, KramersLanger } from './kramers';
import { langevin } from './langevin';
import { LangevinOptions } from './options';
import { locateStationary } from './stationary';

/** Options of {@link findSaddle}. */
export interface SaddleOptions {
  /** Passed to {@link neb}; default 12 images, climbing. */
  neb?: NebOptions;
  signal?: AbortSignal;
}

/** The minima at both ends (exact) and the saddle between (the NEB climbing image, refined by Newton). */
export interface SaddleSearch {
  from: Float64Array;
  to: Float64Array;
  saddle: Float64Array;
  /** The climbing image before refinement. */
  climbing: Float64Array;
  converged: boolean;
}

/** Locates both minima from rough guesses and the index-1 saddle on the minimum-energy path between them. */
export async function findSaddle(energy: Energy, from: ArrayLike<number>, to: ArrayLike<number>, opts: SaddleOptions = {}): Promise<SaddleSearch> {
  const a = await locateStationary(energy, from, { kind: 'minimum', signal: opts.signal });
  const b = await locateStationary(energy, to, { kind: 'minimum', signal: opts.signal });
  const band = await neb(energy, { start: a.point, end: b.point }, { images: 12, signal: opts.signal, ...opts.neb });
  const climbing = band.bands[0].climbing;
  if (climbing === null) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'NEB found no barrier between the two minima');
  const s = await locateStationary(energy, climbing.position, { kind: 'saddle', signal: opts.signal });
  return { from: a.point, to: b.point, saddle: s.point, climbing: climbing.position, converged: a.converged && b.converged && s.converged };
}

/** Options of {@link escapeTimes}: those of {@link langevin} less the temperature, start and passage. */
export interface EscapeOptions extends Omit<LangevinOptions, 'temperature' | 'start' | 'passage'> {
  /** The minimum escaped from (refined by descent). */
  from: ArrayLike<number>;
  /** The minimum escaped to, whose basin is tested as a ball of `radius` around it (refined by descent). */
  to: ArrayLike<number>;
  radius: number;
  temperatures: number[];
  /** Steps per temperature; a function of T lets the horizon follow the growing escape time. Default `steps`. */
  stepsAt?: (T: number) => number;
}

/** First-passage statistics at one temperature. */
export interface EscapeAtTemperature {
  temperature: number;
  paths: number;
  /** Fraction of paths that arrived within the horizon: the escape probability by time `horizon`. */
  escapeProbability: number;
  horizon: number;
  /** Mean passage time of the arrived paths (biased low unless all arrived). */
  meanArrived: number;
  /**
   * The mean first-passage time estimated with censoring: total observed time over arrivals, the maximum-
   * likelihood mean of an exponential law, which escape over a high barrier follows.
   */
  mfpt: number;
  /** Its standard error, mfpt/√arrivals. */
  standardError: number;
  /** Kramers–Langer's prediction 1/k. */
  kramersTime: number;
  /** Per path, the passage time (NaN: not within the horizon). */
  times: Float64Array;
}

/** What {@link escapeTimes} returns. */
export interface EscapeResult {
  kramers: KramersLanger;
  saddle: SaddleSearch;
  rows: EscapeAtTemperature[];
}

/** Passage times from `from` into the basin of `to` at each temperature, beside Kramers–Langer. */
export async function escapeTimes(energy: Energy, opts: EscapeOptions): Promise<EscapeResult> {
  const { from, to, radius, temperatures, stepsAt, ...run } = opts;
  if (!Array.isArray(temperatures) || temperatures.length === 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'temperatures must be a non-empty array');
  const saddle = await findSaddle(energy, from, to, { signal: opts.signal });
  const kramers = await kramersLanger(energy, { minimum: saddle.from, saddle: saddle.saddle }, temperatures, { mobility: opts.mobility, signal: opts.signal });
  const rows: EscapeAtTemperature[] = [];
  for (const [k, T] of temperatures.entries()) {
    const steps = stepsAt ? stepsAt(T) : run.steps;
    const r = await langevin(energy, { ...run, steps, temperature: T, start: saddle.from, passage: { center: saddle.to, radius } });
    const horizon = r.steps * r.dt;
    let observed = 0;
    let arrivedTime = 0;
    for (const t of r.passageTime) {
      observed += Number.isNaN(t) ? horizon : t;
      if (!Number.isNaN(t)) arrivedTime += t;
    }
    const mfpt = r.passed > 0 ? observed / r.passed : Infinity;
    rows.push({
      temperature: T,
      paths: r.paths,
      escapeProbability: r.passed / r.paths,
      horizon,
      meanArrived: r.passed > 0 ? arrivedTime / r.passed : NaN,
      mfpt,
      standardError: r.passed > 0 ? mfpt / Math.sqrt(r.passed) : Infinity,
      kramersTime: 1 / kramers.rates[k],
      times: r.passageTime,
    });
  }
  return { kramers, saddle, rows };
}
