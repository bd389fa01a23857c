/**
 * The energies Langevin dynamics runs natively: Müller–Brown, the curved double well, a quadratic and the loss
 * of a small network. Each is an ordinary {@link Energy} (evaluated by the very kernels the native engine steps
 * with, so the TypeScript loop and the native engine see the same gradients to the bit) that also carries its
 * native description and an exact Hessian. Any other Energy runs in the TypeScript loop; {@link logDensityEnergy}
 * turns a density (an EPI distribution) into one.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { runJob } from '../job';
import { Energy, EnergyBatch } from '../landscape/energy';
import { networkShape, NetworkShapeSpec, parameterCount } from '../landscape/layout';
import { DataSet, networkLoss, prepareNetwork } from '../landscape/network';
import { native, NativeLangevinEnergy } from '../native';
import { isFloat64Array } from '../validate';
import { finitePoint } from './checks';

/** An energy the native engine can step: an Energy with its native description and an exact Hessian. */
export interface BuiltinEnergy extends Energy {
  /** Its name: 'muller-brown', 'curved-double-well', 'quadratic' or 'network'. */
  readonly name: string;
  /** What the native engine is handed. */
  readonly spec: NativeLangevinEnergy;
  /** The exact Hessian at one point (dim × dim, row-major). */
  hessian(point: ArrayLike<number>): Promise<Float64Array>;
}

/** Whether `energy` is one the native engine runs. */
export function isBuiltinEnergy(energy: Energy): energy is BuiltinEnergy {
  const spec = (energy as Partial<BuiltinEnergy>).spec;
  return typeof spec === 'object' && spec !== null && typeof spec.kind === 'number';
}

function builtin(name: string, spec: NativeLangevinEnergy, hessian?: (p: Float64Array) => Promise<Float64Array>): BuiltinEnergy {
  const dim = spec.dim;
  const evaluate = async (points: Float64Array, count: number, signal?: AbortSignal, withHessian = false) => {
    if (!isFloat64Array(points) || points.length < count * dim || !Number.isInteger(count) || count < 1) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `points must be a Float64Array of ${count} × ${dim} numbers`);
    }
    return runJob(`the ${name} energy`, { signal }, (token) =>
      native.langevin.evaluate({ energy: spec, points, count, hessian: withHessian, token }),
    );
  };
  return {
    name,
    dim,
    spec,
    async evaluate(points: Float64Array, count: number, signal?: AbortSignal): Promise<EnergyBatch> {
      const r = await evaluate(points, count, signal);
      return { energy: r.energy, gradient: r.gradient };
    },
    async hessian(p: ArrayLike<number>): Promise<Float64Array> {
      const x = finitePoint(p, dim, 'the point');
      return hessian ? hessian(x) : (await evaluate(x, 1, undefined, true)).hessian as Float64Array;
    },
  };
}

/**
 * Müller–Brown (Theor. Chim. Acta 53, 75 (1979)): minima near (−0.558, 1.442), (0.623, 0.028) and
 * (−0.050, 0.467), saddles near (−0.822, 0.624) and (0.212, 0.293).
 */
export function mullerBrownEnergy(): BuiltinEnergy {
  return builtin('muller-brown', { kind: 0, dim: 2 });
}

/** (x² − 1)² + 4(y − (1 − x²)/2)²: minima (±1, 0) at 0, saddle (0, 0.5) at 1. */
export function curvedDoubleWellEnergy(): BuiltinEnergy {
  return builtin('curved-double-well', { kind: 1, dim: 2 });
}

/**
 * ½(θ − μ)ᵀA(θ − μ) for a symmetric A (row-major dim × dim, or rows). Its Boltzmann density at temperature T is
 * the Gaussian N(μ, T·A⁻¹) when A is positive definite.
 */
export function quadraticEnergy(A: ArrayLike<number> | ArrayLike<number>[], mu?: ArrayLike<number>): BuiltinEnergy {
  const rows = Array.isArray(A) && A.length > 0 && typeof A[0] === 'object' ? (A as ArrayLike<number>[]) : undefined;
  const flat = rows ? rows.flatMap((r) => Array.from(r)) : Array.from(A as ArrayLike<number>);
  const dim = Math.round(Math.sqrt(flat.length));
  if (dim < 1 || dim * dim !== flat.length || (rows && rows.some((r) => r.length !== dim))) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `A must be a square matrix; got ${flat.length} numbers`);
  }
  const a = Float64Array.from(flat);
  if (!a.every(Number.isFinite)) throw new SloppyError('ERR_NONFINITE', 'A holds a non-finite entry');
  for (let i = 0; i < dim; ++i) {
    for (let j = 0; j < i; ++j) {
      if (Math.abs(a[i * dim + j] - a[j * dim + i]) > 1e-12 * (Math.abs(a[i * dim + j]) + Math.abs(a[j * dim + i]) + 1)) {
        throw new SloppyError('ERR_INVALID_ARG_VALUE', `A must be symmetric; A[${i}][${j}] ≠ A[${j}][${i}]`);
      }
    }
  }
  const m = mu === undefined ? new Float64Array(dim) : finitePoint(mu, dim, 'mu');
  const spec: NativeLangevinEnergy = { kind: 2, dim, mu: m, A: a };
  return builtin('quadratic', spec, async () => Float64Array.from(a));
}

/** Options of {@link networkLossEnergy}. */
export interface NetworkEnergyOptions {
  /** Default 'relu'. */
  activation?: 'relu' | 'softplus';
  /** Softplus sharpness; default 5000 as in the landscape jobs. */
  beta?: number;
}

/**
 * The loss (1/n)·Σᵢ‖f(xᵢ; θ) − yᵢ‖² of a small network on `data` over its parameters θ (the layout of
 * lib/landscape/layout.ts), e.g. the 136 parameters of the 5 × 5 teacher network. Its Hessian is the landscape
 * jobs' exact float64 one.
 */
export function networkLossEnergy(shape: NetworkShapeSpec, data: DataSet, opts: NetworkEnergyOptions = {}): BuiltinEnergy {
  const net = prepareNetwork(shape, data, { activation: opts.activation, beta: opts.beta }, [], true);
  const s = networkShape(shape);
  const spec: NativeLangevinEnergy = {
    kind: 3,
    dim: parameterCount(s),
    shape: { ...s },
    activation: net.args.activation,
    beta: net.args.beta,
    x: Float64Array.from(data.x),
    y: Float64Array.from(data.y),
  };
  return builtin('network', spec, async (p) => {
    const r = await networkLoss(p, s, data, { activation: net.args.activation, beta: net.args.beta, hessian: true, gradient: false });
    return r.hessian as Float64Array;
  });
}

/** A density with gradients, such as an EPI {@link Distribution}. */
export interface LogDensity {
  readonly dim: number;
  logProb(z: Float64Array): Promise<Float64Array>;
  gradLogProb(z: Float64Array): Promise<Float64Array>;
}

/** U = −log q: Langevin dynamics at T = 1 then samples q itself, and at other T the tempered q^{1/T}. */
export function logDensityEnergy(q: LogDensity): Energy {
  if (q === null || typeof q !== 'object' || typeof q.logProb !== 'function' || typeof q.gradLogProb !== 'function') {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'logDensityEnergy needs { dim, logProb, gradLogProb }');
  }
  const dim = q.dim;
  return {
    dim,
    async evaluate(points, count, signal) {
      if (signal?.aborted) throw new SloppyError('ABORT_ERR', 'the energy evaluation was aborted');
      const z = points.subarray(0, count * dim);
      const [logq, grad] = await Promise.all([q.logProb(z), q.gradLogProb(z)]);
      return { energy: logq.map((v) => -v), gradient: grad.map((v) => -v) };
    },
  };
}
