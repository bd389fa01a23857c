import { gridContours, propertyContours } from '../../lib/epi/contours';
import { resolveProperty } from '../../lib/epi/property';

describe('property contours', () => {
  it('draws the 2D LDS lines Re λ1 = (a11 + a22)/2 = r inside the bounds', () => {
    const p = resolveProperty({ stats: ['realLambda1', 'freq'], mean: [0, 1], std: [0.25, 0.1] }, ['realLambda1', 'freq']);
    const c = propertyContours('lds2d', ['a11', 'a12', 'a21', 'a22'], p);
    expect(c.map((x) => x.lines.length)).toEqual([1, 2, 2]);
    const levels = [[0], [-0.25, 0.25], [-0.5, 0.5]];
    c.forEach((x, k) => x.lines.forEach((line, l) => line.forEach(([a11, a22]) => {
      expect((a11 + a22) / 2).toBeCloseTo(levels[k][l], 12);
      expect(Math.abs(a11)).toBeLessThanOrEqual(10);
      expect(Math.abs(a22)).toBeLessThanOrEqual(10);
    })));
    expect(propertyContours('stg', ['g_el', 'g_synA'], p)).toEqual([]);
  });

  it('finds level sets by marching squares: exact for a plane, within the grid for a circle', async () => {
    const p = resolveProperty({ stats: ['f'], mean: [0.5], std: [0.1] }, ['g', 'f']);
    // Two statistics per point, the constrained one second, to exercise the column index.
    const plane = async (z: Float64Array) =>
      Float64Array.from({ length: z.length }, (_, k) => (k % 2 === 0 ? 7 : z[k - 1] + z[k]));
    const c = await gridContours(plane, [0, 0], [1, 1], p, 2, 30);
    expect(c[0].lines.length).toBeGreaterThan(20);
    c[0].lines.flat().forEach(([a, b]) => expect(a + b).toBeCloseTo(0.5, 12));
    c[1].lines.flat().forEach(([a, b]) => expect(Math.abs(Math.abs(a + b - 0.5) - 0.1)).toBeLessThan(1e-12));
    const circle = async (z: Float64Array) =>
      Float64Array.from({ length: z.length }, (_, k) => (k % 2 === 0 ? 0 : Math.hypot(z[k - 1], z[k])));
    const r = await gridContours(circle, [-1, -1], [1, 1], p, 2, 60);
    // Linear interpolation of a smooth function: error O(h²) with h = 2/59.
    r[0].lines.flat().forEach(([a, b]) => expect(Math.abs(Math.hypot(a, b) - 0.5)).toBeLessThan(2e-3));
    expect(await gridContours(circle, [-1, -1, 0], [1, 1, 1], p, 2)).toEqual([]);
  });
});
