/**
 * Input checks shared by every public function: each failure names the offending item.
 * Typed arrays are recognised with ArrayBuffer.isView, never instanceof, so arrays from another realm
 * (a vm context, a jest sandbox, a worker) are accepted.
 * @packageDocumentation
 */
import { SloppyError } from './errors';

export function isFloat64Array(v: unknown): v is Float64Array {
  return ArrayBuffer.isView(v) && Object.prototype.toString.call(v) === '[object Float64Array]';
}

/** Accepts a flat Float64Array / number[] of `rows × width`, or rows as number[][]; returns a fresh copy. */
export function toMatrix(value: unknown, width: number, what: string): { data: Float64Array; rows: number } {
  let data: Float64Array;
  if (isFloat64Array(value)) {
    data = Float64Array.from(value);
  } else if (Array.isArray(value) && value.every((row) => Array.isArray(row) || ArrayBuffer.isView(row))) {
    const rows = value as ArrayLike<number>[];
    rows.forEach((row, i) => {
      if (row.length !== width) {
        throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what}[${i}] has ${row.length} entries; expected ${width}`);
      }
    });
    data = new Float64Array(rows.length * width);
    rows.forEach((row, i) => data.set(Array.from(row), i * width));
  } else if (Array.isArray(value) && value.every((x) => typeof x === 'number')) {
    data = Float64Array.from(value as number[]);
  } else {
    throw new SloppyError(
      'ERR_INVALID_ARG_TYPE',
      `${what} must be a Float64Array, an array of numbers or an array of rows`,
    );
  }
  if (data.length === 0 || data.length % width !== 0) {
    throw new SloppyError(
      'ERR_INVALID_ARG_VALUE',
      `${what} has ${data.length} numbers, not a positive multiple of ${width} (the number of parameters)`,
    );
  }
  return { data, rows: data.length / width };
}

export function integer(value: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} must be an integer in [${min}, ${max}]; got ${String(value)}`);
  }
  return value;
}

export function finiteNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} must be a finite number; got ${String(value)}`);
  }
  return value;
}

/**
 * Throws ERR_INVALID_ARG_VALUE naming the first NaN or infinity in `values`: by index, or with `rowSize` as
 * (row, column) of a row-major matrix; `details` carries them.
 */
export function finiteArray(values: ArrayLike<number>, what: string, rowSize = 0): void {
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) continue;
    const where = rowSize > 0 ? { row: Math.floor(i / rowSize), column: i % rowSize } : { index: i };
    const text = rowSize > 0 ? `row ${where.row}, column ${where.column}` : `index ${i}`;
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} holds ${values[i]} at ${text}`, where);
  }
}

/** A finite number > 0 (ERR_INVALID_ARG_VALUE otherwise). */
export function positiveNumber(value: unknown, what: string): number {
  const v = finiteNumber(value, what);
  if (!(v > 0)) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} must be positive; got ${v}`);
  return v;
}

/** Rejects keys that an options object does not know, so a typo never silently falls back to a default. */
export function knownKeys(obj: object, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new SloppyError('ERR_UNKNOWN_OPTION', `unknown ${what} '${key}'; known: ${allowed.join(', ')}`);
    }
  }
}
