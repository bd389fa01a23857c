/**
 * Means with Student-t confidence intervals, for per-run accuracies and for paired differences between runs
 * that share their seeds.
 * @packageDocumentation
 */
import { studentTCdf } from '../epi/hypothesis';
import { SloppyError } from '../errors';
import { finiteNumber } from '../validate';

/** A sample's mean with its standard deviation and a two-sided confidence interval for the mean. */
export interface MeanCi {
  n: number;
  mean: number;
  sd: number;
  /** [lower, upper]; NaN with fewer than two values. */
  ci: [number, number];
  level: number;
}

/** Checks a confidence level: a number in (0, 1). */
export function checkLevel(level: unknown): number {
  const v = finiteNumber(level, 'level');
  if (!(v > 0 && v < 1)) throw new SloppyError('ERR_INVALID_ARG_VALUE', `level must lie in (0, 1); got ${v}`);
  return v;
}

/**
 * The t quantile with `df` degrees of freedom at probability p ≥ ½: bisection on the CDF between 0 and an
 * upper bound doubled until it brackets p (the quantile grows without limit as df → 1 and p → 1).
 */
function studentTQuantile(p: number, df: number): number {
  let lo = 0, hi = 1;
  while (studentTCdf(hi, df) < p) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1e-13 * hi) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Mean, sd and the `level` t-interval of the finite values (non-finite ones are left out).
 * @param level - confidence level in (0, 1); default 0.95.
 * @throws SloppyError ERR_INVALID_ARG_VALUE for a level outside (0, 1).
 */
export function meanCi(values: ArrayLike<number>, level = 0.95): MeanCi {
  checkLevel(level);
  const v = Array.from(values).filter(Number.isFinite);
  const n = v.length;
  const mean = n > 0 ? v.reduce((a, b) => a + b, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  const half = n > 1 ? studentTQuantile(0.5 + level / 2, n - 1) * (sd / Math.sqrt(n)) : NaN;
  return { n, mean, sd, ci: [mean - half, mean + half], level };
}

/**
 * The mean of a − b over pairs (the same run under two treatments), with its t-interval; pairs with a
 * non-finite member are left out.
 * @throws SloppyError ERR_INVALID_ARG_VALUE for samples of different lengths or a level outside (0, 1).
 */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>, level = 0.95): MeanCi {
  if (a.length !== b.length) throw new SloppyError('ERR_INVALID_ARG_VALUE', `paired samples differ in length (${a.length} and ${b.length})`);
  return meanCi(Float64Array.from({ length: a.length }, (_, k) => a[k] - b[k]), level);
}
