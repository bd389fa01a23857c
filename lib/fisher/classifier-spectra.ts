/**
 * Spectra of the classifier's finite-rank Fisher information F(n) = A·Aᵀ/n (Box 5, Fig. 5C of the
 * "optimization and variability" seed): for growing n with the convergence in n, at checkpoints during
 * training, and — through {@link permuteLabels} — for a task with randomly permuted labels.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { normals, Stream } from '../rng';
import { integer, knownKeys } from '../validate';
import {
  ClassifierControl, ClassifierNet, evaluateClassifier, inputs, labelArray, nativeNet, scoreRows, trainClassifier,
  TrainOptions, TrainResult,
} from './classifier';
import { spectrum } from './gram';

/** Eigenvalues below this fraction of the largest are numerical zeros of a double-precision Gram product. */
const ZERO = 1e-12;

/** The spectrum of F(n) from the first n samples. */
export interface SpectrumAtN {
  n: number;
  /** All n·C eigenvalues, descending (rank ≤ n·(C − 1): each sample's C rows, weighted by √Q, sum to zero). */
  values: Float64Array;
  /** Eigenvalues above 1e-12 of the largest. */
  nonzero: number;
  /** log10 of the largest over the smallest nonzero eigenvalue. */
  decades: number;
}

/** How much the top log-eigenvalues moved between two successive n. */
export interface ConvergenceStep {
  from: number;
  to: number;
  /** Eigenvalues compared: the top `top`, or fewer where either spectrum has fewer nonzero. */
  compared: number;
  /** Largest and mean |Δ log10 λⱼ| over them. */
  maxChange: number;
  meanChange: number;
}

/** Options of {@link fisherConvergence}. */
export interface ConvergenceOptions extends ClassifierNet, ClassifierControl {
  /** Sample counts, ascending, each ≤ the rows of x; default 10, 20, 50, 100, 200, 500, … below n, then n. */
  ns?: readonly number[];
  /** Top eigenvalues whose change is measured. Default 10. */
  top?: number;
  /** Score rows in Float32 (half the memory; the Gram product still accumulates in double). Default false. */
  float32?: boolean;
}

/** F(n)'s spectrum for each n and the change between successive n. */
export interface FisherConvergence {
  spectra: SpectrumAtN[];
  convergence: ConvergenceStep[];
}

/** Options of {@link trainingSpectra}: training, the checkpoints to probe, and F(n)'s sample count. */
export interface TrainingSpectraOptions extends TrainOptions {
  checkpoints: readonly number[];
  /** The first `fisherSamples` training inputs estimate F. Default min(n, 100). */
  fisherSamples?: number;
  float32?: boolean;
}

/** F's spectrum at one set of parameters met in training, with the training loss and accuracy there. */
export interface CheckpointSpectrum extends SpectrumAtN {
  step: number;
  loss: number;
  accuracy: number;
}

function describe(n: number, values: Float64Array): SpectrumAtN {
  const floor = values[0] * ZERO;
  let nonzero = 0;
  while (nonzero < values.length && values[nonzero] > floor) ++nonzero;
  const decades = nonzero > 0 ? Math.log10(values[0] / values[nonzero - 1]) : 0;
  return { n, values, nonzero, decades };
}

function change(prev: SpectrumAtN, cur: SpectrumAtN, top: number): ConvergenceStep {
  const compared = Math.min(top, prev.nonzero, cur.nonzero);
  let max = 0;
  let sum = 0;
  for (let j = 0; j < compared; ++j) {
    const d = Math.abs(Math.log10(cur.values[j]) - Math.log10(prev.values[j]));
    max = Math.max(max, d);
    sum += d;
  }
  return { from: prev.n, to: cur.n, compared, maxChange: max, meanChange: compared > 0 ? sum / compared : 0 };
}

function defaultNs(n: number): number[] {
  const ns: number[] = [];
  for (let decade = 10; decade < n; decade *= 10) {
    for (const m of [1, 2, 5]) if (m * decade < n) ns.push(m * decade);
  }
  ns.push(n);
  return ns;
}

/**
 * The spectrum of F(n) = A·Aᵀ/n from the first n rows of x for each n in `ns`, and the change of the top
 * log-eigenvalues between successive n. The score rows of the largest n are computed once (n·C·K numbers);
 * each smaller F(n) is the Gram product of their leading rows.
 */
export async function fisherConvergence(
  params: Float64Array,
  x: unknown,
  opts: ConvergenceOptions,
): Promise<FisherConvergence> {
  const net = nativeNet(opts);
  const known = ['sizes', 'activation', 'threads', 'signal', 'onProgress', 'ns', 'top', 'float32'];
  knownKeys(opts, known, 'fisherConvergence option');
  const { data, n } = inputs(x, net);
  if (opts.ns !== undefined && !Array.isArray(opts.ns)) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'ns must be an array');
  }
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function') {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'onProgress must be a function');
  }
  const ns = (opts.ns ?? defaultNs(n)).map((m, i) => integer(m, `ns[${i}]`, 1, n));
  if (ns.length === 0 || ns.some((m, i) => i > 0 && m <= ns[i - 1])) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', 'ns must be a non-empty ascending list');
  }
  const top = integer(opts.top ?? 10, 'top', 1);
  const classes = net.sizes[net.sizes.length - 1];
  const largest = ns[ns.length - 1];
  const { signal, threads } = opts;
  const scores = await scoreRows(params, data.subarray(0, largest * net.sizes[0]), {
    sizes: opts.sizes, activation: opts.activation, float32: opts.float32, signal, threads,
  });
  const spectra: SpectrumAtN[] = [];
  for (const [i, m] of ns.entries()) {
    const rows = m * classes;
    const leading = scores.a.subarray(0, rows * scores.cols);
    const s = await spectrum(leading, { rows, cols: scores.cols, scale: 1 / m, signal, threads });
    spectra.push(describe(m, s.values));
    opts.onProgress?.((i + 1) / ns.length);
  }
  const convergence = spectra.slice(1).map((cur, i) => change(spectra[i], cur, top));
  return { spectra, convergence };
}

/**
 * Trains the classifier (see {@link trainClassifier}) and returns F's spectrum, from the first
 * `fisherSamples` training inputs, at every checkpoint reached and at the final parameters (Fig. 5C).
 */
export async function trainingSpectra(
  x: unknown,
  labels: unknown,
  opts: TrainingSpectraOptions,
): Promise<{ training: TrainResult; spectra: CheckpointSpectrum[] }> {
  const { fisherSamples, float32, ...trainOpts } = opts;
  const net = nativeNet(opts);
  const { data, n } = inputs(x, net);
  const y = labelArray(labels, n, net.sizes[net.sizes.length - 1]);
  const m = integer(fisherSamples ?? Math.min(n, 100), 'fisherSamples', 1, n);
  if (!Array.isArray(opts.checkpoints)) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'checkpoints must be an array');
  const training = await trainClassifier(data, y, trainOpts);
  const probes = [...training.checkpoints];
  if (probes.length === 0 || probes[probes.length - 1].step !== training.steps) {
    probes.push({ step: training.steps, params: training.params });
  }
  const { sizes, activation, threads, signal } = opts;
  const spectra: CheckpointSpectrum[] = [];
  for (const probe of probes) {
    const e = await evaluateClassifier(probe.params, data, y, { sizes, activation, threads, signal });
    const f = await fisherConvergence(probe.params, data, { sizes, activation, threads, signal, float32, ns: [m] });
    spectra.push({ ...f.spectra[0], step: probe.step, loss: e.loss, accuracy: e.accuracy });
  }
  return { training, spectra };
}

/**
 * A uniformly random permutation of the labels (class counts kept), for the random-label task of Fig. 5B/C.
 * Drawn from sloppy's Philox generator under `seed`, so it is the same on every machine.
 */
export function permuteLabels(labels: ArrayLike<number>, seed = 0): Int32Array {
  if (!ArrayBuffer.isView(labels) && !Array.isArray(labels)) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'labels must be an Int32Array or an array of numbers');
  }
  // Sorting by i.i.d. keys gives every order the same probability (ties have probability zero).
  const keys = normals(labels.length, { seed: integer(seed, 'seed', 0), stream: Stream.Quenched });
  const order = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => keys[a] - keys[b]);
  return Int32Array.from(order, (i) => labels[i]);
}
