/**
 * Batched synaptic-sampling runs (seed 004): `runs` independent winner-take-all networks, each trained online
 * on a stream of presentations with a teacher and tested on a fixed held-out set along the way. Run r of
 * seed s draws the same clusters, tuning curves, stimuli, spikes and noise whatever the other options, so
 * runs of two noise modes with one seed are paired.
 * @packageDocumentation
 */
import { resolveDevice, Device } from '../backends';
import { SloppyError } from '../errors';
import { runJob } from '../job';
import { native } from '../native';
import { finiteArray, integer } from '../validate';
import { checkOptionsObject, flag, MODEL_KEYS, resolveModel, ResolvedModel, SynapticModelOptions } from './options';

/** Options of {@link synapticSampling}: the model's and the run's. */
export interface SynapticOptions extends SynapticModelOptions {
  /** Independent runs. Default 10 (the paper's). */
  runs?: number;
  /** Default 1. */
  seed?: number;
  /** Global index of the first run (its draws are keyed by it), for splitting a batch. Default 0. */
  firstRun?: number;
  /** Training presentations. Default 43 200 (2.4 h at 0.2 s, the paper's). */
  samples?: number;
  /** Presentations between learning-curve points. Default 2160 (20 points). */
  curveEvery?: number;
  /** Held-out presentations per class, a fixed set (same stimuli and spikes at every curve point). Default 20. */
  testPerClass?: number;
  /** Return θ before and after training (runs × classes × inputs). Default false. */
  weights?: boolean;
  /** Default 'auto'. */
  device?: Device;
  /** CPU threads; 0 (default) uses every core. */
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

const RUN_KEYS = ['runs', 'seed', 'firstRun', 'samples', 'curveEvery', 'testPerClass', 'weights', 'device', 'threads', 'signal', 'onProgress'] as const;

/** Learning curves and final state of a batch of runs. Per-run arrays are row-major, runs first. */
export interface SynapticResult {
  model: ResolvedModel;
  runs: number;
  seed: number;
  firstRun: number;
  /** Training presentations seen at each curve point (the first is 0). */
  curveSamples: Float64Array;
  /** The same in simulated seconds. */
  curveTime: Float64Array;
  /** runs × points: online accuracy over the presentations since the previous point (NaN at point 0). */
  trainAccuracy: Float64Array;
  /** runs × points: the frozen network's accuracy on the held-out set. */
  testAccuracy: Float64Array;
  /** runs × points: output events per presentation since the previous point. */
  outputEvents: Float64Array;
  /** runs × classes × (classes + 1): the final held-out predictions per true class; the last column counts silent presentations. */
  confusion: Float64Array;
  /** Per run: the last curve point's test accuracy and training accuracy. */
  finalTest: Float64Array;
  finalTrain: Float64Array;
  thetaInitial?: Float64Array;
  theta?: Float64Array;
  device: 'cpu' | 'cuda';
  deviceReason?: string;
}

/** The run options after validation. */
interface ResolvedRun {
  runs: number;
  seed: number;
  firstRun: number;
  samples: number;
  curveEvery: number;
  testPerClass: number;
  weights: boolean;
  threads: number;
}

/** Validates the run options (not the model's). */
function resolveRun(opts: SynapticOptions): ResolvedRun {
  const samples = integer(opts.samples ?? 43200, 'samples', 0, 2 ** 31 - 1);
  return {
    runs: integer(opts.runs ?? 10, 'runs', 1, 1 << 20),
    seed: integer(opts.seed ?? 1, 'seed', 0),
    firstRun: integer(opts.firstRun ?? 0, 'firstRun', 0, 2 ** 32 - 1),
    samples,
    curveEvery: integer(opts.curveEvery ?? Math.max(1, Math.ceil(samples / 20)), 'curveEvery', 1),
    testPerClass: integer(opts.testPerClass ?? 20, 'testPerClass', 1, 1 << 20),
    weights: flag(opts.weights ?? false, 'weights'),
    threads: integer(opts.threads ?? 0, 'threads', 0, 4096),
  };
}

function lastColumn(values: Float64Array, runs: number, points: number): Float64Array {
  return Float64Array.from({ length: runs }, (_, r) => values[r * points + points - 1]);
}

/**
 * Trains and tests `runs` networks.
 * @throws SloppyError ERR_INVALID_ARG_VALUE / ERR_INVALID_ARG_TYPE / ERR_UNKNOWN_OPTION for bad options,
 *   ERR_CUDA_UNAVAILABLE for device 'cuda' without a GPU, ABORT_ERR when the signal aborts.
 */
export async function synapticSampling(opts: SynapticOptions = {}): Promise<SynapticResult> {
  checkOptionsObject(opts, [...MODEL_KEYS, ...RUN_KEYS], 'synaptic-sampling option');
  const model = resolveModel(opts);
  const run = resolveRun(opts);
  const choice = resolveDevice(opts.device);
  const r = await runJob('synaptic sampling', opts, (token, onProgress) =>
    native.synaptic.run({ params: model.params, means: model.means, ...run, device: choice.device, token, onProgress }),
  );
  const points = r.curvePoints;
  return {
    model,
    runs: run.runs,
    seed: run.seed,
    firstRun: run.firstRun,
    curveSamples: r.curveSamples,
    curveTime: r.curveSamples.map((s) => s * model.params.presentation),
    trainAccuracy: r.trainAccuracy,
    testAccuracy: r.testAccuracy,
    outputEvents: r.outputRate,
    confusion: r.confusion,
    finalTest: lastColumn(r.testAccuracy, run.runs, points),
    finalTrain: lastColumn(r.trainAccuracy, run.runs, points),
    thetaInitial: r.thetaInitial,
    theta: r.theta,
    device: choice.device,
    deviceReason: choice.reason,
  };
}

/** The input layer of one run: tuning centres, rates for a stimulus and spike counts over presentations. */
export interface InputProbe {
  /** inputs × 3. */
  centres: Float64Array;
  /** Hz, per input. */
  rates: Float64Array;
  /** Spikes per input summed over the presentations. */
  counts: Float64Array;
  /** classes × 3 and classes × 9: the run's cluster means and shapes. */
  means: Float64Array;
  shapes: Float64Array;
}

/**
 * The input neurons of run `run` facing one stimulus for `presentations` presentations (the spike generator
 * of the training runs, counted), with the run's cluster geometry.
 * @param stimulus - a point y of the 3-D stimulus space.
 * @param opts - the model's options and `seed` (default 1), `run` (the global run index, default 0) and
 *   `presentations` (default 1).
 * @throws SloppyError ERR_INVALID_ARG_VALUE / ERR_INVALID_ARG_TYPE / ERR_UNKNOWN_OPTION for bad input.
 */
export function probeInputs(
  stimulus: ArrayLike<number>,
  opts: SynapticModelOptions & { seed?: number; run?: number; presentations?: number } = {},
): InputProbe {
  checkOptionsObject(opts, [...MODEL_KEYS, 'seed', 'run', 'presentations'], 'probe option');
  const model = resolveModel(opts);
  if (stimulus === null || typeof stimulus !== 'object' || stimulus.length !== 3) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', 'stimulus must hold 3 numbers');
  }
  const y = Float64Array.from(stimulus);
  finiteArray(y, 'stimulus');
  return native.synaptic.probe({
    params: model.params,
    means: model.means,
    seed: integer(opts.seed ?? 1, 'seed', 0),
    run: integer(opts.run ?? 0, 'run', 0, 2 ** 32 - 1),
    stimulus: y,
    presentations: integer(opts.presentations ?? 1, 'presentations', 0, 1 << 24),
  });
}
