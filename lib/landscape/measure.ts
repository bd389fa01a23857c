/**
 * The paper's measurements on symmetrized minima (section 4.5 of "The energy landscape of a simple neural
 * network"): L2 distances between pairs of minima, distances from the global minimum (the symmetrized
 * teacher) to each, and the cosines between pairs of directions teacher → minimum, whose all-positive
 * values showed the minima lying to one side of the teacher. Points are any vectors of one dimension;
 * pass a network shape to have it checked against the parameter layout.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { finiteArray, integer, isFloat64Array, knownKeys } from '../validate';
import { parameterLayout, type NetworkShapeSpec } from './layout';

/** The dimension of the points: a number, or a network shape whose parameter count it is. */
export type PointDimension = number | NetworkShapeSpec;

/** Which pairs {@link pairwiseDistances} and {@link directionCosines} report. */
export interface PairOptions {
  /**
   * 'condensed' (default): the n(n − 1)/2 pairs i < j in the order of SciPy's `pdist` (row by row), so
   * pair (i, j) is at n·i − i(i + 1)/2 + j − i − 1. 'full': the n × n symmetric matrix, row-major.
   */
  form?: 'condensed' | 'full';
  /**
   * Only these pairs, flattened as [i₀, j₀, i₁, j₁, …]: one value per pair, in order (`form` is then
   * ignored). The paper drew 10⁶ random pairs of its 320 000 minima, where the full set would hold 5·10¹⁰.
   */
  pairs?: ArrayLike<number>;
}

/** Beyond this many values (8 GiB of float64) a full or condensed matrix is refused in favour of `pairs`. */
const MAX_VALUES = 2 ** 30;

function dimensionOf(dim: PointDimension): number {
  return typeof dim === 'number' ? integer(dim, 'dimension', 1) : parameterLayout(dim).count;
}

function checkPoints(points: unknown, d: number, what: string): number {
  if (!isFloat64Array(points)) throw new SloppyError('ERR_INVALID_ARG_TYPE', `${what} must be a Float64Array`);
  if (points.length === 0 || points.length % d !== 0) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} has ${points.length} numbers, not a positive multiple of the dimension ${d}`);
  }
  finiteArray(points, what, d);
  return points.length / d;
}

/** Validates options and returns the explicit pairs (as a flat Int32Array) or null for all pairs. */
function selectPairs(options: PairOptions, n: number): Int32Array | null {
  if (typeof options !== 'object' || options === null) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options must be an object { form?, pairs? }');
  }
  knownKeys(options, ['form', 'pairs'], 'option');
  const { form = 'condensed', pairs } = options;
  if (form !== 'condensed' && form !== 'full') {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `form must be 'condensed' or 'full'; got ${String(form)}`);
  }
  if (pairs === undefined) {
    const values = form === 'full' ? n * n : (n * (n - 1)) / 2;
    if (values > MAX_VALUES) {
      throw new SloppyError('ERR_OUT_OF_BOUNDS', `${n} points give ${values} ${form} values; pass options.pairs to sample pairs instead`);
    }
    return null;
  }
  if (pairs.length % 2 !== 0) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `pairs has ${pairs.length} indices; expected an even number (i, j, i, j, …)`);
  }
  const out = new Int32Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) {
    const v = pairs[i];
    if (!Number.isInteger(v) || v < 0 || v >= n) {
      throw new SloppyError('ERR_OUT_OF_BOUNDS', `pairs[${i}] = ${v} is not the index of one of the ${n} points`);
    }
    out[i] = v;
  }
  return out;
}

/** The L2 distance between the d numbers of `a` from `aAt` and those of `b` from `bAt`, summed from differences. */
function distance(a: Float64Array, aAt: number, b: Float64Array, bAt: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    const diff = a[aAt + k] - b[bAt + k];
    s += diff * diff;
  }
  return Math.sqrt(s);
}

/**
 * Evaluates `value(i, j)` (symmetric) for the requested pairs into a new array. The two matrix forms
 * evaluate each unordered pair once.
 */
function overPairs(n: number, options: PairOptions, value: (i: number, j: number) => number): Float64Array {
  const pairs = selectPairs(options, n);
  if (pairs !== null) {
    const out = new Float64Array(pairs.length / 2);
    for (let p = 0; p < out.length; p++) out[p] = value(pairs[2 * p], pairs[2 * p + 1]);
    return out;
  }
  if (options.form === 'full') {
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      out[i * n + i] = value(i, i);
      for (let j = i + 1; j < n; j++) out[i * n + j] = out[j * n + i] = value(i, j);
    }
    return out;
  }
  const out = new Float64Array((n * (n - 1)) / 2);
  let at = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[at++] = value(i, j);
  return out;
}

/**
 * L2 distances between pairs of the points stored back to back in `points` (e.g. symmetrized minima),
 * summed from differences rather than from a Gram matrix, so that near-duplicates keep their digits.
 * @param points - n × d numbers.
 * @param dim - d, or the network shape whose parameter count it is.
 * @throws SloppyError ERR_INVALID_ARG_TYPE if `points` is not a Float64Array; ERR_INVALID_ARG_VALUE for a
 *   length that is not a multiple of d, a non-finite entry, a bad form or odd-length pairs; ERR_OUT_OF_BOUNDS
 *   for a pair index outside the points or a matrix of more than 2³⁰ values.
 */
export function pairwiseDistances(points: Float64Array, dim: PointDimension, options: PairOptions = {}): Float64Array {
  const d = dimensionOf(dim);
  const n = checkPoints(points, d, 'points');
  return overPairs(n, options, (i, j) => distance(points, i * d, points, j * d, d));
}

/**
 * L2 distance from `reference` (one point, e.g. the symmetrized teacher) to each of the points.
 * @throws SloppyError as {@link pairwiseDistances}, and ERR_INVALID_ARG_VALUE if `reference` is not one point of dimension d.
 */
export function distancesTo(points: Float64Array, reference: Float64Array, dim: PointDimension): Float64Array {
  const d = dimensionOf(dim);
  const n = checkPoints(points, d, 'points');
  if (checkPoints(reference, d, 'reference') !== 1) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `reference must be one point of ${d} numbers; got ${reference.length}`);
  }
  return Float64Array.from({ length: n }, (_, i) => distance(points, i * d, reference, 0, d));
}

/**
 * Cosines between pairs of the directions origin → point (the paper's "dot products of directions", with
 * origin the symmetrized teacher), each clamped to [−1, 1] against rounding. A point equal to the origin
 * has no direction: its cosines are NaN. The diagonal of the full form is 1 (NaN for such a point).
 * @throws SloppyError as {@link distancesTo}.
 */
export function directionCosines(
  points: Float64Array,
  origin: Float64Array,
  dim: PointDimension,
  options: PairOptions = {},
): Float64Array {
  const lengths = distancesTo(points, origin, dim);
  const d = origin.length;
  return overPairs(lengths.length, options, (i, j) => {
    let dot = 0;
    for (let k = 0; k < d; k++) dot += (points[i * d + k] - origin[k]) * (points[j * d + k] - origin[k]);
    const c = dot / (lengths[i] * lengths[j]);
    return c > 1 ? 1 : c < -1 ? -1 : c;
  });
}
