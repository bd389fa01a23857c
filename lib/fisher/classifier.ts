/**
 * A built-in multilayer-perceptron classifier (softmax cross-entropy) for the finite-rank Fisher
 * information of Box 5 of the "optimization and variability" seed: native training on user data, and the
 * per-sample, per-class score rows A(i,c) = √Q(c|xᵢ)·∇θ log Q(c|xᵢ) whose Gram product A·Aᵀ/n is F(n).
 * Parameters are one flat vector in PyTorch order: per layer W (out × in, row-major), then b.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { runJob } from '../job';
import { native, NativeClassifierNet } from '../native';
import { finiteNumber, integer, isFloat64Array, knownKeys, toMatrix } from '../validate';

/** The hidden layers' nonlinearity; the output layer is always linear into a softmax. */
export type Activation = 'relu' | 'tanh' | 'softplus';

/** A network: layer sizes (d_in, h1, …, C), at least two entries and C ≥ 2, and the hidden activation. */
export interface ClassifierNet {
  sizes: readonly number[];
  /** Default 'relu'. */
  activation?: Activation;
}

/** Threads, cancellation and progress, as every long call takes. */
export interface ClassifierControl {
  /** Native threads; 0 (default) uses all. Results do not depend on it. */
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/** Options of {@link trainClassifier}. */
export interface TrainOptions extends ClassifierNet, ClassifierControl {
  /** Initial parameters; default {@link initClassifier} with `seed`. */
  params?: Float64Array;
  /** Seeds the initial parameters and the minibatch order. Default 0. */
  seed?: number;
  /** 'adam' (default) or 'gd' (plain gradient descent). */
  optimizer?: 'adam' | 'gd';
  /** Default 0.01 for Adam, 0.1 for gradient descent. */
  learningRate?: number;
  /** Samples per step; default all (full batch). */
  batchSize?: number;
  /** The step limit. Default 5000. */
  steps?: number;
  /** Stop at the first whole-training-set check (every epoch) with 100% accuracy. Default true. */
  stopWhenPerfect?: boolean;
  /** Step counts (0 = the initial parameters) whose parameters are kept; those past the stop are absent. */
  checkpoints?: readonly number[];
}

/** Loss and accuracy on the whole training set after `step` updates. */
export interface TrainingRecord {
  step: number;
  loss: number;
  accuracy: number;
}

/** The outcome of {@link trainClassifier}. */
export interface TrainResult {
  params: Float64Array;
  /** Updates made. */
  steps: number;
  /** Mean cross-entropy (nats) and accuracy on the training set at the final parameters. */
  loss: number;
  accuracy: number;
  /** Whether every training sample is classified correctly. */
  perfect: boolean;
  /** One record per epoch (per step for full batch), from step 0 to the last. */
  history: TrainingRecord[];
  checkpoints: { step: number; params: Float64Array }[];
}

/** A classifier's performance on a data set. */
export interface Evaluation {
  loss: number;
  accuracy: number;
  /** Q(c|xᵢ), n × C row-major. */
  probabilities: Float64Array;
}

/** Options of {@link scoreRows}. */
export interface ScoreOptions extends ClassifierNet, ClassifierControl {
  /** Return a Float32Array (half the memory) instead of a Float64Array. Default false. */
  float32?: boolean;
}

/** The score matrix A: row i·C + c is √Q(c|xᵢ)·∇θ log Q(c|xᵢ). */
export interface ScoreRows {
  a: Float32Array | Float64Array;
  /** n·C. */
  rows: number;
  /** K, the parameter count. */
  cols: number;
}

const NET_KEYS = ['sizes', 'activation'];
const CONTROL_KEYS = ['threads', 'signal', 'onProgress'];
const TRAIN_KEYS = [
  ...NET_KEYS, ...CONTROL_KEYS, 'params', 'seed', 'optimizer', 'learningRate', 'batchSize', 'steps',
  'stopWhenPerfect', 'checkpoints',
];

/** A validated network in the addon's form. */
export function nativeNet(net: ClassifierNet): NativeClassifierNet {
  if (typeof net !== 'object' || net === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options are required');
  if (!Array.isArray(net.sizes) || net.sizes.length < 2) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', 'sizes must list at least d_in and C');
  }
  net.sizes.forEach((s, i) => integer(s, `sizes[${i}]`, 1, 1 << 20));
  if (net.sizes[net.sizes.length - 1] < 2) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'C must be at least 2');
  const activation = net.activation ?? 'relu';
  if (!['relu', 'tanh', 'softplus'].includes(activation)) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', "activation must be 'relu', 'tanh' or 'softplus'");
  }
  return { sizes: Float64Array.from(net.sizes), activation };
}

/** K, the number of parameters of a network: Σ (in + 1)·out over its layers. */
export function parameterCount(net: ClassifierNet): number {
  const { sizes } = nativeNet(net);
  let k = 0;
  for (let l = 0; l + 1 < sizes.length; ++l) k += (sizes[l] + 1) * sizes[l + 1];
  return k;
}

/** Initial parameters as PyTorch's nn.Linear default: W and b uniform in ±1/√(fan-in), seeded. */
export function initClassifier(net: ClassifierNet, opts: { seed?: number } = {}): Float64Array {
  return native.fisher.classifierInit({ ...nativeNet(net), seed: integer(opts.seed ?? 0, 'seed', 0) });
}

/** Inputs as a fresh Float64Array of n × d_in. */
export function inputs(x: unknown, net: NativeClassifierNet): { data: Float64Array; n: number } {
  const { data, rows } = toMatrix(x, net.sizes[0], 'x');
  if (!data.every(Number.isFinite)) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'x must be finite');
  return { data, n: rows };
}

/** Labels as an Int32Array of n classes in [0, C). */
export function labelArray(labels: unknown, n: number, classes: number): Int32Array {
  const isInts = ArrayBuffer.isView(labels) && Object.prototype.toString.call(labels) === '[object Int32Array]';
  if (!isInts && !(Array.isArray(labels) && labels.every((y) => typeof y === 'number'))) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'labels must be an Int32Array or an array of numbers');
  }
  const list = labels as ArrayLike<number>;
  if (list.length !== n) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `labels has ${list.length} entries, x has ${n} rows`);
  }
  const out = Int32Array.from(list);
  for (let i = 0; i < n; ++i) {
    if (out[i] !== list[i] || out[i] < 0 || out[i] >= classes) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `labels[${i}] = ${list[i]} is not a class in [0, ${classes})`);
    }
  }
  return out;
}

/** Validates parameters against the network's count. */
export function paramVector(params: unknown, net: ClassifierNet): Float64Array {
  const k = parameterCount(net);
  if (!isFloat64Array(params)) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'params must be a Float64Array');
  const p = params;
  if (p.length !== k) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `params has ${p.length} numbers; the network has ${k}`);
  }
  if (!p.every(Number.isFinite)) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'params must be finite');
  return p;
}

function threadCount(opts: ClassifierControl): number {
  return integer(opts.threads ?? 0, 'threads', 0, 4096);
}

/**
 * Trains the classifier natively on (x, labels) by full-batch or minibatch Adam (default, learning rate
 * 0.01) or gradient descent on the mean cross-entropy, until 100% training accuracy or `steps` updates.
 * `x` is n × d_in (a flat Float64Array, numbers, or rows); `labels` n classes in [0, C).
 */
export async function trainClassifier(x: unknown, labels: unknown, opts: TrainOptions): Promise<TrainResult> {
  const net = nativeNet(opts);
  knownKeys(opts, TRAIN_KEYS, 'trainClassifier option');
  const { data, n } = inputs(x, net);
  const y = labelArray(labels, n, net.sizes[net.sizes.length - 1]);
  const seed = integer(opts.seed ?? 0, 'seed', 0);
  const params =
    opts.params === undefined ? initClassifier(opts, { seed }) : Float64Array.from(paramVector(opts.params, opts));
  const optimizer = opts.optimizer ?? 'adam';
  if (optimizer !== 'adam' && optimizer !== 'gd') {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', "optimizer must be 'adam' or 'gd'");
  }
  const learningRate = finiteNumber(opts.learningRate ?? (optimizer === 'adam' ? 0.01 : 0.1), 'learningRate');
  if (learningRate <= 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'learningRate must be positive');
  const batch = opts.batchSize === undefined ? 0 : integer(opts.batchSize, 'batchSize', 1);
  const steps = integer(opts.steps ?? 5000, 'steps', 0);
  if (!Array.isArray(opts.checkpoints ?? [])) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'checkpoints must be an array');
  }
  const checkpoints = (opts.checkpoints ?? []).map((s, i) => integer(s, `checkpoints[${i}]`, 0));
  const r = await runJob('classifier training', opts, (token, onProgress) =>
    native.fisher.classifierTrain({
      ...net, params, x: data, labels: y, adam: optimizer === 'adam', learningRate, beta1: 0.9, beta2: 0.999,
      epsilon: 1e-8, batch, steps, stopWhenPerfect: opts.stopWhenPerfect ?? true, seed,
      checkpoints: Float64Array.from(new Set(checkpoints)).sort(), threads: threadCount(opts), token, onProgress,
    }),
  );
  const history: TrainingRecord[] = [];
  for (let i = 0; i < r.history.length; i += 3) {
    history.push({ step: r.history[i], loss: r.history[i + 1], accuracy: r.history[i + 2] });
  }
  const last = history[history.length - 1];
  const k = params.length;
  return {
    params: r.params, steps: r.steps, loss: last.loss, accuracy: last.accuracy, perfect: last.accuracy === 1, history,
    checkpoints: Array.from(r.checkpointSteps, (step, i) => ({
      step, params: r.checkpointParams.slice(i * k, (i + 1) * k),
    })),
  };
}

/** Mean cross-entropy, accuracy and class probabilities of the classifier on (x, labels). */
export async function evaluateClassifier(
  params: Float64Array,
  x: unknown,
  labels: unknown,
  opts: ClassifierNet & ClassifierControl,
): Promise<Evaluation> {
  const net = nativeNet(opts);
  knownKeys(opts, [...NET_KEYS, ...CONTROL_KEYS], 'evaluateClassifier option');
  const p = paramVector(params, opts);
  const { data, n } = inputs(x, net);
  const y = labelArray(labels, n, net.sizes[net.sizes.length - 1]);
  const e = await runJob('classifier evaluation', opts, (token) =>
    native.fisher.classifierEvaluate({ ...net, params: p, x: data, labels: y, threads: threadCount(opts), token }),
  );
  return { loss: e.loss, accuracy: e.accuracy, probabilities: e.prob };
}

/**
 * The (n·C) × K score matrix of the classifier at `params` on inputs x: row i·C + c is
 * √Q(c|xᵢ)·∇θ log Q(c|xᵢ), so A·Aᵀ/n (`gram` with scale 1/n) has the nonzero spectrum of the rank-n·C
 * Fisher information F(n) of Eq. 22–24. Its memory is n·C·K numbers.
 */
export async function scoreRows(params: Float64Array, x: unknown, opts: ScoreOptions): Promise<ScoreRows> {
  const net = nativeNet(opts);
  knownKeys(opts, [...NET_KEYS, ...CONTROL_KEYS, 'float32'], 'scoreRows option');
  const p = paramVector(params, opts);
  const { data, n } = inputs(x, net);
  const classes = net.sizes[net.sizes.length - 1];
  const a = await runJob('the score rows', opts, (token) =>
    native.fisher.classifierScores({
      ...net, params: p, x: data, f32: opts.float32 ?? false, threads: threadCount(opts), token,
    }),
  );
  return { a, rows: n * classes, cols: p.length };
}
