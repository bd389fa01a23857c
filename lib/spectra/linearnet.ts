/**
 * The linear recurrent network of Box 4 / Fig. 4 of the "optimization and variability" seed:
 * τ₀ dx/dt = −x + Jx + m u(t), z = n·x, whose output is u filtered by f(t) = nᵀ e^{(J−1)t/τ₀} m / τ₀, and
 * the performance F = −∫ |f_θ(t) − f*(t)|² dt against the filter f* of a random target (J*, m, n*).
 *
 * At the target itself F = 0 is the maximum and −∂²F = 2∫ ∇f ∇fᵀ dt exactly (zero residual). For the readout
 * that is 2W, W the controllability Gramian (a Lyapunov solve); for the N² synaptic weights it is the Gram
 * product of the filter's Jacobian on a Gauss–Legendre time grid, whose nonzero eigenvalues come from the
 * T × T product (rank ≤ 2N: ∂f/∂J_ij lies in span{e^{λt}, t·e^{λt}}).
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { gram } from '../fisher/gram';
import { eigenvalues, eigh } from '../linalg';
import { runJob, JobControl } from '../job';
import { native } from '../native';
import { integer, isFloat64Array, knownKeys, positiveNumber } from '../validate';
import { gaussians } from './common';
import { gaussLegendre } from './quadrature';

/** A linear network: J (N × N row-major, J_ij from j to i), input weights m, readout n, time constant τ₀. */
export interface LinearNet {
  n: number;
  j: Float64Array;
  m: Float64Array;
  readout: Float64Array;
  tau0: number;
}

/** J_ij ~ N(0, g²/N), m_i, n_i ~ N(0, 1), drawn with Philox under `seed` (Box 4). */
export function randomNetwork(opts: { n: number; g: number; seed?: number; tau0?: number }): LinearNet {
  const n = integer(opts.n, 'n', 1, 2000);
  const g = positiveNumber(opts.g ?? 1, 'g');
  const seed = opts.seed ?? 1;
  const z = gaussians(n * n + 2 * n, seed, 0);
  return {
    n,
    j: Float64Array.from(z.subarray(0, n * n), (v) => (v * g) / Math.sqrt(n)),
    m: Float64Array.from(z.subarray(n * n, n * n + n)),
    readout: Float64Array.from(z.subarray(n * n + n)),
    tau0: positiveNumber(opts.tau0 ?? 1, 'tau0'),
  };
}

function checkNet(net: LinearNet): LinearNet {
  if (typeof net !== 'object' || net === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'the network must be an object');
  const n = integer(net.n, 'n', 1, 2000);
  for (const [key, size] of [['j', n * n], ['m', n], ['readout', n]] as const) {
    if (!isFloat64Array(net[key]) || net[key].length !== size) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `${key} must be a Float64Array of ${size} numbers`);
    }
  }
  positiveNumber(net.tau0 ?? 1, 'tau0');
  return net;
}

/** The slowest time constant τ₀/(1 − max Re eig J), and whether the network is stable at all. */
export function slowestTime(net: LinearNet): { stable: boolean; tauSlow: number; abscissa: number } {
  checkNet(net);
  const { re } = eigenvalues(net.j, net.n);
  const abscissa = re[0];
  return { stable: abscissa < 1, tauSlow: abscissa < 1 ? net.tau0 / (1 - abscissa) : Infinity, abscissa };
}

/** A quadrature grid on [0, horizon]: nodes and weights. */
export interface TimeGrid {
  times: Float64Array;
  weights: Float64Array;
  horizon: number;
}

/** Options of {@link timeGrid}. */
export interface TimeGridOptions {
  /** The horizon in slowest time constants. Default 40 (e^{−40} of the slowest mode's amplitude is left). */
  horizon?: number;
  /** Gauss–Legendre points per panel. Default 12. */
  order?: number;
}

/**
 * Gauss–Legendre panels on [0, horizon·τ_slow] fitted to the network's modes: a panel starting at t is at most
 * t/2 wide (resolving fast early decay) and at most half a period of the fastest oscillation among the modes
 * still above e^{−36} at t. Throws ERR_INVALID_ARG_VALUE for an unstable network (the integral diverges).
 */
export function timeGrid(net: LinearNet, opts: TimeGridOptions = {}): TimeGrid {
  knownKeys(opts, ['horizon', 'order'], 'time-grid option');
  const { stable, tauSlow, abscissa } = slowestTime(net);
  if (!stable) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `the network is unstable (max Re eig J = ${abscissa.toFixed(4)} ≥ 1)`);
  }
  const horizon = positiveNumber(opts.horizon ?? 40, 'horizon') * tauSlow;
  const rule = gaussLegendre(integer(opts.order ?? 12, 'order', 2, 64));
  const { re, im } = eigenvalues(net.j, net.n);
  const rate = Float64Array.from(re, (v) => (1 - v) / net.tau0);  // decay rate of each mode
  const freq = Float64Array.from(im, (v) => Math.abs(v) / net.tau0);
  const times: number[] = [];
  const weights: number[] = [];
  const first = 0.05 * net.tau0;
  for (let t = 0; t < horizon; ) {
    let fastest = 0;
    for (let k = 0; k < rate.length; ++k) if (rate[k] * t < 36) fastest = Math.max(fastest, freq[k]);
    const width = Math.min(Math.max(first, 0.5 * t), fastest > 0 ? Math.PI / fastest : Infinity, horizon - t);
    for (let q = 0; q < rule.nodes.length; ++q) {
      times.push(t + ((rule.nodes[q] + 1) * width) / 2);
      weights.push((rule.weights[q] * width) / 2);
    }
    t += width;
  }
  return { times: Float64Array.from(times), weights: Float64Array.from(weights), horizon };
}

/** f(t), ∂f/∂n (T × N) and, on request, ∂f/∂J (T × N², column i·N + j). */
export interface Filter {
  f: Float64Array;
  dfdn: Float64Array;
  dfdj?: Float64Array;
}

/** The network's filter at `times`, with exact derivatives. */
export async function filter(
  net: LinearNet,
  times: Float64Array,
  opts: JobControl & { jacobian?: boolean; threads?: number } = {},
): Promise<Filter> {
  checkNet(net);
  if (!isFloat64Array(times)) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'times must be a Float64Array');
  const rows = times.length;
  if (opts.jacobian && rows * net.n * net.n > 6e7) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `the Jacobian would hold ${rows} × ${net.n ** 2} numbers; use a smaller N or horizon`);
  }
  return runJob('the linear-network filter', opts, (token, onProgress) =>
    native.spectra.linearNet({
      n: net.n, j: net.j, m: net.m, readout: net.readout, tau0: net.tau0, times, jacobian: opts.jacobian ?? false,
      threads: integer(opts.threads ?? 0, 'threads', 0, 4096), token, onProgress,
    }),
  );
}

/** F = −Σ_t w_t (f(t) − f*(t))² on the grid, with ∂F/∂n and ∂F/∂J (N × N row-major). */
export interface NetPerformance {
  value: number;
  gradReadout: Float64Array;
  gradJ: Float64Array;
}

/** The performance of `net` against the target filter values `target` on `grid`, with its exact gradient. */
export async function performance(net: LinearNet, target: Float64Array, grid: TimeGrid): Promise<NetPerformance> {
  if (!isFloat64Array(target) || target.length !== grid.times.length) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', 'target must hold one filter value per grid time');
  }
  const r = await filter(net, grid.times, { jacobian: true });
  const n = net.n;
  const gradReadout = new Float64Array(n);
  const gradJ = new Float64Array(n * n);
  let value = 0;
  for (let t = 0; t < grid.times.length; ++t) {
    const miss = r.f[t] - target[t];
    value -= grid.weights[t] * miss * miss;
    const c = -2 * grid.weights[t] * miss;
    for (let i = 0; i < n; ++i) gradReadout[i] += c * r.dfdn[t * n + i];
    for (let k = 0; k < n * n; ++k) gradJ[k] += c * r.dfdj![t * n * n + k];
  }
  return { value, gradReadout, gradJ };
}

/** ∂²F/∂n² = −2W, exact for all n (F is quadratic in n): W from the Lyapunov equation. N × N row-major. */
export function readoutHessian(net: LinearNet): Float64Array {
  checkNet(net);
  return Float64Array.from(native.spectra.linearNetGramian(net.n, net.j, net.m, net.tau0), (v) => -2 * v);
}

/** The √(2w_t)-weighted Jacobian rows of f w.r.t. J: its Gram product is −∂²F/∂J² at the target. */
async function weightedJacobian(net: LinearNet, grid: TimeGrid, control: JobControl): Promise<Float64Array> {
  const r = await filter(net, grid.times, { ...control, jacobian: true });
  const cols = net.n * net.n;
  const a = r.dfdj!;
  for (let t = 0; t < grid.times.length; ++t) {
    const s = Math.sqrt(2 * grid.weights[t]);
    for (let k = 0; k < cols; ++k) a[t * cols + k] *= s;
  }
  return a;
}

/** ∂²F/∂J² at the target (N² × N², Gauss–Newton, exact at zero residual); for small N. */
export async function synapticHessian(net: LinearNet, grid: TimeGrid, control: JobControl = {}): Promise<Float64Array> {
  const a = await weightedJacobian(net, grid, control);
  const g = await gram(a, { rows: grid.times.length, cols: net.n * net.n, product: 'AtA', scale: -1 });
  return g.matrix;
}

/**
 * The nonzero spectrum of −∂²F/∂J² at the target, descending: eigenvalues of the T × T Gram product of the
 * weighted Jacobian (min(T, N²) of them, the rest exactly zero).
 */
export async function synapticSpectrum(net: LinearNet, grid: TimeGrid, control: JobControl = {}): Promise<Float64Array> {
  const a = await weightedJacobian(net, grid, control);
  const g = await gram(a, { rows: grid.times.length, cols: net.n * net.n, product: 'auto', ...control });
  return Float64Array.from(eigh(g.matrix, g.order).values).reverse();
}

/** How many eigenvalues exceed each relative threshold of the largest. */
export function countAbove(values: Float64Array, thresholds: readonly number[]): number[] {
  const top = values.reduce((a, b) => Math.max(a, b), 0);
  return thresholds.map((th) => values.filter((v) => v > th * top).length);
}
