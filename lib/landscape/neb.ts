/**
 * Minimum-energy paths by the nudged elastic band, as a schedule over a batched {@link Energy}: every step hands
 * the images of all bands still moving to one `evaluate` call, then moves each band on its own (its own
 * optimizer, step cap and convergence), so that many bands give exactly what each would give alone.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { checkBatch, Energy } from './energy';
import { DenseProfile, denseProfiles, insertImages } from './neb-dense';
import { BandState, distance, nebForces, respace } from './neb-forces';
import { NebInput, NebOptions, NebSettings, parseInput } from './neb-input';
import { BandOptimizer, fire, lbfgs } from './neb-optimize';

export type { NebBandInput, NebEndpoints, NebInput, NebOptions, NebPath, NebProgress } from './neb-input';
export type { DenseProfile } from './neb-dense';

/** One relaxed band. */
export interface NebBand {
  /** The images, endpoints included, each a point of dim coordinates. */
  images: Float64Array[];
  /** The energy at each image. */
  energies: Float64Array;
  /** The climbing image (the highest inner image) at the end, or null when no image climbed. */
  climbing: { index: number; position: Float64Array; energy: number } | null;
  /** The largest NEB force norm over the inner images at the end. */
  maxForce: number;
  converged: boolean;
  /** Optimizer steps this band took (each followed by one evaluation of its inner images). */
  steps: number;
  /** Images added by insertion. */
  inserted: number;
  /** Energies between the images, when `dense` or `insert` asked for them. */
  dense?: DenseProfile;
}

/** What {@link neb} returns. */
export interface NebResult {
  bands: NebBand[];
  /** Whether every band converged. */
  converged: boolean;
  /** The most steps any band took. */
  steps: number;
  /** Points handed to the energy, all calls together: endpoints once, inner images every step, dense points. */
  forceCalls: number;
  /** Calls of energy.evaluate (each one batch over all moving bands). */
  evaluations: number;
}

interface Band extends BandState {
  optimizer: BandOptimizer;
  steps: number;
  budget: number;
  climbing: boolean;
  converged: boolean;
  /** Whether the energies and gradients at the endpoints are known (they never move). */
  endpointsKnown: boolean;
  inserted: number;
}

interface Counter {
  points: number;
  calls: number;
}

function aborted(): SloppyError {
  return new SloppyError('ABORT_ERR', 'NEB was aborted');
}

function highestInner(b: Band): number {
  let best = 1;
  for (let i = 2; i < b.n - 1; ++i) if (b.energy[i] > b.energy[best]) best = i;
  return best;
}

function newBand(x: Float64Array, n: number, dim: number, s: NebSettings): Band {
  let spacing = 0;
  for (let i = 1; i < n; ++i) spacing += distance(x, i, i - 1, dim) / (n - 1);
  const maxStep = s.maxStep ?? spacing / 2;
  if (!(maxStep > 0)) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'all images of a band coincide; give maxStep or distinct images');
  return {
    n, x, energy: new Float64Array(n), gradient: new Float64Array(n * dim), force: new Float64Array(n * dim), maxForce: Infinity,
    springs: s.springs !== null ? Float64Array.from(s.springs) : s.scalarK === Infinity ? null : new Float64Array(n - 1).fill(s.scalarK),
    climb: -1,
    optimizer: s.optimizer === 'lbfgs' ? lbfgs(dim, s.memory, maxStep) : fire(dim, maxStep),
    steps: 0, budget: s.maxSteps, climbing: false, converged: false, endpointsKnown: false, inserted: 0,
  };
}

/** One energy call for the inner images of every band in `bands` (and the endpoints not evaluated yet). */
async function evaluate(energy: Energy, bands: Band[], counter: Counter, signal?: AbortSignal): Promise<void> {
  const dim = energy.dim;
  const rows = bands.map((b) => (b.endpointsKnown ? [1, b.n - 1] : [0, b.n]));
  const count = rows.reduce((sum, [a, z]) => sum + z - a, 0);
  const points = new Float64Array(count * dim);
  let at = 0;
  bands.forEach((b, i) => {
    const [a, z] = rows[i];
    points.set(b.x.subarray(a * dim, z * dim), at * dim);
    at += z - a;
  });
  const batch = await energy.evaluate(points, count, signal);
  checkBatch(batch, count, dim);
  counter.points += count;
  counter.calls += 1;
  // Plain loops rather than subarray: an Energy written in JavaScript may hand back ordinary arrays.
  at = 0;
  bands.forEach((b, i) => {
    const [a, z] = rows[i];
    for (let r = a; r < z; ++r, ++at) {
      b.energy[r] = batch.energy[at];
      for (let d = 0; d < dim; ++d) b.gradient[r * dim + d] = batch.gradient[at * dim + d];
    }
    b.endpointsKnown = true;
  });
}

// Chooses the climbing image once climbing is due, and again whenever another image becomes the highest:
// the force field then changes under the optimizer, so what L-BFGS learnt about the old one is dropped.
function forces(b: Band, dim: number, s: NebSettings): void {
  nebForces(b, dim);
  if (!b.climbing && (b.steps >= s.climbAfter || (s.climbAfter !== Infinity && b.maxForce < s.fmax))) b.climbing = true;
  if (b.climbing) {
    const top = highestInner(b);
    if (top !== b.climb) {
      b.climb = top;
      b.optimizer.reset();
      nebForces(b, dim);
    }
  }
}

/** Relaxes the bands until each converges or spends its step budget; either way it ends evaluated where it stands. */
async function relax(energy: Energy, bands: Band[], s: NebSettings, counter: Counter): Promise<void> {
  const dim = energy.dim;
  let moving = bands.filter((b) => !b.converged);
  while (moving.length > 0) {
    if (s.signal?.aborted) throw aborted();
    await evaluate(energy, moving, counter, s.signal);
    const next: Band[] = [];
    for (const b of moving) {
      forces(b, dim, s);
      if ((b.climbing || s.climbAfter === Infinity) && b.maxForce < s.fmax) b.converged = true;
      else if (b.steps < b.budget) {
        b.optimizer.step(b.x.subarray(dim, (b.n - 1) * dim), b.force.subarray(dim, (b.n - 1) * dim));
        if (b.springs === null) respace(b, dim);
        b.steps += 1;
        next.push(b);
      }
    }
    s.onProgress?.({
      step: Math.max(...bands.map((b) => b.steps)),
      maxForce: Math.max(...moving.map((b) => b.maxForce)),
      active: next.length,
      forceCalls: counter.points,
    });
    moving = next;
  }
}

function bandResult(b: Band, dim: number, dense: DenseProfile | undefined): NebBand {
  const images = Array.from({ length: b.n }, (_, i) => b.x.slice(i * dim, (i + 1) * dim));
  return {
    images,
    energies: Float64Array.from(b.energy),
    climbing: b.climb > 0 ? { index: b.climb, position: Float64Array.from(images[b.climb]), energy: b.energy[b.climb] } : null,
    maxForce: b.maxForce,
    converged: b.converged,
    steps: b.steps,
    inserted: b.inserted,
    ...(dense === undefined ? {} : { dense }),
  };
}

/**
 * Relaxes one band or many towards minimum-energy paths of `energy` and returns them with their climbing images,
 * which converge on the saddle points (the highest point of each path).
 *
 * Forces: the improved tangent of Henkelman & Jónsson (2000); across the path the true force, along it the
 * springs (or, with k = ∞, none: the images are re-spaced to equal arc length after every step); the climbing
 * image feels the true force with its along-path part reversed. A band has converged when the largest NEB force
 * norm over its inner images is below `fmax` with its climbing image on (when climbing is asked for).
 * With `insert`, images are added where the straight segments between images rise above them, and the bands
 * relaxed again.
 *
 * Input errors are SloppyErrors with codes: ERR_INVALID_ARG_VALUE for an empty band, fewer than 3 images,
 * fmax ≤ 0, endpoints of different dimension or of a dimension other than energy.dim, non-finite coordinates,
 * per-spring constants of the wrong length; ERR_INVALID_ARG_TYPE for values of the wrong kind; ERR_UNKNOWN_OPTION
 * for a misspelt option. An energy returning wrong lengths or non-finite values gets ERR_INVALID_ARG_VALUE or
 * ERR_NONFINITE; an abort, ABORT_ERR.
 *
 * @example
 * const { bands: [band], forceCalls } = await neb(mullerBrown(), { start: [-0.558, 1.442], end: [0.623, 0.028] });
 * band.climbing.position; // ≈ [-0.8220, 0.6243], the saddle
 */
export async function neb(energy: Energy, input: NebInput, options: NebOptions = {}): Promise<NebResult> {
  const { bands: initial, settings: s } = parseInput(energy, input, options);
  const dim = energy.dim;
  const bands = initial.map(({ x, n }) => newBand(x, n, dim, s));
  const counter: Counter = { points: 0, calls: 0 };
  await relax(energy, bands, s, counter);
  let profiles: DenseProfile[] | undefined;
  for (let round = 0; round < s.rounds; ++round) {
    profiles = await denseProfiles(energy, bands, s.dense, counter, s.signal);
    const grown = bands.filter((b, i) => {
      const added = insertImages(b, profiles![i], s.dense, dim, s.tolerance);
      if (added === 0) return false;
      Object.assign(b, { inserted: b.inserted + added, converged: false, budget: b.steps + s.maxSteps, endpointsKnown: true });
      b.optimizer.reset();
      return true;
    });
    if (grown.length === 0) break;
    profiles = undefined;
    await relax(energy, grown, s, counter);
  }
  if (s.dense > 0 && profiles === undefined) {
    profiles = await denseProfiles(energy, bands, s.dense, counter, s.signal);
  }
  return {
    bands: bands.map((b, i) => bandResult(b, dim, profiles?.[i])),
    converged: bands.every((b) => b.converged),
    steps: Math.max(...bands.map((b) => b.steps)),
    forceCalls: counter.points,
    evaluations: counter.calls,
  };
}
