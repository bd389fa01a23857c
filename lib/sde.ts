/**
 * Batched simulation of the built-in circuit models: many parameter sets × trials at once, with exact
 * gradients of every statistic with respect to the parameters, on the CPU or a CUDA GPU.
 * @packageDocumentation
 */
import { resolveDevice, Device } from './backends';
import { SloppyError } from './errors';
import { runJob } from './job';
import { describeWith, get, optionVector } from './models';
import { native } from './native';
import { integer, knownKeys, toMatrix } from './validate';

/** Options of {@link simulate} and {@link statistics}. */
export interface SimulateOptions {
  /** Trials (independent noise realisations) per parameter set; statistics are averaged over them. Default 1. */
  trials?: number;
  /** Seed of the Philox streams; the same seed gives the same numbers on every backend. Default 0. */
  seed?: number;
  /** Also return ∂(statistic)/∂(parameter), exact through the whole simulation. Default false. */
  grad?: boolean;
  /** Model options by name (see `models.get(name).options`); unspecified ones take their defaults. */
  options?: Record<string, number>;
  /** 'auto' (default), 'cpu' or 'cuda'. */
  device?: Device;
  /** Record the state every `stride` steps (simulate only). */
  trajectories?: { stride?: number };
  /**
   * Global index of the first parameter set. Noise is keyed by it, so splitting a batch across calls or
   * machines (with offsets 0, n, 2n, …) reproduces the whole batch exactly. Default 0.
   */
  batchOffset?: number;
  /** Reject parameters outside the model's bounds (default true). */
  checkBounds?: boolean;
  /** CPU worker threads (0 = all). */
  threads?: number;
  /** What a non-finite state does: 'error' (default) rejects with ERR_NONFINITE; 'nan' returns NaN statistics. */
  onNonFinite?: 'error' | 'nan';
  /** Cancels the run; the promise rejects with code ABORT_ERR. */
  signal?: AbortSignal;
  /** Called with the fraction of parameter sets done. */
  onProgress?: (fraction: number) => void;
}

/** Dimensions of a {@link SimulationResult}'s arrays. */
export interface SimulationShape {
  batch: number;
  trials: number;
  params: number;
  stats: number;
  state: number;
  /** Trajectory samples per path (0 without trajectories). */
  recorded: number;
}

/** Where a path first went non-finite (when onNonFinite is 'nan'). */
export interface NonFiniteReport {
  set: number;
  trial: number;
  step: number;
  state: string;
  count: number;
}

/** Trial-averaged statistics, optional gradients and trajectories, as row-major Float64Arrays. */
export interface SimulationResult {
  model: string;
  /** Statistic names, the columns of `stats`. */
  statNames: string[];
  /** batch × stats. */
  stats: Float64Array;
  /** batch × stats × params, when `grad` was requested. */
  grad?: Float64Array;
  /** batch × trials × recorded × state, when trajectories were requested. */
  trajectories?: Float64Array;
  /** Time between trajectory samples, in the model's time unit (dt × stride). */
  sampleInterval?: number;
  shape: SimulationShape;
  device: 'cpu' | 'cuda';
  /** Why 'auto' ran on the CPU, when it did. */
  deviceReason?: string;
  nonFinite?: NonFiniteReport;
}

const KNOWN = [
  'trials', 'seed', 'grad', 'options', 'device', 'trajectories', 'batchOffset',
  'checkBounds', 'threads', 'onNonFinite', 'signal', 'onProgress',
] as const;

/**
 * Simulates `model` at every row of `z` (batch × params), `trials` times each, and returns the
 * trial-averaged statistics and, on request, their gradients and the trajectories. Never blocks the event loop.
 *
 * @example
 * const r = await simulate('ou', [[1, 0, 0.5]], { trials: 1000, options: { steps: 200 } });
 * r.stats; // [E x(T), E x(T)²]
 */
export async function simulate(model: string, z: unknown, opts: SimulateOptions = {}): Promise<SimulationResult> {
  if (typeof opts !== 'object' || opts === null) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options must be an object');
  }
  knownKeys(opts, KNOWN, 'simulate option');
  const descriptor = get(model);
  const optionValues = optionVector(descriptor, opts.options);
  const info = describeWith(model, optionValues);
  const width = info.params.length;
  const { data, rows } = toMatrix(z, width, 'z');
  checkParameters(data, rows, info.params, opts.checkBounds ?? true);
  const trials = integer(opts.trials ?? 1, 'trials', 1, 2 ** 30);
  const seed = integer(opts.seed ?? 0, 'seed', 0);
  const batchOffset = integer(opts.batchOffset ?? 0, 'batchOffset', 0, 2 ** 32 - rows);
  const threads = integer(opts.threads ?? 0, 'threads', 0, 4096);
  if (opts.grad !== undefined && typeof opts.grad !== 'boolean') {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'grad must be a boolean');
  }
  let stride = 0;
  if (opts.trajectories !== undefined) {
    knownKeys(opts.trajectories, ['stride'], 'trajectories option');
    stride = integer(opts.trajectories.stride ?? 1, 'trajectories.stride', 1);
  }
  const onNonFinite = opts.onNonFinite ?? 'error';
  if (onNonFinite !== 'error' && onNonFinite !== 'nan') {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', "onNonFinite must be 'error' or 'nan'");
  }
  const choice = resolveDevice(opts.device);
  const out = await runJob('the simulation', opts, (token, onProgress) =>
    native.simulate({
      model, z: data, batch: rows, trials, options: optionValues, seed, batchOffset,
      grad: opts.grad ?? false, stride, threads, device: choice.device, token, onProgress,
    }),
  );

  const nonFinite = out.fault && {
    set: out.fault.set,
    trial: out.fault.trial,
    step: out.fault.step,
    // Models without state (rnn2) report a non-finite statistic as state −1.
    state: out.fault.state >= 0 ? info.state[out.fault.state] : 'statistics',
    count: out.fault.count,
  };
  if (nonFinite && onNonFinite === 'error') {
    throw new SloppyError(
      'ERR_NONFINITE',
      `${model}: state ${nonFinite.state} became non-finite at step ${nonFinite.step} of parameter set ` +
        `${nonFinite.set} (trial ${nonFinite.trial}; ${nonFinite.count} path(s) in all), z = ` +
        `[${Array.from(data.subarray(nonFinite.set * width, (nonFinite.set + 1) * width)).join(', ')}]`,
      { ...nonFinite },
    );
  }
  const dtOption = descriptor.options.findIndex((o) => o.name === 'dt');
  return {
    model,
    statNames: [...info.stats],
    stats: out.stats,
    grad: opts.grad ? out.grad : undefined,
    trajectories: stride > 0 ? out.trajectory : undefined,
    sampleInterval: stride > 0 && dtOption >= 0 ? optionValues[dtOption] * stride : undefined,
    shape: {
      batch: rows, trials, params: width, stats: info.stats.length, state: info.state.length, recorded: out.recorded,
    },
    device: choice.device,
    deviceReason: choice.reason,
    nonFinite,
  };
}

/** Trial-averaged statistics (and gradients with `grad: true`) of `model` at each row of `z`. */
export async function statistics(
  model: string,
  z: unknown,
  opts: Omit<SimulateOptions, 'trajectories'> = {},
): Promise<SimulationResult> {
  if (typeof opts === 'object' && opts !== null && 'trajectories' in opts) {
    throw new SloppyError('ERR_UNKNOWN_OPTION', "statistics() takes no 'trajectories'; use simulate()");
  }
  return simulate(model, z, opts);
}

function checkParameters(
  data: Float64Array,
  rows: number,
  params: { name: string; lower: number; upper: number }[],
  checkBounds: boolean,
): void {
  const width = params.length;
  for (let i = 0; i < rows; ++i) {
    for (let j = 0; j < width; ++j) {
      const v = data[i * width + j];
      const p = params[j];
      if (!Number.isFinite(v)) {
        throw new SloppyError('ERR_INVALID_ARG_VALUE', `z[${i}][${j}] (${p.name}) is ${v}`, { row: i, param: p.name });
      }
      if (checkBounds && (v < p.lower || v > p.upper)) {
        throw new SloppyError(
          'ERR_OUT_OF_BOUNDS',
          `z[${i}][${j}] (${p.name}) = ${v} is outside its bounds [${p.lower}, ${p.upper}]`,
          { row: i, param: p.name, value: v },
        );
      }
    }
  }
}
