import {
  HEX_SPACING, hexPatch, periodicLattice, randomHexagon, receptorDerivatives, receptorInformation, receptorKernel, stiffness,
} from '../../lib/spectra';
import { maxRelativeError } from '../helpers/finite-differences';

/** J₀ by the trapezoid rule on its periodic integral representation (exponentially convergent). */
function besselJ0(x: number): number {
  const n = 64 + Math.ceil(Math.abs(x));
  let s = 0;
  for (let k = 0; k < n; ++k) s += Math.cos(x * Math.sin((Math.PI * (k + 0.5)) / n));
  return s / n;
}

/** ∫₀^∞ y^(η−1) e^(−y²) J₀(ry) dy with y = w⁵ (η = 0.2) removing the singularity; Simpson. */
function kernelIntegral(r: number): number {
  const wMax = 1.7;  // e^(−w¹⁰) < 1e-80 beyond
  const steps = 4000;
  const h = wMax / steps;
  let s = 0;
  for (let k = 0; k <= steps; ++k) {
    const w = k * h;
    const f = 5 * Math.exp(-(w ** 10)) * besselJ0(r * w ** 5);
    s += f * (k === 0 || k === steps ? 1 : k % 2 ? 4 : 2);
  }
  return (s * h) / 3;
}

/** The kernel normalised to κ(0) = 1 (the integral at r = 0 is Γ(η/2)/2, here by the same rule). */
const kernelByQuadrature = (r: number) => kernelIntegral(r) / kernelIntegral(0);

const perturb = (p: Float64Array) => Float64Array.from(p, (v, i) => v + 0.05 * Math.sin(1.7 * i));

describe('receptor array (Box 1)', () => {
  test('the ₁F₁ closed form matches quadrature of the J₀ integral', () => {
    const r = [0, 0.5, 1, 2, 5, 10, 12.6, 12.7, 20];  // 12.6/12.7 straddle the switch to the asymptotic series
    const closed = receptorKernel(r);
    r.forEach((v, i) => expect(Math.abs(closed[i] - kernelByQuadrature(v))).toBeLessThan(1e-9));
    expect(closed[0]).toBe(1);
  });

  test('carries ½·log₂ det(1 + SNR·K)/N bits per cell: one receptor, and two at distance r (K from quadrature)', async () => {
    const snr = [0.1, 1, 10, 1000];
    const one = await receptorInformation(Float64Array.from([0.3, -0.2]), snr);
    snr.forEach((s, i) => expect(one[i]).toBeCloseTo(0.5 * Math.log2(1 + s), 12));
    for (const r of [0.4, 1, 2.5]) {
      const two = await receptorInformation(Float64Array.from([0, 0, r * Math.cos(1), r * Math.sin(1)]), snr);
      const k = kernelByQuadrature(r);
      snr.forEach((s, i) => expect(two[i]).toBeCloseTo(0.25 * Math.log2((1 + s) ** 2 - (s * k) ** 2), 8));
    }
  });

  test('lays the lattice at one receptor per unit area: 1141 in 19 shells', () => {
    expect((HEX_SPACING ** 2 * Math.sqrt(3)) / 2).toBeCloseTo(1, 14);
    expect(hexPatch(19).count).toBe(1141);
  });

  test.each([
    ['free', () => hexPatch(2), {}],
    ['periodic', () => periodicLattice(4), { torus: periodicLattice(4).torus }],
  ])('%s kernel: gradient and Hessian against finite differences', async (_name, make, opts) => {
    const x = perturb(make().positions);
    const d = await receptorDerivatives(x, 10, opts);
    const f = async (p: Float64Array) => receptorInformation(p, [10], opts);
    expect(await maxRelativeError(d.gradient, x, f, () => 1e-5)).toBeLessThan(1e-6);
    const g = async (p: Float64Array) => (await receptorDerivatives(p, 10, { ...opts, hessian: false })).gradient;
    expect(await maxRelativeError(d.hessian!, x, g, () => 1e-5)).toBeLessThan(1e-6);
  });

  test('the periodic lattice is stationary with a PSD Hessian and exactly two zero modes', async () => {
    const t = periodicLattice(5);
    const d = await receptorDerivatives(t.positions, 10, { torus: t.torus });
    expect(Math.max(...Array.from(d.gradient, Math.abs))).toBeLessThan(1e-14);
    const s = stiffness(d.hessian!, 2 * t.count);
    expect(s[s.length - 3]).toBeGreaterThan(1e-8 * s[0]);
    expect(Math.abs(s[s.length - 1])).toBeLessThan(1e-12 * s[0]);
    expect(Math.abs(s[s.length - 2])).toBeLessThan(1e-12 * s[0]);
  });

  test('at N = 1141 the lattice beats every random arrangement at every SNR, by a small margin', async () => {
    const snr = [0.1, 1, 10, 100, 1000];
    const lattice = await receptorInformation(hexPatch(19).positions, snr);
    for (let seed = 1; seed <= 3; ++seed) {
      const random = await receptorInformation(randomHexagon(1141, seed).positions, snr);
      snr.forEach((_, i) => {
        expect(lattice[i]).toBeGreaterThan(random[i]);
        expect(lattice[i]).toBeLessThan(1.12 * random[i]);  // "only narrowly": measured < 1% … ≈ 7% (SNR 0.1 … 1000)
      });
    }
  });
});
