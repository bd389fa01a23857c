/**
 * The report of {@link noisyTraining}: how often fits reach the global minimum, and where their final losses
 * lie, against the gradient-noise temperature, beside the noiseless fits from the same starts.
 * @packageDocumentation
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

import { chart } from '../io/chart';
import { styleElement } from '../io/html';
import { formatNumber } from '../io/plots';
import { escapeXml, PALETTE } from '../io/svg';
import { TemperatureOutcome } from './noise';

/** One HTML page; `settings` is printed as given. */
export function renderNoiseTrainingReport(outcomes: TemperatureOutcome[], settings: Record<string, unknown>): string {
  const logT = outcomes.map((o) => (o.temperature > 0 ? Math.log10(o.temperature) : NaN));
  const rows = outcomes.map((o) => `<tr><td>${formatNumber(o.temperature)}</td><td>${o.loss.length}</td><td>${(100 * o.pGlobal).toFixed(1)}%</td>` +
    `<td>${o.quantiles.map((q) => formatNumber(q)).join(' / ')}</td><td>${(100 * o.betterThanNoiseless).toFixed(1)}%</td></tr>`);
  const floor = (v: number) => Math.log10(Math.max(v, 1e-16));
  return [
    '<!DOCTYPE html>', '<html lang="en">',
    `<head><meta charset="utf-8"><title>noise in training the landscape networks</title>${styleElement()}</head>`, '<body>',
    '<h1>Does gradient noise help the landscape networks find the global minimum?</h1>',
    `<p>${escapeXml(JSON.stringify(settings))}</p>`,
    '<table><thead><tr><th>temperature</th><th>fits</th><th>reached loss &lt; 1e-6</th><th>final loss: 10% / 50% / 90%</th>' +
      '<th>lower than the noiseless fit from the same start</th></tr></thead><tbody>' + rows.join('') + '</tbody></table>',
    `<figure>${chart({
      title: 'final loss against temperature (noise annealed to zero)', xLabel: 'log10 T', yLabel: 'log10 final MSE',
      series: [0, 1, 2].map((k) => ({ label: ['10%', 'median', '90%'][k], x: logT, y: outcomes.map((o) => floor(o.quantiles[k])), colour: PALETTE[k] })),
    })}<figcaption>Quantiles of the final loss; the noiseless fits (T = 0) are the table's first row.</figcaption></figure>`,
    `<figure>${chart({
      title: 'final losses', xLabel: 'log10 final MSE', yLabel: 'fits',
      histograms: outcomes.map((o, k) => ({ label: `T = ${formatNumber(o.temperature)}`, values: Array.from(o.loss, floor), colour: PALETTE[k % PALETTE.length] })),
    })}<figcaption>Histograms per temperature.</figcaption></figure>`,
    '</body>', '</html>', '',
  ].join('\n');
}

/** Writes the report to `file`, creating the folder. */
export async function writeNoiseTrainingReport(file: string, outcomes: TemperatureOutcome[], settings: Record<string, unknown>): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, renderNoiseTrainingReport(outcomes, settings), 'utf8');
}
