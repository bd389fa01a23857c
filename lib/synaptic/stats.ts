/**
 * Means with Student-t confidence intervals, for per-run accuracies and for paired differences between runs
 * that share their seeds.
 * @packageDocumentation
 */
import { studentTCdf } from '../epi/hypothesis';
import { SloppyError } from '../errors';

/** A sample's mean with its standard deviation and a two-sided confidence interval for the mean. */
export interface MeanCi {
  n: number;
  mean: number;
  sd: number;
  /** [lower, upper]; NaN with fewer than two values. */
  ci: [number, number];
  level: number;
}

/** The t quantile with `df` degrees of freedom at probability p (bisection on the CDF; |t| < 1e3). */
export function studentTQuantile(p: number, df: number): number {
  let lo = -1e3, hi = 1e3;
  for (let k = 0; k < 200 && hi - lo > 1e-12; k++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Mean, sd and the `level` (default 95%) t-interval of the finite values. */
export function meanCi(values: ArrayLike<number>, level = 0.95): MeanCi {
  const v = Array.from(values).filter(Number.isFinite);
  const n = v.length;
  const mean = n > 0 ? v.reduce((a, b) => a + b, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  const half = n > 1 ? studentTQuantile(0.5 + level / 2, n - 1) * (sd / Math.sqrt(n)) : NaN;
  return { n, mean, sd, ci: [mean - half, mean + half], level };
}

/** The mean of a − b over pairs (the same run under two treatments), with its t-interval. */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>, level = 0.95): MeanCi {
  if (a.length !== b.length) throw new SloppyError('ERR_INVALID_ARG_VALUE', `paired samples differ in length (${a.length} and ${b.length})`);
  return meanCi(Float64Array.from({ length: a.length }, (_, k) => a[k] - b[k]), level);
}
