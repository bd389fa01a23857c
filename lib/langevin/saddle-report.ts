/**
 * The HTML report of the saddle-escape study: one self-contained page (inline CSS and SVG, no scripts, nothing
 * fetched) with the escape times against the barrier in units of T beside Kramers–Langer, the survival curves
 * at each temperature, and the stationary points with their Hessian spectra.
 * @packageDocumentation
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

import { styleElement, table } from '../io/html';
import { axes, formatNumber, line, linePath, Panel, scatter, svgOpen, text, toPx, toPy } from '../io/plots';
import { escapeXml, PALETTE } from '../io/svg';
import { EscapeResult } from './escape';
import { StrictSaddleReport } from './stationary';

/** What the report shows. */
export interface SaddleReportInput {
  escape: EscapeResult;
  stationary: StrictSaddleReport;
  /** ΔU/T of each row. */
  ratios: number[];
  settings: Record<string, string | number>;
}

/** This report's own classes; the rest is the shared sheet. */
const OWN_STYLE = `
.summary { display: flex; flex-wrap: wrap; gap: 2.5em; }
.yes { color: #007a3d; font-weight: bold; } .no { color: #b00020; font-weight: bold; }
`;


const vec = (v: ArrayLike<number>, digits = 5) => `(${Array.from(v, (x) => formatNumber(x, digits)).join(', ')})`;

/** log₁₀ of the escape time against ΔU/T: measured means with ±1 s.e. bars, and the Kramers–Langer line. */
function arrheniusPlot(input: SaddleReportInput): string {
  const { rows, kramers } = input.escape;
  const x = input.ratios;
  const lo = Math.min(...x) - 0.3;
  const hi = Math.max(...x) + 0.3;
  const kl = (r: number) => Math.log10(1 / kramers.prefactor) + r * Math.LOG10E;
  const ys = rows.flatMap((r, k) => [Math.log10(r.mfpt + r.standardError), Math.log10(Math.max(r.mfpt - r.standardError, 1e-12)), kl(x[k])]);
  const panel: Panel = { box: { x: 70, y: 20, w: 520, h: 300 }, x: { lo, hi }, y: { lo: Math.min(...ys) - 0.1, hi: Math.max(...ys) + 0.1 } };
  const dense = Array.from({ length: 50 }, (_, i) => lo + ((hi - lo) * i) / 49);
  const bars = rows
    .map((r, k) => line(toPx(panel, x[k]), toPy(panel, Math.log10(r.mfpt + r.standardError)), toPx(panel, x[k]), toPy(panel, Math.log10(Math.max(r.mfpt - r.standardError, 1e-12))), PALETTE[1], ' stroke-width="1.5"'))
    .join('');
  const svg = [
    svgOpen(780, 370),
    axes(panel, { xTickLabels: true, yTickLabels: true, grid: true, xLabel: 'barrier in units of T, ΔU/T', yLabel: 'log₁₀ mean first-passage time' }),
    linePath(panel, dense, dense.map(kl), PALETTE[0], ' stroke-width="1.5"'),
    bars,
    scatter(panel, { x, y: rows.map((r) => Math.log10(r.mfpt)), colour: rows.map(() => PALETTE[1]) }, 3.5).svg,
    line(610, 40, 635, 40, PALETTE[0], ' stroke-width="2"'),
    text(642, 44, 'Kramers–Langer 1/k'),
    line(610, 62, 635, 62, PALETTE[1], ' stroke-width="6" stroke-linecap="round" stroke-dasharray="0.1 25"'),
    text(642, 66, 'Langevin MFPT ± s.e.'),
    '</svg>',
  ].join('');
  return `<figure>${svg}<figcaption>Mean first-passage time from the minimum into the target basin (censored at the horizon, maximum-likelihood exponential mean) against the barrier ΔU = ${formatNumber(kramers.barrier, 8)} in units of T; the line is the overdamped Kramers–Langer time 1/k.</figcaption></figure>`;
}

/** The fraction of paths not yet arrived against t·k, at each temperature, beside e^{−kt}. */
function survivalPlot(input: SaddleReportInput): string {
  const { rows } = input.escape;
  const xmax = Math.max(...rows.map((r) => r.horizon / r.kramersTime));
  const panel: Panel = { box: { x: 70, y: 20, w: 520, h: 300 }, x: { lo: 0, hi: xmax }, y: { lo: -3, hi: 0.05 } };
  const out = [svgOpen(780, 370), axes(panel, { xTickLabels: true, yTickLabels: true, grid: true, xLabel: 'time in units of the Kramers–Langer time, t·k', yLabel: 'log₁₀ fraction not yet arrived' })];
  out.push(linePath(panel, [0, xmax], [0, -xmax * Math.LOG10E], '#000', ' stroke-dasharray="4 3"'));
  rows.forEach((r, k) => {
    const t = Array.from(r.times).filter(Number.isFinite).sort((a, b) => a - b);
    const xs: number[] = [];
    const ys: number[] = [];
    t.forEach((v, i) => {
      const left = 1 - (i + 1) / r.paths;
      if (left <= 0) return;
      xs.push(v / r.kramersTime);
      ys.push(Math.max(Math.log10(left), -3));
    });
    const colour = PALETTE[(k + 1) % PALETTE.length];
    out.push(linePath(panel, xs, ys, colour, ' stroke-width="1.5"'));
    out.push(line(610, 40 + 20 * k, 635, 40 + 20 * k, colour, ' stroke-width="2"'), text(642, 44 + 20 * k, `ΔU/T = ${formatNumber(input.ratios[k], 3)}`));
  });
  out.push(line(610, 40 + 20 * rows.length, 635, 40 + 20 * rows.length, '#000', ' stroke-dasharray="4 3"'), text(642, 44 + 20 * rows.length, 'e^(−kt)'), '</svg>');
  return `<figure>${out.join('')}<figcaption>Survival: the fraction of paths still outside the target basin. Escape over a high barrier is a Poisson process, a straight line of slope −k·log₁₀e when the rate is Kramers–Langer's (dashed).</figcaption></figure>`;
}

/** The report as one HTML string; all text is escaped. */
export function renderSaddleReport(input: SaddleReportInput): string {
  const { rows, kramers } = input.escape;
  const escapeRows = rows.map((r, k) => [
    formatNumber(input.ratios[k], 4), formatNumber(r.temperature, 5), `${formatNumber(r.mfpt, 5)} ± ${formatNumber(r.standardError, 2)}`,
    formatNumber(r.kramersTime, 5), formatNumber(r.mfpt / r.kramersTime, 4), formatNumber(r.escapeProbability, 4), formatNumber(r.horizon, 4),
  ]);
  const pointRows = input.stationary.points.map((p) => [vec(p.point), formatNumber(p.energy, 8), vec(p.eigenvalues), String(p.index), escapeXml(p.kind)]);
  const settings = Object.entries(input.settings).map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(String(v))}</td></tr>`).join('');
  const rate = [
    ['barrier ΔU', formatNumber(kramers.barrier, 8)],
    ['λ⁻ at the saddle', formatNumber(kramers.unstable, 6)],
    ['prefactor b|λ⁻|/2π·√(det H_min/|det H_s|)', formatNumber(kramers.prefactor, 6)],
    ['strict-saddle property', input.stationary.holds ? '<span class="yes">holds</span>' : '<span class="no">fails</span>'],
  ].map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>Müller–Brown saddle escape</title>${styleElement(OWN_STYLE)}</head>`,
    '<body>',
    '<header><h1>Müller–Brown saddle escape</h1><p>Overdamped Langevin dynamics dθ = −∇U dt + √(2T) dW from the minimum near (−0.050, 0.467) into the basin of the minimum near (0.623, 0.028), over the saddle near (0.212, 0.293).</p></header>',
    `<section class="summary"><div><h2>Kramers–Langer</h2><table><tbody>${rate}</tbody></table></div><div><h2>Settings</h2><table><tbody>${settings}</tbody></table></div></section>`,
    `<section><h2>Escape time against temperature</h2>${arrheniusPlot(input)}</section>`,
    `<section><h2>Escape times per temperature</h2>${table(['ΔU/T', 'T', 'MFPT ± s.e.', 'Kramers–Langer 1/k', 'MFPT·k', 'escape probability by the horizon', 'horizon'], escapeRows)}</section>`,
    `<section><h2>Survival</h2>${survivalPlot(input)}</section>`,
    `<section><h2>Stationary points</h2>${table(['point', 'U', 'Hessian eigenvalues', 'index', 'kind'], pointRows)}</section>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Renders the report and writes it to `file`, creating the folder if needed. */
export async function writeSaddleReport(file: string, input: SaddleReportInput): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, renderSaddleReport(input), 'utf8');
}
