/**
 * Information captured by a receptor array (Box 1, Fig. 1 of the "optimization and variability" seed):
 * F = I/N bits per receptor, I = ½ log₂ det(1 + SNR·K), with K_nm = ₁F₁(η/2; 1; −r_nm²/4) the closed form of
 * Eq. 6 (blur width x₀ = 1, matched to the density: one receptor per x₀²), or the same spectrum on a torus.
 * The gradient and Hessian with respect to all 2N coordinates are exact and computed natively.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { runJob, JobControl } from '../job';
import { native } from '../native';
import { integer, isFloat64Array, knownKeys, positiveNumber } from '../validate';
import { uniforms } from '../rng';

/** The hexagonal lattice constant with one receptor per unit area: a = √(2/√3). */
export const HEX_SPACING = Math.sqrt(2 / Math.sqrt(3));

/** Receptor positions, N × 2 row-major; `torus` (period vectors x1, y1, x2, y2) for a periodic array. */
export interface ReceptorArray {
  positions: Float64Array;
  count: number;
  torus?: Float64Array;
}

/** The centred hexagonal patch of `shells` shells around one receptor: N = 3R(R+1)+1 (R = 19: N = 1141). */
export function hexPatch(shells: number): ReceptorArray {
  const r = integer(shells, 'shells', 0, 200);
  const points: number[] = [];
  for (let i = -r; i <= r; ++i) {
    for (let j = -r; j <= r; ++j) {
      if (Math.abs(i + j) > r) continue;
      points.push(HEX_SPACING * (i + j / 2), HEX_SPACING * (j * Math.sqrt(3)) / 2);
    }
  }
  return { positions: Float64Array.from(points), count: points.length / 2 };
}

/**
 * N receptors uniform in the regular hexagon of area N (the patch's area, same orientation: a corner on the
 * +x axis), drawn with Philox under `seed`.
 */
export function randomHexagon(count: number, seed: number): ReceptorArray {
  const n = integer(count, 'count', 1, 100000);
  const rho = Math.sqrt((2 * n) / (3 * Math.sqrt(3)));  // circumradius of a hexagon of area n
  const out = new Float64Array(2 * n);
  let filled = 0;
  for (let batch = 0; filled < n; ++batch) {
    const u = uniforms(4 * n, seed, batch);
    for (let k = 0; k + 1 < u.length && filled < n; k += 2) {
      const x = (2 * u[k] - 1) * rho;
      const y = ((2 * u[k + 1] - 1) * rho * Math.sqrt(3)) / 2;
      if (Math.sqrt(3) * Math.abs(x) + Math.abs(y) > Math.sqrt(3) * rho) continue;
      out[2 * filled] = x;
      out[2 * filled + 1] = y;
      ++filled;
    }
  }
  return { positions: out, count: n };
}

/** The hexagonal lattice of side L on its L × L torus (N = L²), where it is a stationary point of F. */
export function periodicLattice(side: number): ReceptorArray {
  const l = integer(side, 'side', 2, 100);
  const points: number[] = [];
  for (let i = 0; i < l; ++i) {
    for (let j = 0; j < l; ++j) points.push(HEX_SPACING * (i + j / 2), HEX_SPACING * (j * Math.sqrt(3)) / 2);
  }
  const torus = Float64Array.from([l * HEX_SPACING, 0, (l * HEX_SPACING) / 2, (l * HEX_SPACING * Math.sqrt(3)) / 2]);
  return { positions: Float64Array.from(points), count: l * l, torus };
}

/** Options of {@link receptorInformation} and {@link receptorDerivatives}. */
export interface ReceptorOptions extends JobControl {
  /** Exponent of the image spectrum A/|k|^(2−η). Default 0.2. */
  eta?: number;
  /** Period vectors (x1, y1, x2, y2) of a torus: the periodic kernel. Default: a free array. */
  torus?: Float64Array;
  threads?: number;
}

const KNOWN = ['eta', 'torus', 'threads', 'signal', 'onProgress'];

function checkArray(positions: unknown, opts: ReceptorOptions): Float64Array {
  if (!isFloat64Array(positions) || positions.length < 2 || positions.length % 2 !== 0) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', 'positions must be a Float64Array of N × 2 coordinates');
  }
  if (typeof opts !== 'object' || opts === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options must be an object');
  knownKeys(opts, KNOWN, 'receptor option');
  if (opts.torus !== undefined && (!isFloat64Array(opts.torus) || opts.torus.length !== 4)) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', 'torus must be a Float64Array (x1, y1, x2, y2)');
  }
  return positions;
}

function call(positions: Float64Array, snr: Float64Array, opts: ReceptorOptions, gradient: boolean, hessian: boolean) {
  const eta = positiveNumber(opts.eta ?? 0.2, 'eta');
  if (eta >= 2) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'eta must lie in (0, 2)');
  const threads = integer(opts.threads ?? 0, 'threads', 0, 4096);
  return runJob('the receptor-array evaluation', opts, (token, onProgress) =>
    native.spectra.receptor({
      positions, snr, eta, periodic: opts.torus !== undefined, torus: opts.torus, gradient, hessian, threads, token, onProgress,
    }),
  );
}

/** Bits per receptor, F = I/N, at each SNR (= C_nn/σ²). */
export async function receptorInformation(
  positions: Float64Array,
  snr: readonly number[],
  opts: ReceptorOptions = {},
): Promise<Float64Array> {
  const p = checkArray(positions, opts);
  if (!Array.isArray(snr) || snr.length === 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'snr must be a non-empty array');
  const s = Float64Array.from(snr, (v, i) => positiveNumber(v ?? 1, `snr[${i}]`));
  return (await call(p, s, opts, false, false)).value;
}

/** F, ∂F/∂θ and ∂²F/∂θ² at one SNR, θ = (x₁, y₁, x₂, y₂, …). */
export interface ReceptorDerivatives {
  value: number;
  gradient: Float64Array;
  /** 2N × 2N, row-major; absent when not asked for. */
  hessian?: Float64Array;
}

/** F = I/N with its exact gradient and (unless `hessian: false`) Hessian in all 2N coordinates. */
export async function receptorDerivatives(
  positions: Float64Array,
  snr: number,
  opts: ReceptorOptions & { hessian?: boolean } = {},
): Promise<ReceptorDerivatives> {
  const { hessian = true, ...rest } = opts;
  const p = checkArray(positions, rest);
  const r = await call(p, Float64Array.of(positiveNumber(snr ?? 1, 'snr')), rest, true, hessian);
  return { value: r.value[0], gradient: r.gradient!, hessian: r.hessian };
}

/** The free kernel ₁F₁(η/2; 1; −r²/4) at each distance r (κ(0) = 1). */
export function receptorKernel(r: ArrayLike<number>, eta = 0.2): Float64Array {
  const r2 = Float64Array.from(r, (v) => v * v);
  return native.spectra.receptorKernel(r2, positiveNumber(eta ?? 0.2, 'eta'));
}
