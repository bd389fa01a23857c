/**
 * Emergent properties: target means and standard deviations of a model's statistics, and the constraint
 * vector T(z) = [s…, (s − mean)²…] with targets μ = [mean…, std²…] that EPI drives E_q[T] to.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';

/** Which statistics to constrain, and to what mean and standard deviation. */
export interface PropertySpec {
  stats: string[];
  mean: number[];
  std: number[];
}

/** A validated property, resolved against a model's statistic names. */
export interface Property extends PropertySpec {
  /** Column of each constrained statistic among the model's statistics. */
  index: number[];
  /** Constraint names, "E[s]" then "Var[s]" for each statistic s. */
  constraints: string[];
  /** Targets of E_q[T]: the means, then the variances. */
  mu: number[];
}

/** Checks a property against the statistics a model provides. */
export function resolveProperty(spec: PropertySpec, statNames: string[]): Property {
  if (typeof spec !== 'object' || spec === null || !Array.isArray(spec.stats) || spec.stats.length === 0) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'property must be { stats: string[], mean: number[], std: number[] }');
  }
  const { stats, mean, std } = spec;
  if (!Array.isArray(mean) || !Array.isArray(std) || mean.length !== stats.length || std.length !== stats.length) {
    throw new SloppyError(
      'ERR_INVALID_ARG_VALUE',
      `property has ${stats.length} statistics but ${Array.isArray(mean) ? mean.length : 'no'} means and ` +
        `${Array.isArray(std) ? std.length : 'no'} standard deviations`,
    );
  }
  const index = stats.map((s) => {
    const i = statNames.indexOf(s);
    if (i < 0) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `unknown statistic '${s}'; the model has ${statNames.join(', ')}`);
    }
    return i;
  });
  if (new Set(stats).size !== stats.length) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', 'a statistic appears twice in the property');
  }
  stats.forEach((s, k) => {
    if (typeof mean[k] !== 'number' || !Number.isFinite(mean[k])) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `mean of ${s} must be a finite number; got ${String(mean[k])}`);
    }
    if (typeof std[k] !== 'number' || !(std[k] > 0) || !Number.isFinite(std[k])) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `std of ${s} must be a positive number; got ${String(std[k])}`);
    }
  });
  return {
    stats: [...stats],
    mean: [...mean],
    std: [...std],
    index,
    constraints: [...stats.map((s) => `E[${s}]`), ...stats.map((s) => `Var[${s}]`)],
    mu: [...mean, ...std.map((s) => s * s)],
  };
}

/** T(z) − μ for each row of a batch's statistics (n × S): the quantity every EPI test is about. */
export function residuals(p: Property, stats: Float64Array, statCount: number): Float64Array {
  const n = stats.length / statCount;
  const K = p.stats.length;
  const out = new Float64Array(n * 2 * K);
  for (let i = 0; i < n; ++i) {
    for (let k = 0; k < K; ++k) {
      const s = stats[i * statCount + p.index[k]];
      out[i * 2 * K + k] = s - p.mean[k];
      out[i * 2 * K + K + k] = (s - p.mean[k]) ** 2 - p.mu[K + k];
    }
  }
  return out;
}
