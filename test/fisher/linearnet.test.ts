import {
  countAbove, filter, performance, randomNetwork, readoutHessian, stiffness, synapticHessian, synapticSpectrum, timeGrid,
} from '../../lib/spectra';
import { maxRelativeError } from '../helpers/finite-differences';

describe('linear recurrent network (Box 4)', () => {
  const net = randomNetwork({ n: 6, g: 0.7, seed: 3 });
  const grid = timeGrid(net);
  const targetP = filter(net, grid.times).then((r) => r.f);
  const withJ = (j: Float64Array) => ({ ...net, j });

  test('filter f(t) = nᵀx(t), τ₀ dx/dt = −x + Jx after an impulse m, against a Runge–Kutta integration (τ₀ = 2)', async () => {
    // A non-symmetric J, so that J and Jᵀ give different filters.
    const small = { n: 3, j: Float64Array.from([0.2, -0.7, 0.1, 0.4, -0.3, 0.6, -0.5, 0.2, 0.1]),
      m: Float64Array.from([1, -0.5, 0.3]), readout: Float64Array.from([0.4, 1.2, -0.8]), tau0: 2 };
    const times = Float64Array.from([0, 0.5, 1.7, 4, 9]);
    const { f } = await filter(small, times);
    const derivative = (x: number[]) => x.map((xi, i) => (-xi + x.reduce((a, xk, k) => a + small.j[i * 3 + k] * xk, 0)) / small.tau0);
    let x = Array.from(small.m, (v) => v / small.tau0);  // the impulse's jump
    let t = 0;
    const h = 1e-3;
    times.forEach((target, i) => {
      for (; t < target - 1e-12; t += h) {
        const k1 = derivative(x);
        const k2 = derivative(x.map((v, q) => v + (h / 2) * k1[q]));
        const k3 = derivative(x.map((v, q) => v + (h / 2) * k2[q]));
        const k4 = derivative(x.map((v, q) => v + h * k3[q]));
        x = x.map((v, q) => v + (h / 6) * (k1[q] + 2 * k2[q] + 2 * k3[q] + k4[q]));
      }
      expect(f[i]).toBeCloseTo(x.reduce((a, v, q) => a + small.readout[q] * v, 0), 10);
    });
  });

  test('gradient w.r.t. J against finite differences of F, away from the optimum', async () => {
    const target = await targetP;
    const j = Float64Array.from(net.j, (v, i) => v + 0.03 * Math.cos(i));
    const p = await performance(withJ(j), target, grid);
    const f = async (x: Float64Array) => [(await performance(withJ(x), target, grid)).value];
    expect(await maxRelativeError(p.gradJ, j, f, () => 1e-6)).toBeLessThan(1e-6);
  });

  test('synaptic Hessian at the optimum against finite differences of the gradient', async () => {
    const target = await targetP;
    const h = await synapticHessian(net, grid);
    const g = async (x: Float64Array) => (await performance(withJ(x), target, grid)).gradJ;
    expect(await maxRelativeError(h, net.j, g, () => 1e-6)).toBeLessThan(1e-6);
  });

  test('readout Hessian (Lyapunov) against the time grid and finite differences of the gradient', async () => {
    const target = await targetP;
    const h = readoutHessian(net);
    const g = async (x: Float64Array) => (await performance({ ...net, readout: x }, target, grid)).gradReadout;
    expect(await maxRelativeError(h, net.readout, g, () => 1e-4)).toBeLessThan(1e-8);
  });

  test('rank of the synaptic Hessian is at most 2N, and the resolved count grows with g', async () => {
    const counts: number[] = [];
    for (const g of [0.3, 0.9]) {
      const small = randomNetwork({ n: 8, g, seed: 5 });
      const s = await synapticSpectrum(small, timeGrid(small));
      expect(countAbove(s, [1e-12])[0]).toBeLessThanOrEqual(16);
      counts.push(countAbove(s, [1e-10])[0]);
    }
    expect(counts[1]).toBeGreaterThan(counts[0]);
  });

  test('the readout spectrum spans more than ten decades as g → 1 (N = 100, g = 0.99)', () => {
    const big = randomNetwork({ n: 100, g: 0.99, seed: 1 });
    const s = stiffness(readoutHessian(big), 100);
    const resolved = Array.from(s).filter((v) => v > 1e-13 * s[0]);
    expect(Math.log10(s[0] / resolved[resolved.length - 1])).toBeGreaterThan(10);
  });
});
