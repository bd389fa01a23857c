/**
 * The report of a finished EPI run: one self-contained HTML page (inline CSS and SVG, no scripts, nothing
 * fetched) that can be mailed, archived or opened offline years later. It shows what was asked (the
 * emergent property and settings), what came out (a pair plot of the samples, the statistics against their
 * targets) and how the optimisation got there (entropy and constraint curves, the epoch table).
 * @packageDocumentation
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

import { SloppyError } from '../errors';
import {
  axes,
  AxesOptions,
  Box,
  clipPath,
  colourBar,
  countRange,
  decimate,
  formatNumber,
  histogram,
  histogramBars,
  hRule,
  linePath,
  padRange,
  Panel,
  polyline,
  quantile,
  scatter,
  sequentialColour,
  sortedFinite,
  subsample,
  svgOpen,
  text,
  toPx,
  unionRange,
  vBand,
  vRule,
} from '../io/plots';
import { escapeXml, finiteRange, PALETTE, Range } from '../io/svg';
import { styleElement } from '../io/html';

/** A parameter of the model: its name and unit for labels, its bounds for the pair plot's axes. */
export interface ReportParam {
  name: string;
  unit: string;
  /** Bounds of the support; a finite bound fixes that end of the axis, an infinite one yields to the samples. */
  lower: number;
  upper: number;
}

/** A constrained statistic: its target (the emergent property) and its value on each sample. */
export interface ReportStat {
  name: string;
  mean: number;
  std: number;
  /** One value per sample, in the order of `samples`' rows. */
  values: ArrayLike<number>;
}

/** The optimisation log, one entry per logged row in every field. */
export interface ReportHistory {
  epoch: ArrayLike<number>;
  /** Iteration of each row; counted across epochs, or restarting in each (then they are laid end to end). */
  iteration: ArrayLike<number>;
  H: ArrayLike<number>;
  cost: ArrayLike<number>;
  /** Per row, the m constraint values R_k (zero when the constraint holds). */
  R: ArrayLike<number>[];
}

/** One epoch of the augmented-Lagrangian loop. */
export interface ReportEpoch {
  epoch: number;
  iterations: number;
  H: number;
  /** Penalty coefficient. */
  c: number;
  /** Lagrange multipliers, one per constraint. */
  eta: number[];
  /** p-values of the convergence tests, one per constraint. */
  p: number[];
  converged: boolean;
}

/**
 * Curves to draw over the scatter panel of row `i` and column `j` (i > j), e.g. where a statistic equals its
 * target. Each point is [z_j, z_i]: the panel's (x, y).
 */
export interface ReportContour {
  i: number;
  j: number;
  lines: [number, number][][];
  /** Names the curves in the legend and in a tooltip; curves with the same label share a colour. */
  label?: string;
}

/** Everything the report shows, as plain data. */
export interface ReportInput {
  title: string;
  model: string;
  params: ReportParam[];
  /** n × D, row-major, D = params.length. */
  samples: ArrayLike<number>;
  /** Optional per-sample value (e.g. log q) that colours the scatter points. */
  logq?: ArrayLike<number>;
  stats: ReportStat[];
  history: ReportHistory;
  /** Names of the m constraints, in the order of history.R's rows. */
  constraintNames: string[];
  epochs: ReportEpoch[];
  selectedEpoch?: number;
  converged: boolean;
  settings: Record<string, string | number | boolean>;
  contours?: ReportContour[];
}

export interface ReportOptions {
  /** At most this many samples per scatter panel (default 2000); fewer when many panels share the page. */
  maxScatterPoints?: number;
  /** Histogram bins (default 30). */
  bins?: number;
}

const DEFAULT_MAX_POINTS = 2000;
/** Points over all scatter panels together, so a page for many parameters stays a few hundred KB. */
const POINT_BUDGET = 24000;
/** The fewest points a panel gets however many panels there are, or it stops looking like a density. */
const MIN_POINTS = 300;
/** Points per convergence curve after decimation: about one per pixel. */
const CURVE_POINTS = 1600;
const CONTOUR_COLOURS = ['#D55E00', '#000000', '#CC79A7', '#E69F00', '#0072B2'];
const ACCENT = PALETTE[1];

function invalid(message: string): SloppyError {
  return new SloppyError('ERR_INVALID_ARG_VALUE', `report: ${message}`);
}

/** Checks that the parts of the input agree in size; returns the number of samples. */
function checkInput(input: ReportInput): number {
  const D = input.params.length;
  if (D === 0) throw invalid('params is empty');
  const total = input.samples.length;
  if (total % D !== 0) throw invalid(`samples has ${total} numbers, not a multiple of ${D} (the number of params)`);
  const n = total / D;
  if (input.logq && input.logq.length !== n) throw invalid(`logq has ${input.logq.length} values; there are ${n} samples`);
  input.stats.forEach((s, k) => {
    if (s.values.length !== n) throw invalid(`stats[${k}] (${s.name}) has ${s.values.length} values; there are ${n} samples`);
  });
  const h = input.history;
  const rows = h.iteration.length;
  for (const [name, field] of [['epoch', h.epoch], ['H', h.H], ['cost', h.cost], ['R', h.R]] as const) {
    if (field.length !== rows) throw invalid(`history.${name} has ${field.length} rows; history.iteration has ${rows}`);
  }
  const m = input.constraintNames.length;
  h.R.forEach((r, k) => {
    if (r.length !== m) throw invalid(`history.R[${k}] has ${r.length} values; there are ${m} constraint names`);
  });
  (input.contours ?? []).forEach((c, k) => {
    if (!Number.isInteger(c.i) || !Number.isInteger(c.j) || !(c.j >= 0 && c.j < c.i && c.i < D)) {
      throw invalid(`contours[${k}] is for (i, j) = (${c.i}, ${c.j}); need 0 ≤ j < i < ${D}`);
    }
  });
  return n;
}

/** A parameter's axis: its bounds where finite, otherwise the samples' extent there. */
function paramRange(p: ReportParam, column: Float64Array): Range {
  const data = padRange(finiteRange([column]), 0.03);
  const lo = Number.isFinite(p.lower) ? p.lower : data.lo;
  const hi = Number.isFinite(p.upper) ? p.upper : data.hi;
  return hi > lo ? { lo, hi } : finiteRange([[lo, hi]]);
}

function paramLabel(p: ReportParam): string {
  return p.unit ? `${p.name} (${p.unit})` : p.name;
}

function column(samples: ArrayLike<number>, n: number, D: number, d: number): Float64Array {
  return Float64Array.from({ length: n }, (_, k) => samples[k * D + d]);
}

function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${caption}</figcaption></figure>`;
}

function table(head: string[], rows: string[][], rowClass: (k: number) => string = () => ''): string {
  const th = head.map((h) => `<th>${escapeXml(h)}</th>`).join('');
  const body = rows
    .map((r, k) => {
      const cls = rowClass(k);
      return `<tr${cls ? ` class="${cls}"` : ''}>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function vector(values: readonly number[], digits = 4): string {
  return `[${values.map((v) => formatNumber(v, digits)).join(', ')}]`;
}

function selectedEpochRow(input: ReportInput): ReportEpoch | undefined {
  if (input.selectedEpoch === undefined) return undefined;
  return input.epochs.find((e) => e.epoch === input.selectedEpoch);
}

/** Title, model, emergent property, outcome and settings. */
function headerSection(input: ReportInput, n: number): string {
  const selected = selectedEpochRow(input);
  const last = input.epochs[input.epochs.length - 1];
  const entropy = selected ?? last;
  const property = table(
    ['statistic', 'target mean', 'target std'],
    input.stats.map((s) => [escapeXml(s.name), formatNumber(s.mean, 6), formatNumber(s.std, 6)]),
  );
  const outcome = [
    ['converged', input.converged ? '<span class="yes">yes</span>' : '<span class="no">no</span>'],
    ['selected epoch', input.selectedEpoch === undefined ? 'none' : String(input.selectedEpoch)],
    [
      'entropy H',
      entropy === undefined ? '—' : `${formatNumber(entropy.H, 6)}${selected ? '' : ` (epoch ${entropy.epoch}, the last)`}`,
    ],
    ['samples', `${n} × ${input.params.length}`],
  ];
  const outcomeRows = outcome.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('');
  const settings = Object.entries(input.settings).map(([k, v]) => [escapeXml(k), escapeXml(String(v))]);
  return [
    `<header><h1>${escapeXml(input.title)}</h1><p>Model <b>${escapeXml(input.model)}</b></p></header>`,
    `<section class="summary">`,
    `<div><h2>Emergent property</h2>${property}</div>`,
    `<div><h2>Outcome</h2><table><tbody>${outcomeRows}</tbody></table></div>`,
    `<div><h2>Settings</h2>${settings.length ? table(['setting', 'value'], settings) : '<p>none given</p>'}</div>`,
    `</section>`,
  ].join('\n');
}

/** The colour of each subsampled point, from `logq` on a scale that ignores the extreme 1 % at each end. */
function pointColours(logq: ArrayLike<number> | undefined, picked: number[]): { colours?: string[]; range?: Range } {
  if (!logq) return {};
  const values = picked.map((k) => logq[k]);
  const sorted = sortedFinite(values);
  if (sorted.length === 0) return { colours: values.map(() => sequentialColour(NaN)) };
  // A handful of very unlikely samples would otherwise squeeze every other point into one colour.
  const range = finiteRange([[quantile(sorted, 0.01), quantile(sorted, 0.99)]]);
  const colours = values.map((v) => sequentialColour((v - range.lo) / (range.hi - range.lo)));
  return { colours, range };
}

/** What every panel of the pair plot shares. */
interface PairData {
  input: ReportInput;
  columns: Float64Array[];
  ranges: Range[];
  /** The subsampled rows drawn in every scatter panel, in drawing order. */
  picked: number[];
  colours?: string[];
  contourColour: (label: string | undefined) => string;
}

/** Tick labels and axis labels only on the grid's outer edges, as in a corner plot. */
function edgeAxes(data: PairData, row: number, col: number): AxesOptions {
  const D = data.input.params.length;
  const left = col === 0 && row !== col;
  return {
    xTickLabels: row === D - 1,
    xLabel: row === D - 1 ? paramLabel(data.input.params[col]) : undefined,
    yTickLabels: left,
    yLabel: left ? paramLabel(data.input.params[row]) : undefined,
    noYTicks: row === col,
    insetEndLabels: true,
  };
}

/** The histogram of parameter d on the diagonal. */
function diagonalPanel(box: Box, data: PairData, d: number, bins: number): string {
  const { counts } = histogram(data.columns[d], data.ranges[d], bins);
  const panel: Panel = { box, x: data.ranges[d], y: countRange(counts) };
  return [
    `<g class="panel hist param" data-param="${escapeXml(data.input.params[d].name)}">`,
    histogramBars(panel, counts, '#9ecae1'),
    axes(panel, edgeAxes(data, d, d)),
    text(box.x + 4, box.y + 12, data.input.params[d].name, ' font-weight="bold"'),
    '</g>',
  ].join('\n');
}

/** Parameter `col` against parameter `row` (row > col), with the contours given for that pair on top. */
function scatterPanel(box: Box, data: PairData, row: number, col: number): string {
  const panel: Panel = { box, x: data.ranges[col], y: data.ranges[row] };
  const clip = `pair-${row}-${col}`;
  const dots = scatter(panel, {
    x: data.picked.map((k) => data.columns[col][k]),
    y: data.picked.map((k) => data.columns[row][k]),
    colour: data.colours,
  });
  const contours = (data.input.contours ?? [])
    .filter((c) => c.i === row && c.j === col)
    .map((c) => {
      const colour = data.contourColour(c.label);
      const title = c.label ? `<title>${escapeXml(c.label)}</title>` : '';
      const lines = c.lines.map((l) => polyline(panel, l, colour, ' stroke-width="1.8"')).join('');
      return `<g class="contour">${title}${lines}</g>`;
    });
  return [
    `<g class="panel scatter" data-i="${row}" data-j="${col}">`,
    clipPath(clip, box),
    `<g clip-path="url(#${clip})">${dots.svg}${contours.join('')}</g>`,
    axes(panel, edgeAxes(data, row, col)),
    '</g>',
  ].join('\n');
}

/** Points per scatter panel: the cap, lowered when many panels would make the page too big. */
function pointCap(D: number, options: ReportOptions): number {
  const pairs = Math.max(1, (D * (D - 1)) / 2);
  return Math.min(options.maxScatterPoints ?? DEFAULT_MAX_POINTS, Math.max(MIN_POINTS, Math.floor(POINT_BUDGET / pairs)));
}

/** D × D pair plot: histograms on the diagonal, scatter (and contours) below it. */
function pairPlot(input: ReportInput, n: number, options: ReportOptions): string {
  const D = input.params.length;
  const bins = options.bins ?? 30;
  const cap = pointCap(D, options);
  const columns = input.params.map((_, d) => column(input.samples, n, D, d));
  const picked = subsample(n, cap);
  if (input.logq) {
    // Lowest values first, so the likeliest samples are drawn on top.
    const logq = input.logq;
    const key = (k: number) => (Number.isFinite(logq[k]) ? logq[k] : -Infinity);
    picked.sort((a, b) => key(a) - key(b) || a - b);
  }
  const { colours, range: colourRange } = pointColours(input.logq, picked);
  const labels = [...new Set((input.contours ?? []).map((c) => c.label ?? ''))];
  const data: PairData = {
    input,
    columns,
    ranges: input.params.map((p, d) => paramRange(p, columns[d])),
    picked,
    colours,
    contourColour: (label) => CONTOUR_COLOURS[labels.indexOf(label ?? '') % CONTOUR_COLOURS.length],
  };

  const cell = Math.max(110, Math.min(220, Math.floor(760 / D)));
  const gap = 8;
  const margin = { left: 72, top: 24, right: input.logq ? 90 : 20, bottom: 50 };
  const grid = D * cell + (D - 1) * gap;
  const out: string[] = [svgOpen(margin.left + grid + margin.right, margin.top + grid + margin.bottom, ' class="pair-plot"')];
  for (let row = 0; row < D; row++) {
    for (let col = 0; col <= row; col++) {
      const box: Box = { x: margin.left + col * (cell + gap), y: margin.top + row * (cell + gap), w: cell, h: cell };
      out.push(row === col ? diagonalPanel(box, data, row, bins) : scatterPanel(box, data, row, col));
    }
  }
  if (colourRange) {
    const bar: Box = { x: margin.left + grid + 14, y: margin.top + 16, w: 14, h: Math.min(200, grid - 16) };
    out.push(colourBar(bar, colourRange, 'log q'));
  }
  out.push('</svg>');

  const legend = labels
    .filter((l) => l !== '')
    .map((l) => `<span class="swatch" style="background:${data.contourColour(l)}"></span>${escapeXml(l)}`)
    .join(' ');
  const shown = Math.min(n, cap);
  const caption =
    `Samples of q(z): ${n} in the histograms (${bins} bins), ${shown === n ? 'all' : `${shown} spread evenly`} in each ` +
    `scatter panel${input.logq ? ', coloured by log q (1st to 99th percentile)' : ''}. Axes span each ` +
    `parameter's bounds where finite, otherwise the samples.${legend ? ` Curves: ${legend}.` : ''}`;
  return figure(out.join('\n'), caption);
}

/**
 * The x coordinate of each history row: the iteration as logged when it never decreases, else the epochs
 * laid end to end (a log whose count restarts each epoch would otherwise overlay them).
 */
function historyAbscissa(h: ReportHistory): number[] {
  const it = Array.from(h.iteration);
  if (it.every((v, k) => k === 0 || v >= it[k - 1])) return it;
  const x: number[] = [];
  let offset = 0;
  it.forEach((v, k) => {
    if (k > 0 && v < it[k - 1]) offset = x[k - 1] + 1 - v;
    x.push(v + offset);
  });
  return x;
}

/** Indices of the rows that start a new epoch (not the first). */
function epochStarts(h: ReportHistory): number[] {
  const starts: number[] = [];
  for (let k = 1; k < h.epoch.length; k++) if (h.epoch[k] !== h.epoch[k - 1]) starts.push(k);
  return starts;
}

/** The history as drawn: abscissa, epoch boundaries and the selected epoch's span. */
interface Curves {
  x: number[];
  range: Range;
  /** Rows that start a new epoch. */
  starts: number[];
  /** The selected epoch's first and last abscissa, when it was logged. */
  selected?: Range;
}

function curves(input: ReportInput): Curves {
  const h = input.history;
  const x = historyAbscissa(h);
  let [first, last] = [Infinity, -Infinity];
  x.forEach((v, k) => {
    if (h.epoch[k] === input.selectedEpoch) [first, last] = [Math.min(first, v), Math.max(last, v)];
  });
  return { x, range: finiteRange([x]), starts: epochStarts(h), selected: first <= last ? { lo: first, hi: last } : undefined };
}

function epochBoundaries(panel: Panel, c: Curves): string {
  return c.starts.map((k) => vRule(panel, c.x[k], '#888', ' stroke-dasharray="4 3"')).join('');
}

/** H against iteration, the selected epoch shaded and each epoch labelled at its start. */
function entropyPanel(box: Box, input: ReportInput, c: Curves): string {
  const h = input.history;
  const panel: Panel = { box, x: c.range, y: padRange(finiteRange([h.H]), 0.05) };
  const curve = decimate(c.x, h.H, CURVE_POINTS);
  const labels = [0, ...c.starts].map((k) => {
    const at = Math.min(box.x + box.w - 40, Math.max(box.x + 2, toPx(panel, c.x[k]) + 3));
    return text(at, box.y - 6, `epoch ${h.epoch[k]}`, ' fill="#666"');
  });
  return [
    `<g class="panel curve" data-series="H">`,
    c.selected ? vBand(panel, c.selected.lo, c.selected.hi, '#fff3c4') : '',
    axes(panel, { xTickLabels: true, yTickLabels: true, grid: true, ticks: 6, xLabel: 'iteration', yLabel: 'entropy H' }),
    epochBoundaries(panel, c),
    linePath(panel, curve.x, curve.y, PALETTE[0], ' stroke-width="1.5"'),
    labels.join(''),
    '</g>',
  ].join('');
}

/** Constraint k against iteration, with the zero line where it holds. */
function constraintPanel(box: Box, input: ReportInput, c: Curves, k: number): string {
  const r = Array.from(input.history.R, (row) => row[k]);
  // Keep zero in view however far off the run starts.
  const panel: Panel = { box, x: c.range, y: padRange(unionRange(finiteRange([r]), { lo: 0, hi: 0 }), 0.05) };
  const curve = decimate(c.x, r, CURVE_POINTS);
  return [
    `<g class="panel curve" data-series="R">`,
    axes(panel, { xTickLabels: true, yTickLabels: true, grid: true, xLabel: 'iteration', yLabel: `R: ${input.constraintNames[k]}` }),
    epochBoundaries(panel, c),
    hRule(panel, 0, '#000', ' stroke-width="0.8"'),
    linePath(panel, curve.x, curve.y, PALETTE[2], ' stroke-width="1.3"'),
    '</g>',
  ].join('');
}

/** Entropy and each constraint against iteration, epoch boundaries marked. */
function convergencePlot(input: ReportInput): string {
  const h = input.history;
  if (h.iteration.length === 0) return figure('', 'No optimisation history was logged.');
  const c = curves(input);
  const m = input.constraintNames.length;
  const width = 900;
  const margin = { left: 80, right: 20, top: 30 };
  const wideH = 210;
  const small = { h: 160, cols: m > 1 ? 2 : 1, gapX: 90, gapY: 60, top: margin.top + wideH + 55 };
  const smallW = (width - margin.left - margin.right - (small.cols - 1) * small.gapX) / small.cols;
  const height = small.top + Math.ceil(m / small.cols) * (small.h + small.gapY);

  const out = [svgOpen(width, height, ' class="convergence"')];
  out.push(entropyPanel({ x: margin.left, y: margin.top, w: width - margin.left - margin.right, h: wideH }, input, c));
  for (let k = 0; k < m; k++) {
    const box: Box = {
      x: margin.left + (k % small.cols) * (smallW + small.gapX),
      y: small.top + Math.floor(k / small.cols) * (small.h + small.gapY),
      w: smallW,
      h: small.h,
    };
    out.push(constraintPanel(box, input, c, k));
  }
  out.push('</svg>');
  const restart = c.x.some((v, k) => v !== h.iteration[k]) ? ' Iteration counts restart each epoch; epochs are laid end to end.' : '';
  const caption =
    `Entropy H and the constraints R_k against iteration (${h.iteration.length} logged rows). Dashed lines: epoch ` +
    `boundaries${c.selected ? `; shaded: the selected epoch ${input.selectedEpoch}` : ''}.${restart}`;
  return figure(out.join('\n'), caption);
}

/** The axis for a statistic: the central 99 % of its values and the target band. */
function statRange(s: ReportStat): Range {
  const sorted = sortedFinite(s.values);
  // Not the full extent: a few diverged samples would squash the rest into one bin.
  const spread = sorted.length ? finiteRange([[quantile(sorted, 0.005), quantile(sorted, 0.995)]]) : finiteRange([[s.mean]]);
  return padRange(unionRange(spread, finiteRange([[s.mean - s.std, s.mean + s.std]])), 0.05);
}

/** One statistic's histogram, target mean and mean ± std band; `outside` counts values off the axis. */
function statPanel(box: Box, s: ReportStat, bins: number): { svg: string; outside: number } {
  const range = statRange(s);
  const { counts, outside } = histogram(s.values, range, bins);
  const panel: Panel = { box, x: range, y: countRange(counts) };
  const svg = [
    `<g class="panel hist stat" data-stat="${escapeXml(s.name)}">`,
    histogramBars(panel, counts, '#d0d0d0'),
    vBand(panel, s.mean - s.std, s.mean + s.std, ACCENT, ' fill-opacity="0.22" class="target-band"'),
    Number.isFinite(s.mean) ? vRule(panel, s.mean, ACCENT, ' stroke-width="2" class="target-mean"') : '',
    axes(panel, { xTickLabels: true, noYTicks: true, xLabel: s.name }),
    text(box.x, box.y - 8, `${s.name}: target ${formatNumber(s.mean)} ± ${formatNumber(s.std)}`, ' font-weight="bold"'),
    '</g>',
  ].join('\n');
  return { svg, outside };
}

/** Per statistic: a histogram of its values with the target mean and the mean ± std band. */
function statisticsPlot(input: ReportInput, options: ReportOptions): string {
  if (input.stats.length === 0) return figure('', 'No statistics were constrained.');
  const bins = options.bins ?? 30;
  const cols = Math.min(3, input.stats.length);
  const cell = { w: 270, h: 170, gapX: 30, gapY: 75 };
  const margin = { left: 20, top: 28, right: 20 };
  const width = margin.left + cols * cell.w + (cols - 1) * cell.gapX + margin.right;
  const height = margin.top + Math.ceil(input.stats.length / cols) * (cell.h + cell.gapY);
  const out: string[] = [svgOpen(width, height, ' class="statistics"')];
  const notes: string[] = [];
  input.stats.forEach((s, k) => {
    const box: Box = {
      x: margin.left + (k % cols) * (cell.w + cell.gapX),
      y: margin.top + Math.floor(k / cols) * (cell.h + cell.gapY),
      w: cell.w,
      h: cell.h,
    };
    const { svg, outside } = statPanel(box, s, bins);
    out.push(svg);
    if (outside > 0) notes.push(`${escapeXml(s.name)}: ${outside} value${outside === 1 ? '' : 's'} off the axis`);
  });
  out.push('</svg>');
  const caption =
    `Each constrained statistic over the samples (${bins} bins); line: target mean, band: target mean ± std.` +
    (notes.length ? ` ${notes.join('; ')}.` : '');
  return figure(out.join('\n'), caption);
}

/** Epoch, iterations, H, c, η, convergence p-values and verdict per epoch; the selected one highlighted. */
function epochTable(input: ReportInput): string {
  if (input.epochs.length === 0) return '<p>No epochs were recorded.</p>';
  const rows = input.epochs.map((e) => [
    String(e.epoch),
    String(e.iterations),
    formatNumber(e.H, 6),
    formatNumber(e.c),
    vector(e.eta),
    vector(e.p, 3),
    e.converged ? '<span class="yes">yes</span>' : '<span class="no">no</span>',
  ]);
  return table(['epoch', 'iterations', 'H', 'c', 'η', 'p-values', 'converged'], rows, (k) =>
    input.epochs[k].epoch === input.selectedEpoch ? 'selected' : '',
  );
}

const STYLE = `
tr.selected { background: #fff3c4; font-weight: bold; }
.summary { display: flex; flex-wrap: wrap; gap: 2.5em; }
.yes { color: #007a3d; font-weight: bold; } .no { color: #b00020; font-weight: bold; }
.swatch { display: inline-block; width: 1.2em; height: 0.3em; vertical-align: middle; margin: 0 0.3em; }
`;

/**
 * The report page for a finished EPI run, as one self-contained HTML string: inline CSS and SVG, no
 * scripts and no external resources. All text from the input is escaped.
 * @throws SloppyError ERR_INVALID_ARG_VALUE when parts of the input disagree in size (e.g. a statistic
 *   with a different number of values than there are samples) or a contour names no lower-triangle panel.
 */
export function renderReport(input: ReportInput, options: ReportOptions = {}): string {
  const n = checkInput(input);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${escapeXml(input.title)}</title>${styleElement(STYLE)}</head>`,
    '<body>',
    headerSection(input, n),
    `<section><h2>Samples</h2>${pairPlot(input, n, options)}</section>`,
    `<section><h2>Convergence</h2>${convergencePlot(input)}</section>`,
    `<section><h2>Statistics against the emergent property</h2>${statisticsPlot(input, options)}</section>`,
    `<section><h2>Epochs</h2>${epochTable(input)}</section>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Renders the report and writes it to `file`, creating the folder if needed. */
export async function writeReport(file: string, input: ReportInput, options: ReportOptions = {}): Promise<void> {
  const html = renderReport(input, options);
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, html, 'utf8');
}
