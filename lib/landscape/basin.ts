/**
 * The basin of a minimum (Fig. 12 of the landscape paper): jitter the minimum by noise of L2 norm uniform in
 * [0, maxNorm] in a uniformly random direction, retrain every jittered network in one batch, and read the
 * final loss against the noise norm, with a logistic fit of the probability of returning to the minimum's
 * loss level.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { normals, uniforms } from '../rng';
import { finiteNumber, integer, isFloat64Array } from '../validate';
import { fitNetworks, FitOptions } from './fit';
import { NetworkShapeSpec } from './layout';
import { DataSet, prepareNetwork } from './network';

/** Options of {@link basinOfMinimum}. */
export interface BasinOptions extends Omit<FitOptions, 'count' | 'init' | 'out' | 'firstFit' | 'curveStride'> {
  /** Jittered networks. Default 256. */
  count?: number;
  /** Largest noise norm. Default 2. */
  maxNorm?: number;
  /** Final loss below which a network counts as returned. Default 1e-6, the notes' "global minimum reached". */
  threshold?: number;
}

/** P(return | norm) = 1 / (1 + exp(−(a + b·norm))), by maximum likelihood. */
export interface LogisticFit {
  a: number;
  b: number;
  /** The norm at which P = ½ (−a/b). */
  half: number;
}

/** What {@link basinOfMinimum} measured. */
export interface Basin {
  /** The noise norm of each jittered network. */
  norms: Float64Array;
  finalLoss: Float64Array;
  returned: boolean[];
  /** Null when every network returned or none did (the likelihood has no maximum then). */
  logistic: LogisticFit | null;
  /** The jittered starting weights, count × P. */
  starts: Float64Array;
}

const BASIN_STREAM = 0x62617369;

/** Fits P(y = 1 | x) = σ(a + b·x) by Newton's method on the log-likelihood. */
export function logisticFit(x: ArrayLike<number>, y: readonly boolean[]): LogisticFit | null {
  const ones = y.filter(Boolean).length;
  if (ones === 0 || ones === y.length) return null;
  let a = Math.log(ones / (y.length - ones)), b = 0;
  for (let it = 0; it < 100; it++) {
    let ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    for (let i = 0; i < y.length; i++) {
      const p = 1 / (1 + Math.exp(-(a + b * x[i])));
      const r = (y[i] ? 1 : 0) - p, w = p * (1 - p);
      ga += r;
      gb += r * x[i];
      haa += w;
      hab += w * x[i];
      hbb += w * x[i] * x[i];
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
    a += da;
    b += db;
    if (Math.abs(da) + Math.abs(db) < 1e-12 * (1 + Math.abs(a) + Math.abs(b))) break;
  }
  // Perfectly separated data drive |b| to infinity: report the step function's location instead of a fake fit.
  return Number.isFinite(a) && Number.isFinite(b) ? { a, b, half: -a / b } : null;
}

/**
 * Jitters `minimum` (one parameter vector, e.g. the symmetrized teacher), retrains the jittered networks on
 * `data`, and reports the final losses against the noise norm.
 */
export async function basinOfMinimum(
  minimum: Float64Array,
  shape: NetworkShapeSpec,
  data: DataSet,
  opts: BasinOptions = {},
): Promise<Basin> {
  const net = prepareNetwork(shape, data, {});
  const P = net.parameters;
  if (!isFloat64Array(minimum) || minimum.length !== P) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `the minimum must be a Float64Array of ${P} parameters`);
  }
  const { count: countOpt, maxNorm: maxOpt, threshold: thresholdOpt, ...fit } = opts;
  const count = integer(countOpt ?? 256, 'count', 1);
  const maxNorm = finiteNumber(maxOpt ?? 2, 'maxNorm');
  const threshold = finiteNumber(thresholdOpt ?? 1e-6, 'threshold');
  if (maxNorm <= 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'maxNorm must be > 0');
  const seed = integer(fit.seed ?? 0, 'seed', 0, 2 ** 53 - 1);
  // The norms' uniforms and the directions' normals are separate Philox streams of one seed.
  const norms = uniforms(count, seed, BASIN_STREAM).map((u) => maxNorm * u);
  const starts = new Float64Array(count * P);
  for (let i = 0; i < count; i++) {
    const d = normals(P, { seed, set: i });
    const length = Math.sqrt(d.reduce((s, v) => s + v * v, 0));
    for (let k = 0; k < P; k++) starts[i * P + k] = minimum[k] + (norms[i] * d[k]) / length;
  }
  const r = await fitNetworks(net.shape, data, { ...fit, count, init: starts });
  const returned = Array.from(r.loss, (l) => l < threshold);
  return { norms, finalLoss: r.loss, returned, logistic: logisticFit(norms, returned), starts };
}
