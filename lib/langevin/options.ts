/**
 * The options of {@link langevin}, validated and with every default filled in.
 * @packageDocumentation
 */
import { Device } from '../backends';
import { SloppyError } from '../errors';
import { Energy } from '../landscape/energy';
import { finiteNumber, integer, knownKeys, positiveNumber, toMatrix } from '../validate';
import { finitePoint } from './checks';
import { stepConstants, StepConstants } from './step';

/**
 * A diagonal diffusion D(θ) = diag(d(θ₁), …, d(θ_n)) of one closed form, for every energy:
 * 'quadratic' d(θ) = a + c·θ² (a > 0, c ≥ 0) or 'exponential' d(θ) = a·e^{cθ} (a > 0).
 */
export interface DiffusionForm {
  form: 'quadratic' | 'exponential';
  a: number;
  c: number;
}

/**
 * A user's diagonal diffusion (TypeScript loop only): writes d_i(θ) > 0 into `d` and ∂d_i/∂θ_i into
 * `divergence` for one point θ.
 */
export type DiffusionFunction = (theta: Float64Array, d: Float64Array, divergence: Float64Array) => void;

/** Stop a path when it first lies within `radius` of `center`. */
export interface BallTarget {
  center: ArrayLike<number>;
  radius: number;
}

/**
 * Stop a path when it enters the basin of a minimum, tested as the ball of `radius` around the minimum, which is
 * first located exactly by descent from the given point. Choose the radius well inside the basin: at a barrier of
 * many T the passage time barely depends on it, since a path past the saddle falls to the minimum quickly.
 */
export interface BasinTarget {
  basin: ArrayLike<number>;
  radius: number;
}

/** A user's passage test (TypeScript loop only): true once the path at θ after `step` steps has arrived. */
export type PassagePredicate = (theta: Float64Array, path: number, step: number) => boolean;

/** Options of {@link langevin}. */
export interface LangevinOptions {
  /** One point every path starts from, or one row per path (paths × dim, flat or as rows). */
  start: ArrayLike<number> | ArrayLike<number>[];
  /** Paths; default the rows of `start`, or 1000 when it is one point. */
  paths?: number;
  /** Temperature T ≥ 0 (0: gradient descent). */
  temperature: number;
  /** Step dt > 0. Default 1e-3. */
  dt?: number;
  /** Mobility b > 0. Default 1. */
  mobility?: number;
  /** The most steps a path takes. Default 10 000. */
  steps?: number;
  /** Default 0. */
  seed?: number;
  /** Global index of the first path: its noise is keyed by it, so a batch split across calls reproduces the whole. */
  firstPath?: number;
  /** State-dependent diagonal diffusion; default none (D = I). */
  diffusion?: DiffusionForm | DiffusionFunction;
  /** Reflecting walls, one pair per coordinate. */
  bounds?: { lower: ArrayLike<number>; upper: ArrayLike<number> };
  /** First-passage detection: a path stops when it arrives (and at the start when it starts there). */
  passage?: BallTarget | BasinTarget | PassagePredicate;
  /** Record every path's position every `stride` steps (step 0 included). */
  trajectories?: { stride: number };
  /** 'auto' (default): native for a built-in energy without user callbacks, else TypeScript. */
  engine?: 'auto' | 'native' | 'typescript';
  /** Where the native engine runs; default 'auto'. */
  device?: Device;
  /** CPU threads; 0 (default) uses every core. */
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

const KEYS = [
  'start', 'paths', 'temperature', 'dt', 'mobility', 'steps', 'seed', 'firstPath', 'diffusion', 'bounds', 'passage',
  'trajectories', 'engine', 'device', 'threads', 'signal', 'onProgress',
] as const;

/** Most numbers a trajectory record may hold (8 GiB would fail later and less clearly). */
const MAX_RECORD = 2 ** 27;

/** The validated options. */
export interface LangevinSettings {
  dim: number;
  paths: number;
  start: Float64Array;
  temperature: number;
  dt: number;
  mobility: number;
  steps: number;
  seed: number;
  firstPath: number;
  constants: StepConstants;
  diffusion?: { form: DiffusionForm; code: 1 | 2 } | { fn: DiffusionFunction };
  lower?: Float64Array;
  upper?: Float64Array;
  target?: { center: Float64Array; radius: number; basin: boolean };
  predicate?: PassagePredicate;
  stride: number;
  engine: 'auto' | 'native' | 'typescript';
  device: Device;
  threads: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

function invalid(message: string): SloppyError {
  return new SloppyError('ERR_INVALID_ARG_VALUE', message);
}

function parseStart(opts: LangevinOptions, dim: number): { start: Float64Array; paths: number } {
  if (opts.start === undefined) throw invalid('start is required: one point, or one row per path');
  let m: { data: Float64Array; rows: number };
  try {
    m = toMatrix(opts.start, dim, 'start');
  } catch (err) {
    throw invalid(`start must hold one point of ${dim} coordinates or paths × ${dim}: ${(err as Error).message}`);
  }
  if (!m.data.every(Number.isFinite)) throw new SloppyError('ERR_NONFINITE', 'start holds a non-finite number');
  const paths = integer(opts.paths ?? (m.rows === 1 ? 1000 : m.rows), 'paths', 1, 2 ** 31 - 1);
  if (m.rows === paths) return { start: m.data, paths };
  if (m.rows !== 1) throw invalid(`start has ${m.rows} rows but paths is ${paths}`);
  const start = new Float64Array(paths * dim);
  for (let p = 0; p < paths; ++p) start.set(m.data, p * dim);
  return { start, paths };
}

function parseDiffusion(d: LangevinOptions['diffusion']): LangevinSettings['diffusion'] {
  if (d === undefined) return undefined;
  if (typeof d === 'function') return { fn: d };
  if (typeof d !== 'object' || d === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'diffusion must be { form, a, c } or a function');
  knownKeys(d, ['form', 'a', 'c'], 'diffusion option');
  if (d.form !== 'quadratic' && d.form !== 'exponential') throw invalid(`diffusion.form must be 'quadratic' or 'exponential'`);
  const a = positiveNumber(d.a, 'diffusion.a');
  const c = finiteNumber(d.c ?? 0, 'diffusion.c');
  if (d.form === 'quadratic' && c < 0) throw invalid('diffusion.c must be ≥ 0 for the quadratic form (d stays positive)');
  return { form: { form: d.form, a, c }, code: d.form === 'quadratic' ? 1 : 2 };
}

function parsePassage(p: LangevinOptions['passage'], dim: number): Pick<LangevinSettings, 'target' | 'predicate'> {
  if (p === undefined) return {};
  if (typeof p === 'function') return { predicate: p };
  if (typeof p !== 'object' || p === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'passage must be { center, radius }, { basin, radius } or a function');
  const basin = 'basin' in p;
  knownKeys(p, [basin ? 'basin' : 'center', 'radius'], 'passage option');
  const center = finitePoint(basin ? (p as BasinTarget).basin : (p as BallTarget).center, dim, basin ? 'passage.basin' : 'passage.center');
  return { target: { center, radius: positiveNumber(p.radius, 'passage.radius'), basin } };
}

/** Validates `opts` for `energy`; every failure is a SloppyError with a code. */
export function parseLangevinOptions(energy: Energy, opts: LangevinOptions): LangevinSettings {
  if (energy === null || typeof energy !== 'object' || typeof energy.evaluate !== 'function') {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'langevin needs an Energy { dim, evaluate }');
  }
  if (typeof opts !== 'object' || opts === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options must be an object');
  knownKeys(opts, KEYS, 'langevin option');
  const dim = integer(energy.dim, 'energy.dim', 1);
  const { start, paths } = parseStart(opts, dim);
  const temperature = finiteNumber(opts.temperature, 'temperature');
  if (temperature < 0) throw invalid(`temperature must be ≥ 0; got ${temperature}`);
  const dt = positiveNumber(opts.dt ?? 1e-3, 'dt');
  const mobility = positiveNumber(opts.mobility ?? 1, 'mobility');
  const steps = integer(opts.steps ?? 10000, 'steps', 0, 0xffffffff);
  const seed = integer(opts.seed ?? 0, 'seed', 0);
  const firstPath = integer(opts.firstPath ?? 0, 'firstPath', 0, 0xffffffff - paths + 1);
  let lower: Float64Array | undefined;
  let upper: Float64Array | undefined;
  if (opts.bounds !== undefined) {
    if (typeof opts.bounds !== 'object' || opts.bounds === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'bounds must be { lower, upper }');
    knownKeys(opts.bounds, ['lower', 'upper'], 'bounds option');
    lower = finitePoint(opts.bounds.lower, dim, 'bounds.lower');
    upper = finitePoint(opts.bounds.upper, dim, 'bounds.upper');
    lower.forEach((lo, i) => {
      if (!(lo < upper![i])) throw invalid(`bounds: lower[${i}] = ${lo} is not below upper[${i}] = ${upper![i]}`);
    });
    for (let k = 0; k < start.length; ++k) {
      const i = k % dim;
      if (start[k] < lower[i] || start[k] > upper[i]) throw new SloppyError('ERR_OUT_OF_BOUNDS', `start coordinate ${i} of path ${Math.floor(k / dim)} lies outside the bounds`);
    }
  }
  let stride = 0;
  if (opts.trajectories !== undefined) {
    knownKeys(opts.trajectories, ['stride'], 'trajectories option');
    stride = integer(opts.trajectories.stride, 'trajectories.stride', 1);
    const numbers = paths * (Math.floor(steps / stride) + 1) * dim;
    if (numbers > MAX_RECORD) throw new SloppyError('ERR_OUT_OF_BOUNDS', `trajectories would hold ${numbers} numbers (at most ${MAX_RECORD}); raise the stride`);
  }
  const engine = opts.engine ?? 'auto';
  if (engine !== 'auto' && engine !== 'native' && engine !== 'typescript') throw invalid(`engine must be 'auto', 'native' or 'typescript'`);
  const device = opts.device ?? 'auto';
  if (device !== 'auto' && device !== 'cpu' && device !== 'cuda') throw invalid(`device must be 'auto', 'cpu' or 'cuda'; got ${String(device)}`);
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function') throw new SloppyError('ERR_INVALID_ARG_TYPE', 'onProgress must be a function');
  return {
    dim,
    paths,
    start,
    temperature,
    dt,
    mobility,
    steps,
    seed,
    firstPath,
    constants: stepConstants(mobility, temperature, dt),
    diffusion: parseDiffusion(opts.diffusion),
    lower,
    upper,
    ...parsePassage(opts.passage, dim),
    stride,
    engine,
    device,
    threads: integer(opts.threads ?? 0, 'threads', 0, 4096),
    signal: opts.signal,
    onProgress: opts.onProgress,
  };
}
