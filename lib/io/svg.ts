/**
 * A small dependency-free SVG line plot: several named series against one abscissa, with ticked axes and
 * a legend. Enough for demos and reports to show trajectories without a plotting stack.
 * @packageDocumentation
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

import { SloppyError } from '../errors';

export interface PlotSeries {
  name: string;
  /** One value per abscissa point; non-finite values leave a gap in the line. */
  values: ArrayLike<number>;
}

export interface LinePlot {
  /** The shared abscissa, increasing. */
  x: ArrayLike<number>;
  series: PlotSeries[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Canvas size in px (default 800 × 450). */
  width?: number;
  height?: number;
}

/** Colour-blind-safe qualitative palette (Okabe–Ito), reused cyclically. */
export const PALETTE: readonly string[] = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];
const MARGIN = { left: 70, right: 150, top: 40, bottom: 55 };
const TARGET_TICKS = 6;

/** A closed interval of data values. */
export interface Range {
  lo: number;
  hi: number;
}

/** Escapes text for XML and HTML content and attribute values alike. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The span of the finite values in `arrays`, widened when flat; [0, 1] when there are none. */
export function finiteRange(arrays: ArrayLike<number>[]): Range {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  if (lo > hi) return { lo: 0, hi: 1 };
  // A flat series still needs a drawable span; widen it symmetrically.
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return { lo: lo - pad, hi: hi + pad };
  }
  return { lo, hi };
}

/** Tick positions at 1, 2 or 5 × 10^k, about TARGET_TICKS of them, and the decimals they need. */
export function niceTicks(range: Range): { ticks: number[]; decimals: number } {
  return ticksNear(range, TARGET_TICKS);
}

/** Like {@link niceTicks}, for about `target` ticks: small panels need fewer labels than a full plot. */
export function ticksNear(range: Range, target: number): { ticks: number[]; decimals: number } {
  const raw = (range.hi - range.lo) / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10]
    .map((m) => m * magnitude)
    .reduce((best, s) => (Math.abs(Math.log(s / raw)) < Math.abs(Math.log(best / raw)) ? s : best));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks: number[] = [];
  // Integer multiples of the step, so labels carry no accumulated rounding.
  for (let k = Math.ceil(range.lo / step - 1e-9); k * step <= range.hi + step * 1e-9; k++) ticks.push(k * step);
  return { ticks, decimals };
}

/** Renders the plot as a standalone SVG document. */
export function renderLinePlot(plot: LinePlot): string {
  const width = plot.width ?? 800;
  const height = plot.height ?? 450;
  const inner = { w: width - MARGIN.left - MARGIN.right, h: height - MARGIN.top - MARGIN.bottom };
  for (const s of plot.series) {
    if (s.values.length !== plot.x.length) {
      throw new SloppyError(
        'ERR_INVALID_ARG_VALUE',
        `series '${s.name}' has ${s.values.length} values; the abscissa has ${plot.x.length}`,
      );
    }
  }
  const xr = finiteRange([plot.x]);
  const yr = finiteRange(plot.series.map((s) => s.values));
  const px = (v: number) => MARGIN.left + ((v - xr.lo) / (xr.hi - xr.lo)) * inner.w;
  const py = (v: number) => MARGIN.top + (1 - (v - yr.lo) / (yr.hi - yr.lo)) * inner.h;
  const f = (v: number) => v.toFixed(2);
  const text = (x: number, y: number, content: string, attrs = '') =>
    `<text x="${f(x)}" y="${f(y)}"${attrs}>${escapeXml(content)}</text>`;
  const line = (x1: number, y1: number, x2: number, y2: number, stroke: string, attrs = '') =>
    `<line x1="${f(x1)}" y1="${f(y1)}" x2="${f(x2)}" y2="${f(y2)}" stroke="${stroke}"${attrs}/>`;

  const left = MARGIN.left;
  const right = MARGIN.left + inner.w;
  const top = MARGIN.top;
  const bottom = MARGIN.top + inner.h;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  if (plot.title) out.push(text((left + right) / 2, 22, plot.title, ' text-anchor="middle" font-size="15"'));

  const xt = niceTicks(xr);
  for (const t of xt.ticks) {
    const x = px(t);
    out.push(line(x, top, x, bottom, '#e5e5e5'), line(x, bottom, x, bottom + 5, 'black'));
    out.push(text(x, bottom + 18, t.toFixed(xt.decimals), ' text-anchor="middle"'));
  }
  const yt = niceTicks(yr);
  for (const t of yt.ticks) {
    const y = py(t);
    out.push(line(left, y, right, y, '#e5e5e5'), line(left - 5, y, left, y, 'black'));
    out.push(text(left - 8, y, t.toFixed(yt.decimals), ' text-anchor="end" dominant-baseline="middle"'));
  }
  out.push(`<rect x="${left}" y="${top}" width="${inner.w}" height="${inner.h}" fill="none" stroke="black"/>`);
  if (plot.xLabel) out.push(text((left + right) / 2, height - 12, plot.xLabel, ' text-anchor="middle"'));
  if (plot.yLabel) {
    const cy = (top + bottom) / 2;
    out.push(text(16, cy, plot.yLabel, ` text-anchor="middle" transform="rotate(-90 16 ${f(cy)})"`));
  }

  plot.series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length];
    let d = '';
    let pen = 'M';
    for (let k = 0; k < s.values.length; k++) {
      const v = s.values[k];
      const x = plot.x[k];
      if (!Number.isFinite(v) || !Number.isFinite(x)) {
        pen = 'M';
        continue;
      }
      d += `${pen}${f(px(x))},${f(py(v))}`;
      pen = 'L';
    }
    out.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.5"/>`);
    const ly = top + 10 + 20 * i;
    out.push(line(right + 15, ly, right + 40, ly, colour, ' stroke-width="2"'));
    out.push(text(right + 47, ly, s.name, ' dominant-baseline="middle"'));
  });
  out.push('</svg>', '');
  return out.join('\n');
}

/** Renders the plot and writes it to `file`, creating the folder if needed. */
export async function writeLinePlot(file: string, plot: LinePlot): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, renderLinePlot(plot), 'utf8');
}
