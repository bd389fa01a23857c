/**
 * The result of EPI: a distribution q(z) over a model's parameters, queried natively — samples,
 * log-density and its gradient and Hessian, sensitivity directions, conditional modes — and saved to a
 * versioned, checksummed file.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { Flow, FlowSpec } from '../flow/flow';
import { packFloats, readEnvelope, unpackFloats, writeEnvelope } from '../io/envelope';
import { eigh } from '../linalg';
import { finiteNumber, integer, knownKeys, toMatrix } from '../validate';
import type { EpiHistory } from './history';
import type { PropertySpec } from './property';

type BatchNormKey = 'batchNorm' | 'batchNormMomentum' | 'batchNormEpsilon';

const FORMAT = 'sloppy.distribution';
const QUERY_STEP = 0xfffffff0;
const VERSION = 1;

/** What a distribution knows about where it came from. */
export interface DistributionInfo {
  model: string;
  paramNames: string[];
  units: string[];
  property?: PropertySpec;
  /** The epoch whose weights these are. */
  epoch?: number;
  /** Entropy H = −E_q log q (nats) estimated at selection. */
  entropy?: number;
  converged?: boolean;
  history?: EpiHistory;
}

/** The Hessian's eigen-decomposition at a point: v1 (most negative eigenvalue) is the most sensitive direction. */
export interface Sensitivity {
  /** Ascending. */
  values: Float64Array;
  /** Eigenvectors as the columns of a row-major dim × dim matrix, in the order of `values`. */
  vectors: Float64Array;
  /** The eigenvector of the most negative eigenvalue. */
  v1: Float64Array;
}

/** Options of {@link Distribution.mode}. */
export interface ModeOptions {
  /** Coordinates held fixed, by parameter name. */
  fixed?: Record<string, number>;
  /** Starting point; default: the most probable of 1000 samples (with the fixed coordinates imposed). */
  start?: number[];
  /**
   * Initial step size of the ascent z ← z + lr·w²·∇ log q, w each coordinate's bound width (1 when unbounded),
   * so that the step is scale-free in each coordinate; it grows by 1.2 on success and halves on failure. Default 0.01.
   */
  lr?: number;
  /** Ascent steps. Default 500. */
  steps?: number;
  seed?: number;
}

export class Distribution {
  readonly info: DistributionInfo;
  /** @internal */
  readonly flow: Flow;

  /** @internal Wraps a trained flow. */
  constructor(flow: Flow, info: DistributionInfo) {
    this.flow = flow;
    this.info = info;
  }

  get dim(): number {
    return this.flow.spec.dim;
  }

  /** n samples, n × dim row-major; the same seed gives the same samples. */
  async sample(n: number, opts: { seed?: number } = {}): Promise<Float64Array> {
    // A counter step of the evaluation stream that training's tests (steps 0, 1, 2, …) never reach.
    return (await this.flow.sample(n, { seed: opts.seed ?? 0, stream: 'eval', step: QUERY_STEP })).z;
  }

  /** log q(z) for each row of z. */
  logProb(z: unknown): Promise<Float64Array> {
    return this.flow.logProb(z);
  }

  /** ∇_z log q, n × dim. */
  async gradLogProb(z: unknown): Promise<Float64Array> {
    return (await this.flow.gradLogProb(z)).grad;
  }

  /** ∂² log q / ∂z², n × dim × dim. */
  hessianLogProb(z: unknown): Promise<Float64Array> {
    return this.flow.hessianLogProb(z);
  }

  /** Eigen-decomposition of the Hessian of log q at one point z. */
  async sensitivity(z: ArrayLike<number>): Promise<Sensitivity> {
    const D = this.dim;
    const point = toMatrix(Array.from(z), D, 'z');
    if (point.rows !== 1) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'sensitivity takes one point');
    const h = await this.hessianLogProb(point.data);
    const { values, vectors } = eigh(h, D, { vectors: true });
    const v1 = Float64Array.from({ length: D }, (_, i) => vectors![i * D]);
    return { values, vectors: vectors!, v1 };
  }

  /**
   * A mode of q by projected gradient ascent on log q, with some coordinates optionally held fixed
   * (e.g. `{ fixed: { sW: 0.5 } }`); the step halves whenever log q fails to rise.
   */
  async mode(opts: ModeOptions = {}): Promise<{ z: Float64Array; logq: number }> {
    knownKeys(opts, ['fixed', 'start', 'lr', 'steps', 'seed'], 'mode option');
    const D = this.dim;
    const { lower, upper } = this.flow.spec;
    const fixed = new Map<number, number>();
    for (const [name, value] of Object.entries(opts.fixed ?? {})) {
      const i = this.info.paramNames.indexOf(name);
      if (i < 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', `unknown parameter '${name}'`);
      if (!(finiteNumber(value, `fixed.${name}`) > lower[i] && value < upper[i])) {
        throw new SloppyError('ERR_OUT_OF_BOUNDS', `fixed.${name} = ${value} is outside (${lower[i]}, ${upper[i]})`);
      }
      fixed.set(i, value);
    }
    const steps = integer(opts.steps ?? 500, 'steps', 1);
    const width = lower.map((lb, i) => (Number.isFinite(lb) && Number.isFinite(upper[i]) ? upper[i] - lb : 1));
    let lr = opts.lr ?? 0.01;
    if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(lr)) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `lr must be a positive number; got ${String(lr)}`);
    }
    const impose = (z: Float64Array) => {
      fixed.forEach((v, i) => (z[i] = v));
      for (let i = 0; i < D; ++i) {
        const margin = 1e-9 * width[i];
        z[i] = Math.min(upper[i] - margin, Math.max(lower[i] + margin, z[i]));
      }
      return z;
    };
    let z: Float64Array;
    if (opts.start) {
      z = impose(toMatrix(opts.start, D, 'start').data);
    } else {
      const samples = await this.sample(1000, { seed: opts.seed ?? 0 });
      for (let k = 0; k < 1000; ++k) impose(samples.subarray(k * D, (k + 1) * D));
      const lq = await this.logProb(samples);
      let best = 0;
      lq.forEach((v, k) => (v > lq[best] ? (best = k) : undefined));
      z = samples.slice(best * D, (best + 1) * D);
    }
    let { logq, grad } = await this.flow.gradLogProb(z);
    let current = logq[0];
    for (let s = 0; s < steps && lr > 1e-12; ++s) {
      const next = impose(Float64Array.from(z, (v, i) => (fixed.has(i) ? v : v + lr * width[i] * width[i] * grad[i])));
      const trial = await this.flow.gradLogProb(next);
      if (trial.logq[0] > current) {
        z = next;
        current = trial.logq[0];
        grad = trial.grad;
        lr *= 1.2;
      } else {
        lr *= 0.5;
      }
    }
    return { z, logq: current };
  }

  /** Saves the distribution (architecture, weights and provenance) to one checksummed file. */
  async save(file: string): Promise<void> {
    const s = this.flow.state();
    await writeEnvelope(file, FORMAT, VERSION, {
      spec: this.flow.spec,
      weights: packFloats(s.weights),
      perm: Array.from(s.perm),
      info: this.info,
    });
  }

  /** Loads a file written by {@link Distribution.save}; a corrupted or foreign file is refused. */
  static async load(file: string): Promise<Distribution> {
    // Files from before batch norm existed lack its fields; those flows had none.
    const p = (await readEnvelope(file, FORMAT, VERSION)) as {
      spec: Omit<FlowSpec, BatchNormKey> & Partial<Pick<FlowSpec, BatchNormKey>>;
      weights: string;
      perm: number[];
      info: DistributionInfo;
    };
    // JSON writes an open side's ±Infinity as null; a null bound left as it is would read as 0.
    const { lower, upper } = p.spec as { lower: (number | null)[]; upper: (number | null)[] };
    const flow = new Flow({
      batchNorm: false,
      batchNormMomentum: 0,
      batchNormEpsilon: 1e-3,
      ...p.spec,
      lower: lower.map((v) => v ?? -Infinity),
      upper: upper.map((v) => v ?? Infinity),
    });
    const s = flow.state();
    if (s.perm.length !== p.perm.length || s.perm.some((v, i) => v !== p.perm[i])) {
      throw new SloppyError('ERR_FORMAT', `${file} was written by a flow whose permutations this build does not rebuild`);
    }
    const weights = unpackFloats(p.weights);
    flow.setState({ weights, m1: new Float64Array(weights.length), m2: new Float64Array(weights.length), adamStep: 0 });
    return new Distribution(flow, p.info);
  }
}
