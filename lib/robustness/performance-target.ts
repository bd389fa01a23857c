/**
 * A performance function as a robustness criterion: a push keeps the performance when F(θ₀) − F(θ) ≤
 * tolerance. F is a user's function of the parameter vector, or the quadratic F(θ) = −½ (θ − c)ᵀ H (θ − c)
 * of a given Hessian H, whose break distances are known in closed form.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { knownKeys, positiveNumber } from '../validate';
import { CurvatureKind, Evaluation, memo, Target } from './target';
import { quadraticForm, symmetricMatrix } from './vectors';

/** A quadratic performance: F(θ) = −½ (θ − center)ᵀ hessian (θ − center). */
export interface QuadraticPerformance {
  /** The Hessian of −F (positive semi-definite for a maximum), as rows or flat row-major. */
  hessian: ArrayLike<number>[] | ArrayLike<number>;
  /** The optimum; default the origin. */
  center?: ArrayLike<number>;
}

/** F(θ): larger is better. A user function (synchronous or not), or a {@link QuadraticPerformance}. */
export type Performance = ((theta: Float64Array) => number | Promise<number>) | QuadraticPerformance;

/** Options of a performance target. */
export interface PerformanceTargetOptions {
  /** How much F may fall below F(θ₀); must be positive. */
  tolerance: number;
  /** The base point; required for a function, default the center for a quadratic. */
  z?: ArrayLike<number>;
  /** Bounds of the support (default unbounded). */
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
  /** Parameter names for reports; default θ0, θ1, …. */
  paramNames?: string[];
  /** Central-difference step of the Hessian of a function, relative to max(1, |θ₀ᵢ|). Default 1e-4. */
  fdStep?: number;
}

const KNOWN = ['tolerance', 'z', 'lower', 'upper', 'paramNames', 'fdStep'];

function vector(v: ArrayLike<number> | undefined, dim: number, fill: number, what: string): Float64Array {
  if (v === undefined) return new Float64Array(dim).fill(fill);
  const a = Float64Array.from(v);
  if (a.length !== dim) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} has ${a.length} entries; expected ${dim}`);
  if (a.some(Number.isNaN)) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} has a NaN entry`);
  return a;
}

/** Builds the robustness criterion "F has not fallen by more than the tolerance". */
export function performanceTarget(performance: Performance, opts: PerformanceTargetOptions): Target {
  if (typeof opts !== 'object' || opts === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options with a tolerance are required');
  knownKeys(opts, KNOWN, 'robustness option');
  const tolerance = positiveNumber(opts.tolerance, 'tolerance');
  let f: (theta: Float64Array) => number | Promise<number>;
  let dim: number;
  let z0: Float64Array;
  let given: Float64Array | undefined;
  if (typeof performance === 'function') {
    if (opts.z === undefined) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'a performance function needs the base point z');
    dim = opts.z.length;
    if (dim < 1) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'z must have at least one entry');
    z0 = vector(opts.z, dim, 0, 'z');
    f = performance;
  } else if (typeof performance === 'object' && performance !== null && 'hessian' in performance) {
    const h = symmetricMatrix(performance.hessian, undefined, 'hessian');
    dim = h.dim;
    given = h.matrix;
    const center = vector(performance.center, dim, 0, 'center');
    z0 = opts.z === undefined ? Float64Array.from(center) : vector(opts.z, dim, 0, 'z');
    f = (theta) => {
      const d = Float64Array.from(theta, (v, i) => v - center[i]);
      return -0.5 * quadraticForm(h.matrix, d);
    };
  } else {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'performance must be a function of θ or { hessian, center? }');
  }
  if (z0.some((v) => !Number.isFinite(v))) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'z must be finite');
  const lower = vector(opts.lower, dim, -Infinity, 'lower');
  const upper = vector(opts.upper, dim, Infinity, 'upper');
  z0.forEach((v, i) => {
    if (!(v >= lower[i] && v <= upper[i])) throw new SloppyError('ERR_OUT_OF_BOUNDS', `z[${i}] = ${v} is outside [${lower[i]}, ${upper[i]}]`);
  });
  const paramNames = opts.paramNames ?? Array.from({ length: dim }, (_, i) => `θ${i}`);
  if (paramNames.length !== dim) throw new SloppyError('ERR_INVALID_ARG_VALUE', `paramNames has ${paramNames.length} names; expected ${dim}`);
  const fdStep = positiveNumber(opts.fdStep ?? 1e-4, 'fdStep');

  const call = async (theta: Float64Array): Promise<number> => {
    let v: number;
    try {
      v = await f(Float64Array.from(theta));
    } catch (err) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `the performance function threw at θ = [${Array.from(theta).join(', ')}]: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    }
    if (typeof v !== 'number') throw new SloppyError('ERR_INVALID_ARG_TYPE', `the performance function returned ${typeof v}, not a number`);
    return v;
  };
  let base0: Promise<number> | undefined;
  const f0 = (): Promise<number> => (base0 ??= call(z0));

  const curvature = memo(async (kind: CurvatureKind): Promise<Float64Array> => {
    if (kind === 'fisher') {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', "a performance function has no Fisher information; use 'hessian' directions");
    }
    if (given) return given;
    // Hessian of −F by central differences: D² + D + 1 evaluations, fine for the small D this is meant for.
    const h = Float64Array.from(z0, (v) => fdStep * Math.max(1, Math.abs(v)));
    const at = (steps: [number, number][]) => {
      const z = Float64Array.from(z0);
      for (const [i, s] of steps) z[i] += s * h[i];
      return call(z);
    };
    const base = await f0();
    const m = new Float64Array(dim * dim);
    for (let i = 0; i < dim; ++i) {
      const [p, q] = await Promise.all([at([[i, 1]]), at([[i, -1]])]);
      m[i * dim + i] = -(p - 2 * base + q) / (h[i] * h[i]);
      for (let j = 0; j < i; ++j) {
        const [pp, pm, mp, mm] = await Promise.all([
          at([[i, 1], [j, 1]]), at([[i, 1], [j, -1]]), at([[i, -1], [j, 1]]), at([[i, -1], [j, -1]]),
        ]);
        m[i * dim + j] = m[j * dim + i] = -(pp - pm - mp + mm) / (4 * h[i] * h[j]);
      }
    }
    return m;
  });

  return {
    kind: 'performance',
    dim,
    paramNames,
    lower,
    upper,
    z0,
    criteria: ['F'],
    threshold: tolerance,
    defaultCurvature: 'hessian',
    async evaluate(points: Float64Array[]): Promise<Evaluation> {
      const base = await f0();
      const values = await Promise.all(points.map(call));
      return {
        margin: Float64Array.from(values, (v) => (Number.isFinite(v) ? (base - v) / tolerance - 1 : NaN)),
        worst: new Int32Array(points.length),
      };
    },
    curvature,
  };
}
