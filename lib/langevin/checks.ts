/**
 * The input check lib/langevin shares beyond lib/validate's: a point of an energy.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';

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

