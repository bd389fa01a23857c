/**
 * Robustness profiles: from a base point, push the parameters along each direction (both signs) by growing
 * amounts until the criterion breaks, then bisect, and record the largest push that keeps it. All rays
 * advance together, one batch of evaluations per round, so a simulated model is called for many points at once.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { knownKeys } from '../validate';
import { Direction, resolveDirections } from './directions';
import { CurvatureKind, Target } from './target';
import { quadraticForm } from './vectors';

/** Options of {@link profile}. */
export interface ProfileOptions {
  /** Direction sources (see {@link DirectionSource}), or an array of vectors. Default: the target's curvature eigenvectors. */
  directions?: unknown;
  /** The matrix whose curvature uᵀCu is reported per direction; default the target's (Fisher for a property, Hessian for a performance). */
  curvature?: CurvatureKind;
  /** First push; default 1e-3 × the narrowest finite bound width, or 1e-3 when unbounded. */
  step?: number;
  /** Factor by which the push grows while the criterion holds. Default 2. */
  growth?: number;
  /** Bisection stops when the bracket is narrower than rtol × its upper end. Default 1e-4. */
  rtol?: number;
  /** Largest push tried; a ray that holds up to here is 'unbroken'. Default 1e6. */
  maxDistance?: number;
  signal?: AbortSignal;
  /** Called with the fraction of rays finished. */
  onProgress?: (fraction: number) => void;
}

/** The outcome along one ray (one direction, one sign). */
export interface RayResult {
  /** The largest push verified to keep the criterion: the lower end of the final bracket. */
  distance: number;
  /** The smallest push found to break it; Infinity when it never broke. */
  brokenAt: number;
  /** 'broken'; 'bounded' when it held up to the edge of the support; 'unbroken' when it held up to maxDistance. */
  status: 'broken' | 'bounded' | 'unbroken';
  /** The criterion (statistic, or 'F') that broke first at `brokenAt`. */
  breaks?: string;
  /** Every push evaluated on this ray, in order, with its margin (≤ 0 holds). */
  trace: { t: number[]; margin: number[] };
}

/** A direction's profile: both rays, set against its curvature. */
export interface DirectionProfile extends Direction {
  /** λ = uᵀCu of the profile's curvature matrix C. */
  curvature: number;
  /** The quadratic prediction √(2τ/λ) (τ the target's threshold); Infinity when λ ≤ 0. */
  predicted: number;
  plus: RayResult;
  minus: RayResult;
  /** The smaller of the two distances. */
  distance: number;
}

/** A robustness profile over a set of directions. */
export interface RobustnessProfile {
  kind: 'property' | 'performance';
  paramNames: string[];
  z0: Float64Array;
  criteria: string[];
  threshold: number;
  curvatureKind: CurvatureKind;
  directions: DirectionProfile[];
  /** Points evaluated in all, the base point included. */
  evaluations: number;
  settings: { step: number; growth: number; rtol: number; maxDistance: number };
}

/** The keys of {@link ProfileOptions}. */
export const PROFILE_KEYS = ['directions', 'curvature', 'step', 'growth', 'rtol', 'maxDistance', 'signal', 'onProgress'];

function positive(value: unknown, what: string, min = 0): number {
  if (typeof value !== 'number' || !(value > min) || Number.isNaN(value)) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} must be a number > ${min}; got ${String(value)}`);
  }
  return value;
}

/** How far z0 + t·u can go before leaving [lower, upper]. */
function boundDistance(target: Target, u: Float64Array): number {
  let t = Infinity;
  for (let i = 0; i < target.dim; ++i) {
    if (u[i] > 0) t = Math.min(t, (target.upper[i] - target.z0[i]) / u[i]);
    else if (u[i] < 0) t = Math.min(t, (target.lower[i] - target.z0[i]) / u[i]);
  }
  return Math.max(0, t);
}

interface Ray {
  u: Float64Array;
  cap: number;
  bounded: boolean;
  lo: number;
  hi: number;
  next: number;
  bisecting: boolean;
  done: boolean;
  result?: RayResult;
  breaks?: string;
  trace: { t: number[]; margin: number[] };
}

function point(target: Target, u: Float64Array, t: number): Float64Array {
  // Clamped, so rounding at the bound never sends a point out of the support.
  return Float64Array.from(target.z0, (v, i) => Math.min(target.upper[i], Math.max(target.lower[i], v + t * u[i])));
}

function finish(ray: Ray, status: RayResult['status']): void {
  ray.done = true;
  ray.result = { distance: ray.lo, brokenAt: ray.hi, status, breaks: ray.breaks, trace: ray.trace };
}

/**
 * The robustness profile of `target` along the chosen directions.
 * @throws SloppyError ERR_INVALID_ARG_VALUE when the criterion does not hold at the base point, for a bad
 *   direction (wrong length, zero, non-finite) or option; ABORT_ERR when `signal` aborts.
 */
export async function profile(target: Target, opts: ProfileOptions = {}): Promise<RobustnessProfile> {
  if (typeof opts !== 'object' || opts === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options must be an object');
  knownKeys(opts, PROFILE_KEYS, 'profile option');
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function') {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'onProgress must be a function');
  }
  const widths = Array.from(target.upper, (u, i) => u - target.lower[i]).filter(Number.isFinite);
  const step = positive(opts.step ?? 1e-3 * (widths.length > 0 ? Math.min(...widths) : 1), 'step');
  const growth = positive(opts.growth ?? 2, 'growth', 1);
  const rtol = positive(opts.rtol ?? 1e-4, 'rtol');
  if (!(rtol < 1)) throw new SloppyError('ERR_INVALID_ARG_VALUE', `rtol must be below 1; got ${rtol}`);
  const maxDistance = positive(opts.maxDistance ?? 1e6, 'maxDistance');
  if (!Number.isFinite(maxDistance)) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'maxDistance must be finite');
  const curvatureKind = opts.curvature ?? target.defaultCurvature;
  if (curvatureKind !== 'fisher' && curvatureKind !== 'hessian') {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `curvature must be 'fisher' or 'hessian'; got ${String(curvatureKind)}`);
  }
  const { signal } = opts;
  const checkAbort = () => {
    if (signal?.aborted) throw new SloppyError('ABORT_ERR', 'the robustness profile was aborted');
  };

  const directions = await resolveDirections(target, opts.directions ?? target.defaultCurvature, signal);
  const base = await target.evaluate([target.z0], signal);
  if (!(base.margin[0] <= 0)) {
    throw new SloppyError(
      'ERR_INVALID_ARG_VALUE',
      `the criterion does not hold at the base point (${target.criteria[base.worst[0]]} is ` +
        `${Number.isNaN(base.margin[0]) ? 'not finite' : `${(base.margin[0] + 1).toPrecision(4)} tolerances off`})`,
      { margin: base.margin[0], worst: target.criteria[base.worst[0]] },
    );
  }
  const C = await target.curvature(curvatureKind, signal);

  const rays: Ray[] = directions.flatMap((d) =>
    [1, -1].map((sign) => {
      const u = Float64Array.from(d.vector, (v) => sign * v);
      const bound = boundDistance(target, u);
      const cap = Math.min(bound, maxDistance);
      const ray: Ray = {
        u, cap, bounded: bound <= maxDistance, lo: 0, hi: Infinity, next: Math.min(step, cap),
        bisecting: false, done: false, trace: { t: [], margin: [] },
      };
      // A base point on the edge of the support cannot move this way at all.
      if (cap === 0) finish(ray, 'bounded');
      return ray;
    }),
  );
  let evaluations = 1;
  for (;;) {
    checkAbort();
    const active = rays.filter((r) => !r.done);
    if (active.length === 0) break;
    const ev = await target.evaluate(active.map((r) => point(target, r.u, r.next)), signal);
    evaluations += active.length;
    active.forEach((ray, k) => {
      const t = ray.next;
      const m = ev.margin[k];
      ray.trace.t.push(t);
      ray.trace.margin.push(m);
      if (m <= 0) {
        ray.lo = t;
      } else {
        ray.hi = t;
        ray.breaks = target.criteria[ev.worst[k]];
        ray.bisecting = true;
      }
      if (!ray.bisecting) {
        if (t >= ray.cap) finish(ray, ray.bounded ? 'bounded' : 'unbroken');
        else ray.next = Math.min(t * growth, ray.cap);
      } else if (ray.hi - ray.lo <= rtol * ray.hi) {
        finish(ray, 'broken');
      } else {
        ray.next = 0.5 * (ray.lo + ray.hi);
      }
    });
    opts.onProgress?.(rays.filter((r) => r.done).length / rays.length);
  }

  return {
    kind: target.kind,
    paramNames: target.paramNames,
    z0: target.z0,
    criteria: target.criteria,
    threshold: target.threshold,
    curvatureKind,
    directions: directions.map((d, k) => {
      const lambda = quadraticForm(C, d.vector);
      const plus = rays[2 * k].result!;
      const minus = rays[2 * k + 1].result!;
      return {
        ...d,
        curvature: lambda,
        predicted: lambda > 0 ? Math.sqrt((2 * target.threshold) / lambda) : Infinity,
        plus,
        minus,
        distance: Math.min(plus.distance, minus.distance),
      };
    }),
    evaluations,
    settings: { step, growth, rtol, maxDistance },
  };
}
