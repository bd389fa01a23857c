/**
 * Plotting primitives for figures made of panels. A panel maps a data range onto a pixel box, and each
 * function here returns an SVG fragment for one panel; figures (e.g. the EPI report) lay panels out on a
 * canvas. Nothing here knows what is being plotted.
 * @packageDocumentation
 */
import { escapeXml, finiteRange, Range, ticksNear } from './svg';

/** A rectangle in pixels, (x, y) its top-left corner. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A pixel box and the data ranges its edges stand for. */
export interface Panel {
  box: Box;
  x: Range;
  y: Range;
}

/** Pixel abscissa of data value `v`. */
export function toPx(panel: Panel, v: number): number {
  return panel.box.x + ((v - panel.x.lo) / (panel.x.hi - panel.x.lo)) * panel.box.w;
}

/** Pixel ordinate of data value `v` (SVG's y grows downwards). */
export function toPy(panel: Panel, v: number): number {
  return panel.box.y + (1 - (v - panel.y.lo) / (panel.y.hi - panel.y.lo)) * panel.box.h;
}

/** A pixel coordinate to 0.1 px: finer is invisible and only makes the page bigger. */
export function coord(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** A number for people: about `digits` significant digits, exponents only for very large or small values. */
export function formatNumber(v: number, digits = 4): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(digits)));
}

/** A text element; `content` is escaped. */
export function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${coord(x)}" y="${coord(y)}"${attrs}>${escapeXml(content)}</text>`;
}

/** A line segment in pixels. */
export function line(x1: number, y1: number, x2: number, y2: number, stroke: string, attrs = ''): string {
  return `<line x1="${coord(x1)}" y1="${coord(y1)}" x2="${coord(x2)}" y2="${coord(y2)}" stroke="${stroke}"${attrs}/>`;
}

/** A range widened by `fraction` of its span on each side, so marks on the extremes stay off the frame. */
export function padRange(range: Range, fraction = 0.04): Range {
  const pad = (range.hi - range.lo) * fraction;
  return { lo: range.lo - pad, hi: range.hi + pad };
}

/** The smallest range that holds both, with a drawable span. */
export function unionRange(a: Range, b: Range): Range {
  return finiteRange([[a.lo, a.hi, b.lo, b.hi]]);
}

/** Quantile `q` of ascending `sorted` values, interpolated linearly; NaN for no values. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const at = q * (sorted.length - 1);
  const k = Math.floor(at);
  return k + 1 < sorted.length ? sorted[k] + (at - k) * (sorted[k + 1] - sorted[k]) : sorted[k];
}

/** The finite values of `values`, ascending. */
export function sortedFinite(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(Array.prototype.filter.call(values, Number.isFinite) as number[]).sort();
}

function tickLabel(t: number, decimals: number): string {
  return Math.abs(t) >= 1e5 || decimals > 4 ? formatNumber(t, 3) : t.toFixed(decimals);
}

export interface AxesOptions {
  /** Label the ticks on the bottom / left edge (tick marks are always drawn). */
  xTickLabels?: boolean;
  yTickLabels?: boolean;
  /** Skip the y ticks entirely, e.g. for a histogram whose heights are relative. */
  noYTicks?: boolean;
  xLabel?: string;
  yLabel?: string;
  /** Light grid lines at the ticks. */
  grid?: boolean;
  /** About how many ticks per axis (default 4). */
  ticks?: number;
  /**
   * Align tick labels that fall on the frame's ends inwards, so labels of panels side by side (a pair plot)
   * do not run into each other.
   */
  insetEndLabels?: boolean;
}

/** The frame, ticks, tick labels and axis labels of a panel. */
export function axes(panel: Panel, opts: AxesOptions = {}): string {
  const { x, y, w, h } = panel.box;
  const out: string[] = [];
  const target = opts.ticks ?? 4;
  const xt = ticksNear(panel.x, target);
  for (const t of xt.ticks) {
    const px = toPx(panel, t);
    if (opts.grid) out.push(line(px, y, px, y + h, '#e8e8e8'));
    out.push(line(px, y + h, px, y + h + 4, '#444'));
    if (opts.xTickLabels) {
      const anchor = !opts.insetEndLabels ? 'middle' : px < x + 1 ? 'start' : px > x + w - 1 ? 'end' : 'middle';
      out.push(text(px, y + h + 15, tickLabel(t, xt.decimals), ` text-anchor="${anchor}"`));
    }
  }
  if (!opts.noYTicks) {
    const yt = ticksNear(panel.y, target);
    for (const t of yt.ticks) {
      const py = toPy(panel, t);
      if (opts.grid) out.push(line(x, py, x + w, py, '#e8e8e8'));
      out.push(line(x - 4, py, x, py, '#444'));
      if (opts.yTickLabels) {
        const baseline = !opts.insetEndLabels ? 'middle' : py < y + 1 ? 'hanging' : py > y + h - 1 ? 'auto' : 'middle';
        out.push(text(x - 6, py, tickLabel(t, yt.decimals), ` text-anchor="end" dominant-baseline="${baseline}"`));
      }
    }
  }
  out.push(`<rect x="${coord(x)}" y="${coord(y)}" width="${coord(w)}" height="${coord(h)}" fill="none" stroke="#444"/>`);
  if (opts.xLabel) out.push(text(x + w / 2, y + h + (opts.xTickLabels ? 32 : 18), opts.xLabel, ' text-anchor="middle"'));
  if (opts.yLabel) {
    const lx = x - (opts.yTickLabels ? 48 : 14);
    const cy = y + h / 2;
    out.push(text(lx, cy, opts.yLabel, ` text-anchor="middle" transform="rotate(-90 ${coord(lx)} ${coord(cy)})"`));
  }
  return out.join('');
}

/** A clip path named `id` that cuts drawing to `box`; use it as `clip-path="url(#id)"`. */
export function clipPath(id: string, box: Box): string {
  return (
    `<clipPath id="${escapeXml(id)}"><rect x="${coord(box.x)}" y="${coord(box.y)}" ` +
    `width="${coord(box.w)}" height="${coord(box.h)}"/></clipPath>`
  );
}

/** Counts of `values` in `bins` equal bins over `range`; the top edge belongs to the last bin. */
export function histogram(values: ArrayLike<number>, range: Range, bins: number): { counts: number[]; outside: number } {
  const counts = new Array<number>(bins).fill(0);
  let outside = 0;
  const scale = bins / (range.hi - range.lo);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!(v >= range.lo && v <= range.hi)) {
      outside++; // also NaN, which fails both comparisons
      continue;
    }
    counts[Math.min(bins - 1, Math.floor((v - range.lo) * scale))]++;
  }
  return { counts, outside };
}

/** The data range a histogram panel needs on its y axis: zero to just above the tallest bar. */
export function countRange(counts: readonly number[]): Range {
  return { lo: 0, hi: Math.max(1, ...counts) * 1.08 };
}

/** Histogram bars spanning the panel's x range, as one filled step outline. */
export function histogramBars(panel: Panel, counts: readonly number[], fill: string, attrs = ''): string {
  const width = (panel.x.hi - panel.x.lo) / counts.length;
  const base = toPy(panel, 0);
  let d = `M${coord(toPx(panel, panel.x.lo))} ${coord(base)}`;
  counts.forEach((c, k) => {
    d += `V${coord(toPy(panel, c))}H${coord(toPx(panel, panel.x.lo + (k + 1) * width))}`;
  });
  return `<path d="${d}V${coord(base)}Z" fill="${fill}" stroke="#333" stroke-width="0.6"${attrs}/>`;
}

export interface ScatterPoints {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** One colour per point; points of one colour share a path, in order of first appearance. */
  colour?: ArrayLike<string>;
}

/**
 * Dots at (x[k], y[k]), skipping non-finite ones. Each dot is a zero-length round-capped subpath, about
 * 13 bytes against 40 for a `<circle>`: thousands of points per panel stay cheap.
 */
export function scatter(panel: Panel, points: ScatterPoints, radius = 1.7, attrs = ''): { svg: string; drawn: number } {
  const paths = new Map<string, string[]>();
  let drawn = 0;
  for (let k = 0; k < points.x.length; k++) {
    const x = points.x[k];
    const y = points.y[k];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const colour = points.colour?.[k] ?? '#0072B2';
    let d = paths.get(colour);
    if (d === undefined) paths.set(colour, (d = []));
    d.push(`M${coord(toPx(panel, x))} ${coord(toPy(panel, y))}h0`);
    drawn++;
  }
  const body = [...paths].map(([colour, d]) => `<path d="${d.join('')}" stroke="${colour}"/>`).join('');
  const svg =
    `<g class="points" data-points="${drawn}" fill="none" stroke-width="${coord(2 * radius)}" ` +
    `stroke-linecap="round"${attrs}>${body}</g>`;
  return { svg, drawn };
}

/** A path through (x[k], y[k]) in data coordinates; non-finite points break it into pieces. */
export function linePath(panel: Panel, x: ArrayLike<number>, y: ArrayLike<number>, stroke: string, attrs = ''): string {
  let d = '';
  let pen = 'M';
  for (let k = 0; k < x.length; k++) {
    if (!Number.isFinite(x[k]) || !Number.isFinite(y[k])) {
      pen = 'M';
      continue;
    }
    d += `${pen}${coord(toPx(panel, x[k]))} ${coord(toPy(panel, y[k]))}`;
    pen = 'L';
  }
  return d === '' ? '' : `<path d="${d}" fill="none" stroke="${stroke}"${attrs}/>`;
}

/** A polyline given as [x, y] pairs in data coordinates. */
export function polyline(panel: Panel, points: readonly (readonly [number, number])[], stroke: string, attrs = ''): string {
  return linePath(
    panel,
    points.map((p) => p[0]),
    points.map((p) => p[1]),
    stroke,
    attrs,
  );
}

/** A vertical line across the panel at data abscissa `x`. */
export function vRule(panel: Panel, x: number, stroke: string, attrs = ''): string {
  const px = toPx(panel, x);
  return line(px, panel.box.y, px, panel.box.y + panel.box.h, stroke, attrs);
}

/** A horizontal line across the panel at data ordinate `y`. */
export function hRule(panel: Panel, y: number, stroke: string, attrs = ''): string {
  const py = toPy(panel, y);
  return line(panel.box.x, py, panel.box.x + panel.box.w, py, stroke, attrs);
}

/** A full-height band between data abscissae `x0` and `x1`, cut to the panel. */
export function vBand(panel: Panel, x0: number, x1: number, fill: string, attrs = ''): string {
  const left = Math.max(panel.box.x, Math.min(toPx(panel, x0), toPx(panel, x1)));
  const right = Math.min(panel.box.x + panel.box.w, Math.max(toPx(panel, x0), toPx(panel, x1)));
  if (!(right > left)) return '';
  return (
    `<rect x="${coord(left)}" y="${coord(panel.box.y)}" width="${coord(right - left)}" ` +
    `height="${coord(panel.box.h)}" fill="${fill}"${attrs}/>`
  );
}

/**
 * At most about `maxPoints` of a long series for drawing: per bucket of consecutive points, its lowest and
 * highest, in their original order, so spikes survive where plain striding would skip them.
 */
export function decimate(x: ArrayLike<number>, y: ArrayLike<number>, maxPoints: number): { x: number[]; y: number[] } {
  const n = x.length;
  if (n <= maxPoints) return { x: Array.from(x), y: Array.from(y) };
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const ox: number[] = [];
  const oy: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    let lo = -1;
    let hi = -1;
    let gap = false;
    for (let k = start; k < end; k++) {
      if (!Number.isFinite(y[k]) || !Number.isFinite(x[k])) {
        gap = true;
        continue;
      }
      if (lo < 0 || y[k] < y[lo]) lo = k;
      if (hi < 0 || y[k] > y[hi]) hi = k;
    }
    for (const k of lo < 0 ? [] : lo === hi ? [lo] : [Math.min(lo, hi), Math.max(lo, hi)]) {
      ox.push(x[k]);
      oy.push(y[k]);
    }
    // Keep a break in the line where the bucket held non-finite values.
    if (gap) {
      ox.push(NaN);
      oy.push(NaN);
    }
  }
  return { x: ox, y: oy };
}

/** `count` indices spread evenly over 0 … n − 1 (all of them when n ≤ count): a deterministic subsample. */
export function subsample(n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, k) => k);
  return Array.from({ length: count }, (_, k) => Math.floor((k * n) / count));
}

/** Viridis at nine stops: perceptually uniform, readable in grey and by colour-blind readers. */
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];
/** Colour for values that cannot be placed on the map (NaN, ±∞). */
export const NO_COLOUR = '#aaaaaa';

/**
 * Sequential colour for t in [0, 1] (clamped), quantised to `levels` steps so points of nearly equal value
 * share one SVG path.
 */
export function sequentialColour(t: number, levels = 16): string {
  if (!Number.isFinite(t)) return NO_COLOUR;
  const q = Math.round(Math.min(1, Math.max(0, t)) * (levels - 1)) / (levels - 1);
  const at = q * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(at));
  const f = at - k;
  const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const [a, b] = [rgb(VIRIDIS[k]), rgb(VIRIDIS[k + 1])];
  return '#' + a.map((c, i) => Math.round(c + f * (b[i] - c)).toString(16).padStart(2, '0')).join('');
}

/** A vertical colour bar for {@link sequentialColour} over `range`, labelled at both ends. */
export function colourBar(box: Box, range: Range, label: string, levels = 16): string {
  const out: string[] = [];
  const step = box.h / levels;
  for (let k = 0; k < levels; k++) {
    // Top is the high end, as on a y axis.
    const y = box.y + box.h - (k + 1) * step;
    const fill = sequentialColour(k / (levels - 1), levels);
    out.push(`<rect x="${coord(box.x)}" y="${coord(y)}" width="${coord(box.w)}" height="${coord(step + 0.3)}" fill="${fill}"/>`);
  }
  out.push(`<rect x="${coord(box.x)}" y="${coord(box.y)}" width="${coord(box.w)}" height="${coord(box.h)}" fill="none" stroke="#444"/>`);
  out.push(text(box.x + box.w + 4, box.y + 4, formatNumber(range.hi, 3), ' dominant-baseline="middle"'));
  out.push(text(box.x + box.w + 4, box.y + box.h - 4, formatNumber(range.lo, 3), ' dominant-baseline="middle"'));
  out.push(text(box.x + box.w / 2, box.y - 8, label, ' text-anchor="middle"'));
  return out.join('');
}

/** Opens an inline SVG canvas; close it with `</svg>`. */
export function svgOpen(width: number, height: number, attrs = ''): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${coord(width)}" height="${coord(height)}" ` +
    `viewBox="0 0 ${coord(width)} ${coord(height)}" font-family="sans-serif" font-size="11"${attrs}>`
  );
}
