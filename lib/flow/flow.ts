/**
 * Real NVP normalizing flows whose weights and Adam state live natively: affine coupling stages with MLP
 * conditioners, Glow-style trainable LU permutations (or fixed ones) between stages, optionally each followed
 * by batch norm, an optional post-affine, and a bijector onto each parameter's support.
 * @packageDocumentation
 */
import { Device, resolveDevice } from '../backends';
import { SloppyError } from '../errors';
import { native, NativeFlow, NativeFlowState } from '../native';
import { integer, knownKeys, positiveNumber, toMatrix } from '../validate';

/** Architecture and training options of a flow. */
export interface FlowOptions {
  /** Coupling stages. Default 3. */
  stages?: number;
  /** Hidden layers of each conditioner MLP. Default 2. */
  layers?: number;
  /** Units per hidden layer. Default min(max(2·D, 15), 100), as the reference implementation. */
  units?: number;
  /** 'lu' (trainable Glow permutation, default) or 'fixed' (a random permutation). */
  permutation?: 'lu' | 'fixed';
  /** A trainable elementwise affine map after the last stage. Default false. */
  postAffine?: boolean;
  /**
   * Batch norm after every permutation (not after the last stage), as the reference implementation's option:
   * y = γ·(x − μ)/√(σ² + ε) + β with trainable γ (initially 1) and β (0). Training normalises each batch with
   * its own mean and biased variance, and its gradient includes every sample's dependence on them. Every query
   * (samples, densities, their derivatives, modes) uses the moving statistics instead, so that batch norm is
   * then a fixed affine map and samples and log q describe one distribution — unlike a flow that renormalises
   * each query batch with that batch's statistics. Default false.
   */
  batchNorm?: boolean;
  /**
   * Weight of the old moving statistics when a training step updates them, in [0, 1): moving ← m·moving +
   * (1 − m)·batch. Default 0 (the reference's), so the moving statistics are the last training batch's.
   */
  batchNormMomentum?: number;
  /** ε added to batch norm's variances. Default 1e-3 (Keras's). */
  batchNormEpsilon?: number;
  /** Two-sided bounds through a sigmoid (default, the reference's latest) or tanh (its earlier versions). */
  support?: 'sigmoid' | 'tanh';
  /** Seed of the weight initialisation. Default 1. */
  seed?: number;
  /** Adam learning rate. Default 1e-3. */
  lr?: number;
}

/** A flow's full description: what save files record and what rebuilds the same flow. */
export interface FlowSpec {
  dim: number;
  lower: number[];
  upper: number[];
  stages: number;
  layers: number;
  units: number;
  permutation: 'lu' | 'fixed';
  postAffine: boolean;
  batchNorm: boolean;
  batchNormMomentum: number;
  batchNormEpsilon: number;
  support: 'sigmoid' | 'tanh';
  seed: number;
  lr: number;
}

const FLOW_KEYS = [
  'stages', 'layers', 'units', 'permutation', 'postAffine', 'batchNorm', 'batchNormMomentum', 'batchNormEpsilon',
  'support', 'seed', 'lr',
] as const;

/** Validates flow options against the support's bounds (lower < upper; ±Infinity for an open side). */
export function flowSpec(lower: number[], upper: number[], opts: FlowOptions = {}): FlowSpec {
  knownKeys(opts, FLOW_KEYS, 'flow option');
  const dim = lower.length;
  if (dim < 1 || upper.length !== dim) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `bounds need one lower and one upper value per parameter`);
  }
  lower.forEach((lb, i) => {
    if (Number.isNaN(lb) || Number.isNaN(upper[i]) || !(lb < upper[i]) || lb === Infinity || upper[i] === -Infinity) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `bounds of parameter ${i} are reversed or empty: [${lb}, ${upper[i]}]`);
    }
  });
  const permutation = opts.permutation ?? 'lu';
  if (permutation !== 'lu' && permutation !== 'fixed') {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `permutation must be 'lu' or 'fixed'; got ${String(permutation)}`);
  }
  const support = opts.support ?? 'sigmoid';
  if (support !== 'sigmoid' && support !== 'tanh') {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `support must be 'sigmoid' or 'tanh'; got ${String(support)}`);
  }
  for (const key of ['postAffine', 'batchNorm'] as const) {
    if (opts[key] !== undefined && typeof opts[key] !== 'boolean') {
      throw new SloppyError('ERR_INVALID_ARG_TYPE', `${key} must be a boolean`);
    }
  }
  const momentum = opts.batchNormMomentum ?? 0;
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1)) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `batchNormMomentum must be in [0, 1); got ${String(momentum)}`);
  }
  const lr = opts.lr ?? 1e-3;
  if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(lr)) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `lr must be a positive number; got ${String(lr)}`);
  }
  return {
    dim,
    lower: [...lower],
    upper: [...upper],
    stages: integer(opts.stages ?? 3, 'stages', 1, 64),
    layers: integer(opts.layers ?? 2, 'layers', 0, 16),
    units: integer(opts.units ?? Math.min(Math.max(2 * dim, 15), 100), 'units', 1, 4096),
    permutation,
    postAffine: opts.postAffine ?? false,
    batchNorm: opts.batchNorm ?? false,
    batchNormMomentum: momentum,
    batchNormEpsilon: positiveNumber(opts.batchNormEpsilon ?? 1e-3, 'batchNormEpsilon'),
    support,
    seed: integer(opts.seed ?? 1, 'seed', 0),
    lr,
  };
}

// Native Support codes (native/flow/layout.h).
function supportKind(lb: number, ub: number, twoSided: 'sigmoid' | 'tanh'): number {
  const lo = Number.isFinite(lb);
  const hi = Number.isFinite(ub);
  if (lo && hi) return twoSided === 'sigmoid' ? 1 : 2;
  if (lo) return 3;
  if (hi) return 4;
  return 0;
}

/** Where base noise comes from: training draws and evaluation draws never share a stream. */
export type SampleStream = 'train' | 'eval';

/**
 * A flow held natively, on the CPU or with its weights and Adam state on the GPU (sampling, densities and
 * training there; gradients and Hessians in z on the CPU). Every method runs off the event loop; calls on one
 * flow run one at a time.
 */
export class Flow {
  readonly spec: FlowSpec;
  readonly device: 'cpu' | 'cuda';
  /** Why 'auto' chose the CPU, when it did. */
  readonly deviceReason?: string;
  /** @internal */
  readonly handle: NativeFlow;

  constructor(spec: FlowSpec, opts: { device?: Device } = {}) {
    this.spec = spec;
    const choice = resolveDevice(opts.device);
    this.device = choice.device;
    this.deviceReason = choice.reason;
    this.handle = new native.Flow({
      device: choice.device,
      dim: spec.dim,
      stages: spec.stages,
      layers: spec.layers,
      units: spec.units,
      lu: spec.permutation === 'lu',
      postAffine: spec.postAffine,
      batchNorm: spec.batchNorm,
      batchNormMomentum: spec.batchNormMomentum,
      batchNormEpsilon: spec.batchNormEpsilon,
      kind: Float64Array.from(spec.lower, (lb, i) => supportKind(lb, spec.upper[i], spec.support)),
      lower: Float64Array.from(spec.lower),
      upper: Float64Array.from(spec.upper),
      seed: spec.seed,
      lr: spec.lr,
    });
  }

  /** Length of the weight vector: the trainable weights, then (with batch norm) the moving statistics. */
  get size(): number {
    return this.handle.size;
  }

  /** n samples z (n × dim) with log q; the same (seed, step, stream) gives the same samples. */
  sample(n: number, opts: { seed?: number; step?: number; stream?: SampleStream; threads?: number } = {}) {
    return this.handle.sample({
      n: integer(n, 'n', 1, 2 ** 31),
      seed: integer(opts.seed ?? 0, 'seed', 0),
      step: integer(opts.step ?? 0, 'step', 0, 2 ** 32 - 1),
      stream: opts.stream === 'eval' ? 1 : 0,
      threads: integer(opts.threads ?? 0, 'threads', 0, 4096),
    });
  }

  /** log q(z) for each row of z. */
  async logProb(z: unknown): Promise<Float64Array> {
    return (await this.handle.logProb({ z: this.rows(z) })).logq;
  }

  /** ∇_z log q (n × dim) and log q. */
  gradLogProb(z: unknown): Promise<{ logq: Float64Array; grad: Float64Array }> {
    return this.handle.gradLogProb({ z: this.rows(z) });
  }

  /** ∂² log q / ∂z² for each row (n × dim × dim). */
  async hessianLogProb(z: unknown): Promise<Float64Array> {
    return (await this.handle.hessianLogProb({ z: this.rows(z) })).hessian;
  }

  /**
   * Weights, Adam moments and permutations (a copy). With batch norm the weights end with every layer's moving
   * mean (dim) and variance (dim), so whatever keeps the weights keeps the statistics that queries use.
   */
  state(): NativeFlowState {
    return this.handle.getState();
  }

  setState(state: Omit<NativeFlowState, 'perm'>): void {
    this.handle.setState(state);
  }

  private rows(z: unknown): Float64Array {
    return toMatrix(z, this.spec.dim, 'z').data;
  }
}
