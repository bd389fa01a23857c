/**
 * A model's emergent property as a robustness criterion: every constrained statistic's trial mean within its
 * tolerance of its target. Each point is simulated on its own at parameter-set index 0 with one seed, so
 * every point sees the same noise as the base point (common random numbers) and a statistic varies smoothly
 * along a push instead of jittering between noise draws.
 * @packageDocumentation
 */
import { Device } from '../backends';
import { MODEL_DEFAULTS } from '../epi/defaults';
import { SloppyError } from '../errors';
import { describeWith, get, optionVector } from '../models';
import { statistics, SimulationResult } from '../sde';
import { integer, knownKeys } from '../validate';
import { CurvatureKind, Evaluation, memo, Target } from './target';

/** An emergent property for robustness: targets and tolerances of named statistics. */
export interface RobustnessProperty {
  stats: string[];
  mean: number[];
  /** Half-width of the accepted band of each statistic's mean; defaults to `std` when only that is given. */
  tolerance?: number[];
  /** An EPI property's standard deviations, used as tolerances when `tolerance` is absent. */
  std?: number[];
}

/** Options of a model-based robustness target. */
export interface PropertyTargetOptions {
  /** Default: the model's published property (`MODEL_DEFAULTS`), its standard deviations as tolerances. */
  property?: RobustnessProperty;
  /** The base point; default the model's representative (published) parameter values. */
  z?: ArrayLike<number>;
  /** Trials whose mean defines each statistic; default the model's EPI setting (`MODEL_DEFAULTS[model].trials`), else 1. */
  trials?: number;
  /** Seed shared by every evaluation (common random numbers). Default 0. */
  seed?: number;
  /** Model options; default the published run's (`MODEL_DEFAULTS[model].options`). */
  options?: Record<string, number>;
  device?: Device;
  threads?: number;
  /** Central-difference step of the Hessian, as a fraction of each parameter's bound width. Default 1e-4. */
  fdStep?: number;
}

const KNOWN = ['property', 'z', 'trials', 'seed', 'options', 'device', 'threads', 'fdStep'];

/** A resolved property: column of each statistic, its target and tolerance. */
export interface ResolvedProperty {
  stats: string[];
  index: number[];
  mean: number[];
  tolerance: number[];
}

function resolve(spec: RobustnessProperty | undefined, model: string, statNames: string[]): ResolvedProperty {
  const p = spec ?? MODEL_DEFAULTS[model]?.property;
  if (p === undefined) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `model ${model} has no published property; pass property: { stats, mean, tolerance }`);
  }
  if (typeof p !== 'object' || p === null || !Array.isArray(p.stats) || p.stats.length === 0 || !Array.isArray(p.mean)) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'property must be { stats: string[], mean: number[], tolerance: number[] }');
  }
  const tolerance = (p as RobustnessProperty).tolerance ?? (p as RobustnessProperty).std;
  if (!Array.isArray(tolerance) || tolerance.length !== p.stats.length || p.mean.length !== p.stats.length) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', 'property needs one mean and one tolerance per statistic');
  }
  const index = p.stats.map((s) => {
    const i = statNames.indexOf(s);
    if (i < 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', `unknown statistic '${s}'; ${model} has ${statNames.join(', ')}`);
    return i;
  });
  p.stats.forEach((s, k) => {
    if (typeof p.mean[k] !== 'number' || !Number.isFinite(p.mean[k])) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `mean of ${s} must be a finite number; got ${String(p.mean[k])}`);
    }
    const t = tolerance[k];
    if (typeof t !== 'number' || !Number.isFinite(t) || !(t > 0)) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `tolerance of ${s} must be a positive number; got ${String(t)}`);
    }
  });
  return { stats: [...p.stats], index, mean: [...p.mean], tolerance: [...tolerance] };
}

/** The margin of one statistics row: max_k |s_k − mean_k| / tol_k − 1, NaN when a statistic is not finite. */
function margin(p: ResolvedProperty, stats: Float64Array, row: number, width: number): { margin: number; worst: number } {
  let worst = 0;
  let m = -Infinity;
  for (let k = 0; k < p.stats.length; ++k) {
    const d = Math.abs(stats[row * width + p.index[k]] - p.mean[k]) / p.tolerance[k];
    if (!Number.isFinite(d)) return { margin: NaN, worst: k };
    if (d > m) [m, worst] = [d, k];
  }
  return { margin: m - 1, worst };
}

/** A model target: {@link Target} plus what it was built from. */
export interface PropertyTarget extends Target {
  model: string;
  property: ResolvedProperty;
  trials: number;
  seed: number;
  options: Record<string, number>;
}

/** Builds the robustness criterion "the model's property holds" around a base point. */
export function propertyTarget(model: string, opts: PropertyTargetOptions = {}): PropertyTarget {
  if (typeof opts !== 'object' || opts === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options must be an object');
  knownKeys(opts, KNOWN, 'robustness option');
  const descriptor = get(model);
  const options = { ...(MODEL_DEFAULTS[model]?.options ?? {}), ...(opts.options ?? {}) };
  const info = describeWith(model, optionVector(descriptor, options));
  const dim = info.params.length;
  const property = resolve(opts.property, model, info.stats);
  const lower = Float64Array.from(info.params, (p) => p.lower);
  const upper = Float64Array.from(info.params, (p) => p.upper);
  const z0 = Float64Array.from(opts.z ?? info.params.map((p) => p.value));
  if (z0.length !== dim) throw new SloppyError('ERR_INVALID_ARG_VALUE', `z has ${z0.length} entries; ${model} has ${dim} parameters`);
  z0.forEach((v, i) => {
    if (!(v >= lower[i] && v <= upper[i])) {
      throw new SloppyError('ERR_OUT_OF_BOUNDS', `z[${i}] (${info.params[i].name}) = ${v} is outside [${lower[i]}, ${upper[i]}]`);
    }
  });
  const trials = integer(opts.trials ?? MODEL_DEFAULTS[model]?.trials ?? 1, 'trials', 1, 2 ** 30);
  const seed = integer(opts.seed ?? 0, 'seed', 0);
  const fdStep = opts.fdStep ?? 1e-4;
  if (typeof fdStep !== 'number' || !(fdStep > 0) || !(fdStep < 1)) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `fdStep must be in (0, 1); got ${String(fdStep)}`);
  }
  const run = (z: Float64Array, grad: boolean, signal?: AbortSignal): Promise<SimulationResult> =>
    statistics(model, [z], { trials, seed, options, grad, device: opts.device, threads: opts.threads, onNonFinite: 'nan', signal });

  // ∇L of L = ½ Σ ((s_k − mean_k)/tol_k)² from the statistics' exact gradients.
  const lossGradient = (r: SimulationResult): Float64Array => {
    const g = new Float64Array(dim);
    property.index.forEach((col, k) => {
      const w = (r.stats[col] - property.mean[k]) / property.tolerance[k] ** 2;
      for (let j = 0; j < dim; ++j) g[j] += w * r.grad![col * dim + j];
    });
    return g;
  };

  const curvature = memo(async (kind: CurvatureKind): Promise<Float64Array> => {
    const m = new Float64Array(dim * dim);
    if (kind === 'fisher') {
      // Gauss–Newton part of the loss Hessian: JᵀWJ with W = diag(1/tol²), the Fisher information of
      // statistics read with Gaussian error of one tolerance.
      const r = await run(z0, true);
      property.index.forEach((col, k) => {
        const w = 1 / property.tolerance[k] ** 2;
        for (let i = 0; i < dim; ++i) {
          for (let j = 0; j < dim; ++j) m[i * dim + j] += w * r.grad![col * dim + i] * r.grad![col * dim + j];
        }
      });
      return m;
    }
    // Full Hessian of L by central differences of its exact gradient; both sides share the noise.
    const shifted = (i: number, sign: number) => {
      const z = Float64Array.from(z0);
      z[i] = Math.min(upper[i], Math.max(lower[i], z[i] + sign * fdStep * (upper[i] - lower[i])));
      return z;
    };
    const runs = await Promise.all(
      Array.from({ length: 2 * dim }, (_, k) => run(shifted(k >> 1, k % 2 === 0 ? 1 : -1), true)),
    );
    for (let i = 0; i < dim; ++i) {
      const h = shifted(i, 1)[i] - shifted(i, -1)[i];
      const gp = lossGradient(runs[2 * i]);
      const gm = lossGradient(runs[2 * i + 1]);
      for (let j = 0; j < dim; ++j) m[i * dim + j] = (gp[j] - gm[j]) / h;
    }
    for (let i = 0; i < dim; ++i) {
      for (let j = 0; j < i; ++j) m[i * dim + j] = m[j * dim + i] = 0.5 * (m[i * dim + j] + m[j * dim + i]);
    }
    return m;
  });

  return {
    kind: 'property',
    model,
    property,
    trials,
    seed,
    options,
    dim,
    paramNames: info.params.map((p) => p.name),
    lower,
    upper,
    z0,
    criteria: property.stats,
    threshold: 0.5,
    defaultCurvature: 'fisher',
    async evaluate(points: Float64Array[], signal?: AbortSignal): Promise<Evaluation> {
      const runs = await Promise.all(points.map((z) => run(z, false, signal)));
      const out: Evaluation = { margin: new Float64Array(points.length), worst: new Int32Array(points.length) };
      runs.forEach((r, i) => {
        const m = margin(property, r.stats, 0, r.shape.stats);
        out.margin[i] = m.margin;
        out.worst[i] = m.worst;
      });
      return out;
    },
    curvature,
  };
}
