/**
 * Batched full-batch fitting of many networks of one shape to one data set, natively: gradient descent with
 * momentum or Adadelta, Glorot-uniform starts drawn from Philox by (seed, global fit index). Fits run in
 * chunks, so 320 000 of them stream to .npy files without ever being in memory at once, and a chunk run
 * elsewhere (a sweep task with `firstFit`) reproduces exactly the same fits.
 * @packageDocumentation
 */
import * as path from 'node:path';

import { SloppyError } from '../errors';
import { NpyWriter, writeNpy } from '../io/npy';
import { runJob } from '../job';
import { native } from '../native';
import { finiteNumber, integer } from '../validate';
import { NetworkShapeSpec, parameterBatch } from './layout';
import { DataSet, NetworkOptions, prepareNetwork } from './network';

/** Optimizer defaults: momentum at rate 0.01 and μ = 0.9 trains stably; Adadelta as Keras, ρ = 0.95, rate 1. */
export const OPTIMIZER_DEFAULTS = {
  momentum: { rate: 0.01, momentum: 0.9 },
  adadelta: { rate: 1.0, rho: 0.95, epsilon: 1e-7 },
} as const;

/** Options of {@link fitNetworks}. */
export interface FitOptions extends NetworkOptions {
  /** Number of fits. */
  count: number;
  /** Default 'momentum'. */
  optimizer?: 'momentum' | 'adadelta';
  /** Learning rate; default 0.01 (momentum) or 1.0 (Adadelta). */
  rate?: number;
  /** Momentum μ ∈ [0, 1); default 0.9. */
  momentum?: number;
  /** Adadelta's decay ρ ∈ (0, 1); default 0.95. */
  rho?: number;
  /** Adadelta's ε > 0; default 1e-7 (later Keras; the Keras of the paper's time used 1e-8). */
  epsilon?: number;
  /**
   * Gradient noise at temperature T ≥ 0 (default 0): each step's gradient gains √(2T(t)/rate)·ξ, ξ standard
   * normal from Philox by (seed, fit index, step), so plain gradient descent becomes Langevin dynamics at T(t).
   */
  temperature?: number;
  /** T(t) = T·max(0, 1 − t/(anneal·steps)): the fraction of the steps over which noise anneals to zero. Default 0.8. */
  anneal?: number;
  /** Optimizer steps; default 20 000. */
  steps?: number;
  /** Record the loss every this many steps (before the step); 0 (default) records none. */
  curveStride?: number;
  /** Seed of the Glorot draws; default 0. */
  seed?: number;
  /** Global index of the first fit (a chunk of a larger ensemble); default 0. */
  firstFit?: number;
  /** count × P starting weights instead of Glorot draws (e.g. a jittered teacher). */
  init?: Float64Array;
  /** Fits per native call; default 10 000. */
  chunk?: number;
  /** A folder: weights.npy (count × P), loss.npy and, with curves, curves.npy stream there chunk by chunk. */
  out?: string;
}

/** What {@link fitNetworks} returns. */
export interface FitResult {
  count: number;
  parameters: number;
  /** The final loss of every fit (always kept: 8 bytes a fit). */
  loss: Float64Array;
  /** count × P final weights (absent when written to `out`). */
  params?: Float64Array;
  /** count × curvePoints loss curves (absent when written to `out`, or without `curveStride`). */
  curves?: Float64Array;
  curvePoints: number;
  /** Files written under `out`. */
  files?: { weights: string; loss: string; curves?: string };
  device: 'cpu' | 'cuda';
}

const FIT_KEYS = ['count', 'optimizer', 'rate', 'momentum', 'rho', 'epsilon', 'temperature', 'anneal', 'steps', 'curveStride', 'seed', 'firstFit', 'init', 'chunk', 'out'];

function optimizerOf(opts: FitOptions) {
  const kind = opts.optimizer ?? 'momentum';
  if (kind !== 'momentum' && kind !== 'adadelta') {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `optimizer must be 'momentum' or 'adadelta'; got ${String(kind)}`);
  }
  const rate = finiteNumber(opts.rate ?? OPTIMIZER_DEFAULTS[kind].rate, 'rate');
  const momentum = finiteNumber(opts.momentum ?? OPTIMIZER_DEFAULTS.momentum.momentum, 'momentum');
  const rho = finiteNumber(opts.rho ?? OPTIMIZER_DEFAULTS.adadelta.rho, 'rho');
  const epsilon = finiteNumber(opts.epsilon ?? OPTIMIZER_DEFAULTS.adadelta.epsilon, 'epsilon');
  if (rate <= 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'rate must be > 0');
  if (momentum < 0 || momentum >= 1) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'momentum must be in [0, 1)');
  if (rho <= 0 || rho >= 1) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'rho must be in (0, 1)');
  if (epsilon <= 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'epsilon must be > 0');
  const temperature = finiteNumber(opts.temperature ?? 0, 'temperature');
  const anneal = finiteNumber(opts.anneal ?? 0.8, 'anneal');
  if (temperature < 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'temperature must be ≥ 0');
  if (anneal <= 0 || anneal > 1) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'anneal must be in (0, 1]');
  return { kind, rate, momentum, rho, epsilon, temperature, anneal };
}

/**
 * Fits `count` networks of `shape` to `data`, full batch, for `steps` steps each.
 * @example
 * const t = teacher();
 * const fits = await fitNetworks(t.shape, t, { count: 64, steps: 2000, optimizer: 'adadelta', seed: 1 });
 */
export async function fitNetworks(shape: NetworkShapeSpec, data: DataSet, opts: FitOptions): Promise<FitResult> {
  const net = prepareNetwork(shape, data, opts, FIT_KEYS);
  const count = integer(opts.count, 'count', 1);
  const optimizer = optimizerOf(opts);
  const steps = integer(opts.steps ?? 20000, 'steps', 0);
  const curveStride = integer(opts.curveStride ?? 0, 'curveStride', 0);
  const seed = integer(opts.seed ?? 0, 'seed', 0, 2 ** 53 - 1);
  const firstFit = integer(opts.firstFit ?? 0, 'firstFit', 0, 2 ** 32 - count);
  const chunk = integer(opts.chunk ?? 10000, 'chunk', 1);
  const P = net.parameters;
  if (opts.init !== undefined) parameterBatch(opts.init, net.layout, count, 'init');
  const curvePoints = curveStride > 0 ? Math.ceil(steps / curveStride) : 0;
  const loss = new Float64Array(count);
  const keep = opts.out === undefined;
  const params = keep ? new Float64Array(count * P) : undefined;
  const curves = keep && curvePoints > 0 ? new Float64Array(count * curvePoints) : undefined;
  const files = opts.out === undefined ? undefined : {
    weights: path.join(opts.out, 'weights.npy'),
    loss: path.join(opts.out, 'loss.npy'),
    ...(curvePoints > 0 ? { curves: path.join(opts.out, 'curves.npy') } : {}),
  };
  const writers = files === undefined ? [] : await Promise.all([
    NpyWriter.open(files.weights, [count, P]),
    ...(files.curves !== undefined ? [NpyWriter.open(files.curves, [count, curvePoints])] : []),
  ]);
  const chunks = Math.ceil(count / chunk);
  try {
    for (let c = 0; c < chunks; c++) {
      const first = c * chunk;
      const n = Math.min(chunk, count - first);
      const r = await runJob('the network fits', { signal: opts.signal }, (token) =>
        native.landscape.fit({
          ...net.args, count: n, optimizer, steps, curveStride, seed, firstFit: firstFit + first,
          init: opts.init?.subarray(first * P, (first + n) * P), token,
          onProgress: opts.onProgress && ((f: number) => opts.onProgress?.((c + f) / chunks)),
        }),
      );
      loss.set(r.loss, first);
      if (params !== undefined) params.set(r.params, first * P);
      if (curves !== undefined) curves.set(r.curves, first * curvePoints);
      if (writers.length > 0) await writers[0].append(r.params);
      if (writers.length > 1) await writers[1].append(r.curves);
    }
    for (const w of writers) await w.close();
  } catch (err) {
    for (const w of writers) await w.discard();
    throw err;
  }
  if (files !== undefined) await writeNpy(files.loss, loss, [count]);
  return { count, parameters: P, loss, params, curves, curvePoints, files, device: net.args.device };
}
