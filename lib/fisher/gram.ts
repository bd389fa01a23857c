/**
 * Gram products of score matrices: the finite-rank Fisher information F(n) = A·Aᵀ/n of n·C per-sample,
 * per-class score rows (Box 5 of the "optimization and variability" seed), computed natively in double
 * precision, and its spectrum with eigenvectors mapped back to parameter space.
 * @packageDocumentation
 */
import { resolveDevice, Device } from '../backends';
import { SloppyError } from '../errors';
import { eigh } from '../linalg';
import { runJob } from '../job';
import { native } from '../native';
import { integer, knownKeys } from '../validate';

/** Options of {@link gram}. */
export interface GramOptions {
  /** Rows r of A (e.g. n samples × C classes). */
  rows: number;
  /** Columns K of A (parameters). */
  cols: number;
  /** Multiplies the product; 1/n gives the Fisher information of n samples. Default 1. */
  scale?: number;
  /** 'AAt' (r × r, default), 'AtA' (K × K), or 'auto': the smaller of the two. Both have the same nonzero spectrum. */
  product?: 'AAt' | 'AtA' | 'auto';
  /**
   * With Float32 input: accumulate in float instead of double, at about twice the speed. On the CPU the sums run
   * in float within each 1 024-column chunk and G adds the chunks in double (measured ~1e-6 of max |G| on
   * K = 20 000 columns); on CUDA the whole sum is in float (~1e-4 relative). Ignored for Float64 input. Default false.
   */
  float32Accumulation?: boolean;
  /**
   * Adds the product into this order × order matrix (a Gram result, or zeros) and returns it as `matrix`, so
   * that streaming A through in column chunks accumulates G = Σ chunks in place, with no fresh matrix per
   * chunk. Its upper triangle is read and its lower triangle overwritten by the mirror of the sum; it must not
   * share memory with A, nor be touched until the promise settles.
   */
  into?: Float64Array;
  device?: Device;
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/** A Gram product: the full symmetric matrix, row-major. */
export interface GramResult {
  /** order × order, row-major. */
  matrix: Float64Array;
  order: number;
  product: 'AAt' | 'AtA';
  device: 'cpu' | 'cuda';
}

const KNOWN = ['rows', 'cols', 'scale', 'product', 'float32Accumulation', 'into', 'device', 'threads', 'signal', 'onProgress'];

function isFloatArray(v: unknown): v is Float32Array | Float64Array {
  const tag = Object.prototype.toString.call(v);
  return ArrayBuffer.isView(v) && (tag === '[object Float32Array]' || tag === '[object Float64Array]');
}

/**
 * G = scale·A·Aᵀ (or scale·Aᵀ·A) of a row-major Float32Array or Float64Array A, accumulated in double unless
 * `float32Accumulation` asks for float. A is read in place while the promise is pending: do not write to it until it settles.
 */
export async function gram(a: Float32Array | Float64Array, opts: GramOptions): Promise<GramResult> {
  if (!isFloatArray(a)) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'A must be a Float32Array or Float64Array');
  if (typeof opts !== 'object' || opts === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options are required');
  knownKeys(opts, KNOWN, 'gram option');
  const rows = integer(opts.rows, 'rows', 1);
  const cols = integer(opts.cols, 'cols', 1);
  if (rows * cols !== a.length) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `A has ${a.length} numbers, not rows × cols = ${rows} × ${cols}`);
  }
  const scale = opts.scale ?? 1;
  if (!Number.isFinite(scale)) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'scale must be a finite number');
  const requested = opts.product ?? 'AAt';
  if (!['AAt', 'AtA', 'auto'].includes(requested)) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', "product must be 'AAt', 'AtA' or 'auto'");
  }
  const product = requested === 'auto' ? (cols < rows ? 'AtA' : 'AAt') : requested;
  const order = product === 'AtA' ? cols : rows;
  const into = opts.into;
  if (into !== undefined) {
    if (Object.prototype.toString.call(into) !== '[object Float64Array]' || into.length !== order * order) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `into must be a Float64Array of ${order} × ${order} numbers (the ${product} product's order)`);
    }
    const [aStart, iStart] = [a.byteOffset, into.byteOffset];
    if (into.buffer === a.buffer && aStart < iStart + into.byteLength && iStart < aStart + a.byteLength) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', 'into must not share memory with A');
    }
  }
  const choice = resolveDevice(opts.device);
  const threads = integer(opts.threads ?? 0, 'threads', 0, 4096);
  const matrix = await runJob('the Gram product', opts, (token, onProgress) =>
    native.fisher.gram({
      a, rows, cols, scale, transposed: product === 'AtA', f32Accumulate: opts.float32Accumulation ?? false, into,
      threads, device: choice.device, token, onProgress,
    }),
  );
  return { matrix, order, product, device: choice.device };
}

/** The spectrum of F = scale·A·Aᵀ, with eigenvectors in parameter space on request. */
export interface FisherSpectrum {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** With `vectors: k`: k × K, row i the unit parameter-space eigenvector of values[i], v = Aᵀu/√(λ/scale). */
  vectors?: Float64Array;
}

/**
 * Eigenvalues of the finite-rank Fisher information F = scale·A·Aᵀ (descending), computed from the r × r Gram
 * product; with `vectors: k`, the top k eigenvectors mapped back to parameter space, v = Aᵀu / √(λ/scale), which
 * are the unit eigenvectors of scale·Aᵀ·A with the same eigenvalues.
 */
export async function spectrum(
  a: Float32Array | Float64Array,
  opts: Omit<GramOptions, 'product'> & { vectors?: number },
): Promise<FisherSpectrum> {
  const { vectors: k = 0, ...gramOpts } = opts;
  const g = await gram(a, { ...gramOpts, product: 'AAt' });
  const r = g.order;
  integer(k, 'vectors', 0, r);
  const { values, vectors } = eigh(g.matrix, r, { vectors: k > 0 });
  const descending = Float64Array.from(values).reverse();
  if (k === 0) return { values: descending };
  const scale = opts.scale ?? 1;
  const cols = opts.cols;
  const out = new Float64Array(k * cols);
  for (let i = 0; i < k; ++i) {
    const column = r - 1 - i;  // eigh sorts ascending; column j of `vectors` belongs to values[j]
    const lambda = values[column];
    const norm = lambda > 0 ? 1 / Math.sqrt(lambda / scale) : 0;
    for (let row = 0; row < r; ++row) {
      const u = vectors![row * r + column] * norm;
      if (u === 0) continue;
      for (let c = 0; c < cols; ++c) out[i * cols + c] += u * a[row * cols + c];
    }
  }
  return { values: descending, vectors: out };
}
