/**
 * The robustness report: one self-contained HTML page (inline CSS and SVG, no scripts) with the break
 * distance of every direction against its curvature on log-log axes beside the quadratic prediction
 * √(2τ/λ), the table of profiles, and the springs-back distances and return times.
 * @packageDocumentation
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

import { Box, coord, formatNumber, line, linePath, Panel, scatter, svgOpen, text, toPx, toPy } from '../io/plots';
import { escapeXml, PALETTE, Range } from '../io/svg';
import type { DirectionProfile, RayResult, RobustnessProfile } from './profile';
import type { SpringsBackResult } from './springs';
import { styleElement, table } from '../io/html';

/** What the report shows. */
export interface RobustnessReportInput {
  title: string;
  profile: RobustnessProfile;
  /** Targets and tolerances of the property, when the profile is a model's. */
  property?: { stats: string[]; mean: number[]; tolerance: number[] };
  /** Springs-back measurement, or why there is none. */
  springs?: SpringsBackResult;
  springsNote?: string;
  settings: Record<string, string | number | boolean>;
}



/** A table of plain-text cells. */
function plainTable(head: string[], rows: string[][]): string {
  return table(head, rows.map((r) => r.map(escapeXml)));
}

function decadeRange(values: number[]): Range {
  const logs = values.filter((v) => v > 0 && Number.isFinite(v)).map(Math.log10);
  if (logs.length === 0) return { lo: -1, hi: 1 };
  const lo = Math.floor(Math.min(...logs) - 0.1);
  const hi = Math.ceil(Math.max(...logs) + 0.1);
  return lo === hi ? { lo: lo - 1, hi: hi + 1 } : { lo, hi };
}

/** Frame and ticks of a panel whose axes hold log10 values (`logX`, `logY`), labelled at whole decades. */
function logAxes(panel: Panel, xLabel: string, yLabel: string, logX: boolean): string {
  const { x, y, w, h } = panel.box;
  const out: string[] = [];
  const xStep = logX ? 1 : niceStep(panel.x.hi - panel.x.lo);
  for (let k = Math.ceil(panel.x.lo / xStep); k * xStep <= panel.x.hi + 1e-9; k++) {
    const v = k * xStep;
    const px = toPx(panel, v);
    out.push(line(px, y, px, y + h, '#eee'), line(px, y + h, px, y + h + 4, '#444'));
    out.push(text(px, y + h + 15, logX ? formatNumber(10 ** v, 2) : formatNumber(v, 3), ' text-anchor="middle"'));
  }
  for (let k = Math.ceil(panel.y.lo); k <= panel.y.hi; k++) {
    const py = toPy(panel, k);
    out.push(line(x, py, x + w, py, '#eee'), line(x - 4, py, x, py, '#444'));
    out.push(text(x - 6, py, formatNumber(10 ** k, 2), ' text-anchor="end" dominant-baseline="middle"'));
  }
  out.push(`<rect x="${coord(x)}" y="${coord(y)}" width="${coord(w)}" height="${coord(h)}" fill="none" stroke="#444"/>`);
  out.push(text(x + w / 2, y + h + 34, xLabel, ' text-anchor="middle"'));
  const cy = y + h / 2;
  out.push(text(x - 50, cy, yLabel, ` text-anchor="middle" transform="rotate(-90 ${coord(x - 50)} ${coord(cy)})"`));
  return out.join('');
}

function niceStep(span: number): number {
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
}

/** Directions drawn on the log-log plot: positive curvature, well above rounding of the largest. */
function plotted(p: RobustnessProfile): DirectionProfile[] {
  const top = Math.max(0, ...p.directions.map((d) => d.curvature));
  return p.directions.filter((d) => d.curvature > 1e-12 * top && d.curvature > 0);
}

function breakPlot(p: RobustnessProfile): string {
  const ds = plotted(p);
  const W = 720;
  const H = 440;
  const box: Box = { x: 80, y: 20, w: 600, h: 360 };
  const lambdas = ds.map((d) => d.curvature);
  const dists = ds.flatMap((d) => [d.plus.distance, d.minus.distance, d.predicted]);
  const panel: Panel = { box, x: decadeRange(lambdas), y: decadeRange(dists) };
  const out = [svgOpen(W, H), logAxes(panel, `curvature λ = uᵀCu (${p.curvatureKind})`, 'break distance', true)];
  // The prediction √(2τ/λ) is a straight line of slope −½ in log-log.
  const xs = [panel.x.lo, panel.x.hi];
  const ys = xs.map((lx) => 0.5 * Math.log10(2 * p.threshold) - 0.5 * lx);
  out.push(`<g clip-path="url(#plotbox)"><clipPath id="plotbox"><rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}"/></clipPath>`);
  out.push(linePath(panel, xs, ys, '#444', ' stroke-dasharray="5 4"'), '</g>');
  const series = (pick: (d: DirectionProfile) => RayResult, colour: string) => {
    const shown = ds.filter((d) => pick(d).distance > 0);
    return scatter(panel, {
      x: shown.map((d) => Math.log10(d.curvature)),
      y: shown.map((d) => Math.log10(pick(d).distance)),
      colour: shown.map((d) => (pick(d).status === 'broken' ? colour : '#aaaaaa')),
    }, 3.2).svg;
  };
  out.push(series((d) => d.plus, PALETTE[0]), series((d) => d.minus, PALETTE[1]));
  out.push(line(box.x + 10, H - 14, box.x + 30, H - 14, '#444', ' stroke-dasharray="5 4"'));
  out.push(text(box.x + 35, H - 10, `√(2τ/λ), τ = ${formatNumber(p.threshold)}`));
  out.push(`<circle cx="${box.x + 200}" cy="${H - 14}" r="3.2" fill="${PALETTE[0]}"/>`, text(box.x + 208, H - 10, '+ push'));
  out.push(`<circle cx="${box.x + 280}" cy="${H - 14}" r="3.2" fill="${PALETTE[1]}"/>`, text(box.x + 288, H - 10, '− push'));
  out.push(`<circle cx="${box.x + 360}" cy="${H - 14}" r="3.2" fill="#aaaaaa"/>`, text(box.x + 368, H - 10, 'held to the bound / max distance'));
  out.push('</svg>');
  const left = p.directions.length - ds.length;
  const caption =
    `Break distance of each direction against its curvature, both signs. ${ds.length} direction(s) plotted` +
    (left > 0 ? `; ${left} with zero curvature (numerically) are only in the table.` : '.');
  return `<figure>${out.join('')}<figcaption>${escapeXml(caption)}</figcaption></figure>`;
}

function ray(r: RayResult): string {
  const d = formatNumber(r.distance, 5);
  return r.status === 'broken' ? `${d} (${r.breaks})` : `≥ ${d} (${r.status})`;
}

function profileTable(p: RobustnessProfile): string {
  return plainTable(
    ['direction', 'source eigenvalue', 'λ = uᵀCu', '√(2τ/λ)', '+ push', '− push', 'u'],
    p.directions.map((d) => [
      d.name,
      d.eigenvalue === undefined ? '' : formatNumber(d.eigenvalue, 4),
      formatNumber(d.curvature, 4),
      formatNumber(d.predicted, 4),
      ray(d.plus),
      ray(d.minus),
      `[${Array.from(d.vector, (v) => formatNumber(v, 3)).join(', ')}]`,
    ]),
  );
}

function springsPlot(s: SpringsBackResult): string {
  const W = 720;
  const H = 400;
  const box: Box = { x: 80, y: 20, w: 600, h: 320 };
  const n = s.returns.length;
  const all = Array.from(s.distances).filter((v) => v > 0);
  const y = decadeRange([...all, s.tolerance]);
  const panel: Panel = { box, x: { lo: 0, hi: s.horizon || 1 }, y };
  const out = [svgOpen(W, H), logAxes(panel, 'time', 'distance to the attractor', false)];
  const time = Array.from({ length: s.recorded }, (_, k) => k * s.sampleInterval);
  for (let i = 0; i < n; ++i) {
    const d = s.distances.subarray(i * s.recorded, (i + 1) * s.recorded);
    const ly = Array.from(d, (v) => (v > 0 ? Math.max(y.lo, Math.log10(v)) : y.lo));
    out.push(linePath(panel, time, ly, PALETTE[i % PALETTE.length], ' stroke-width="1.3"'));
  }
  out.push(line(box.x, toPy(panel, Math.log10(s.tolerance)), box.x + box.w, toPy(panel, Math.log10(s.tolerance)), '#444', ' stroke-dasharray="5 4"'));
  out.push('</svg>');
  return `<figure>${out.join('')}<figcaption>${escapeXml(
    `Distance of the ${s.noiseFree ? 'noise-free state' : `trial-mean state (${s.trials} trial(s))`} to ${s.attractorDescription}, after each push; dashed: the tolerance ${formatNumber(s.tolerance)}.`,
  )}</figcaption></figure>`;
}

function springsSection(input: RobustnessReportInput): string {
  const s = input.springs;
  if (!s) return `<p>${escapeXml(input.springsNote ?? 'Not measured.')}</p>`;
  const rows = s.returns.map((r) => [
    `[${Array.from(s.directions[r.direction], (v) => formatNumber(v, 3)).join(', ')}]`,
    formatNumber(r.amount),
    r.returned ? formatNumber(r.returnTime, 5) : `> ${formatNumber(s.horizon)} (not back)`,
    r.returned ? formatNumber(r.rate, 4) : '',
  ]);
  return (
    `<p>State ${escapeXml(s.stateNames.join(', '))}; parameters [${Array.from(s.z, (v) => formatNumber(v, 5)).join(', ')}]; ` +
    `attractor [${Array.from(s.attractor, (v) => formatNumber(v)).join(', ')}].</p>` +
    springsPlot(s) +
    plainTable(['push direction', 'amount', 'return time', 'ln(amount/tol)/time'], rows) +
    (input.springsNote ? `<p>${escapeXml(input.springsNote)}</p>` : '')
  );
}

/** The report page as one self-contained HTML string; all text from the input is escaped. */
export function renderRobustnessReport(input: RobustnessReportInput): string {
  const p = input.profile;
  const head = plainTable(['parameter', 'θ₀'], p.paramNames.map((name, i) => [name, formatNumber(p.z0[i], 6)]));
  const prop = input.property
    ? plainTable(['statistic', 'target', 'tolerance'], input.property.stats.map((s, k) => [s, formatNumber(input.property!.mean[k]), formatNumber(input.property!.tolerance[k])]))
    : '';
  const settings = plainTable(['setting', 'value'], Object.entries(input.settings).map(([k, v]) => [k, String(v)]));
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${escapeXml(input.title)}</title>${styleElement()}</head>`,
    '<body>',
    `<h1>${escapeXml(input.title)}</h1>`,
    `<section><h2>Base point and criterion</h2>${head}${prop}${settings}</section>`,
    `<section><h2>Break distance against curvature</h2>${breakPlot(p)}${profileTable(p)}</section>`,
    `<section><h2>Springs back</h2>${springsSection(input)}</section>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Renders the report and writes it to `file`, creating the folder if needed. */
export async function writeRobustnessReport(file: string, input: RobustnessReportInput): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, renderRobustnessReport(input), 'utf8');
}
