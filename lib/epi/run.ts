/**
 * Emergent property inference (Bittner et al. 2021, Algorithm 1): the maximum-entropy distribution of a
 * model's parameters whose statistics have given means and variances. The SGD iterations run natively
 * (flow, simulation, gradients, Adam); this file is the schedule around them — Gaussian initialisation,
 * augmented-Lagrangian epochs, the η and c updates, the convergence test, checkpoints and selection.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { Device } from '../backends';
import { SloppyError } from '../errors';
import { Flow, FlowOptions, flowSpec } from '../flow/flow';
import { packFloats, readEnvelope, unpackFloats, writeEnvelope } from '../io/envelope';
import { runJob } from '../job';
import { NativeCancelToken, NativeTrainResult } from '../native';
import { philox } from '../rng';
import { integer, knownKeys } from '../validate';
import { abcMoments } from './abc';
import { DEFAULT_SCHEDULE, MODEL_DEFAULTS, Schedule } from './defaults';
import { Distribution } from './distribution';
import { EpiHistory, EpochSummary, HistoryRow } from './history';
import { convergenceTest, penaltyUpdate } from './hypothesis';
import { Property, PropertySpec, residuals, resolveProperty } from './property';
import { builtInSource, CustomModel, customSource, StatisticSource } from './source';

/** Options of {@link epi}; unset values take the model's published settings, then the reference defaults. */
export interface EpiOptions extends Partial<Schedule> {
  /** The emergent property; default: the model's published one. */
  property?: PropertySpec;
  /** Model options by name. */
  options?: Record<string, number>;
  /** Trials per parameter set for stochastic models (statistics are trial means). */
  trials?: number;
  flow?: FlowOptions;
  /** Random seed of the weights and of every draw. Default 1. */
  seed?: number;
  /**
   * Target of the Gaussian initialisation: default from each parameter's bounds (as the reference); or, with
   * `abc: n`, the mean of n samples accepted by rejection sampling (within mean ± 2 std of every constrained
   * statistic) and unit variance, as the reference's code ("abc"); `abcStd: 'sample'` takes the accepted
   * samples' own standard deviations instead (the paper's "gaussian approximation").
   */
  init?: { mean?: number[]; std?: number[]; abc?: number; abcStd?: 'unit' | 'sample' };
  /** CPU threads (0 = all). */
  threads?: number;
  /** 'auto' (default), 'cpu' or 'cuda': where the flow's weights live and the model is simulated. */
  device?: Device;
  /** A folder for the checkpoint written after every epoch. */
  checkpoint?: string;
  /** Continue from the checkpoint in `checkpoint` if there is one (same settings required). */
  resume?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: EpiProgress) => void;
}

export interface EpiProgress {
  phase: 'init' | 'train';
  epoch: number;
  /** Fraction of the phase done. */
  fraction: number;
}

export interface EpiResult {
  /** The converged epoch of maximum entropy, or the last epoch when none converged. */
  distribution: Distribution;
  converged: boolean;
  /** Epoch of `distribution` (0 = the Gaussian initialisation). */
  epoch: number;
  history: EpiHistory;
  /** Every resolved setting, as used. */
  settings: EpiSettings;
}

export interface EpiSettings {
  model: string;
  property: PropertySpec;
  options: Record<string, number>;
  trials: number;
  schedule: Schedule;
  flow: ReturnType<typeof flowSpec>;
  seed: number;
  init: { mean: number[]; std: number[]; abc?: number; abcStd?: 'unit' | 'sample' };
}

const KEYS = [
  ...Object.keys(DEFAULT_SCHEDULE), 'property', 'options', 'trials', 'flow', 'seed', 'init', 'threads', 'device',
  'checkpoint', 'resume', 'signal', 'onProgress',
];

const M_TEST = 200;
const M_NORM = 200;
const CHECKPOINT_FORMAT = 'sloppy.epi-checkpoint';
const CHECKPOINT_VERSION = 1;

/** Runs EPI on a built-in model (by name) or a {@link CustomModel}. */
export async function epi(model: string | CustomModel, opts: EpiOptions = {}): Promise<EpiResult> {
  knownKeys(opts, KEYS, 'epi option');
  const threads = integer(opts.threads ?? 0, 'threads', 0, 4096);
  const defaults = typeof model === 'string' ? MODEL_DEFAULTS[model] : undefined;
  const trials = integer(opts.trials ?? defaults?.trials ?? 1, 'trials', 1, 2 ** 20);
  const options = { ...defaults?.options, ...opts.options };
  const source = typeof model === 'string' ? builtInSource(model, options, trials, threads, opts.device) : customSource(model);
  const propertySpec = opts.property ?? defaults?.property;
  if (propertySpec === undefined) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `model ${source.name} has no published property; pass property`);
  }
  const property = resolveProperty(propertySpec, source.statNames);
  const schedule = resolveSchedule({ ...DEFAULT_SCHEDULE, ...defaults?.schedule }, opts);
  const seed = integer(opts.seed ?? 1, 'seed', 0, 2 ** 32 - 1);
  const lower = source.params.map((p) => p.lower);
  const upper = source.params.map((p) => p.upper);
  const spec = flowSpec(lower, upper, { ...defaults?.flow, seed, ...opts.flow });
  const init: EpiOptions['init'] = opts.init ?? defaults?.init;
  if (init !== undefined) knownKeys(init, ['mean', 'std', 'abc', 'abcStd'], 'init option');
  const abc = init?.abc === undefined ? undefined : integer(init.abc, 'init.abc', 1, 1e6);
  const abcStd = init?.abcStd ?? 'unit';
  if (abcStd !== 'unit' && abcStd !== 'sample') {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `init.abcStd must be 'unit' or 'sample'; got ${String(abcStd)}`);
  }
  let target: EpiSettings['init'];
  if (abc === undefined) {
    target = initialTarget(lower, upper, init);
  } else {
    const m = await abcMoments(source, property, abc, seed, opts.signal);
    target = { mean: m.mean, std: abcStd === 'unit' ? lower.map(() => 1) : m.std, abc, abcStd };
  }
  const settings: EpiSettings = {
    model: source.name, property: propertySpec, options, trials, schedule, flow: spec, seed, init: target,
  };
  return new EpiRun(source, property, settings, opts, threads).run();
}

function resolveSchedule(base: Schedule, opts: EpiOptions): Schedule {
  const s = { ...base };
  for (const key of Object.keys(base) as (keyof Schedule)[]) {
    if (opts[key] !== undefined) (s as Record<string, unknown>)[key] = opts[key];
  }
  integer(s.batch, 'batch', 4, 2 ** 24);
  integer(s.epochs, 'epochs', 1, 10000);
  integer(s.iterations, 'iterations', 1, 2 ** 24);
  integer(s.initIterations, 'initIterations', 0, 2 ** 24);
  integer(s.logRate, 'logRate', 1);
  for (const key of ['c0', 'beta', 'gamma', 'nu'] as const) {
    if (typeof s[key] !== 'number' || !(s[key] > 0) || !Number.isFinite(s[key])) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `${key} must be a positive number; got ${String(s[key])}`);
    }
  }
  if (!(s.alpha > 0 && s.alpha < 1)) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'alpha must be in (0, 1)');
  if (Math.floor(s.nu * s.batch) < 2) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'nu·batch must be at least 2');
  return s;
}

// The reference's default Gaussian per coordinate: centred in the bounds with std a quarter of their width,
// or 2 inside a single bound with unit variance.
function initialTarget(lower: number[], upper: number[], init?: EpiOptions['init']) {
  const mean = lower.map((lb, i) => {
    const ub = upper[i];
    if (Number.isFinite(lb) && Number.isFinite(ub)) return (lb + ub) / 2;
    if (Number.isFinite(lb)) return lb + 2;
    if (Number.isFinite(ub)) return ub - 2;
    return 0;
  });
  const std = lower.map((lb, i) => (Number.isFinite(lb) && Number.isFinite(upper[i]) ? (upper[i] - lb) / 4 : 1));
  const m = init?.mean ?? mean;
  const s = init?.std ?? std;
  if (m.length !== lower.length || s.length !== lower.length || s.some((v) => !(v > 0))) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', 'init.mean and init.std need one entry per parameter, std > 0');
  }
  return { mean: [...m], std: [...s] };
}

interface Snapshot {
  epoch: number;
  H: number;
  weights: Float64Array;
}

/** The state that a checkpoint captures, beyond the flow's own. */
interface LoopState {
  epochDone: number;
  eta: number[];
  c: number;
  normsPrev: number[];
  history: EpiHistory;
  best: Snapshot | null;
  last: Snapshot | null;
}

class EpiRun {
  private readonly flow: Flow;
  private readonly hash: string;

  constructor(
    private readonly source: StatisticSource,
    private readonly property: Property,
    private readonly settings: EpiSettings,
    private readonly opts: EpiOptions,
    private readonly threads: number,
  ) {
    this.flow = new Flow(settings.flow, { device: opts.device });
    this.hash = createHash('sha256').update(JSON.stringify(settings)).digest('hex');
  }

  async run(): Promise<EpiResult> {
    const s = this.settings.schedule;
    let state = await this.restore();
    if (state === null) {
      await this.initialise();
      const m = this.property.mu.length;
      state = {
        epochDone: 0, eta: new Array(m).fill(0), c: s.c0, normsPrev: (await this.norms(0)).norms,
        history: { constraints: this.property.constraints, rows: [], epochs: [] }, best: null, last: null,
      };
      await this.save(state);
    }
    for (let k = state.epochDone + 1; k <= s.epochs; ++k) {
      if (state.history.epochs.some((e) => e.converged) && s.stopEarly) break;
      state = await this.epoch(k, state);
      await this.save(state);
    }
    const chosen = state.best ?? state.last!;
    this.flow.setState({
      weights: chosen.weights, m1: new Float64Array(chosen.weights.length),
      m2: new Float64Array(chosen.weights.length), adamStep: 0,
    });
    const distribution = new Distribution(this.flow, {
      model: this.source.name,
      paramNames: this.source.params.map((p) => p.name),
      units: this.source.params.map((p) => p.unit),
      property: this.settings.property,
      epoch: chosen.epoch,
      entropy: chosen.H,
      converged: state.best !== null,
      history: state.history,
    });
    return { distribution, converged: state.best !== null, epoch: chosen.epoch, history: state.history, settings: this.settings };
  }

  private async initialise(): Promise<void> {
    const s = this.settings.schedule;
    if (s.initIterations === 0) return;
    const { mean, std } = this.settings.init;
    const D = mean.length;
    const precision = new Float64Array(D * D);
    std.forEach((v, i) => (precision[i * D + i] = 1 / (v * v)));
    const r = await this.train('init', 0, (token, onProgress) =>
      this.flow.handle.trainGaussian({
        mean: Float64Array.from(mean), precision, iterations: s.initIterations, firstStep: 0,
        seed: this.settings.seed, batch: s.batch, threads: this.threads, token, onProgress,
      }),
    );
    if (r.failedAt >= 0) {
      throw new SloppyError('ERR_NONFINITE', `the Gaussian initialisation's cost became non-finite at iteration ${r.failedAt}`, {
        epoch: 0, iteration: r.failedAt,
      });
    }
    // EPI's optimiser starts afresh, as the reference builds one Adam for the initialisation and a new one for
    // EPI: carried over, the fit's moments would skip the bias-corrected warm-up of the first epoch's steps.
    this.flow.handle.resetAdam();
  }

  private async epoch(k: number, state: LoopState): Promise<LoopState> {
    const s = this.settings.schedule;
    const p = this.property;
    const firstStep = s.initIterations + (k - 1) * s.iterations;
    const rows = await this.trainEpoch(k, firstStep, state);
    const lastR = rows[rows.length - 1].R;

    const test = await this.evaluate(2 * k, M_TEST, Math.floor(s.nu * s.batch));
    const conv = test.groups >= 2
      ? convergenceTest(test.groupMeans, test.groups, p.mu.length, s.alpha)
      : { p: new Float64Array(p.mu.length).fill(Number.NaN), converged: false };
    const converged = conv.converged && test.nonFinite === 0;
    const eta = state.eta.map((e, j) => e + state.c * lastR[j]);
    // After the last epoch, or the one that stops the run early, no epoch takes the new c: its norms (M_norm
    // batches of simulations) would be wasted, and the reference skips them too.
    const final = k === s.epochs || (s.stopEarly && converged);
    let pen = { c: state.c, t: Number.NaN, p: Number.NaN, grew: false };
    let norms = state.normsPrev;
    let normsNonFinite = 0;
    if (!final) {
      ({ norms, nonFinite: normsNonFinite } = await this.norms(k));
      const u = philox([k, 0, 0, 0], [this.settings.seed, 0xc0ffee])[0] / 2 ** 32;
      pen = penaltyUpdate({ norms, previousNorms: state.normsPrev, gamma: s.gamma, beta: s.beta, c: state.c, u });
    }
    const summary: EpochSummary = {
      epoch: k, eta: state.eta, c: state.c, H: test.H, p: Array.from(conv.p),
      converged, penalty: { t: pen.t, p: pen.p, grew: pen.grew }, nonFinite: test.nonFinite + normsNonFinite,
    };
    const weights = this.flow.state().weights;
    const snapshot = { epoch: k, H: test.H, weights };
    const best = summary.converged && (state.best === null || test.H > state.best.H) ? snapshot : state.best;
    if (s.resetAdam) this.flow.handle.resetAdam();
    return {
      epochDone: k, eta, c: pen.c, normsPrev: norms,
      history: { ...state.history, rows: [...state.history.rows, ...rows], epochs: [...state.history.epochs, summary] },
      best, last: snapshot,
    };
  }

  // One epoch of SGD; returns the logged rows (every logRate-th iteration and the last).
  private async trainEpoch(k: number, firstStep: number, state: LoopState): Promise<HistoryRow[]> {
    const s = this.settings.schedule;
    const p = this.property;
    let result: NativeTrainResult;
    const common = {
      stats: Float64Array.from(p.index), mean: Float64Array.from(p.mean),
      variance: Float64Array.from(p.mu.slice(p.mean.length)), eta: Float64Array.from(state.eta), c: state.c,
    };
    if (this.source.builtIn) {
      result = await this.train('train', k, (token, onProgress) =>
        this.flow.handle.trainEpi({
          model: this.source.name, options: this.source.options, trials: this.source.trials, ...common,
          iterations: s.iterations, firstStep, seed: this.settings.seed, batch: s.batch, threads: this.threads,
          token, onProgress,
        }),
      );
    } else {
      result = await this.trainCustom(k, firstStep, common);
    }
    const width = result.width;
    const rows: HistoryRow[] = [];
    for (let i = 0; i < result.iterations; ++i) {
      if (i % s.logRate !== 0 && i !== result.iterations - 1) continue;
      const row = result.log.subarray(i * width, (i + 1) * width);
      rows.push({ epoch: k, iteration: firstStep - s.initIterations + i, H: row[0], cost: row[1], R: Array.from(row.subarray(2)) });
    }
    if (result.failedAt >= 0) {
      const iteration = (k - 1) * s.iterations + result.failedAt;
      const f = result.fault;
      throw new SloppyError(
        'ERR_NONFINITE',
        `EPI failed: the cost became non-finite at epoch ${k}, iteration ${iteration}` +
          (f ? ` (the simulation went non-finite at step ${f.step} of sample ${f.set}, ${f.count} sample(s))` : ''),
        { epoch: k, iteration, fault: f },
      );
    }
    return rows;
  }

  // Iterations with statistics computed in JavaScript: native sampling, user statistics, native backprop.
  private async trainCustom(
    k: number,
    firstStep: number,
    common: { stats: Float64Array; mean: Float64Array; variance: Float64Array; eta: Float64Array; c: number },
  ): Promise<NativeTrainResult> {
    const s = this.settings.schedule;
    const S = this.source.statNames.length;
    const logs: Float64Array[] = [];
    let failedAt = -1;
    for (let i = 0; i < s.iterations && failedAt < 0; ++i) {
      if (this.opts.signal?.aborted) throw new SloppyError('ABORT_ERR', 'EPI was aborted');
      const step = firstStep + i;
      const { z } = await this.flow.handle.trainBegin({ batch: s.batch, seed: this.settings.seed, step, threads: this.threads });
      const stats = await this.source.evaluate(z, s.batch, this.simSeed(step), true, this.opts.signal);
      const r = await this.flow.handle.trainEnd({ values: stats.values, grad: stats.grad!, statCount: S, ...common, threads: this.threads });
      logs.push(r.log);
      if (r.failedAt >= 0) failedAt = i;
      this.opts.onProgress?.({ phase: 'train', epoch: k, fraction: (i + 1) / s.iterations });
    }
    const width = logs[0].length;
    const log = new Float64Array(logs.length * width);
    logs.forEach((l, i) => log.set(l, i * width));
    return { iterations: logs.length, width, log, failedAt };
  }

  private train(
    phase: 'init' | 'train',
    epoch: number,
    start: (token: NativeCancelToken, onProgress?: (f: number) => void) => Promise<NativeTrainResult>,
  ): Promise<NativeTrainResult> {
    const report = this.opts.onProgress;
    return runJob('EPI', { signal: this.opts.signal, onProgress: report && ((f) => report({ phase, epoch, fraction: f })) }, start);
  }

  private simSeed(step: number): number {
    return (this.settings.seed * 2654435761 + step + 1) % 2 ** 52;
  }

  // groups × n evaluation samples at eval step `step`: per-group means of T − μ over the samples whose statistics
  // are finite (groups with none are left out), how many were not, and H from their log q.
  private async evaluate(
    step: number,
    groups: number,
    n: number,
  ): Promise<{ groupMeans: Float64Array; groups: number; nonFinite: number; H: number }> {
    const m = this.property.mu.length;
    const { z, logq } = await this.flow.sample(groups * n, { seed: this.settings.seed, step, stream: 'eval', threads: this.threads });
    const { values } = await this.source.evaluate(z, groups * n, this.simSeed(0x40000000 + step), false, this.opts.signal);
    const r = residuals(this.property, values, this.source.statNames.length);
    const means: number[] = [];
    let nonFinite = 0;
    for (let g = 0; g < groups; ++g) {
      const sum = new Float64Array(m);
      let kept = 0;
      for (let i = g * n; i < (g + 1) * n; ++i) {
        const row = r.subarray(i * m, (i + 1) * m);
        if (!row.every(Number.isFinite)) {
          ++nonFinite;
          continue;
        }
        row.forEach((v, j) => (sum[j] += v));
        ++kept;
      }
      if (kept > 0) means.push(...sum.map((v) => v / kept));
    }
    let sum = 0;
    logq.forEach((v) => (sum += v));
    return { groupMeans: Float64Array.from(means), groups: means.length / m, nonFinite, H: -sum / logq.length };
  }

  // Up to M_norm values of ‖mean over a batch of T − μ‖², for the penalty's t-test.
  private async norms(k: number): Promise<{ norms: number[]; nonFinite: number }> {
    const m = this.property.mu.length;
    const { groupMeans, groups, nonFinite } = await this.evaluate(2 * k + 1, M_NORM, this.settings.schedule.batch);
    const norms = Array.from({ length: groups }, (_, g) => {
      let s = 0;
      for (let j = 0; j < m; ++j) s += groupMeans[g * m + j] ** 2;
      return s;
    });
    return { norms, nonFinite };
  }

  private checkpointFile(): string | undefined {
    return this.opts.checkpoint && path.join(this.opts.checkpoint, 'checkpoint.json');
  }

  private async save(state: LoopState): Promise<void> {
    const file = this.checkpointFile();
    if (file === undefined) return;
    const f = this.flow.state();
    const snap = (x: Snapshot | null) => x && { epoch: x.epoch, H: x.H, weights: packFloats(x.weights) };
    await writeEnvelope(file, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, {
      settingsHash: this.hash, settings: this.settings, epochDone: state.epochDone, eta: state.eta, c: state.c,
      normsPrev: state.normsPrev, history: state.history, best: snap(state.best), last: snap(state.last),
      flow: { weights: packFloats(f.weights), m1: packFloats(f.m1), m2: packFloats(f.m2), adamStep: f.adamStep },
    });
  }

  private async restore(): Promise<LoopState | null> {
    const file = this.checkpointFile();
    if (file === undefined || !this.opts.resume) return null;
    try {
      await fs.access(file);
    } catch {
      return null;
    }
    type Snap = { epoch: number; H: number; weights: string } | null;
    const p = (await readEnvelope(file, CHECKPOINT_FORMAT, CHECKPOINT_VERSION)) as Omit<LoopState, 'best' | 'last'> & {
      settingsHash: string; best: Snap; last: Snap;
      flow: { weights: string; m1: string; m2: string; adamStep: number };
    };
    if (p.settingsHash !== this.hash) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `the checkpoint in ${this.opts.checkpoint} was made with other settings`);
    }
    this.flow.setState({
      weights: unpackFloats(p.flow.weights), m1: unpackFloats(p.flow.m1), m2: unpackFloats(p.flow.m2),
      adamStep: p.flow.adamStep,
    });
    const snap = (x: Snap) => x && { epoch: x.epoch, H: x.H, weights: unpackFloats(x.weights) };
    return {
      epochDone: p.epochDone, eta: p.eta, c: p.c, normsPrev: p.normsPrev, history: p.history,
      best: snap(p.best), last: snap(p.last),
    };
  }
}
