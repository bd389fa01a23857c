import {
  countAbove, filter, performance, randomNetwork, readoutHessian, stiffness, synapticHessian, synapticSpectrum, timeGrid,
} from '../../lib/spectra';
import { maxRelativeError } from '../helpers/finite-differences';

describe('linear recurrent network (Box 4)', () => {
  const net = randomNetwork({ n: 6, g: 0.7, seed: 3 });
  const grid = timeGrid(net);
  const targetP = filter(net, grid.times).then((r) => r.f);
  const withJ = (j: Float64Array) => ({ ...net, j });

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
