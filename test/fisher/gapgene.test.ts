import { gapGeneInformation, optimiseGapGene, stiffness, syntheticEmbryo } from '../../lib/spectra';
import { maxRelativeError } from '../helpers/finite-differences';

describe('gap-gene read-out (Box 2)', () => {
  const embryo = syntheticEmbryo({ positions: 30, perPosition: 40 });
  const centres = Float64Array.from([0.2, 0.1, 0.8, 0.2, 0.5, 0.9, 0.1, 0.6]);

  // I(Z; x) of the hard Voronoi partition from the samples' joint counts of (cell, position), in bits.
  function hardInformation(c: Float64Array): number {
    const cells = c.length / 2;
    const xs = Array.from(new Set(embryo.x));
    const joint = new Map<string, number>();
    const pz = new Array(cells).fill(0);
    const px = new Map<number, number>();
    const m = embryo.x.length;
    for (let s = 0; s < m; ++s) {
      let best = 0;
      const d2 = (z: number) => (embryo.g[2 * s] - c[2 * z]) ** 2 + (embryo.g[2 * s + 1] - c[2 * z + 1]) ** 2;
      for (let z = 1; z < cells; ++z) if (d2(z) < d2(best)) best = z;
      const key = `${best},${embryo.x[s]}`;
      joint.set(key, (joint.get(key) ?? 0) + 1 / m);
      pz[best] += 1 / m;
      px.set(embryo.x[s], (px.get(embryo.x[s]) ?? 0) + 1 / m);
    }
    let info = 0;
    for (const [key, p] of joint) {
      const [z, x] = key.split(',').map(Number);
      info += p * Math.log2(p / (pz[z] * px.get(x)!));
    }
    expect(xs.length).toBe(30);
    return info;
  }

  test('tends to the hard Voronoi read-out as the softness w → 0, below log₂|Z| bits', () => {
    const hard = hardInformation(centres);
    expect(gapGeneInformation(centres, embryo, { softness: 1e-5, hessian: false }).value).toBeCloseTo(hard, 8);
    expect(hard).toBeLessThan(Math.log2(4));
    // The default softness smooths the partition: close to the hard value, not equal to it.
    const soft = gapGeneInformation(centres, embryo, { hessian: false }).value;
    expect(Math.abs(soft - hard)).toBeGreaterThan(1e-6);
    expect(Math.abs(soft - hard)).toBeLessThan(0.1 * hard);
  });

  test('gradient and Hessian against finite differences', async () => {
    const d = gapGeneInformation(centres, embryo);
    const f = (x: Float64Array) => [gapGeneInformation(x, embryo, { hessian: false }).value];
    expect(await maxRelativeError(d.gradient, centres, f, () => 1e-6)).toBeLessThan(1e-6);
    const g = (x: Float64Array) => gapGeneInformation(x, embryo, { hessian: false }).gradient;
    expect(await maxRelativeError(d.hessian!, centres, g, () => 1e-6)).toBeLessThan(1e-6);
  });

  test('the optimum for |Z| = 3 is stationary and more informative than its start', () => {
    const o = optimiseGapGene(embryo, 3);
    expect(Math.max(...Array.from(o.gradient, Math.abs))).toBeLessThan(1e-6);
    expect(o.value).toBeGreaterThan(gapGeneInformation(Float64Array.from([0.9, 0.1, 0.1, 0.9, 0.1, 0.1]), embryo).value);
    const s = stiffness(o.hessian!, 6);
    expect(s[0]).toBeGreaterThan(0);
  });
});
