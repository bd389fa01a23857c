/**
 * Dense eigen-decompositions (Eigen, on the host), for inspecting the matrices of a model: connectivity,
 * Hessians, Fisher information.
 * @packageDocumentation
 */
import { SloppyError } from './errors';
import { native } from './native';
import { isFloat64Array } from './validate';

function square(matrix: unknown, n: number): Float64Array {
  if (!isFloat64Array(matrix)) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'matrix must be a Float64Array');
  if (!Number.isInteger(n) || n < 1 || matrix.length !== n * n) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `matrix has ${matrix.length} numbers; expected n × n with n = ${n}`);
  }
  return matrix;
}

/** Eigenvalues of a real n × n matrix (row-major), sorted by descending real part; a conjugate pair lists +i first. */
export function eigenvalues(matrix: Float64Array, n: number): { re: Float64Array; im: Float64Array } {
  return native.linalg.eigenvalues(square(matrix, n), n);
}

/**
 * Eigen-decomposition of a symmetric n × n matrix (only its lower triangle is read): eigenvalues ascending
 * and, with `vectors: true`, the orthonormal eigenvectors as the columns of a row-major n × n matrix.
 */
export function eigh(
  matrix: Float64Array,
  n: number,
  opts: { vectors?: boolean } = {},
): { values: Float64Array; vectors?: Float64Array } {
  return native.linalg.eigh(square(matrix, n), n, opts.vectors ?? false);
}
