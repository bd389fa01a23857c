/**
 * `sloppy spectrum <system>`: the Hessian spectrum of one of the seed's built-in systems, eigenvalues as .npy
 * and a self-contained report.html with the seed's figure redrawn.
 * @packageDocumentation
 */
import * as path from 'node:path';

import { SloppyError } from '../errors';
import { writeNpy } from '../io/npy';
import {
  countAbove, hexPatch, optimiseGapGene, periodicLattice, randomHexagon, randomNetwork, readoutHessian, receptorDerivatives,
  receptorInformation, slowestTime, stgChannelPerformance, stiffness, syntheticEmbryo, synapticSpectrum, timeGrid,
} from '../spectra';
import { NamedSpectrum, rankFigure, SpectrumReport, writeSpectrumReport } from '../spectra/report';
import { FlagSpec, Parsed } from './args';
import { classifierSpectra } from './spectrum-classifier';

/** Flags of `sloppy spectrum`. */
export const spectrumFlags: Record<string, FlagSpec> = {
  size: { type: 'number', help: 'receptor: shells of the patch (19: N = 1141); linearnet: N (100)' },
  side: { type: 'number', help: 'receptor: side of the periodic lattice for the local spectrum (20: N = 400)' },
  snr: { type: 'number', help: 'receptor: SNR of the Hessians (default 10)' },
  seeds: { type: 'number', help: 'receptor: random arrangements drawn (5); linearnet, gapgene, classifier: the seed (1)' },
  samples: { type: 'number', help: 'classifier: training samples of the Gaussian mixture (1000)' },
  dim: { type: 'number', help: 'classifier: input dimension (20)' },
  classes: { type: 'number', help: 'classifier: classes C (10)' },
  hidden: { type: 'string', help: 'classifier: hidden layer widths, comma-separated (64,64)' },
  'fisher-samples': { type: 'number', help: 'classifier: samples n of the Fisher estimate F(n) (200)' },
  steps: { type: 'number', help: 'classifier: training step limit (5000)' },
  out: { type: 'string', help: 'output folder (default out/spectrum-<system>)' },
  help: { type: 'boolean', help: 'show this help' },
};

type Log = (line: string) => void;
const fmt = (v: number) => v.toPrecision(4);

async function receptor(flags: Parsed['flags'], log: Log): Promise<SpectrumReport & { saved: NamedSpectrum[] }> {
  const shells = (flags.size as number | undefined) ?? 19;
  const side = (flags.side as number | undefined) ?? 20;
  const snr = (flags.snr as number | undefined) ?? 10;
  const seeds = (flags.seeds as number | undefined) ?? 5;
  const snrs = Array.from({ length: 9 }, (_, i) => 10 ** (-1 + i / 2));
  const patch = hexPatch(shells);
  log(`receptor: information per cell, lattice of N = ${patch.count} and ${seeds} random arrangements`);
  const lattice = await receptorInformation(patch.positions, snrs);
  const randoms: Float64Array[] = [];
  for (let s = 1; s <= seeds; ++s) randoms.push(await receptorInformation(randomHexagon(patch.count, s).positions, snrs));
  const best = snrs.map((_, i) => Math.max(...randoms.map((r) => r[i])));
  log('receptor: Hessian of the free patch and of the periodic lattice');
  const free = stiffness((await receptorDerivatives(patch.positions, snr)).hessian!, 2 * patch.count);
  const torus = periodicLattice(side);
  const periodic = stiffness((await receptorDerivatives(torus.positions, snr, { torus: torus.torus })).hessian!, 2 * torus.count);
  const negative = free.filter((v) => v < 0).length;
  return {
    title: `Receptor array (Box 1, Fig. 1E): N = ${patch.count}`,
    spectra: [{ name: `periodic lattice N = ${torus.count}`, values: periodic }, { name: 'free patch (saddle)', values: free }],
    saved: [{ name: 'periodic', values: periodic }, { name: 'free', values: free }],
    figures: [
      {
        caption: 'Fig. 1E: information per cell against SNR, hexagonal lattice and random arrangements (best and mean).',
        x: snrs.map(Math.log10),
        series: [
          { name: 'lattice', values: lattice },
          { name: 'best random', values: best },
          { name: 'mean random', values: snrs.map((_, i) => randoms.reduce((a, r) => a + r[i], 0) / randoms.length) },
        ],
        xLabel: 'log₁₀ SNR',
        yLabel: 'bits per cell',
      },
      rankFigure(`Fig. 1E inset: eigenvalues of −∂²F at the periodic lattice (N = ${torus.count}, SNR ${snr}).`, [
        { name: 'periodic lattice', values: periodic },
      ]),
    ],
    notes: [
      ...snrs.map((s, i) => `SNR ${fmt(s)}: lattice ${fmt(lattice[i])} bits/cell, best random ${fmt(best[i])} (lattice ahead by ${((lattice[i] / best[i] - 1) * 100).toFixed(2)}%)`),
      `Free patch at SNR ${snr}: ${negative} of ${free.length} eigenvalues of −∂²F are negative — the finite patch is a saddle (receptors gain by spreading out), not an optimum.`,
      `Periodic lattice: smallest three eigenvalues ${Array.from(periodic.subarray(-3)).map((v) => v.toExponential(2)).join(', ')} (two translation zero modes).`,
    ],
  };
}

async function gapgene(flags: Parsed['flags'], log: Log): Promise<SpectrumReport & { saved: NamedSpectrum[] }> {
  const seed = (flags.seeds as number | undefined) ?? 1;
  const embryo = syntheticEmbryo({ seed });
  const spectra: NamedSpectrum[] = [];
  const notes: string[] = ['Built-in synthetic embryo (60 positions × 100 cells); soft Voronoi assignment, softness 0.02.'];
  for (const cells of [3, 10]) {
    log(`gapgene: optimising |Z| = ${cells}`);
    const o = optimiseGapGene(embryo, cells, { seed });
    const s = stiffness(o.hessian!, 2 * cells);
    spectra.push({ name: `|Z| = ${cells}`, values: s });
    const positive = Array.from(s).filter((v) => v > 0);
    notes.push(`|Z| = ${cells}: I(Z; x) = ${fmt(o.value)} bits; eigenvalues span ${Math.log10(positive[0] / positive[positive.length - 1]).toFixed(1)} decades; ${s.length - positive.length} non-positive.`);
  }
  return {
    title: 'Gap-gene read-out (Box 2, Fig. 2C)', spectra, saved: spectra, notes,
    figures: [rankFigure('Fig. 2C: eigenvalues of −∂²I at the optimum, normalised to the largest.', spectra, true)],
  };
}

async function stg(_flags: Parsed['flags'], log: Log): Promise<SpectrumReport & { saved: NamedSpectrum[] }> {
  const spectra: NamedSpectrum[] = [];
  const notes: string[] = [];
  for (const neuron of ['hub', 'f1', 'f2', 's1', 's2']) {
    log(`stg: Hessian for the ${neuron} rhythm`);
    const d = await stgChannelPerformance(undefined, { neuron });
    const s = stiffness(d.hessian!, d.gradient.length);
    spectra.push({ name: neuron, values: s });
    notes.push(`${neuron}: ω* = ${fmt(d.target)} Hz; λ₁ = ${s[0].toExponential(3)}, |λ₂|/λ₁ = ${(Math.abs(s[1]) / s[0]).toExponential(1)}`);
  }
  notes.push('At an exact optimum of one frequency target the Hessian is −2∇ω∇ωᵀ/ω*², rank one: one stiff direction and 16 exactly flat ones (the rest of the spectrum is rounding). The seed\'s 10¹⁰ spread (Fig. 3C, Xolotl finite differences, period and duty cycles) is not reproduced by an exact Hessian of this performance.');
  return {
    title: 'STG channel densities (Box 3, Fig. 3C)', spectra, saved: spectra, notes,
    figures: [rankFigure('Fig. 3C: eigenvalues of −∂²F w.r.t. the 17 conductances, per neuron\'s frequency.', spectra)],
  };
}

async function linearnet(flags: Parsed['flags'], log: Log): Promise<SpectrumReport & { saved: NamedSpectrum[] }> {
  const n = (flags.size as number | undefined) ?? 100;
  const seed = (flags.seeds as number | undefined) ?? 1;
  const readout: NamedSpectrum[] = [];
  const synaptic: NamedSpectrum[] = [];
  const notes: string[] = [];
  for (const g of [0.1, 0.5, 0.7, 0.9, 0.99, 1]) {
    const net = randomNetwork({ n, g, seed });
    const slow = slowestTime(net);
    if (!slow.stable) {
      notes.push(`g = ${g}: unstable at N = ${n} (max Re eig J = ${slow.abscissa.toFixed(3)}); skipped.`);
      continue;
    }
    log(`linearnet: g = ${g}`);
    const r = stiffness(readoutHessian(net), n);
    const grid = timeGrid(net);
    const s = await synapticSpectrum(net, grid);
    readout.push({ name: `g = ${g}`, values: r });
    synaptic.push({ name: `g = ${g}`, values: s.subarray(0, Math.min(s.length, 2 * n)) });
    const resolved = Array.from(r).filter((v) => v > 1e-13 * r[0]);
    const [c6, c10, c14] = countAbove(s, [1e-6, 1e-10, 1e-14]);
    notes.push(`g = ${g}: τ_slow = ${fmt(slow.tauSlow)} τ₀, ${grid.times.length} time nodes; readout spans ≥ ${Math.log10(r[0] / resolved[resolved.length - 1]).toFixed(1)} decades before the 1e-13 floor; synaptic eigenvalues above 1e-6 / 1e-10 / 1e-14 of the largest: ${c6} / ${c10} / ${c14} (N = ${n}, rank bound 2N).`);
  }
  return {
    title: `Linear recurrent network (Box 4, Fig. 4B/C): N = ${n}`,
    spectra: [...readout.map((s) => ({ ...s, name: `readout ${s.name}` })), ...synaptic.map((s) => ({ ...s, name: `synaptic ${s.name}` }))],
    saved: [...readout.map((s) => ({ ...s, name: `readout-g${s.name.slice(4)}` })), ...synaptic.map((s) => ({ ...s, name: `synaptic-g${s.name.slice(4)}` }))],
    figures: [
      rankFigure('Fig. 4B: eigenvalues of −∂²F w.r.t. the readout n (2W, Lyapunov).', readout),
      rankFigure('Fig. 4C: eigenvalues of −∂²F w.r.t. J (Gram product of the weighted filter Jacobian).', synaptic),
    ],
    notes,
  };
}

const SYSTEMS = { receptor, gapgene, stg, linearnet, classifier: classifierSpectra };

/** Runs `sloppy spectrum <system>`: .npy eigenvalues and report.html in the output folder. */
export async function runSpectrum(args: Parsed, log: Log): Promise<void> {
  const system = args.positional[0] as keyof typeof SYSTEMS;
  if (!(system in SYSTEMS)) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `spectrum needs a system: ${Object.keys(SYSTEMS).join(', ')}`);
  }
  const out = (args.flags.out as string | undefined) ?? path.join('out', `spectrum-${system}`);
  const report = await SYSTEMS[system](args.flags, log);
  for (const s of report.saved) {
    const file = path.join(out, `eigenvalues-${s.name.replace(/[^A-Za-z0-9.=-]+/g, '_')}.npy`);
    await writeNpy(file, Float64Array.from(s.values), [s.values.length]);
  }
  await writeSpectrumReport(path.join(out, 'report.html'), report);
  for (const note of report.notes) log(`  ${note}`);
  log(`eigenvalues and report.html written to ${out}`);
}
