/**
 * `sloppy spectrum classifier`: Fig. 5C of the "optimization and variability" seed on the built-in Gaussian
 * mixture — the spectrum of the finite-rank Fisher information F(n) of an MLP during training on the true labels
 * and on randomly permuted ones, and its convergence in n at the end of training.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { fisherConvergence, permuteLabels, trainingSpectra } from '../fisher/classifier-spectra';
import { parameterCount } from '../fisher/classifier';
import type { CheckpointSpectrum, ConvergenceStep, SpectrumAtN } from '../fisher/classifier-spectra';
import type { TrainResult } from '../fisher/classifier';
import { DEFAULT_SEPARATION, syntheticClasses } from '../spectra/classes';
import { densityFigure, NamedSpectrum, rankFigure, ReportFigure, SpectrumReport } from '../spectra/report';
import type { Parsed } from './args';

/** Training steps whose parameters are probed, where training has not stopped before them. */
export const CLASSIFIER_CHECKPOINTS = [0, 5, 10, 20, 50, 100, 200, 500, 1000];

/** The settings of one run, from the flags. */
export interface ClassifierSettings {
  samples: number;
  dim: number;
  classes: number;
  hidden: number[];
  fisherSamples: number;
  steps: number;
  seed: number;
}

/** The run's settings: flags over the defaults (1000 samples, d = 20, C = 10, hidden 64,64, n = 200, 5000 steps). */
export function classifierSettings(flags: Parsed['flags']): ClassifierSettings {
  const hidden = ((flags.hidden as string | undefined) ?? '64,64').split(',').map(Number);
  if (hidden.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `--hidden must list positive integers, e.g. 64,64; got ${String(flags.hidden)}`);
  }
  const samples = (flags.samples as number | undefined) ?? 1000;
  return {
    samples,
    dim: (flags.dim as number | undefined) ?? 20,
    classes: (flags.classes as number | undefined) ?? 10,
    hidden,
    fisherSamples: (flags['fisher-samples'] as number | undefined) ?? Math.min(samples, 200),
    steps: (flags.steps as number | undefined) ?? 5000,
    seed: (flags.seeds as number | undefined) ?? 1,
  };
}

/**
 * The q-quantile of log₁₀ λ over the eigenvalues that are not structural zeros: the top n·(C − 1) of F(n)'s n·C
 * (each sample's C score rows, weighted by √Q, sum to zero).
 */
export function logQuantile(values: Float64Array, samples: number, classes: number, q: number): number {
  const logs = Array.from(values.subarray(0, samples * (classes - 1)), (v) => Math.log10(Math.max(v, Number.MIN_VALUE)));
  logs.sort((a, b) => a - b);
  const at = q * (logs.length - 1);
  const below = Math.floor(at);
  return below + 1 < logs.length ? logs[below] + (at - below) * (logs[below + 1] - logs[below]) : logs[below];
}

interface Condition {
  label: string;
  training: TrainResult;
  spectra: CheckpointSpectrum[];
  /** F(n) at the end of training for growing n, and the change of its top 10·C eigenvalues between them. */
  byN: SpectrumAtN[];
  convergence: ConvergenceStep[];
}

const fmt = (v: number) => v.toPrecision(3);

/** The eigenvalues a density shows: neither the n structural zeros nor those below 1e-12 λ_max (rounding). */
function informative(name: string, s: SpectrumAtN, classes: number): NamedSpectrum {
  return { name, values: s.values.subarray(0, Math.min(s.nonzero, s.n * (classes - 1))) };
}

/** The rank j ≤ 3C after which λ_j/λ_{j+1} is largest: where the stiff outliers end. */
function stiffCount(values: Float64Array, classes: number): number {
  let best = 1;
  for (let j = 1; j < Math.min(3 * classes, values.length - 1); ++j) {
    if (values[j - 1] / values[j] > values[best - 1] / values[best]) best = j;
  }
  return best;
}

function trainingCurve(conditions: Condition[]): ReportFigure {
  const last = Math.max(...conditions.map((c) => c.training.steps));
  const x = Array.from({ length: last + 1 }, (_, i) => i);
  return {
    caption: 'Fig. 5B: training accuracy against step, true and permuted labels (training stops at 100%).',
    x,
    series: conditions.map((c) => {
      const values = new Array<number>(last + 1).fill(NaN);
      for (const r of c.training.history) values[r.step] = r.accuracy;
      return { name: `${c.label} labels`, values };
    }),
    xLabel: 'step',
    yLabel: 'training accuracy',
  };
}

/** Runs both conditions and assembles the report; `saved` names one .npy per condition and spectrum. */
export async function classifierSpectra(
  flags: Parsed['flags'],
  log: (line: string) => void,
): Promise<SpectrumReport & { saved: NamedSpectrum[] }> {
  const s = classifierSettings(flags);
  const data = syntheticClasses({ samples: s.samples, dim: s.dim, classes: s.classes, seed: s.seed });
  const sizes = [s.dim, ...s.hidden, s.classes];
  const k = parameterCount({ sizes });
  const m = s.fisherSamples;
  const ns = Array.from(new Set([m >> 3, m >> 2, m >> 1, m].filter((v) => v > 0)));
  const conditions: Condition[] = [];
  for (const [label, labels] of [['true', data.labels], ['permuted', permuteLabels(data.labels, s.seed)]] as const) {
    log(`classifier: training on ${label} labels (K = ${k}), F(n) from n = ${m} samples at steps ${CLASSIFIER_CHECKPOINTS.join(', ')} and the end`);
    const r = await trainingSpectra(data.x, labels, {
      sizes, checkpoints: CLASSIFIER_CHECKPOINTS, steps: s.steps, seed: s.seed, fisherSamples: m,
    });
    log(`classifier: convergence of F(n) in n = ${ns.join(', ')} (${label} labels)`);
    const c = await fisherConvergence(r.training.params, data.x, { sizes, ns, top: 10 * s.classes });
    conditions.push({ label, training: r.training, spectra: r.spectra, byN: c.spectra, convergence: c.convergence });
  }
  const C = s.classes;
  const final = conditions.map((c) => c.spectra[c.spectra.length - 1]);
  const notes = [
    `Built-in Gaussian mixture (MNIST and CIFAR-10 are not available offline): ${s.samples} samples, d = ${s.dim}, C = ${C}, centres ${DEFAULT_SEPARATION}·N(0, I) under unit noise, seed ${s.seed}; MLP ${sizes.join('–')} (ReLU), K = ${k}; full-batch Adam (0.01) until 100% training accuracy or ${s.steps} steps; F(n) from the first n = ${m} training inputs, rank ≤ n(C − 1) = ${m * (C - 1)}.`,
  ];
  for (const c of conditions) {
    const t = c.training;
    notes.push(`${c.label} labels: ${t.perfect ? `100% training accuracy after ${t.steps} steps` : `${(t.accuracy * 100).toFixed(1)}% after the ${t.steps}-step limit (not perfect)`}, loss ${t.loss.toExponential(2)}.`);
    for (const p of c.spectra) {
      const floor = Math.log10(p.values[0] * 1e-12);
      const quantiles = [0.1, 0.5, 0.9].map((q) => logQuantile(p.values, m, C, q)).map((v) => (v < floor ? '< 1e-12 λ_max' : fmt(v)));
      notes.push(`${c.label} labels, step ${p.step} (accuracy ${(p.accuracy * 100).toFixed(1)}%): λ_max = ${p.values[0].toExponential(2)}, ${p.nonzero} eigenvalues above 1e-12 λ_max spanning ${p.decades.toFixed(1)} decades, log₁₀ λ quantiles 10/50/90% = ${quantiles.join(' / ')}, largest gap λ_j/λ_(j+1) (j ≤ ${3 * C}) after j = ${stiffCount(p.values, C)}.`);
    }
    const moves = c.convergence.map((step, i) => {
      const median = (q: SpectrumAtN) => fmt(logQuantile(q.values, q.n, C, 0.5));
      return `n ${step.from}→${step.to}: mean |Δlog₁₀ λ| ${fmt(step.meanChange)} over the top ${step.compared}, median log₁₀ λ ${median(c.byN[i])}→${median(c.byN[i + 1])}`;
    });
    notes.push(`${c.label} labels, convergence in n at the end of training: ${moves.join('; ')}.`);
  }
  const [t, p] = conditions.map((c) => c.spectra.map((q) => logQuantile(q.values, m, C, 0.5)));
  notes.push(`Median log₁₀ λ from step 0 to the end: true labels ${fmt(t[0])} → ${fmt(t[t.length - 1])}, permuted ${fmt(p[0])} → ${fmt(p[p.length - 1])}. The seed: training on true labels moves weight from moderate to small eigenvalues; on permuted labels moderate and large eigenvalues grow at the expense of the smallest.`);
  const byStep = (c: Condition) => c.spectra.map((q) => informative(`step ${q.step}`, q, C));
  return {
    title: `Classifier (Box 5, Fig. 5C): MLP ${sizes.join('–')}, K = ${k}, F(n) at n = ${m}`,
    spectra: conditions.map((c, i) => informative(`${c.label} labels, end`, final[i], C)),
    saved: conditions.flatMap((c, i) => [
      { name: c.label, values: final[i].values },
      ...c.spectra.map((q) => ({ name: `${c.label}-step${q.step}`, values: q.values })),
      ...c.byN.map((q) => ({ name: `${c.label}-n${q.n}`, values: q.values })),
    ]),
    figures: [
      trainingCurve(conditions),
      ...conditions.map((c) => densityFigure(byStep(c), `Fig. 5C, ${c.label} labels: density of log₁₀ λ of F(n = ${m}) during training (eigenvalues above 1e-12 λ_max; the structural zeros left out).`)),
      rankFigure('Eigenvalues of F(n) by rank at the end of training, true against permuted labels.', conditions.map((c, i) => ({ name: `${c.label} labels`, values: final[i].values }))),
      ...conditions.map((c) => densityFigure(
        c.byN.map((q) => informative(`n = ${q.n}`, q, C)),
        `Convergence in n, ${c.label} labels: density of log₁₀ λ of F(n) at the end of training.`,
      )),
    ],
    notes,
  };
}
