import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { fisher, spectra } from '../../lib';
import { parseArgs } from '../../lib/cli/args';
import { runSpectrum, spectrumFlags } from '../../lib/cli/spectrum';
import { CLASSIFIER_CHECKPOINTS, logQuantile } from '../../lib/cli/spectrum-classifier';
import { readNpy } from '../../lib/io/npy';

describe('sloppy spectrum classifier', () => {
  const settings = { samples: 300, dim: 10, classes: 4, hidden: 32, fisherSamples: 40, steps: 3000, seed: 2 };
  const flags = [
    '--samples', '300', '--dim', '10', '--classes', '4', '--hidden', '32', '--fisher-samples', '40', '--steps', '3000',
    '--seeds', '2',
  ];
  const sizes = [settings.dim, settings.hidden, settings.classes];
  const data = spectra.syntheticClasses({ samples: 300, dim: 10, classes: 4, seed: 2 });
  const conditions = { true: data.labels, permuted: fisher.permuteLabels(data.labels, 2) };
  let out: string;
  let lines: string[];

  beforeAll(async () => {
    out = await mkdtemp(path.join(tmpdir(), 'sloppy-spectrum-'));
    lines = [];
    await runSpectrum(parseArgs(['classifier', ...flags, '--out', out], spectrumFlags), (l) => lines.push(l));
  });

  const eigenvalues = async (name: string) => (await readNpy(path.join(out, `eigenvalues-${name}.npy`))).data;

  it.each(Object.entries(conditions))('writes the %s-label spectra that fisher.trainingSpectra gives', async (label, labels) => {
    const r = await fisher.trainingSpectra(data.x, labels, {
      sizes, checkpoints: CLASSIFIER_CHECKPOINTS, steps: settings.steps, seed: settings.seed,
      fisherSamples: settings.fisherSamples,
    });
    expect(r.training.perfect).toBe(true);
    for (const s of r.spectra) expect(await eigenvalues(`${label}-step${s.step}`)).toEqual(s.values);
    expect(await eigenvalues(label)).toEqual(r.spectra[r.spectra.length - 1].values);
    const c = await fisher.fisherConvergence(r.training.params, data.x, { sizes, ns: [5, 10, 20, 40] });
    for (const s of c.spectra) expect(await eigenvalues(`${label}-n${s.n}`)).toEqual(s.values);
    // F(n) at n = 40 from the convergence run is the end-of-training spectrum: the same score rows.
    expect(c.spectra[3].values).toEqual(r.spectra[r.spectra.length - 1].values);
  });

  it('starts both tasks from one spectrum, and ends with the permuted task stiffer (Fig. 5C)', async () => {
    const [m, C] = [settings.fisherSamples, settings.classes];
    // F depends on the labels only through the parameters training reaches: at step 0 it is one matrix.
    expect(await eigenvalues('permuted-step0')).toEqual(await eigenvalues('true-step0'));
    const q = async (name: string, f: number) => logQuantile(await eigenvalues(name), m, C, f);
    // Measured at these sizes (seed 2): true-label training moves the median log₁₀ λ down by 5.6 decades,
    // into a long small tail; with permuted labels the top decile grows by 1.1 decades and the end median lies
    // 5.8 decades above the true-label one. The lowest decile falls there too (−2.8 → −6.4), unlike the seed.
    expect(await q('true', 0.5)).toBeLessThan((await q('true-step0', 0.5)) - 1);
    expect(await q('permuted', 0.9)).toBeGreaterThan((await q('permuted-step0', 0.9)) + 0.5);
    expect(await q('permuted', 0.5)).toBeGreaterThan((await q('true', 0.5)) + 1);
  });

  it('draws the training curves and the densities in the report and logs the comparison', async () => {
    const html = await readFile(path.join(out, 'report.html'), 'utf8');
    // Fig. 5B, a density per task, the rank plot, a convergence density per task, and the end densities.
    expect(html.match(/<svg/g)).toHaveLength(7);
    expect(html).toContain('Fig. 5C, permuted labels');
    expect(lines.some((l) => l.includes('Median log₁₀ λ from step 0 to the end'))).toBe(true);
    expect(lines.at(-1)).toContain('report.html');
  });

  it('rejects a malformed hidden-layer list', async () => {
    await expect(runSpectrum(parseArgs(['classifier', '--hidden', '32,x'], spectrumFlags), () => undefined))
      .rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });
});
