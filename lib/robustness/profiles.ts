/**
 * The two public entry points of robustness profiles: pushing a model's parameters against its emergent
 * property, and pushing a performance function's arguments against a tolerance.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { performanceTarget, Performance, PerformanceTargetOptions } from './performance-target';
import { profile, PROFILE_KEYS, ProfileOptions, RobustnessProfile } from './profile';
import { propertyTarget, PropertyTargetOptions, ResolvedProperty } from './property-target';

function split<T extends object>(opts: T): [Record<string, unknown>, Record<string, unknown>] {
  if (typeof opts !== 'object' || opts === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options must be an object');
  const a: Record<string, unknown> = {};
  const b: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) (PROFILE_KEYS.includes(k) ? b : a)[k] = v;
  return [a, b];
}

/** Options of {@link propertyProfile}. */
export type PropertyProfileOptions = PropertyTargetOptions & ProfileOptions;

/** A model's robustness profile, with the property and noise settings that define it. */
export interface PropertyProfile extends RobustnessProfile {
  model: string;
  property: ResolvedProperty;
  /** Trials whose mean defines each statistic. */
  trials: number;
  /** The seed every evaluation shares (common random numbers). */
  seed: number;
  options: Record<string, number>;
}

/**
 * How far each direction's push from `z` keeps `model`'s emergent property: every constrained statistic's
 * trial mean within its tolerance. Each evaluation simulates one parameter set with the same seed at the same
 * set index, so all points share the noise of the base point.
 *
 * @example
 * const p = await propertyProfile('lds2d', { directions: ['fisher', { kind: 'random', count: 8 }] });
 * p.directions.map((d) => [d.curvature, d.plus.distance, d.minus.distance]);
 */
export async function propertyProfile(model: string, opts: PropertyProfileOptions = {}): Promise<PropertyProfile> {
  const [targetOpts, profileOpts] = split(opts);
  const target = propertyTarget(model, targetOpts as PropertyTargetOptions);
  const p = await profile(target, profileOpts as ProfileOptions);
  return { ...p, model, property: target.property, trials: target.trials, seed: target.seed, options: target.options };
}

/** Options of {@link performanceProfile}. */
export type PerformanceProfileOptions = PerformanceTargetOptions & ProfileOptions;

/**
 * How far each direction's push from `z` keeps F(z) − F(θ) ≤ tolerance. For the quadratic
 * `{ hessian: H }` and its eigenvectors the break distance is √(2·tolerance/λ).
 *
 * @example
 * const p = await performanceProfile({ hessian: [[4, 0], [0, 0.01]] }, { tolerance: 0.5 });
 * p.directions.map((d) => [d.curvature, d.distance, d.predicted]); // [[4, 0.5, 0.5], [0.01, 10, 10]]
 */
export async function performanceProfile(performance: Performance, opts: PerformanceProfileOptions): Promise<RobustnessProfile> {
  const [targetOpts, profileOpts] = split(opts);
  return profile(performanceTarget(performance, targetOpts as unknown as PerformanceTargetOptions), profileOpts as ProfileOptions);
}
