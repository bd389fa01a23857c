/**
 * The options of the synaptic-sampling network (seed 004): every constant the seed leaves open, with the
 * default of shared/reference/seed004-notes.md (from Kappel et al. 2015 and its simulation code), validated
 * into the plain record the native side reads.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { finiteArray, finiteNumber, integer, knownKeys, positiveNumber, toMatrix } from '../validate';
import type { NativeSynapticParams } from './binding';

/** Noise on θ: none; Eq. 1's standard √(2b)·dW; Eq. 3's weight-dependent, variance N·α·e^{w} per unit time. */
export type NoiseMode = 'none' | 'standard' | 'weight';

/** The model's constants. Rates in Hz, times in seconds. */
export interface SynapticModelOptions {
  /** Classes C, one winner-take-all output each (K = C). Default 10; at most 32. */
  classes?: number;
  /** Input neurons I. Default 1000. */
  inputs?: number;
  /** Length of one presentation T. Default 0.2 s. */
  presentation?: number;
  /** Cluster means m_c ~ N(meanCentre, meanSpread²) per coordinate, drawn per run. Defaults 0.5 and 0.2. */
  meanCentre?: number;
  meanSpread?: number;
  /** Explicit cluster means (classes × 3), replacing the drawn ones for every run. */
  clusterMeans?: ArrayLike<number> | ArrayLike<number>[];
  /** Cluster shape A_c = clusterSpread·I₃ + clusterSkew·Ξ_c, Ξ_c standard normal. Defaults 0.04 and 0.01. */
  clusterSpread?: number;
  clusterSkew?: number;
  /** Tuning curves ν_i(y) = baseRate + peakRate·exp(−‖y − c_i‖²/tuningWidth²), c_i ~ U[0,1]³. Defaults 2, 80, 0.3. */
  baseRate?: number;
  peakRate?: number;
  tuningWidth?: number;
  /** EPSP kernel exp(−t/τ_d) − exp(−t/τ_r), carried across presentations. Defaults 0.02 and 0.002 s. */
  tauDecay?: number;
  tauRise?: number;
  /** Total output rate of the winner-take-all circuit. Default 100 Hz (about 20 events per presentation). */
  outputRate?: number;
  /**
   * 'normalised' (default): u_k = Σ_i w_ki x_i − Σ_i min(d_max, α e^{w_ki}), which makes Eq. 2 the gradient
   * of the cross-entropy; 'literal': u_k = Σ_i w_ki x_i.
   */
  potential?: 'normalised' | 'literal';
  /** w = exp(θ − θ₀). Default 3. */
  theta0?: number;
  /** Learning rate b of Eq. 1–2. Default 1e-4 per second; 0 freezes the synapses (and their noise). */
  b?: number;
  /** Prior N(μ, σ²) on θ, also θ's initial distribution. Defaults 0.5 and 1. */
  mu?: number;
  sigma?: number;
  /** α of the Poisson normaliser α·e^{w}. Default e⁻². */
  alpha?: number;
  /** N of Eq. 2 and Eq. 3. Default 100. */
  n?: number;
  /** Cap of α·e^{w}. Default 5. */
  dMax?: number;
  /** Bounds of θ. Defaults −5 and θ₀ + ln ln(d_max/α), where α·e^{w} reaches d_max. */
  thetaMin?: number;
  thetaMax?: number;
  /** The teacher-driven likelihood term of Eq. 2. Default true; off only for diagnostics. */
  likelihood?: boolean;
  /** The prior term of Eq. 2. Default true; off only for diagnostics. */
  prior?: boolean;
  /** Default 'none'. */
  noise?: NoiseMode;
  /** 'sqrt2b' (default): √(2b)·dW, Eq. 1; 'b': b·dW as Eq. 2 prints it (141× smaller at b = 1e-4). */
  prefactor?: 'sqrt2b' | 'b';
  /**
   * 'sample' (default): a presentation's event updates summed and applied once, with the prior and noise
   * (first-order exact); 'event': each event's update applied at once, the reference scheme.
   */
  update?: 'sample' | 'event';
}

/** The keys of {@link SynapticModelOptions}. */
export const MODEL_KEYS = [
  'classes', 'inputs', 'presentation', 'meanCentre', 'meanSpread', 'clusterMeans', 'clusterSpread', 'clusterSkew',
  'baseRate', 'peakRate', 'tuningWidth', 'tauDecay', 'tauRise', 'outputRate', 'potential', 'theta0', 'b', 'mu',
  'sigma', 'alpha', 'n', 'dMax', 'thetaMin', 'thetaMax', 'likelihood', 'prior', 'noise', 'prefactor', 'update',
] as const;

/** A validated model: the native record and the explicit cluster means, if any. */
export interface ResolvedModel {
  params: NativeSynapticParams;
  means?: Float64Array;
}


function nonnegative(value: unknown, what: string): number {
  const v = finiteNumber(value, what);
  if (v < 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} must be ≥ 0; got ${v}`);
  return v;
}

function choice<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (!allowed.includes(value as T)) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${String(value)}`);
  }
  return value as T;
}

/** Checks a boolean option. */
export function flag(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new SloppyError('ERR_INVALID_ARG_TYPE', `${what} must be a boolean`);
  return value;
}

function clusterMeans(value: unknown, classes: number): Float64Array {
  const { data, rows } = toMatrix(value, 3, 'clusterMeans');
  if (rows !== classes) throw new SloppyError('ERR_INVALID_ARG_VALUE', `clusterMeans has ${rows} rows; expected classes = ${classes}`);
  finiteArray(data, 'clusterMeans', 3);
  return data;
}

/** Validates the model's options and fills in the defaults. */
export function resolveModel(opts: SynapticModelOptions): ResolvedModel {
  const classes = integer(opts.classes ?? 10, 'classes', 2, 32);
  const alpha = positiveNumber(opts.alpha ?? Math.exp(-2), 'alpha');
  const dMax = positiveNumber(opts.dMax ?? 5, 'dMax');
  const theta0 = finiteNumber(opts.theta0 ?? 3, 'theta0');
  if (dMax / alpha <= 1 && opts.thetaMax === undefined) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', 'dMax/alpha must exceed 1 for the default thetaMax = θ₀ + ln ln(dMax/α); or give thetaMax');
  }
  const params: NativeSynapticParams = {
    classes,
    inputs: integer(opts.inputs ?? 1000, 'inputs', 1, 1 << 20),
    presentation: positiveNumber(opts.presentation ?? 0.2, 'presentation'),
    meanCentre: finiteNumber(opts.meanCentre ?? 0.5, 'meanCentre'),
    meanSpread: nonnegative(opts.meanSpread ?? 0.2, 'meanSpread'),
    clusterSpread: finiteNumber(opts.clusterSpread ?? 0.04, 'clusterSpread'),
    clusterSkew: finiteNumber(opts.clusterSkew ?? 0.01, 'clusterSkew'),
    baseRate: positiveNumber(opts.baseRate ?? 2, 'baseRate'),
    peakRate: nonnegative(opts.peakRate ?? 80, 'peakRate'),
    width: positiveNumber(opts.tuningWidth ?? 0.3, 'tuningWidth'),
    tauDecay: positiveNumber(opts.tauDecay ?? 0.02, 'tauDecay'),
    tauRise: positiveNumber(opts.tauRise ?? 0.002, 'tauRise'),
    outputRate: nonnegative(opts.outputRate ?? 100, 'outputRate'),
    potential: choice(opts.potential ?? 'normalised', ['normalised', 'literal'] as const, 'potential'),
    theta0,
    b: nonnegative(opts.b ?? 1e-4, 'b'),
    mu: finiteNumber(opts.mu ?? 0.5, 'mu'),
    sigma: positiveNumber(opts.sigma ?? 1, 'sigma'),
    alpha,
    n: nonnegative(opts.n ?? 100, 'n'),
    dMax,
    thetaMin: finiteNumber(opts.thetaMin ?? -5, 'thetaMin'),
    thetaMax: finiteNumber(opts.thetaMax ?? theta0 + Math.log(Math.log(dMax / alpha)), 'thetaMax'),
    likelihood: flag(opts.likelihood ?? true, 'likelihood'),
    prior: flag(opts.prior ?? true, 'prior'),
    noise: choice(opts.noise ?? 'none', ['none', 'standard', 'weight'] as const, 'noise'),
    prefactor: choice(opts.prefactor ?? 'sqrt2b', ['sqrt2b', 'b'] as const, 'prefactor'),
    update: choice(opts.update ?? 'sample', ['sample', 'event'] as const, 'update'),
  };
  if (params.thetaMin >= params.thetaMax) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `thetaMin (${params.thetaMin}) must be below thetaMax (${params.thetaMax})`);
  }
  // The output events of one presentation live in fixed arrays (native eventCapacity); a million is far beyond any use.
  if (params.outputRate * params.presentation > 1e4) {
    throw new SloppyError('ERR_OUT_OF_BOUNDS', `outputRate × presentation = ${params.outputRate * params.presentation} events; at most 1e4`);
  }
  const means = opts.clusterMeans === undefined ? undefined : clusterMeans(opts.clusterMeans, classes);
  return { params, means };
}

/** Checks that `opts` is an object holding only known keys. */
export function checkOptionsObject(opts: unknown, keys: readonly string[], what: string): asserts opts is object {
  if (typeof opts !== 'object' || opts === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', `${what} must be an object`);
  knownKeys(opts, keys, what);
}
