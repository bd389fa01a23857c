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
