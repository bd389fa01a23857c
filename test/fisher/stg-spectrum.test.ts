import { stgChannelDefaults, stgChannelPerformance, stiffness } from '../../lib/spectra';
import { maxRelativeError } from '../helpers/finite-differences';

describe('STG channel densities (Box 3)', () => {
  const theta = stgChannelDefaults();

  test('gradient and Hessian against finite differences, away from the optimum', async () => {
    const base = await stgChannelPerformance(theta, { hessian: false });
    const x = Float64Array.from(theta, (v, i) => v * (1 + 0.03 * Math.sin(i + 1)));
    const opts = { target: base.target };
    const d = await stgChannelPerformance(x, opts);
    const step = (i: number) => 1e-5 * theta[i];
    const f = async (p: Float64Array) => [(await stgChannelPerformance(p, { ...opts, hessian: false })).value];
    expect(await maxRelativeError(d.gradient, x, f, step)).toBeLessThan(1e-4);
    const g = async (p: Float64Array) => (await stgChannelPerformance(p, { ...opts, hessian: false })).gradient;
    expect(await maxRelativeError(d.hessian!, x, g, step)).toBeLessThan(1e-3);
  });

  test('at the optimum the Hessian is −2∇ω∇ωᵀ/ω*²: rank one, its stiffness from central differences of ω', async () => {
    const d = await stgChannelPerformance(theta);
    expect(Math.abs(d.value)).toBeLessThan(1e-20);
    // ∇ω by central differences of the simulated frequency itself, independent of the exact derivatives.
    const omega = async (p: Float64Array) => (await stgChannelPerformance(p, { target: d.target, hessian: false })).frequency;
    const fd = new Float64Array(theta.length);
    for (let i = 0; i < theta.length; ++i) {
      const h = 1e-5 * theta[i];
      const shifted = (sign: number) => Float64Array.from(theta, (v, k) => (k === i ? v + sign * h : v));
      fd[i] = ((await omega(shifted(1))) - (await omega(shifted(-1)))) / (2 * h);
    }
    const norm2 = fd.reduce((a, v) => a + v * v, 0);
    const largest = Math.max(...fd.map(Math.abs));
    fd.forEach((v, i) => expect(Math.abs(d.frequencyGradient[i] - v)).toBeLessThan(1e-4 * largest));
    const s = stiffness(d.hessian!, theta.length);
    expect(Math.abs(s[0] - (2 * norm2) / d.target ** 2)).toBeLessThan(1e-4 * s[0]);
    expect(Math.abs(s[1])).toBeLessThan(1e-10 * s[0]);
  });
});
