/**
 * `sloppy landscape`: the energy-landscape study at a chosen scale, written as .npy files, summary.json and
 * report.html in one folder.
 * @packageDocumentation
 */
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';

import { Device } from '../backends';
import { writeLandscapeReport } from '../landscape/report';
import { landscapeStudy } from '../landscape/study';
import { FlagSpec, Parsed } from './args';

export const landscapeFlags: Record<string, FlagSpec> = {
  fits: { type: 'number', help: 'fits per optimizer (default 256, a few minutes on a laptop CPU; the paper: 160000)' },
  steps: { type: 'number', help: 'optimizer steps per fit (default 20000)' },
  seed: { type: 'number', help: 'seed of the first optimizer\'s starts (default 1; the second uses seed + 1)' },
  bands: { type: 'number', help: 'NEB paths from the global minimum to local minima (default 8)' },
  images: { type: 'number', help: 'images per NEB band (default 12)' },
  'neb-steps': { type: 'number', help: 'NEB steps per band at most (default 500)' },
  basin: { type: 'number', help: 'jittered retrainings per optimizer for the basin (default 128)' },
  pairs: { type: 'number', help: 'random pairs of minima for the distance histograms (default 20000)' },
  device: { type: 'string', help: "'auto' (default), 'cpu' or 'cuda'" },
  threads: { type: 'number', help: 'CPU threads (default: all)' },
  out: { type: 'string', help: 'output folder (default out/landscape)' },
  help: { type: 'boolean', help: 'show this help' },
};

/** Runs the study from parsed flags; progress on stderr, a summary on `log`. */
export async function runLandscape(args: Parsed, log: (line: string) => void): Promise<void> {
  const f = args.flags;
  const out = (f.out as string | undefined) ?? path.join('out', 'landscape');
  const started = Date.now();
  const study = await landscapeStudy({
    fits: f.fits as number | undefined, steps: f.steps as number | undefined, seed: f.seed as number | undefined,
    bands: f.bands as number | undefined, images: f.images as number | undefined, nebSteps: f['neb-steps'] as number | undefined,
    basin: f.basin as number | undefined, pairs: f.pairs as number | undefined, device: f.device as Device | undefined,
    threads: f.threads as number | undefined, out,
    onProgress: (line) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${line}\n`),
  });
  const summary = {
    settings: study.settings,
    ensembles: study.ensembles.map((e) => ({
      optimizer: e.optimizer, seed: e.seed, fits: e.loss.length, global: e.global, collapsed: e.collapsed,
      meanLoss: e.meanLoss, lossOfMean: e.lossOfMean, basinReturned: e.basin.returned.filter(Boolean).length,
      basinHalfNorm: e.basin.logistic?.half ?? null,
    })),
    bands: study.bands.map((b) => ({ converged: b.converged, steps: b.steps, barrier: Math.max(...b.energies) - b.energies[0] })),
    globalHessianValid: study.globalCurvature.valid[0],
    globalHessianNote: study.globalCurvature.reasons[0] ?? null,
  };
  await writeFile(path.join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  await writeLandscapeReport(path.join(out, 'report.html'), study);
  for (const e of summary.ensembles) {
    log(`${e.optimizer.padEnd(9)} ${e.fits} fits: ${e.global} reached the global minimum, ${e.collapsed} collapsed; mean MSE ${e.meanLoss.toExponential(3)}, MSE of the mean fit ${e.lossOfMean.toExponential(3)}; basin ${e.basinReturned}/${study.settings.basin} returned`);
  }
  log(`NEB: ${summary.bands.filter((b) => b.converged).length} of ${summary.bands.length} bands converged`);
  log(`written to ${out}: report.html, summary.json, ${study.files.length} .npy files`);
}
