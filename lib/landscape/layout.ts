/**
 * The one parameter layout of a fully connected network, shared by the native kernels, symmetrization,
 * NEB and every file sloppy writes: for l = 1 … K+1, W_l (out × in, row-major) then b_l. This is the order
 * of PyTorch's `nn.Sequential(Linear, ReLU, …, Linear).parameters()` flattened, so vectors move between
 * the two unchanged. A 5 × 5 network with one input and one output has 136 parameters.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { finiteArray, integer, isFloat64Array, knownKeys } from '../validate';

/** The shape of a network: `layers` hidden layers (K) of `units` units (N), `inputs` inputs, `outputs` outputs. */
export interface NetworkShape {
  readonly layers: number;
  readonly units: number;
  readonly inputs: number;
  readonly outputs: number;
}

/** A shape as callers write it: `inputs` and `outputs` may be left out (they default to 1). */
export interface NetworkShapeSpec {
  layers: number;
  units: number;
  inputs?: number;
  outputs?: number;
}

/**
 * Where everything lives in one network's parameter vector. Index l runs over the K+1 weight layers from 0,
 * so `widths[l]` is the fan-in and `widths[l + 1]` the fan-out of W_{l+1}.
 */
export interface ParameterLayout {
  readonly shape: NetworkShape;
  /** The K+2 layer widths: inputs, N, …, N, outputs. */
  readonly widths: readonly number[];
  /** Offset of W_{l+1} (row-major, widths[l+1] × widths[l]) for l = 0 … K. */
  readonly weightOffsets: readonly number[];
  /** Offset of b_{l+1} (widths[l+1] numbers) for l = 0 … K. */
  readonly biasOffsets: readonly number[];
  /** Parameters of one network. */
  readonly count: number;
}

/** Keeps one network's parameter count inside what a typed-array index can address. */
const MAX_PARAMETERS = 2 ** 31 - 1;

/**
 * Validates a shape and returns a frozen copy; `inputs` and `outputs` default to 1.
 * @throws SloppyError ERR_INVALID_ARG_TYPE if `shape` is not an object, ERR_UNKNOWN_OPTION for an unknown key,
 *   ERR_INVALID_ARG_VALUE for a size that is not a positive integer, ERR_OUT_OF_BOUNDS if the network would
 *   have more than 2³¹ − 1 parameters.
 */
export function networkShape(shape: NetworkShapeSpec): NetworkShape {
  if (typeof shape !== 'object' || shape === null) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'shape must be an object { layers, units, inputs?, outputs? }');
  }
  knownKeys(shape, ['layers', 'units', 'inputs', 'outputs'], 'shape key');
  const checked: NetworkShape = Object.freeze({
    layers: integer(shape.layers, 'shape.layers', 1, MAX_PARAMETERS),
    units: integer(shape.units, 'shape.units', 1, MAX_PARAMETERS),
    inputs: integer(shape.inputs ?? 1, 'shape.inputs', 1, MAX_PARAMETERS),
    outputs: integer(shape.outputs ?? 1, 'shape.outputs', 1, MAX_PARAMETERS),
  });
  const { layers: k, units: n, inputs, outputs } = checked;
  // Computed in doubles, which hold every integer up to 2^53 exactly, so the bound check itself cannot overflow.
  const total = n * (inputs + 1) + (k - 1) * n * (n + 1) + outputs * (n + 1);
  if (total > MAX_PARAMETERS) {
    throw new SloppyError('ERR_OUT_OF_BOUNDS', `a ${k} × ${n} network with ${inputs} inputs and ${outputs} outputs has ${total} parameters; at most ${MAX_PARAMETERS} are supported`);
  }
  return checked;
}

/** The layout of one network of `shape` (validated). */
export function parameterLayout(shape: NetworkShapeSpec): ParameterLayout {
  const s = networkShape(shape);
  const widths = [s.inputs, ...new Array<number>(s.layers).fill(s.units), s.outputs];
  const weightOffsets: number[] = [];
  const biasOffsets: number[] = [];
  let offset = 0;
  for (let l = 0; l <= s.layers; l++) {
    weightOffsets.push(offset);
    offset += widths[l + 1] * widths[l];
    biasOffsets.push(offset);
    offset += widths[l + 1];
  }
  return Object.freeze({
    shape: s,
    widths: Object.freeze(widths),
    weightOffsets: Object.freeze(weightOffsets),
    biasOffsets: Object.freeze(biasOffsets),
    count: offset,
  });
}

/** Parameters of one network of `shape`: Σ_l out_l · (in_l + 1). */
export function parameterCount(shape: NetworkShapeSpec): number {
  return parameterLayout(shape).count;
}

function layerIndex(shape: NetworkShape, layer: number): number {
  return integer(layer, 'layer', 1, shape.layers + 1) - 1;
}

/** Offset of W_layer in a network's vector, with `layer` counted from 1 (the first hidden layer) to K+1 (the output). */
export function weightOffset(shape: NetworkShapeSpec, layer: number): number {
  const l = parameterLayout(shape);
  return l.weightOffsets[layerIndex(l.shape, layer)];
}

/** Offset of b_layer in a network's vector, with `layer` counted from 1 to K+1 as in {@link weightOffset}. */
export function biasOffset(shape: NetworkShapeSpec, layer: number): number {
  const l = parameterLayout(shape);
  return l.biasOffsets[layerIndex(l.shape, layer)];
}

/**
 * Checks a batch of networks stored back to back and returns how many there are: `params` must be a
 * Float64Array of `count` × P finite numbers (with `count` omitted, any positive multiple of P).
 * @throws SloppyError ERR_INVALID_ARG_TYPE if `params` is not a Float64Array; ERR_INVALID_ARG_VALUE for a wrong
 *   length, a bad `count`, or a NaN or infinite entry (`details`: its network as `row`, its parameter as `column`).
 */
export function parameterBatch(params: unknown, layout: ParameterLayout, count?: number, what = 'params'): number {
  if (!isFloat64Array(params)) throw new SloppyError('ERR_INVALID_ARG_TYPE', `${what} must be a Float64Array`);
  const p = layout.count;
  const n = count === undefined ? params.length / p : integer(count, 'count', 1);
  if (params.length === 0 || params.length !== n * p || !Number.isInteger(n)) {
    const expected = count === undefined ? `a positive multiple of ${p}` : `${n} × ${p} = ${n * p}`;
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} has ${params.length} numbers; expected ${expected} (${p} parameters per network)`);
  }
  finiteArray(params, what, p);
  return n;
}
