/**
 * Small fully connected networks evaluated natively, batched over many networks of one shape on one data
 * set: the loss L(w) = (1/n)·Σᵢ ‖f(xᵢ; w) − yᵢ‖² (the mean squared error for one output) with its gradient
 * (reverse mode) and exact float64 Hessian (forward mode over the reverse-mode gradient), the outputs at the
 * data, and the loss as an {@link Energy} for NEB. Parameters follow {@link parameterLayout}: for
 * l = 1 … K+1, W_l (out × in, row-major) then b_l, PyTorch's order.
 * @packageDocumentation
 */
import { resolveDevice, Device } from '../backends';
import { SloppyError } from '../errors';
import { runJob } from '../job';
import { native, NativeNetArgs } from '../native';
import { finiteArray, finiteNumber, integer, isFloat64Array, knownKeys } from '../validate';
import { Energy, EnergyBatch } from './energy';
import { networkShape, NetworkShape, NetworkShapeSpec, parameterBatch, parameterLayout, ParameterLayout } from './layout';

/** Hidden-unit activation: ReLU, or softplus_β(z) = log(1 + e^{βz})/β (written without overflow). */
export type ActivationName = 'relu' | 'softplus';

/** A data set: `x` is points × inputs and `y` points × outputs, both row-major. */
export interface DataSet {
  x: Float64Array;
  y: Float64Array;
}

/** Options every network job takes. */
export interface NetworkOptions {
  /** Default 'relu'. */
  activation?: ActivationName;
  /** Softplus sharpness β; default 5000, the landscape paper's choice for Hessians of ReLU minima. */
  beta?: number;
  /** Default 'auto'. Hessians and outputs are computed on the CPU. */
  device?: Device;
  /** CPU threads; 0 (default) uses every core. */
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

const NETWORK_KEYS = ['activation', 'beta', 'device', 'threads', 'signal', 'onProgress'] as const;

/** A validated shape, data set and options, ready for a native call. */
export interface PreparedNetwork {
  shape: NetworkShape;
  layout: ParameterLayout;
  parameters: number;
  points: number;
  args: Omit<NativeNetArgs, 'count' | 'token' | 'onProgress'>;
}

/** Validates everything a network job shares; `device` is resolved unless `cpuOnly`. */
export function prepareNetwork(
  shapeSpec: NetworkShapeSpec,
  data: DataSet,
  opts: NetworkOptions,
  extraKeys: readonly string[] = [],
  cpuOnly = false,
): PreparedNetwork {
  if (typeof opts !== 'object' || opts === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options must be an object');
  knownKeys(opts, [...NETWORK_KEYS, ...extraKeys], 'network option');
  const shape = networkShape(shapeSpec);
  for (const [key, max] of Object.entries(native.landscape.limits)) {
    if (shape[key as keyof NetworkShape] > max) {
      throw new SloppyError('ERR_OUT_OF_BOUNDS', `shape.${key} = ${shape[key as keyof NetworkShape]}: the native kernels take at most ${max}`);
    }
  }
  if (typeof data !== 'object' || data === null || !isFloat64Array(data.x) || !isFloat64Array(data.y)) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'data must be { x: Float64Array, y: Float64Array }');
  }
  const points = data.x.length / shape.inputs;
  if (!Number.isInteger(points) || points < 1 || data.y.length !== points * shape.outputs) {
    throw new SloppyError(
      'ERR_INVALID_ARG_VALUE',
      `data.x (${data.x.length} numbers) and data.y (${data.y.length}) must hold the same number of points of ${shape.inputs} inputs and ${shape.outputs} outputs`,
    );
  }
  finiteArray(data.x, 'data.x', shape.inputs);
  finiteArray(data.y, 'data.y', shape.outputs);
  const activation = opts.activation ?? 'relu';
  if (activation !== 'relu' && activation !== 'softplus') {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `activation must be 'relu' or 'softplus'; got ${String(activation)}`);
  }
  const beta = finiteNumber(opts.beta ?? 5000, 'beta');
  if (beta <= 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'beta must be > 0');
  const device = cpuOnly ? 'cpu' : resolveDevice(opts.device).device;
  const threads = integer(opts.threads ?? 0, 'threads', 0, 4096);
  const layout = parameterLayout(shape);
  return {
    shape,
    layout,
    parameters: layout.count,
    points,
    args: { shape: { ...shape }, activation, beta, x: data.x, y: data.y, threads, device },
  };
}

/** Options of {@link networkLoss}. */
export interface LossOptions extends NetworkOptions {
  /** Return ∇L (count × P). Default true. */
  gradient?: boolean;
  /** Return the exact Hessian (count × P × P), computed on the CPU in float64. Default false. */
  hessian?: boolean;
}

/** Losses of a batch of networks, with gradients and Hessians on request. */
export interface LossResult {
  count: number;
  parameters: number;
  loss: Float64Array;
  gradient?: Float64Array;
  hessian?: Float64Array;
}

/**
 * The loss of each of `params.length / P` networks on `data`, with its gradient and, on request, its exact
 * Hessian. With ReLU the Hessian is that of the piecewise-quadratic loss on the current side of every kink;
 * at a data point exactly on a kink (pre-activation 0) the step derivative is taken as 0 there.
 */
export async function networkLoss(
  params: Float64Array,
  shape: NetworkShapeSpec,
  data: DataSet,
  opts: LossOptions = {},
): Promise<LossResult> {
  const hessian = opts.hessian ?? false;
  const net = prepareNetwork(shape, data, opts, ['gradient', 'hessian'], hessian);
  const count = parameterBatch(params, net.layout);
  const gradient = opts.gradient ?? true;
  const r = await runJob('the network loss', opts, (token, onProgress) =>
    native.landscape.evaluate({ ...net.args, params, count, gradient, hessian, token, onProgress }),
  );
  return { count, parameters: net.parameters, ...r };
}

/** Network outputs at the data points, and how far the data stay from the ReLU kink. */
export interface OutputsResult {
  count: number;
  /** count × points × outputs. */
  outputs: Float64Array;
  /** Per network: the smallest |pre-activation| over all data points and hidden units. */
  kinkMargin: Float64Array;
}

/** f(xᵢ; w) for each network and data point (computed on the CPU). */
export async function networkOutputs(
  params: Float64Array,
  shape: NetworkShapeSpec,
  x: Float64Array,
  opts: NetworkOptions = {},
): Promise<OutputsResult> {
  const s = networkShape(shape);
  const y = isFloat64Array(x) ? new Float64Array((x.length / s.inputs) * s.outputs) : x;
  const net = prepareNetwork(s, { x, y }, opts, [], true);
  const count = parameterBatch(params, net.layout);
  const r = await runJob('the network outputs', opts, (token, onProgress) =>
    native.landscape.predict({ ...net.args, params, count, token, onProgress }),
  );
  return { count, ...r };
}

/**
 * The loss of one network shape on `data` as a batched {@link Energy} over parameter vectors: NEB between
 * minima, Langevin dynamics on weights. One native call per batch of points.
 */
export function networkEnergy(shape: NetworkShapeSpec, data: DataSet, opts: Omit<NetworkOptions, 'signal' | 'onProgress'> = {}): Energy {
  const net = prepareNetwork(shape, data, opts);
  return {
    dim: net.parameters,
    async evaluate(points: Float64Array, count: number, signal?: AbortSignal): Promise<EnergyBatch> {
      parameterBatch(points, net.layout, count, 'points');
      const r = await runJob('the network loss', { signal }, (token) =>
        native.landscape.evaluate({ ...net.args, params: points, count, gradient: true, hessian: false, token }),
      );
      return { energy: r.loss, gradient: r.gradient as Float64Array };
    },
  };
}
