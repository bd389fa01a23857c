/**
 * One-panel charts from the plotting primitives: lines, dots and histogram bars over shared axes, with a
 * legend. For reports whose figures are each a single panel (the landscape study's).
 * @packageDocumentation
 */
import { axes, countRange, histogram, histogramBars, linePath, padRange, Panel, scatter, svgOpen, text, unionRange } from './plots';
import { finiteRange, PALETTE, Range } from './svg';

/** A line (or, with `dots`, a scatter) in data coordinates. */
export interface ChartSeries {
  label?: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  colour?: string;
  dots?: boolean;
  /** SVG attributes, e.g. ' stroke-dasharray="4 3"' or ' opacity="0.4"'. */
  attrs?: string;
}

/** A histogram of values over a range. */
export interface ChartHistogram {
  label?: string;
  values: ArrayLike<number>;
  colour?: string;
}

export interface ChartSpec {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  series?: ChartSeries[];
  /** Histograms share `bins` bins over their joint range (or `x`); they are drawn translucent, in order. */
  histograms?: ChartHistogram[];
  bins?: number;
  x?: Range;
  y?: Range;
  width?: number;
  height?: number;
}

const MARGIN = { left: 64, right: 16, top: 28, bottom: 44 };

/** An inline SVG of one panel. Non-finite values are skipped. */
export function chart(spec: ChartSpec): string {
  const width = spec.width ?? 640, height = spec.height ?? 300;
  const series = spec.series ?? [];
  const hists = spec.histograms ?? [];
  const bins = spec.bins ?? 40;
  const xr = spec.x ?? padRange(finiteRange([...series.map((s) => s.x), ...hists.map((h) => h.values)]), hists.length > 0 ? 0 : 0.02);
  const counted = hists.map((h) => histogram(h.values, xr, bins).counts);
  let yr = spec.y ?? (series.length > 0 ? padRange(finiteRange(series.map((s) => s.y))) : countRange(counted.flat()));
  if (spec.y === undefined && counted.length > 0 && series.length > 0) yr = unionRange(yr, countRange(counted.flat()));
  const panel: Panel = { box: { x: MARGIN.left, y: MARGIN.top, w: width - MARGIN.left - MARGIN.right, h: height - MARGIN.top - MARGIN.bottom }, x: xr, y: yr };
  const out = [svgOpen(width, height)];
  if (spec.title) out.push(text(width / 2, 16, spec.title, ' text-anchor="middle" font-weight="bold"'));
  counted.forEach((c, k) => out.push(histogramBars(panel, c, hists[k].colour ?? PALETTE[k % PALETTE.length], ' fill-opacity="0.45"')));
  series.forEach((s, k) => {
    const colour = s.colour ?? PALETTE[k % PALETTE.length];
    if (s.dots) out.push(scatter(panel, { x: s.x, y: s.y, colour: Array.from({ length: s.x.length }, () => colour) }, 1.7, s.attrs ?? '').svg);
    else out.push(linePath(panel, s.x, s.y, colour, ` stroke-width="1.4"${s.attrs ?? ''}`));
  });
  out.push(axes(panel, { xTickLabels: true, yTickLabels: true, xLabel: spec.xLabel, yLabel: spec.yLabel, grid: true }));
  const legend = [...hists.map((h, k) => ({ label: h.label, colour: h.colour ?? PALETTE[k % PALETTE.length] })),
    ...series.map((s, k) => ({ label: s.label, colour: s.colour ?? PALETTE[k % PALETTE.length] }))].filter((l) => l.label);
  legend.forEach((l, k) => {
    const y = MARGIN.top + 12 + 14 * k;
    out.push(`<rect x="${width - MARGIN.right - 150}" y="${y - 8}" width="10" height="10" fill="${l.colour}"/>`);
    out.push(text(width - MARGIN.right - 135, y, l.label as string));
  });
  out.push('</svg>');
  return out.join('');
}
