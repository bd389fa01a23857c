/**
 * Checking what a caller hands to {@link neb}: every band, every option, each failure with a code and the
 * offending item named, before a single energy is evaluated.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { finiteArray, finiteNumber, integer, knownKeys, positiveNumber, toMatrix } from '../validate';
import { Energy } from './energy';

/** A band from `start` to `end`, its inner images spaced evenly on the straight line between them. */
export interface NebEndpoints {
  start: ArrayLike<number>;
  end: ArrayLike<number>;
}

/** A band given by all its initial images, endpoints included: rows, or one flat array of count × dim. */
export interface NebPath {
  path: ArrayLike<number>[] | Float64Array | number[];
}

/** One band, either way. */
export type NebBandInput = NebEndpoints | NebPath;

/** One band, or many relaxed together (their images evaluated in the same energy calls). */
export type NebInput = NebBandInput | { bands: NebBandInput[] };

/** What each step reports to `onProgress`. */
export interface NebProgress {
  /** Steps taken so far by the band that has taken the most. */
  step: number;
  /** The largest NEB force norm over the images of the bands still moving. */
  maxForce: number;
  /** Bands still moving. */
  active: number;
  /** Points evaluated so far. */
  forceCalls: number;
}

/** Options of {@link neb}; every default is chosen to converge in few force calls without tuning. */
export interface NebOptions {
  /** Images per band from start/end, endpoints included (≥ 3). Default 10. */
  images?: number;
  /**
   * Spring constant: one number for every spring, one per spring (images − 1 of them, the same for every band;
   * spring j joins images j and j + 1), or Infinity for no springs, the images instead re-spaced to equal arc
   * length after every step (string method). Default Infinity: it has no units to get wrong, and it converged
   * in the fewest force calls on every test surface.
   */
  k?: number | ArrayLike<number>;
  /**
   * Climbing image: true from the first step, false never, or a number of plain-NEB steps first (climbing
   * starts earlier if plain NEB converges sooner). Default true.
   */
  climb?: boolean | number;
  /** 'lbfgs' (default) or 'fire'. */
  optimizer?: 'lbfgs' | 'fire';
  /** Converged when the largest NEB force norm over a band's movable images is below fmax. Default 1e-3. */
  fmax?: number;
  /** Steps per band before giving up (converged: false). Default 1000. */
  maxSteps?: number;
  /** The farthest one image may move in one step. Default: half the band's initial mean image spacing. */
  maxStep?: number;
  /** L-BFGS memory (curvature pairs kept). Default 20. */
  memory?: number;
  /** Points evaluated inside every segment after convergence (the result's `dense`). Default 0: none. */
  dense?: number;
  /**
   * Insert an image wherever the dense profile of a segment rises more than `tolerance` above both of its
   * images, then relax again, up to `rounds` times. true means { rounds: 2, tolerance: 0 }; dense defaults to 9
   * when inserting. Default false.
   */
  insert?: boolean | { rounds?: number; tolerance?: number };
  /** Stops the run; the promise rejects with ABORT_ERR. */
  signal?: AbortSignal;
  /** Called after every step. */
  onProgress?: (progress: NebProgress) => void;
}

/** The options with every default filled in. */
export interface NebSettings {
  images: number;
  springs: Float64Array | null;
  scalarK: number;
  climbAfter: number;
  optimizer: 'lbfgs' | 'fire';
  fmax: number;
  maxSteps: number;
  maxStep: number | undefined;
  memory: number;
  dense: number;
  rounds: number;
  tolerance: number;
  signal?: AbortSignal;
  onProgress?: (progress: NebProgress) => void;
}

const OPTION_KEYS = ['images', 'k', 'climb', 'optimizer', 'fmax', 'maxSteps', 'maxStep', 'memory', 'dense', 'insert',
  'signal', 'onProgress'] as const;

function point(value: ArrayLike<number>, dim: number, what: string): Float64Array {
  const v = Float64Array.from(value);
  if (v.length !== dim) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} has ${v.length} coordinates; the energy has dim ${dim}`);
  }
  return v;
}

/** The initial images of one band, n × dim. */
function bandImages(input: unknown, dim: number, images: number, what: string): { x: Float64Array; n: number } {
  if (typeof input !== 'object' || input === null) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', `${what} must be { start, end } or { path }`);
  }
  if ('path' in input) {
    knownKeys(input, ['path'], `${what} key`);
    const path = (input as NebPath).path;
    if (path === undefined || path === null || (path as ArrayLike<unknown>).length === 0) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} is empty; a band needs at least 3 images`);
    }
    const { data, rows } = toMatrix(path, dim, `${what}.path`);
    if (rows < 3) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} has ${rows} images; a band needs at least 3`);
    finiteArray(data, `${what}.path`, dim);
    return { x: data, n: rows };
  }
  knownKeys(input, ['start', 'end'], `${what} key`);
  const { start, end } = input as NebEndpoints;
  if (start === undefined || end === undefined) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', `${what} needs both start and end (or a path)`);
  }
  for (const [v, name] of [[start, 'start'], [end, 'end']] as const) {
    if (!Array.isArray(v) && !ArrayBuffer.isView(v)) {
      throw new SloppyError('ERR_INVALID_ARG_TYPE', `${what}.${name} must be an array of numbers`);
    }
  }
  if (start.length !== end.length) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what}: start has ${start.length} coordinates, end ${end.length}`);
  }
  const a = point(start, dim, `${what}.start`);
  const b = point(end, dim, `${what}.end`);
  finiteArray(a, `${what}.start`);
  finiteArray(b, `${what}.end`);
  if (a.every((v, i) => v === b[i])) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what}: start and end coincide`);
  const x = new Float64Array(images * dim);
  for (let i = 0; i < images; ++i) {
    const w = i / (images - 1);
    for (let d = 0; d < dim; ++d) x[i * dim + d] = (1 - w) * a[d] + w * b[d];
  }
  return { x, n: images };
}

/** Every band's initial images, checked against the energy. */
function parseBands(energy: Energy, input: NebInput, images: number): { x: Float64Array; n: number }[] {
  if (typeof energy !== 'object' || energy === null || typeof energy.evaluate !== 'function') {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'energy must be an Energy { dim, evaluate(points, count, signal) }');
  }
  const dim = integer(energy.dim, 'energy.dim', 1);
  if (typeof input === 'object' && input !== null && 'bands' in input) {
    knownKeys(input, ['bands'], 'input key');
    if (!Array.isArray(input.bands) || input.bands.length === 0) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', 'bands must be a non-empty array of bands');
    }
    return input.bands.map((band, i) => bandImages(band, dim, images, `bands[${i}]`));
  }
  return [bandImages(input, dim, images, 'band')];
}

/** The options with their defaults. */
function parseOptions(options: NebOptions): NebSettings {
  if (typeof options !== 'object' || options === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options must be an object');
  knownKeys(options, OPTION_KEYS, 'NEB option');
  let springs: Float64Array | null = null;
  let scalarK = Infinity;
  const k = options.k ?? Infinity;
  if (typeof k === 'number') {
    if (k !== Infinity) scalarK = positiveNumber(k, 'k');
  } else {
    if (!Array.isArray(k) && !ArrayBuffer.isView(k)) {
      throw new SloppyError('ERR_INVALID_ARG_TYPE', 'k must be a number or an array of numbers');
    }
    springs = Float64Array.from(k, (v, j) => positiveNumber(v, `k[${j}]`));
  }
  const climb = options.climb ?? true;
  let climbAfter: number;
  if (climb === true) climbAfter = 0;
  else if (climb === false) climbAfter = Infinity;
  else climbAfter = integer(climb, 'climb (plain-NEB steps before climbing)', 0);
  const optimizer = options.optimizer ?? 'lbfgs';
  if (optimizer !== 'lbfgs' && optimizer !== 'fire') {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `optimizer must be 'lbfgs' or 'fire'; got ${String(optimizer)}`);
  }
  const insert = options.insert ?? false;
  let rounds = 0;
  let tolerance = 0;
  if (insert === true) rounds = 2;
  else if (typeof insert === 'object' && insert !== null) {
    knownKeys(insert, ['rounds', 'tolerance'], 'insert option');
    rounds = integer(insert.rounds ?? 2, 'insert.rounds', 1);
    tolerance = finiteNumber(insert.tolerance ?? 0, 'insert.tolerance');
  } else if (insert !== false) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'insert must be a boolean or { rounds, tolerance }');
  if (rounds > 0 && options.dense === 0) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', 'insert needs dense points to find where segments rise; dense must be ≥ 1');
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'onProgress must be a function');
  }
  return {
    images: integer(options.images ?? 10, 'images', 3),
    springs,
    scalarK,
    climbAfter,
    optimizer,
    fmax: positiveNumber(options.fmax ?? 1e-3, 'fmax'),
    maxSteps: integer(options.maxSteps ?? 1000, 'maxSteps', 1),
    maxStep: options.maxStep === undefined ? undefined : positiveNumber(options.maxStep, 'maxStep'),
    memory: integer(options.memory ?? 20, 'memory', 1),
    dense: integer(options.dense ?? (rounds > 0 ? 9 : 0), 'dense', 0),
    rounds,
    tolerance,
    signal: options.signal,
    onProgress: options.onProgress,
  };
}

/**
 * The options, then every band's initial images; per-spring constants must fit every band. Options come first so
 * that a band's default image count is read from an options object already known to be one.
 */
export function parseInput(energy: Energy, input: NebInput, options: NebOptions): { bands: { x: Float64Array; n: number }[]; settings: NebSettings } {
  const settings = parseOptions(options);
  const bands = parseBands(energy, input, settings.images);
  const springs = settings.springs;
  bands.forEach(({ n }, i) => {
    if (springs !== null && springs.length !== n - 1) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE',
        `k has ${springs.length} spring constants; band ${i} has ${n} images and so ${n - 1} springs`);
    }
  });
  return { bands, settings };
}
