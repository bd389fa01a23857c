import { gapGeneInformation, optimiseGapGene, stiffness, syntheticEmbryo } from '../../lib/spectra';
import { maxRelativeError } from '../helpers/finite-differences';

describe('gap-gene read-out (Box 2)', () => {
  const embryo = syntheticEmbryo({ positions: 30, perPosition: 40 });
  const centres = Float64Array.from([0.2, 0.1, 0.8, 0.2, 0.5, 0.9, 0.1, 0.6]);

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
