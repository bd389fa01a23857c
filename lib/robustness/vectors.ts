/**
 * Small dense-vector helpers for the robustness tools: validated unit directions and quadratic forms.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';

/**
 * `v` scaled to unit Euclidean length, after checking it has `dim` finite entries and is not zero, so that a
 * push of size t always moves the point by exactly t.
 * @throws SloppyError ERR_INVALID_ARG_TYPE when `v` is not an array of numbers; ERR_INVALID_ARG_VALUE when it
 *   has the wrong length, a non-finite entry or zero length.
 */
export function unitVector(v: unknown, dim: number, what: string): Float64Array {
  if (!(Array.isArray(v) || ArrayBuffer.isView(v))) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', `${what} must be an array of numbers`);
  }
  const a = v as ArrayLike<unknown>;
  if (a.length !== dim) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} has ${a.length} entries; expected ${dim}`, {
      length: a.length, expected: dim,
    });
  }
  const out = new Float64Array(dim);
  let norm = 0;
  for (let i = 0; i < dim; ++i) {
    const x = a[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what}[${i}] must be a finite number; got ${String(x)}`);
    }
    out[i] = x;
    norm += x * x;
  }
  norm = Math.sqrt(norm);
  if (!(norm > 0)) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} is the zero vector: it has no direction`);
  for (let i = 0; i < dim; ++i) out[i] /= norm;
  return out;
}

/** uᵀ·M·u for a row-major dim × dim matrix M. */
export function quadraticForm(m: Float64Array, u: Float64Array): number {
  const n = u.length;
  let s = 0;
  for (let i = 0; i < n; ++i) {
    let row = 0;
    for (let j = 0; j < n; ++j) row += m[i * n + j] * u[j];
    s += u[i] * row;
  }
  return s;
}

/** A row-major square matrix of `dim` from a flat array or rows, checked finite and symmetric to rounding. */
export function symmetricMatrix(value: unknown, dim: number | undefined, what: string): { matrix: Float64Array; dim: number } {
  let flat: number[];
  if (Array.isArray(value) && value.every((r) => Array.isArray(r) || ArrayBuffer.isView(r))) {
    const rows = value as ArrayLike<number>[];
    if (rows.some((r) => r.length !== rows.length)) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} must be square`);
    }
    flat = rows.flatMap((r) => Array.from(r));
  } else if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    flat = Array.from(value as ArrayLike<number>);
  } else {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', `${what} must be a square matrix (rows, or a flat row-major array)`);
  }
  const n = dim ?? Math.round(Math.sqrt(flat.length));
  if (n < 1 || n * n !== flat.length) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} has ${flat.length} entries; expected ${n} × ${n}`);
  }
  let scale = 0;
  for (const x of flat) {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} has a non-finite entry`);
    scale = Math.max(scale, Math.abs(x));
  }
  for (let i = 0; i < n; ++i) {
    for (let j = 0; j < i; ++j) {
      if (Math.abs(flat[i * n + j] - flat[j * n + i]) > 1e-10 * scale) {
        throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} is not symmetric at (${i}, ${j})`);
      }
    }
  }
  return { matrix: Float64Array.from(flat), dim: n };
}
