/**
 * Channel sensitivity of the STG circuit (Box 3 / Fig. 3 of the "optimization and variability" seed): the
 * built-in `stg` model exposes only g_el and g_synA, so this runs the same equations natively with all 15
 * maximal channel conductances (g_Ca, g_K, g_h of f1, f2, hub, s1, s2) and the two couplings as parameters, on
 * the noise-free path, and differentiates F = −(ω − ω*)²/ω*² (F_max = 0) exactly by nested forward-mode duals.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { get, optionVector } from '../models';
import { native } from '../native';
import { isFloat64Array, knownKeys, positiveNumber } from '../validate';

const NEURONS = ['f1', 'f2', 'hub', 's1', 's2'];

/** Parameter names in order: gCa_f1, gK_f1, gH_f1, …, gH_s2, g_el, g_synA (all nS). */
export const STG_CHANNEL_PARAMS: readonly string[] = [
  ...NEURONS.flatMap((n) => [`gCa_${n}`, `gK_${n}`, `gH_${n}`]),
  'g_el',
  'g_synA',
];

/** The published conductances and the stg model's default couplings, in {@link STG_CHANNEL_PARAMS} order. */
export function stgChannelDefaults(): Float64Array {
  return native.spectra.stgChannelDefaults();
}

/** Options of {@link stgChannelPerformance}. */
export interface StgChannelOptions {
  /** Whose rhythm: 'hub' (default), 'f1', 'f2', 's1' or 's2'. */
  neuron?: string;
  /** ω* in Hz. Default: ω at the published conductances, which makes them the optimum. */
  target?: number;
  /** The stg model's options (dt, steps, beta, …); sigmaI has no effect: the path is noise-free. */
  options?: Record<string, number>;
  /** Also ∂²F/∂θ² (17 × 17). Default true. */
  hessian?: boolean;
}

/** F with ω, ∂ω/∂θ, ∂F/∂θ and ∂²F/∂θ². */
export interface StgChannelPerformance {
  frequency: number;
  target: number;
  value: number;
  frequencyGradient: Float64Array;
  gradient: Float64Array;
  hessian?: Float64Array;
}

/** F = −(ω − ω*)²/ω*² at conductances `theta` (nS, default the published ones) with exact derivatives. */
export async function stgChannelPerformance(
  theta: Float64Array = stgChannelDefaults(),
  opts: StgChannelOptions = {},
): Promise<StgChannelPerformance> {
  knownKeys(opts, ['neuron', 'target', 'options', 'hessian'], 'STG option');
  if (!isFloat64Array(theta) || theta.length !== STG_CHANNEL_PARAMS.length) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `theta must be a Float64Array of ${STG_CHANNEL_PARAMS.length} conductances`);
  }
  const model = get('stg');
  const stat = model.stats.indexOf(opts.neuron ?? 'hub');
  if (stat < 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', `neuron must be one of ${model.stats.join(', ')}`);
  const options = optionVector(model, opts.options);
  let target = opts.target;
  if (target === undefined) {
    const base = await native.spectra.stgChannels({
      theta: stgChannelDefaults(), options, stat, target: 1, gradient: false, hessian: false,
    });
    target = base.frequency;
  }
  const r = await native.spectra.stgChannels({
    theta, options, stat, target: positiveNumber(target ?? 1, 'target'), gradient: true, hessian: opts.hessian ?? true,
  });
  return {
    frequency: r.frequency, target, value: r.value, frequencyGradient: r.frequencyGradient!, gradient: r.gradient!,
    hessian: r.hessian,
  };
}
