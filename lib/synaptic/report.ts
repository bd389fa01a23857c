/**
 * The HTML report of a noise study on the synaptic-sampling network: per variant of the model (potential,
 * noise prefactor, N, …), the learning curves of each noise mode (mean over runs), each mode's final
 * accuracies and the paired differences between modes with their confidence intervals. One self-contained
 * page: inline CSS and SVG, no scripts.
 * @packageDocumentation
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

import { chart } from '../io/chart';
import { styleElement, table } from '../io/html';
import { escapeXml, PALETTE } from '../io/svg';
import { NoiseComparison } from './compare';
import { NoiseMode } from './options';
import { MeanCi } from './stats';

/** One model variant's comparison, with the label the report gives it. */
export interface ReportVariant {
  label: string;
  comparison: NoiseComparison;
}

const MODE_NAMES: Record<NoiseMode, string> = { none: 'no noise', standard: 'standard √(2b)·dW', weight: 'Eq. 3, weight-dependent' };

const STYLE = '.yes { color: #007a3d; font-weight: bold; } .no { color: #b00020; font-weight: bold; }';

/** A fraction as percent to 0.1, without a '-0.0'; '–' for a non-finite value. */
export function pct(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const s = (100 * v).toFixed(1);
  return s === '-0.0' ? '0.0' : s;
}

function meanSd(m: MeanCi): string {
  return `${pct(m.mean)} ± ${pct(m.sd)}`;
}

function interval(m: MeanCi): string {
  return `[${pct(m.ci[0])}, ${pct(m.ci[1])}]`;
}

/** Whether an interval excludes zero, and which way. */
function verdict(m: MeanCi): string {
  if (!(m.ci[0] > 0 || m.ci[1] < 0)) return 'no clear difference';
  return m.ci[0] > 0 ? '<span class="yes">higher</span>' : '<span class="no">lower</span>';
}


function meanCurve(values: Float64Array, runs: number, points: number): Float64Array {
  return Float64Array.from({ length: points }, (_, k) => {
    let s = 0, n = 0;
    for (let r = 0; r < runs; r++) {
      const v = values[r * points + k];
      if (Number.isFinite(v)) {
        s += v;
        n++;
      }
    }
    return n > 0 ? (100 * s) / n : NaN;
  });
}

function curves(c: NoiseComparison): string {
  const first = c.results[c.modes[0]];
  if (first === undefined) return '';
  const x = Array.from(first.curveTime, (t) => t / 60);
  const series = c.modes.flatMap((m, k) => {
    const r = c.results[m];
    if (r === undefined) return [];
    const points = r.curveSamples.length, colour = PALETTE[k % PALETTE.length];
    return [
      { label: `test, ${m}`, x, y: meanCurve(r.testAccuracy, r.runs, points), colour },
      { label: `train, ${m}`, x, y: meanCurve(r.trainAccuracy, r.runs, points), colour, attrs: ' stroke-dasharray="5 3"' },
    ];
  });
  const svg = chart({ series, xLabel: 'simulated training time (min)', yLabel: 'accuracy (%)', width: 900, height: 420 });
  return `<figure>${svg}<figcaption>Mean over ${first.runs} runs: held-out accuracy of the frozen network (test, solid) and online accuracy since the previous point (train, dashed).</figcaption></figure>`;
}

function variantSection(v: ReportVariant): string {
  const c = v.comparison;
  const summary = table(
    ['noise', 'test accuracy (%) mean ± sd', `${Math.round(100 * (c.summary[0]?.test.level ?? 0.95))}% CI`, 'train accuracy (%)', 'CI'],
    c.summary.map((s) => [escapeXml(MODE_NAMES[s.mode]), meanSd(s.test), interval(s.test), meanSd(s.train), interval(s.train)]),
  );
  const paired = table(
    ['difference', 'test (points)', 'CI', 'verdict', 'train (points)', 'CI', 'verdict'],
    c.paired.map((p) => [
      `${escapeXml(p.a)} − ${escapeXml(p.b)}`,
      meanSd(p.test), interval(p.test), verdict(p.test),
      meanSd(p.train), interval(p.train), verdict(p.train),
    ]),
  );
  return `<section><h2>${escapeXml(v.label)}</h2>${curves(c)}${summary}<p>Paired differences over the same runs (same clusters, inputs and spikes):</p>${paired}</section>`;
}

/** The report as one HTML string; `notes` are paragraphs of plain text placed under the title. */
export function renderNoiseReport(title: string, variants: ReportVariant[], notes: string[] = []): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${escapeXml(title)}</title>${styleElement(STYLE)}</head>`,
    '<body>',
    `<h1>${escapeXml(title)}</h1>`,
    ...notes.map((n) => `<p>${escapeXml(n)}</p>`),
    ...variants.map(variantSection),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Renders the report and writes it to `file`, creating the folder if needed. */
export async function writeNoiseReport(file: string, title: string, variants: ReportVariant[], notes: string[] = []): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, renderNoiseReport(title, variants, notes), 'utf8');
}
