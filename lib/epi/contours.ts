/**
 * Where a statistic equals its target, drawn over the report's pair plot, for the models where that set is
 * known in closed form. The 2D LDS: with complex eigenvalues Re λ1 = (a11 + a22)/2, so Re λ1 = r is the line
 * a22 = 2r − a11 in the (a11, a22) plane (the paper's Figure 1—figure supplement 2A).
 * @packageDocumentation
 */
import type { ReportContour } from './report';
import type { Property } from './property';

/** Contours at the target mean and one and two standard deviations from it, where known; otherwise none. */
export function propertyContours(model: string, paramNames: string[], p: Property): ReportContour[] {
  const k = p.stats.indexOf('realLambda1');
  const i = paramNames.indexOf('a22');
  const j = paramNames.indexOf('a11');
  if (model !== 'lds2d' || k < 0 || i < 0 || j < 0) return [];
  const line = (r: number): [number, number][] => {
    // a22 = 2r − a11 inside [−10, 10]².
    const lo = Math.max(-10, 2 * r - 10);
    const hi = Math.min(10, 2 * r + 10);
    return [[lo, 2 * r - lo], [hi, 2 * r - hi]];
  };
  const { mean, std } = { mean: p.mean[k], std: p.std[k] };
  return [
    { i, j, lines: [line(mean)], label: `Re λ1 = ${mean}` },
    { i, j, lines: [line(mean - std), line(mean + std)], label: `Re λ1 = ${mean} ± ${std}` },
    { i, j, lines: [line(mean - 2 * std), line(mean + 2 * std)], label: `Re λ1 = ${mean} ± ${2 * std}` },
  ];
}

/**
 * For a two-parameter model: the level sets of the first constrained statistic at its target mean and
 * mean ± std, by marching squares on a `size` × `size` grid of simulations (one per node, noise keyed by
 * `seed`). Segments are returned as two-point lines in the (z_0, z_1) plane of panel (i = 1, j = 0).
 */
export async function gridContours(
  evaluate: (z: Float64Array) => Promise<Float64Array>,
  lower: number[],
  upper: number[],
  p: Property,
  statCount: number,
  size = 60,
): Promise<ReportContour[]> {
  if (lower.length !== 2 || !lower.every(Number.isFinite) || !upper.every(Number.isFinite)) return [];
  const at = (d: number, k: number) => lower[d] + ((upper[d] - lower[d]) * k) / (size - 1);
  const z = new Float64Array(size * size * 2);
  for (let a = 0; a < size; ++a) {
    for (let b = 0; b < size; ++b) z.set([at(0, a), at(1, b)], 2 * (a * size + b));
  }
  const values = await evaluate(z);
  const f = (a: number, b: number) => values[(a * size + b) * statCount + p.index[0]];
  const level = (c: number): [number, number][][] => {
    const lines: [number, number][][] = [];
    for (let a = 0; a + 1 < size; ++a) {
      for (let b = 0; b + 1 < size; ++b) {
        // Corners in order around the cell; each edge whose ends straddle c contributes its crossing.
        const corners: [number, number][] = [[a, b], [a + 1, b], [a + 1, b + 1], [a, b + 1]];
        const cross: [number, number][] = [];
        for (let e = 0; e < 4; ++e) {
          const [a0, b0] = corners[e];
          const [a1, b1] = corners[(e + 1) % 4];
          const v0 = f(a0, b0) - c;
          const v1 = f(a1, b1) - c;
          if (!Number.isFinite(v0) || !Number.isFinite(v1) || (v0 < 0) === (v1 < 0)) continue;
          const t = v0 / (v0 - v1);
          cross.push([at(0, a0 + t * (a1 - a0)), at(1, b0 + t * (b1 - b0))]);
        }
        // Two crossings: one segment; four (a saddle cell): two, pairing neighbours.
        for (let k = 0; k + 1 < cross.length; k += 2) lines.push([cross[k], cross[k + 1]]);
      }
    }
    return lines;
  };
  const [name, mean, std] = [p.stats[0], p.mean[0], p.std[0]];
  return [
    { i: 1, j: 0, lines: level(mean), label: `${name} = ${mean}` },
    { i: 1, j: 0, lines: [...level(mean - std), ...level(mean + std)], label: `${name} = ${mean} ± ${std}` },
  ];
}
