/**
 * Stationary points of an energy: Hessians (exact for built-in energies, central differences of the gradient
 * otherwise), exact location by Newton's method from a nearby guess (a NEB climbing image, a rough minimum),
 * and classification by index — the number of negative Hessian eigenvalues — with the strict-saddle test.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { checkBatch, Energy } from '../landscape/energy';
import { eigh } from '../linalg';
import { positiveNumber } from '../validate';
import { finitePoint } from './checks';
import { isBuiltinEnergy } from './energies';

/** Options of {@link hessianAt}. */
export interface HessianOptions {
  /** Central-difference step relative to max(1, |θᵢ|), for energies without an exact Hessian. Default 1e-5. */
  step?: number;
  signal?: AbortSignal;
}

/** U and ∇U at one point. */
export async function energyAt(energy: Energy, p: ArrayLike<number>, signal?: AbortSignal): Promise<{ energy: number; gradient: Float64Array }> {
  const x = finitePoint(p, energy.dim, 'the point');
  const r = await energy.evaluate(x, 1, signal);
  checkBatch(r, 1, energy.dim);
  return { energy: r.energy[0], gradient: Float64Array.from(r.gradient) };
}

/**
 * The Hessian of `energy` at one point (dim × dim, row-major, symmetric). Built-in energies give theirs exactly;
 * any other is differentiated numerically, H_ij = (∂_i U(θ + h e_j) − ∂_i U(θ − h e_j)) / 2h, symmetrised,
 * with all 2·dim gradients in one evaluate call (error O(h²) relative to the third derivatives).
 */
export async function hessianAt(energy: Energy, p: ArrayLike<number>, opts: HessianOptions = {}): Promise<Float64Array> {
  const x = finitePoint(p, energy.dim, 'the point');
  if (isBuiltinEnergy(energy)) return energy.hessian(x);
  const n = energy.dim;
  const rel = positiveNumber(opts.step ?? 1e-5, 'step');
  const points = new Float64Array(2 * n * n);
  const h = Float64Array.from(x, (v) => rel * Math.max(1, Math.abs(v)));
  for (let j = 0; j < n; ++j) {
    points.set(x, 2 * j * n);
    points.set(x, (2 * j + 1) * n);
    points[2 * j * n + j] += h[j];
    points[(2 * j + 1) * n + j] -= h[j];
  }
  const r = await energy.evaluate(points, 2 * n, opts.signal);
  checkBatch(r, 2 * n, n);
  const H = new Float64Array(n * n);
  for (let j = 0; j < n; ++j) {
    for (let i = 0; i < n; ++i) H[i * n + j] = (r.gradient[2 * j * n + i] - r.gradient[(2 * j + 1) * n + i]) / (2 * h[j]);
  }
  for (let i = 0; i < n; ++i) {
    for (let j = 0; j < i; ++j) H[i * n + j] = H[j * n + i] = 0.5 * (H[i * n + j] + H[j * n + i]);
  }
  return H;
}

/** Options of {@link locateStationary}. */
export interface LocateOptions {
  /**
   * 'minimum': Newton steps on |H| (eigenvalues made positive) with backtracking on U, so the iteration only
   * descends and ends in a minimum; 'saddle': plain Newton steps on ∇U = 0, which converge to the stationary
   * point of whatever index lies nearest the guess. Default 'minimum'.
   */
  kind?: 'minimum' | 'saddle';
  /** Stop once ‖∇U‖ ≤ gtol. Default 1e-9. */
  gtol?: number;
  /** Default 100. */
  maxIterations?: number;
  signal?: AbortSignal;
}

/** A located stationary point. */
export interface Located {
  point: Float64Array;
  energy: number;
  gradientNorm: number;
  iterations: number;
  converged: boolean;
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; ++i) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** The Newton step −Σ_k (v_kᵀg / λ'_k) v_k, with λ'_k = |λ_k| for descent and λ_k otherwise. */
function newtonStep(H: Float64Array, g: Float64Array, n: number, descend: boolean): Float64Array {
  const { values, vectors } = eigh(H, n, { vectors: true });
  const scale = Math.max(...Array.from(values, Math.abs), 1e-300);
  const step = new Float64Array(n);
  for (let k = 0; k < n; ++k) {
    let proj = 0;
    for (let i = 0; i < n; ++i) proj += vectors![i * n + k] * g[i];
    const lambda = descend ? Math.max(Math.abs(values[k]), 1e-8 * scale) : values[k];
    if (lambda === 0) continue;
    for (let i = 0; i < n; ++i) step[i] -= (proj / lambda) * vectors![i * n + k];
  }
  return step;
}

/** Finds the stationary point near `guess` by Newton's method on the energy's Hessian. */
export async function locateStationary(energy: Energy, guess: ArrayLike<number>, opts: LocateOptions = {}): Promise<Located> {
  const kind = opts.kind ?? 'minimum';
  if (kind !== 'minimum' && kind !== 'saddle') throw new SloppyError('ERR_INVALID_ARG_VALUE', `kind must be 'minimum' or 'saddle'`);
  const gtol = opts.gtol ?? 1e-9;
  const maxIterations = opts.maxIterations ?? 100;
  const n = energy.dim;
  let x = finitePoint(guess, energy.dim, 'the guess');
  let here = await energyAt(energy, x, opts.signal);
  let it = 0;
  for (; it < maxIterations && norm(here.gradient) > gtol; ++it) {
    const H = await hessianAt(energy, x, { signal: opts.signal });
    const step = newtonStep(H, here.gradient, n, kind === 'minimum');
    let t = 1;
    let next = x;
    let there = here;
    for (let tries = 0; tries < 30; ++tries, t *= 0.5) {
      next = x.map((v, i) => v + t * step[i]);
      there = await energyAt(energy, next, opts.signal);
      const better = kind === 'minimum' ? there.energy <= here.energy : norm(there.gradient) < norm(here.gradient);
      if (better) break;
    }
    if (next.every((v, i) => v === x[i])) break;
    x = next;
    here = there;
  }
  const gradientNorm = norm(here.gradient);
  return { point: x, energy: here.energy, gradientNorm, iterations: it, converged: gradientNorm <= gtol };
}

/** What a stationary point is, by its Hessian spectrum. */
export type StationaryKind = 'minimum' | 'strict-saddle' | 'maximum' | 'degenerate';

/** A classified stationary point. */
export interface StationaryPoint {
  point: Float64Array;
  energy: number;
  gradientNorm: number;
  /** Hessian eigenvalues, ascending. */
  eigenvalues: Float64Array;
  /** Eigenvalues below −tolerance. */
  index: number;
  /** The threshold below which |λ| counts as zero: max(absolute, relative · max|λ|). */
  tolerance: number;
  /**
   * 'minimum': every λ > tolerance; 'strict-saddle': at least one λ < −tolerance but not all (index ≥ 1);
   * 'maximum': every λ < −tolerance; 'degenerate': none below −tolerance but some |λ| ≤ tolerance, where the
   * second-order test cannot tell (a monkey saddle, a flat valley).
   */
  kind: StationaryKind;
}

/** Options of {@link classifyStationary}. */
export interface ClassifyOptions extends HessianOptions {
  /** Default 1e-6. */
  absoluteTolerance?: number;
  /** Default 1e-6. */
  relativeTolerance?: number;
}

/** Classifies the stationary point at `p` by the eigenvalues of the Hessian there. */
export async function classifyStationary(energy: Energy, p: ArrayLike<number>, opts: ClassifyOptions = {}): Promise<StationaryPoint> {
  const here = await energyAt(energy, p, opts.signal);
  const H = await hessianAt(energy, p, opts);
  const { values } = eigh(H, energy.dim);
  const largest = Math.max(...Array.from(values, Math.abs));
  const tolerance = Math.max(opts.absoluteTolerance ?? 1e-6, (opts.relativeTolerance ?? 1e-6) * largest);
  const index = values.filter((v) => v < -tolerance).length;
  const flat = values.some((v) => Math.abs(v) <= tolerance);
  let kind: StationaryKind;
  if (index === values.length) kind = 'maximum';
  else if (index > 0) kind = 'strict-saddle';
  else kind = flat ? 'degenerate' : 'minimum';
  return { point: Float64Array.from(p), energy: here.energy, gradientNorm: norm(here.gradient), eigenvalues: values, index, tolerance, kind };
}

/** The strict-saddle property over a set of stationary points. */
export interface StrictSaddleReport {
  /** Every point that is not a minimum has a clearly negative smallest eigenvalue. */
  holds: boolean;
  points: StationaryPoint[];
  /** The points that break it: degenerate ones. */
  violations: StationaryPoint[];
}

/** Classifies every point and tests the strict-saddle property (Ge et al. 2015) on them. */
export async function strictSaddleTest(energy: Energy, points: ArrayLike<number>[], opts: ClassifyOptions = {}): Promise<StrictSaddleReport> {
  const classified: StationaryPoint[] = [];
  for (const p of points) classified.push(await classifyStationary(energy, p, opts));
  const violations = classified.filter((c) => c.kind === 'degenerate');
  return { holds: violations.length === 0, points: classified, violations };
}
