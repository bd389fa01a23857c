/**
 * Where EPI gets statistics from: a built-in model (simulated natively, with exact gradients) or a model a
 * user writes in TypeScript with its own gradients.
 * @packageDocumentation
 */
import { Device } from '../backends';
import { SloppyError } from '../errors';
import { describeWith, get, optionVector } from '../models';
import { simulate } from '../sde';
import { finiteNumber } from '../validate';

/** A model that is not built in: its parameters, statistic names and a function computing them. */
export interface CustomModel {
  name: string;
  params: { name: string; lower: number; upper: number; unit?: string }[];
  stats: string[];
  /**
   * Statistics at each row of z (n × params): `values` n × stats and, when `grad` is asked for,
   * `grad` n × stats × params (∂ statistic / ∂ parameter). Noise, if any, should be keyed by `seed`.
   */
  statistics(
    z: Float64Array,
    n: number,
    opts: { grad: boolean; seed: number },
  ): { values: Float64Array; grad?: Float64Array } | Promise<{ values: Float64Array; grad?: Float64Array }>;
}

/** What the EPI loop needs of a model. */
export interface StatisticSource {
  name: string;
  builtIn: boolean;
  params: { name: string; unit: string; lower: number; upper: number }[];
  statNames: string[];
  /** Model options in native order (built-in models only). */
  options: Float64Array;
  trials: number;
  evaluate(z: Float64Array, n: number, seed: number, grad: boolean, signal?: AbortSignal): Promise<{
    values: Float64Array;
    grad?: Float64Array;
  }>;
}

export function builtInSource(
  model: string,
  options: Record<string, number> | undefined,
  trials: number,
  threads: number,
  device?: Device,
): StatisticSource {
  const descriptor = get(model);
  const optionValues = optionVector(descriptor, options);
  const info = describeWith(model, optionValues);
  return {
    name: model,
    builtIn: true,
    params: info.params,
    statNames: [...info.stats],
    options: optionValues,
    trials,
    async evaluate(z, _n, seed, grad, signal) {
      const r = await simulate(model, z, {
        trials, seed, grad, options, threads, signal, device, checkBounds: false, onNonFinite: 'nan',
      });
      return { values: r.stats, grad: r.grad };
    },
  };
}

export function customSource(m: CustomModel): StatisticSource {
  if (typeof m !== 'object' || m === null || typeof m.statistics !== 'function' || !Array.isArray(m.params) ||
      !Array.isArray(m.stats) || m.params.length === 0 || m.stats.length === 0) {
    throw new SloppyError(
      'ERR_INVALID_ARG_TYPE',
      'a custom model needs name, params [{ name, lower, upper }], stats [names] and statistics(z, n, opts)',
    );
  }
  const params = m.params.map((p, i) => ({
    name: String(p.name),
    unit: p.unit ?? '',
    lower: p.lower === -Infinity ? -Infinity : finiteNumber(p.lower, `params[${i}].lower`),
    upper: p.upper === Infinity ? Infinity : finiteNumber(p.upper, `params[${i}].upper`),
  }));
  const D = params.length;
  const S = m.stats.length;
  return {
    name: String(m.name),
    builtIn: false,
    params,
    statNames: [...m.stats],
    options: new Float64Array(0),
    trials: 1,
    async evaluate(z, n, seed, grad) {
      const out = await m.statistics(z, n, { grad, seed });
      if (out?.values?.length !== n * S || (grad && out.grad?.length !== n * S * D)) {
        throw new SloppyError(
          'ERR_INVALID_ARG_VALUE',
          `${m.name}.statistics must return values (n × ${S})${grad ? ` and grad (n × ${S} × ${D})` : ''} as Float64Arrays`,
        );
      }
      return { values: Float64Array.from(out.values), grad: out.grad && Float64Array.from(out.grad) };
    },
  };
}
