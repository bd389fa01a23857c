/**
 * `sloppy noise landscape`: the landscape networks fitted with gradient noise at several temperatures
 * (annealed to zero) from the same starts as noiseless fits; .npy files, summary.json and report.html.
 * @packageDocumentation
 */
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';

import { Device } from '../backends';
import { writeNpy } from '../io/npy';
import { noisyTraining } from '../landscape/noise';
import { writeNoiseTrainingReport } from '../landscape/noise-report';
import { teacher } from '../landscape/teacher';
import { FlagSpec, Parsed } from './args';

export const noiseLandscapeFlags: Record<string, FlagSpec> = {
  fits: { type: 'number', help: 'fits per temperature (default 256)' },
  steps: { type: 'number', help: 'optimizer steps per fit (default 20000)' },
  temperatures: { type: 'string', help: 'comma-separated temperatures besides 0 (default 1e-7,1e-6,1e-5,1e-4)' },
  optimizer: { type: 'string', help: "'momentum' (default) or 'adadelta'" },
  anneal: { type: 'number', help: 'fraction of the steps over which the noise anneals to zero (default 0.8)' },
  seed: { type: 'number', help: 'seed of the starts and the noise (default 1)' },
  device: { type: 'string', help: "'auto' (default), 'cpu' or 'cuda'" },
  threads: { type: 'number', help: 'CPU threads (default all)' },
  out: { type: 'string', help: 'output folder (default out/noise-landscape)' },
  help: { type: 'boolean', help: 'show this help' },
};

export async function runNoiseLandscape(args: Parsed, log: (line: string) => void): Promise<void> {
  const f = args.flags;
  const out = (f.out as string | undefined) ?? path.join('out', 'noise-landscape');
  const t = teacher();
  const settings = {
    count: (f.fits as number | undefined) ?? 256,
    steps: (f.steps as number | undefined) ?? 20000,
    temperatures: String(f.temperatures ?? '1e-7,1e-6,1e-5,1e-4').split(',').map(Number),
    optimizer: ((f.optimizer as string | undefined) ?? 'momentum') as 'momentum' | 'adadelta',
    anneal: (f.anneal as number | undefined) ?? 0.8,
    seed: (f.seed as number | undefined) ?? 1,
  };
  const outcomes = await noisyTraining(t.shape, t, {
    ...settings, device: f.device as Device | undefined, threads: f.threads as number | undefined,
    onProgress: undefined,
  });
  for (const o of outcomes) await writeNpy(path.join(out, `loss-T${o.temperature}.npy`), o.loss, [o.loss.length]);
  await writeFile(path.join(out, 'summary.json'), JSON.stringify({
    settings, outcomes: outcomes.map(({ loss: _loss, ...rest }) => rest),
  }, null, 2) + '\n');
  await writeNoiseTrainingReport(path.join(out, 'report.html'), outcomes, settings);
  for (const o of outcomes) {
    log(`T = ${o.temperature}: ${(100 * o.pGlobal).toFixed(1)}% reached the global minimum; median final loss ${o.quantiles[1].toExponential(3)}; ` +
      `${(100 * o.betterThanNoiseless).toFixed(1)}% ended lower than the noiseless fit from the same start`);
  }
  log(`written to ${out}: report.html, summary.json, ${outcomes.length} .npy files`);
}
