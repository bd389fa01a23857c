/**
 * The one shape every landscape algorithm consumes: a batched energy. NEB hands all images of all its bands to a
 * single `evaluate` call per step, so an energy backed by a native kernel (a network's loss, a model's cost) pays
 * one crossing of the boundary per step, not one per image.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { integer } from '../validate';

/** What an energy returns for a batch: `energy` (count) and `gradient` (count × dim, row-major). */
export interface EnergyBatch {
  energy: Float64Array;
  gradient: Float64Array;
}

/**
 * A differentiable energy on ℝ^dim, evaluated for many points at once.
 * `points` holds `count` points of `dim` coordinates, row-major; the promise gives each point's energy and
 * gradient. Implementations may reuse neither array after resolving: callers keep the results.
 */
export interface Energy {
  /** The number of coordinates of one point. */
  dim: number;
  /** Energies and gradients of `count` points; rejects with ABORT_ERR if `signal` fires. */
  evaluate(points: Float64Array, count: number, signal?: AbortSignal): Promise<EnergyBatch>;
}

/** A user's batched energy: the same contract as {@link Energy.evaluate}, synchronous or not, any array-likes. */
export type EnergyFunction = (
  points: Float64Array,
  count: number,
) => { energy: ArrayLike<number>; gradient: ArrayLike<number> } | Promise<{ energy: ArrayLike<number>; gradient: ArrayLike<number> }>;

function checked(values: ArrayLike<number> | undefined, length: number, what: string): void {
  if (values === undefined || values === null || typeof values.length !== 'number') {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', `the energy returned no ${what} array`);
  }
  if (values.length !== length) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `the energy returned ${values.length} ${what} values; expected ${length}`);
  }
  for (let i = 0; i < length; ++i) {
    if (!Number.isFinite(values[i])) {
      throw new SloppyError('ERR_NONFINITE', `the energy returned a non-finite ${what} (${values[i]} at index ${i})`, { index: i });
    }
  }
}

/**
 * Checks a batch that an energy returned for `count` points of `dim` coordinates: both arrays present, of the
 * right lengths, and finite. A wrong-length or NaN gradient would otherwise surface many steps later as a band
 * that silently never converges.
 */
export function checkBatch(batch: { energy: ArrayLike<number>; gradient: ArrayLike<number> }, count: number, dim: number): void {
  if (typeof batch !== 'object' || batch === null) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'an energy must return { energy, gradient }');
  }
  checked(batch.energy, count, 'energy');
  checked(batch.gradient, count * dim, 'gradient');
}

/**
 * Wraps a user's function as an {@link Energy}. Every result is checked with {@link checkBatch} and copied into
 * Float64Arrays; the function receives a copy of the points, so it may modify them.
 *
 * @example
 * const bowl = userEnergy(2, (p, n) => {
 *   const energy = new Float64Array(n), gradient = new Float64Array(2 * n);
 *   for (let i = 0; i < n; ++i) {
 *     const [x, y] = [p[2 * i], p[2 * i + 1]];
 *     energy[i] = x * x + y * y; gradient[2 * i] = 2 * x; gradient[2 * i + 1] = 2 * y;
 *   }
 *   return { energy, gradient };
 * });
 */
export function userEnergy(dim: number, fn: EnergyFunction): Energy {
  integer(dim, 'dim', 1);
  if (typeof fn !== 'function') {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'userEnergy needs a function (points, count) => { energy, gradient }');
  }
  return {
    dim,
    async evaluate(points, count, signal) {
      if (signal?.aborted) throw new SloppyError('ABORT_ERR', 'the energy evaluation was aborted');
      const result = await fn(Float64Array.from(points.subarray(0, count * dim)), count);
      checkBatch(result, count, dim);
      return { energy: Float64Array.from(result.energy), gradient: Float64Array.from(result.gradient) };
    },
  };
}
