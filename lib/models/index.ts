/**
 * Descriptions of the built-in models, straight from the native headers that implement them, so names,
 * order, units, bounds and defaults cannot drift between the two sides.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { native, NativeModelInfo, NativeOption, NativeParam, OptionKind } from '../native';

/** Names of the built-in models. */
export type ModelName = 'ou' | 'lds2d' | 'stg' | 'rnn2' | 'v1' | 'sc';

/** A model parameter: name, unit, the bounds of its support and a representative (published) value. */
export type ParamDescriptor = NativeParam;
/** A model option: name, default value and what it means. */
export type OptionDescriptor = NativeOption;

/** A model: its parameters (the order of z's columns), statistics, state variables and options. */
export type ModelDescriptor = Omit<NativeModelInfo, 'steps' | 'traceSize' | 'optionError'>;

let table: Map<string, ModelDescriptor> | undefined;

function all(): Map<string, ModelDescriptor> {
  table ??= new Map(native.models().map((m) => [m.name, m]));
  return table;
}

/** Names of the models this build provides. */
export function list(): string[] {
  return [...all().keys()];
}

/** The descriptor of a model; throws ERR_UNKNOWN_MODEL for a name that is not built in. */
export function get(name: string): ModelDescriptor {
  const m = typeof name === 'string' ? all().get(name) : undefined;
  if (m === undefined) {
    throw new SloppyError('ERR_UNKNOWN_MODEL', `unknown model '${String(name)}'; built in: ${list().join(', ')}`);
  }
  return m;
}

const ACCEPTS: Record<OptionKind, { test: (v: number) => boolean; what: string }> = {
  real: { test: () => true, what: 'a finite number' },
  positive: { test: (v) => v > 0, what: 'a positive number' },
  nonnegative: { test: (v) => v >= 0, what: 'a number ≥ 0' },
  count: { test: (v) => Number.isInteger(v) && v >= 0, what: 'an integer ≥ 0' },
  positiveCount: { test: (v) => Number.isInteger(v) && v >= 1, what: 'an integer ≥ 1' },
  flag: { test: (v) => v === 0 || v === 1, what: '0 or 1' },
  sign: { test: (v) => v === -1 || v === 1, what: '-1 or +1' },
};

/** The option vector the native side expects: defaults overridden by `options`, unknown names rejected. */
export function optionVector(model: ModelDescriptor, options: Record<string, number> = {}): Float64Array {
  if (typeof options !== 'object' || options === null) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options must be an object of numbers');
  }
  const names = model.options.map((o) => o.name);
  for (const [key, value] of Object.entries(options)) {
    if (!names.includes(key)) {
      throw new SloppyError(
        'ERR_UNKNOWN_OPTION',
        `model ${model.name} has no option '${key}'; its options: ${names.join(', ')}`,
      );
    }
    const { kind, value: fallback } = model.options.find((o) => o.name === key)!;
    // An option whose default is NaN (unset, e.g. an initial state drawn per path) takes NaN back: a descriptor's
    // defaults are always valid options.
    if (Number.isNaN(value) && Number.isNaN(fallback)) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || !ACCEPTS[kind].test(value)) {
      throw new SloppyError(
        'ERR_INVALID_ARG_VALUE',
        `option ${key} of model ${model.name} must be ${ACCEPTS[kind].what}; got ${String(value)}`,
      );
    }
  }
  return Float64Array.from(model.options, (o) => options[o.name] ?? o.value);
}

// Each model's last description and the options it was made for. simulate() runs at every step of a user's
// optimisation loop, mostly with the same options, and a description crosses from C++ as fresh objects and
// strings: some 35 µs a call.
const described = new Map<string, { options: Float64Array; info: NativeModelInfo }>();

function sameOptions(a: Float64Array, b: Float64Array): boolean {
  // Object.is: an unset option is NaN, and NaN must match NaN.
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

/**
 * The description for given options (some models' parameter lists depend on them, e.g. rnn2's N). The object is
 * shared between calls with the same options, like get()'s descriptors: read it, do not change it.
 */
export function describeWith(name: string, optionValues: Float64Array): NativeModelInfo {
  get(name);
  const last = described.get(name);
  if (last !== undefined && sameOptions(last.options, optionValues)) return last.info;
  const info = native.modelInfo(name, optionValues);
  if (info.optionError) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${name}: ${info.optionError}`);
  described.set(name, { options: Float64Array.from(optionValues), info });
  return info;
}
