/**
 * The landscape study's self-contained HTML report: one figure per finding of the paper (Figs. 2–12), each
 * drawn from the study's own numbers, with the counts the paper does not report (collapsed fits, converged
 * bands, Hessians that could not stand for ReLU's) stated beside them.
 * @packageDocumentation
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

import { chart, ChartSeries } from '../io/chart';
import { formatNumber } from '../io/plots';
import { escapeXml, PALETTE } from '../io/svg';
import { Curvature } from './curvature';
import { LandscapeStudy } from './study';
import { styleElement } from '../io/html';


function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${escapeXml(caption)}</figcaption></figure>`;
}

function log10(values: ArrayLike<number>, floor = 1e-16): Float64Array {
  return Float64Array.from(values, (v) => Math.log10(Math.max(v, floor)));
}

function ensembleTable(s: LandscapeStudy): string {
  const rows = s.ensembles.map((e) => {
    const returned = e.basin.returned.filter(Boolean).length;
    const half = e.basin.logistic ? formatNumber(e.basin.logistic.half) : '—';
    return `<tr><td>${e.optimizer}</td><td>${e.loss.length}</td><td>${e.global}</td><td>${e.collapsed} (${((100 * e.collapsed) / e.loss.length).toFixed(1)}%)</td>` +
      `<td>${formatNumber(e.meanLoss)}</td><td>${formatNumber(e.lossOfMean)}</td><td>${returned} / ${e.basin.norms.length}</td><td>${half}</td></tr>`;
  });
  return `<table><thead><tr><th>optimizer</th><th>fits</th><th>loss &lt; 1e-6</th><th>collapsed (constant output)</th>` +
    `<th>mean of MSEs</th><th>MSE of the mean fit</th><th>basin: returned</th><th>noise norm at P = ½</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function spectrumSeries(c: Curvature, label: string, colour: string): ChartSeries[] {
  const P = c.parameters;
  return Array.from({ length: c.count }, (_, n) => ({
    label: n === 0 ? label : undefined,
    x: Float64Array.from({ length: P }, (_, k) => k + 1),
    y: log10(Float64Array.from(c.eigenvalues.subarray(n * P, (n + 1) * P), (v) => Math.abs(v)).reverse(), 1e-18),
    colour,
    dots: true,
  }));
}

function validity(c: Curvature): string {
  const bad = c.reasons.filter((r) => r !== undefined);
  return bad.length === 0
    ? 'every spectrum passed the kink and loss checks'
    : `${bad.length} of ${c.count} spectra could not stand for the ReLU Hessian (e.g. ${bad[0]}); they are the softplus-5000 Hessian's`;
}

/** The report as one HTML string. */
export function renderLandscapeReport(s: LandscapeStudy): string {
  const t = s.teacher;
  const colours = s.ensembles.map((_, k) => PALETTE[k]);
  const sections: string[] = [];
  sections.push(`<section><h2>Ensembles</h2>${ensembleTable(s)}</section>`);
  sections.push(`<section><h2>The teacher and the fits (Figs. 2–4)</h2>${figure(chart({
    title: 'teacher output and the best fit of each optimizer', xLabel: 'x', yLabel: 'f(x)',
    series: [{ label: 'teacher', x: t.x, y: t.y, colour: '#000' },
      ...s.ensembles.map((e, k) => ({ label: `best ${e.optimizer}`, x: t.x, y: e.bestFit, colour: colours[k] }))],
  }), `The ${t.shape.layers} × ${t.shape.units} teacher (sawtooth of ${t.sawtoothPieces} pieces plus a spline) and each optimizer's lowest-loss fit.`)}` +
    s.ensembles.map((e, k) => figure(chart({
      title: `mean fit ± one standard deviation, ${e.optimizer}`, xLabel: 'x', yLabel: 'f(x)',
      series: [{ label: 'teacher', x: t.x, y: t.y, colour: '#bbb' },
        { label: 'mean', x: t.x, y: e.meanFit, colour: colours[k] },
        { x: t.x, y: e.meanFit.map((m, i) => m + e.stdFit[i]), colour: colours[k], attrs: ' stroke-dasharray="4 3"' },
        { x: t.x, y: e.meanFit.map((m, i) => m - e.stdFit[i]), colour: colours[k], attrs: ' stroke-dasharray="4 3"' }],
    }), `Fig. 3: ${e.loss.length} ${e.optimizer} fits.`)).join('') + '</section>');
  sections.push(`<section><h2>Losses (Fig. 5)</h2>${figure(chart({
    title: 'final MSE', xLabel: 'log10 MSE', yLabel: 'fits',
    histograms: s.ensembles.map((e, k) => ({ label: e.optimizer, values: log10(e.loss), colour: colours[k] })),
  }), 'Histograms of the final mean squared errors (log scale; losses below 1e-16 drawn at −16).')}</section>`);
  sections.push(`<section><h2>Distances between symmetrized minima (Figs. 6, 7)</h2>${figure(chart({
    title: 'L2 distance between random pairs of minima', xLabel: 'distance', yLabel: 'pairs',
    histograms: s.ensembles.map((e, k) => ({ label: e.optimizer, values: e.pairDistances, colour: colours[k] })),
  }), 'Fig. 6, after symmetrization (minimum-norm rescaling, units sorted by norm).')}${figure(chart({
    title: 'L2 distance to the symmetrized teacher', xLabel: 'distance', yLabel: 'fits',
    histograms: s.ensembles.map((e, k) => ({ label: e.optimizer, values: e.teacherDistances, colour: colours[k] })),
  }), 'Fig. 7.')}${figure(chart({
    title: 'cosine between directions teacher → minimum, random pairs', xLabel: 'cosine', yLabel: 'pairs',
    histograms: s.ensembles.map((e, k) => ({ label: e.optimizer, values: e.cosines, colour: colours[k] })),
  }), 'The directions from the global minimum to different local minima.')}</section>`);
  if (s.bands.length > 0) {
    const converged = s.bands.filter((b) => b.converged).length;
    sections.push(`<section><h2>Minimum-energy paths (Figs. 8–10)</h2>${figure(chart({
      title: 'NEB profiles from the global minimum', xLabel: 'distance along the path', yLabel: 'MSE',
      series: s.bands.flatMap((b, k) => (b.dense ? [{ x: b.dense.s, y: b.dense.energy, colour: PALETTE[k % PALETTE.length], attrs: ' opacity="0.7"' }] : [])),
    }), `Fig. 8: ${s.bands.length} bands, ${converged} converged within ${s.settings.nebSteps} steps; the loss is drawn densely between images (9 points a segment).`)}` +
      (s.path ? figure(chart({
        title: 'network output along the first path', xLabel: 'x', yLabel: 'f(x)',
        series: Array.from({ length: s.path.s.length }, (_, i) => ({
          x: t.x, y: s.path!.outputs.subarray(i * t.x.length, (i + 1) * t.x.length),
          colour: `hsl(${Math.round((240 * i) / (s.path!.s.length - 1))},70%,45%)`,
        })),
      }), 'Fig. 9: from the global minimum (blue) to the local minimum (red).') + figure(chart({
        title: 'angle between successive difference vectors', xLabel: 'distance along the path', yLabel: 'angle (rad)',
        series: [{ x: s.path.s.subarray(1, s.path.s.length - 1), y: s.path.angles, colour: PALETTE[0] }],
      }), 'Fig. 10.') : '') + '</section>');
  }
  const spectra = [...(s.localCurvature ? spectrumSeries(s.localCurvature, 'local minima', PALETTE[1]) : []),
    ...spectrumSeries(s.globalCurvature, 'global minimum', PALETTE[0])];
  sections.push(`<section><h2>Hessian spectra (Fig. 11)</h2>${figure(chart({
    title: '|eigenvalues| of the Hessian, descending', xLabel: 'index', yLabel: 'log10 |λ|', series: spectra,
  }), `Softplus β = 5000. Global minimum: ${validity(s.globalCurvature)}.` + (s.localCurvature ? ` Local minima: ${validity(s.localCurvature)}.` : '') +
    (s.pathCurvature ? ` Along the first path: ${validity(s.pathCurvature)}.` : ''))}</section>`);
  sections.push(`<section><h2>Basin of the global minimum (Fig. 12)</h2>${s.ensembles.map((e, k) => {
    const lg = e.basin.logistic;
    const grid = Float64Array.from({ length: 101 }, (_, i) => (i / 100) * Math.max(...e.basin.norms));
    const scatterFig = figure(chart({
      title: `retrained from the jittered global minimum, ${e.optimizer}`, xLabel: 'noise L2 norm', yLabel: 'log10 final MSE',
      series: [{ label: 'fits', x: e.basin.norms, y: log10(e.basin.finalLoss), colour: colours[k], dots: true }],
    }), `${e.basin.returned.filter(Boolean).length} of ${e.basin.norms.length} returned to a loss below 1e-6.`);
    const probability = figure(chart({
      title: `probability of return, ${e.optimizer}`, xLabel: 'noise L2 norm', yLabel: 'P(return)', y: { lo: -0.05, hi: 1.05 },
      series: [{ label: 'returned (1) or not (0)', x: e.basin.norms, y: e.basin.returned.map((r) => (r ? 1 : 0)), colour: colours[k], dots: true },
        ...(lg ? [{ label: 'logistic fit', x: grid, y: grid.map((g) => 1 / (1 + Math.exp(-(lg.a + lg.b * g)))), colour: '#000' }] : [])],
    }), lg
      ? `Logistic fit: P = ½ at noise norm ${formatNumber(lg.half)} (a = ${formatNumber(lg.a)}, b = ${formatNumber(lg.b)}).`
      : 'No logistic fit: every network returned, or none did.');
    return scatterFig + probability;
  }).join('')}</section>`);
  return [
    '<!DOCTYPE html>', '<html lang="en">',
    `<head><meta charset="utf-8"><title>sloppy landscape study</title>${styleElement()}</head>`, '<body>',
    `<h1>Energy landscape of a ${t.shape.layers} × ${t.shape.units} ReLU network</h1>`,
    `<p>${s.settings.fits} fits per optimizer, ${s.settings.steps} steps each; teacher with ${t.x.length} training points.</p>`,
    ...sections, '</body>', '</html>', '',
  ].join('\n');
}

/** Writes the report to `file`, creating the folder. */
export async function writeLandscapeReport(file: string, s: LandscapeStudy): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, renderLandscapeReport(s), 'utf8');
}
