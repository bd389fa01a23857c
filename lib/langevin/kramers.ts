/**
 * The Kramers–Langer escape rate over a saddle in the overdamped limit. For dθ = −b∇U dt + √(2bT) dW, escape
 * from the basin of a minimum m over an index-1 saddle s at T ≪ ΔU = U(s) − U(m) has the rate
 *
 *   k = (b·|λ_s⁻| / 2π) · √(det H(m) / |det H(s)|) · exp(−ΔU / T),
 *
 * λ_s⁻ the one negative eigenvalue of H(s) (Langer, Ann. Phys. 54, 258 (1969); the overdamped form as in Hänggi,
 * Talkner & Borkovec, Rev. Mod. Phys. 62, 251 (1990), Sec. IV). In one dimension it is Kramers'
 * √(U''(m)·|U''(s)|)/2π · e^{−ΔU/T}. The mean first-passage time from m past s is 1/k up to corrections of
 * relative order T/ΔU.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { Energy } from '../landscape/energy';
import { positiveNumber } from '../validate';
import { classifyStationary, StationaryPoint } from './stationary';

/** The rate's ingredients and its value at each temperature. */
export interface KramersLanger {
  minimum: StationaryPoint;
  saddle: StationaryPoint;
  /** ΔU = U(saddle) − U(minimum). */
  barrier: number;
  /** λ_s⁻. */
  unstable: number;
  /** b·|λ_s⁻|/2π · √(det H(m)/|det H(s)|): the rate without its Arrhenius factor. */
  prefactor: number;
  temperatures: number[];
  /** k(T), one per temperature. */
  rates: number[];
}

/** Options of {@link kramersLanger}. */
export interface KramersOptions {
  /** Mobility b. Default 1. */
  mobility?: number;
  signal?: AbortSignal;
}

function product(values: Float64Array): number {
  return values.reduce((p, v) => p * v, 1);
}

/**
 * The Kramers–Langer rate from `minimum` over `saddle` (both exact stationary points, e.g. from
 * {@link locateStationary}), at each temperature. Throws ERR_INVALID_ARG_VALUE unless the minimum has index 0
 * and the saddle index 1 (a degenerate point has no Gaussian approximation).
 */
export async function kramersLanger(
  energy: Energy,
  points: { minimum: ArrayLike<number>; saddle: ArrayLike<number> },
  temperatures: number[],
  opts: KramersOptions = {},
): Promise<KramersLanger> {
  if (!Array.isArray(temperatures)) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'temperatures must be an array of finite numbers > 0');
  temperatures.forEach((T, i) => positiveNumber(T, `temperatures[${i}]`));
  const b = positiveNumber(opts.mobility ?? 1, 'mobility');
  const minimum = await classifyStationary(energy, points.minimum, opts);
  const saddle = await classifyStationary(energy, points.saddle, opts);
  if (minimum.kind !== 'minimum') throw new SloppyError('ERR_INVALID_ARG_VALUE', `the minimum is a ${minimum.kind} (eigenvalues ${Array.from(minimum.eigenvalues).join(', ')})`);
  if (saddle.kind !== 'strict-saddle' || saddle.index !== 1) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `the saddle must have index 1; it is a ${saddle.kind} of index ${saddle.index}`);
  }
  const barrier = saddle.energy - minimum.energy;
  const unstable = saddle.eigenvalues[0];
  const prefactor = ((b * Math.abs(unstable)) / (2 * Math.PI)) * Math.sqrt(product(minimum.eigenvalues) / Math.abs(product(saddle.eigenvalues)));
  return { minimum, saddle, barrier, unstable, prefactor, temperatures: [...temperatures], rates: temperatures.map((T) => prefactor * Math.exp(-barrier / T)) };
}
