/**
 * The `sloppy spectrum` report: one self-contained HTML page (inline CSS and SVG, no scripts) with, for one
 * system, the density of log₁₀ eigenvalues of −∂²F, the seed's corresponding figure redrawn from the
 * computed numbers, and notes on what was measured.
 * @packageDocumentation
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

import { styleElement } from '../io/html';
import { histogram } from '../io/plots';
import { escapeXml, renderLinePlot } from '../io/svg';

/** A named spectrum (eigenvalues of −∂²F, descending). */
export interface NamedSpectrum {
  name: string;
  values: Float64Array;
}

/** A figure: shared abscissa, one line per series (non-finite values leave gaps). */
export interface ReportFigure {
  caption: string;
  x: ArrayLike<number>;
  series: { name: string; values: ArrayLike<number> }[];
  xLabel: string;
  yLabel: string;
}

/** What the report shows. */
export interface SpectrumReport {
  title: string;
  /** Spectra whose log-density is drawn; non-positive eigenvalues are counted, not drawn. */
  spectra: NamedSpectrum[];
  figures: ReportFigure[];
  /** Measured facts and caveats, one per line. */
  notes: string[];
}

const STYLE = 'li { margin: 0.2em 0; }';

/** The density of log₁₀ λ over the positive eigenvalues of each spectrum, 40 bins over their common range. */
export function densityFigure(
  spectra: NamedSpectrum[],
  caption = 'Density of log₁₀ eigenvalues of −∂²F (fraction of positive eigenvalues per bin).',
): ReportFigure {
  const logs = spectra.map((s) => Array.from(s.values).filter((v) => v > 0).map(Math.log10));
  const all = logs.flat();
  const lo = Math.floor(Math.min(...all));
  const range = { lo, hi: Math.max(lo + 1, Math.ceil(Math.max(...all))) };
  const bins = 40;
  const width = (range.hi - lo) / bins;
  return {
    caption,
    x: Array.from({ length: bins }, (_, i) => lo + (i + 0.5) * width),
    series: logs.map((l, k) => ({
      name: spectra[k].name,
      values: histogram(l, range, bins).counts.map((c) => c / l.length),
    })),
    xLabel: 'log₁₀ λ',
    yLabel: 'fraction',
  };
}

/** The eigenvalues by rank on a log axis, the form of Figs 2C, 3C, 4B/C. */
export function rankFigure(caption: string, spectra: NamedSpectrum[], normalise = false): ReportFigure {
  const length = Math.max(...spectra.map((s) => s.values.length));
  return {
    caption,
    x: Array.from({ length }, (_, i) => i + 1),
    series: spectra.map((s) => ({
      name: s.name,
      values: Array.from({ length }, (_, i) => {
        const v = s.values[i];
        return v !== undefined && v > 0 ? Math.log10(normalise ? v / s.values[0] : v) : NaN;
      }),
    })),
    xLabel: 'rank',
    yLabel: normalise ? 'log₁₀ λ/λ_max' : 'log₁₀ λ',
  };
}

function figure(f: ReportFigure): string {
  const svg = renderLinePlot({ x: f.x, series: f.series, xLabel: f.xLabel, yLabel: f.yLabel, width: 760, height: 380 });
  return `<figure>${svg}<figcaption>${escapeXml(f.caption)}</figcaption></figure>`;
}

/** The page as an HTML string; all text is escaped. */
export function renderSpectrumReport(report: SpectrumReport): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${escapeXml(report.title)}</title>${styleElement(STYLE)}</head>`,
    `<body><h1>${escapeXml(report.title)}</h1>`,
    `<section><h2>Measured</h2><ul>${report.notes.map((n) => `<li>${escapeXml(n)}</li>`).join('')}</ul></section>`,
    `<section><h2>The seed's figure</h2>${report.figures.map(figure).join('\n')}</section>`,
    `<section><h2>Log-eigenvalue density</h2>${figure(densityFigure(report.spectra))}</section>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** Renders the report and writes it to `file`, creating the folder. */
export async function writeSpectrumReport(file: string, report: SpectrumReport): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, renderSpectrumReport(report), 'utf8');
}
