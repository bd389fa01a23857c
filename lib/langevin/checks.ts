/**
 * The input checks lib/langevin shares beyond lib/validate's: a point of an energy and a positive number.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { finiteNumber } from '../validate';

/** `p` as a fresh Float64Array of `dim` finite coordinates; ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE or ERR_NONFINITE otherwise. */
export function finitePoint(p: unknown, dim: number, what: string): Float64Array {
  if (p === null || typeof p !== 'object' || typeof (p as ArrayLike<number>).length !== 'number') {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', `${what} must be an array of ${dim} numbers`);
  }
  const x = Float64Array.from(p as ArrayLike<number>);
  if (x.length !== dim) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} has ${x.length} numbers; the energy has ${dim} coordinates`);
  if (!x.every(Number.isFinite)) throw new SloppyError('ERR_NONFINITE', `${what} holds a non-finite number`);
  return x;
}

/** A finite number > 0, else ERR_INVALID_ARG_VALUE. */
export function positive(v: unknown, what: string): number {
  const x = finiteNumber(v, what);
  if (x <= 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} must be > 0; got ${x}`);
  return x;
}
