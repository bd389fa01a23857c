import { models, simulate } from '../../lib';
import { returnTime, springsBack } from '../../lib/robustness';
import { eigenvalues } from '../helpers/matrices';
import { fixedPoint } from '../helpers/v1-network';

/**
 * The linearisation of a model's noise-free one-step map F at state x (F: sample 1 of a run started there),
 * by central differences: M = ∂F/∂x, and the drift's Jacobian J = (M − I)/dt.
 */
async function linearisation(model: string, z: ArrayLike<number>, x: Float64Array, options: Record<string, number>, h: number) {
  const names = models.get(model).state.map((s) => `${s}_0`);
  const S = x.length;
  const step = async (y: Float64Array) => {
    const start = Object.fromEntries(names.map((name, i) => [name, y[i]]));
    const r = await simulate(model, [Array.from(z)], { options: { ...options, ...start }, trajectories: { stride: 1 } });
    return r.trajectories!.subarray(S, 2 * S);
  };
  const M = Array.from({ length: S }, () => new Array<number>(S).fill(0));
  for (let j = 0; j < S; ++j) {
    const [up, down] = [Float64Array.from(x), Float64Array.from(x)];
    up[j] += h;
    down[j] -= h;
    const [a, b] = await Promise.all([step(up), step(down)]);
    for (let i = 0; i < S; ++i) M[i][j] = (a[i] - b[i]) / (2 * h);
  }
  const J = M.map((row, i) => row.map((v, j) => (v - (i === j ? 1 : 0)) / options.dt));
  return { M, J, moved: Math.max(...Array.from(await step(x), (v, i) => Math.abs(v - x[i]))) };
}

/** |δ_k| for δ_{k+1} = M δ_k, k = 0 … count − 1: the distance to the fixed point under the linearised map. */
function linearDistances(M: number[][], delta: number[], count: number): Float64Array {
  const d = new Float64Array(count);
  let v = delta;
  for (let k = 0; k < count; ++k) {
    d[k] = Math.hypot(...v);
    v = M.map((row) => row.reduce((s, m, j) => s + m * v[j], 0));
  }
  return d;
}

const block = (J: number[][], from: number) => J.slice(from, from + 4).map((row) => row.slice(from, from + 4));
const slowest = (J: number[][]) => eigenvalues(J).reduce((a, b) => (b.re > a.re ? b : a));
const axis = (S: number, i: number) => Array.from({ length: S }, (_, j) => (j === i ? 1 : 0));

describe('springs back to a noise-free fixed point', () => {
  it('returns v1 to x* = [W x* + h]²₊ as its linearisation does, the slow pair −0.14/τ ± 0.41i/τ setting the pace', async () => {
    const dt = 1e-5;
    const tolerance = 1e-5;
    const linear = await springsBack('v1', { amounts: [0], tolerance, directions: [axis(8, 0)], options: { dt } });
    const { x } = fixedPoint();
    x.forEach((v, i) => expect(Math.abs(linear.attractor[i] / v - 1)).toBeLessThan(1e-9));
    expect(Array.from(linear.attractor.subarray(4))).toEqual([0, 0, 0, 0]);
    const { M, J, moved } = await linearisation('v1', [0, 0, 0, 0], linear.attractor, { dt, steps: 1, window: 0 }, 1e-4);
    expect(moved).toBeLessThan(1e-12);
    // ε relaxes by itself at 1/τ_n = 200/s; the slowest mode is a complex pair of the rates block.
    for (let i = 4; i < 8; ++i) expect(J[i][i]).toBeCloseTo(-200, 4);
    const lambda = slowest(block(J, 0));
    expect(lambda.re / -1000).toBeGreaterThan(0.13);
    expect(lambda.re / -1000).toBeLessThan(0.15);

    // The distance along a decaying rotation is e^{Re λ t} times a function of period π/|Im λ| (an ellipse's
    // radius): a push ρ = e^{π|Re λ|/|Im λ|} times larger comes back exactly π/|Im λ| later.
    const halfTurn = Math.PI / Math.abs(lambda.im);
    const rho = Math.exp(-lambda.re * halfTurn);
    // Pushes of the rates (0.01–0.03 Hz against rates of 20–60 Hz: linear); ε enters the drive ×10 (noiseScale),
    // so a push of it of this size leaves the linear range.
    const directions = [axis(8, 0), axis(8, 2), [1, -1, 1, -1, 0, 0, 0, 0]];
    const r = await springsBack('v1', { amounts: [0.01, 0.01 * rho], tolerance, directions, options: { dt, steps: 15000 } });
    r.returns.forEach((ret) => {
      const u = directions[ret.direction].map((v, _, all) => (ret.amount * v) / Math.hypot(...all));
      expect(Math.abs(ret.returnTime / returnTime(linearDistances(M, u, r.recorded), tolerance, dt) - 1)).toBeLessThan(1e-4);
    });
    for (let d = 0; d < directions.length; ++d) {
      const [t1, t2] = [r.returns[2 * d], r.returns[2 * d + 1]].map((ret) => ret.returnTime);
      expect(Math.abs((t2 - t1) / halfTurn - 1)).toBeLessThan(0.02);
    }
  });

  it('returns sc to its cue-epoch fixed point as its linearisation does, and at −Re λ along the slowest mode', async () => {
    const dt = 0.001;
    const options = { dt, sigma: 0 };
    const tolerance = 2e-4;
    const probe = await springsBack('sc', { amounts: [0], tolerance, directions: [axis(8, 0)], options: { dt } });
    const { M, J, moved } = await linearisation('sc', probe.z, probe.attractor, options, 1e-5);
    expect(moved).toBeLessThan(1e-12);
    // Pro and Anti trials are independent: M is block-diagonal, each block symmetrisable with real eigenvalues.
    const [pro, anti] = [slowest(block(J, 0)), slowest(block(J, 4))];
    expect([pro.im, anti.im]).toEqual([0, 0]);
    // The slowest eigenvector of each trial, by iterating the linearised map on a push.
    const slowDirection = (from: number) => {
      let v = axis(8, from + 1).map((u, i) => u + (i === from ? 0.5 : 0));
      for (let k = 0; k < 5000; ++k) v = M.map((row) => row.reduce((s, m, j) => s + m * v[j], 0)).map((u, _, all) => u / Math.hypot(...all));
      return v;
    };
    const directions = [axis(8, 0), axis(8, 2), axis(8, 5), slowDirection(0), slowDirection(4)];
    const amounts = [0.001, 0.01];
    const r = await springsBack('sc', { amounts, tolerance, directions, options: { dt } });
    expect(r.horizon).toBeLessThan(1.2);
    r.returns.forEach((ret) => {
      const linear = returnTime(linearDistances(M, directions[ret.direction].map((v) => ret.amount * v), r.recorded), tolerance, dt);
      if (linear === Infinity) expect(ret.returnTime).toBe(Infinity);
      else expect(Math.abs(ret.returnTime / linear - 1)).toBeLessThan(0.01);
    });
    // Along the slowest mode the distance decays as e^{Re λ t}: t = ln(amount/tol)/|Re λ| (Euler's O(dt·λ) aside).
    for (const [d, lambda] of [[3, pro], [4, anti]] as const) {
      const ret = r.returns.find((x) => x.direction === d && x.amount === 0.001)!;
      expect(Math.abs((ret.returnTime * -lambda.re) / Math.log(0.001 / tolerance) - 1)).toBeLessThan(0.01);
    }
  });
});
