/**
 * `sloppy epi <model>`: emergent property inference with the paper's property and settings by default,
 * writing a run folder — the saved distribution, samples as .npy, the history as CSV and an HTML report.
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { epi, EpiOptions, EpiResult } from '../epi';
import { gridContours, propertyContours } from '../epi/contours';
import { historyCsv } from '../epi/history';
import { residuals, resolveProperty } from '../epi/property';
import { writeReport } from '../epi/report';
import { maxEntropyRun, selectedEntropy } from '../epi/select';
import { SloppyError } from '../errors';
import { writeNpy } from '../io/npy';
import { get } from '../models';
import { statistics } from '../sde';
import { FlagSpec, Parsed } from './args';

export const epiFlags: Record<string, FlagSpec> = {
  property: { type: 'list', help: 'a constraint "stat=mean,std" (repeatable); default: the published property' },
  epochs: { type: 'number', help: 'augmented-Lagrangian epochs' },
  iterations: { type: 'number', help: 'SGD iterations per epoch' },
  batch: { type: 'number', help: 'samples per iteration' },
  'init-iterations': { type: 'number', help: 'iterations of the Gaussian initialisation' },
  c0: { type: 'number', help: 'initial penalty c0' },
  seed: { type: 'number', help: 'random seed (default 1)' },
  seeds: { type: 'string', help: 'several seeds "1,2,3": each in <out>/seed-<s>/, the converged one of greatest entropy kept' },
  set: { type: 'list', help: 'a model option "name=value" (repeatable)' },
  samples: { type: 'number', help: 'samples written to samples.npy (default 10000)' },
  'stop-early': { type: 'boolean', help: 'stop at the first converged epoch' },
  'batch-norm': { type: 'boolean', help: "batch norm after each of the flow's permutations" },
  resume: { type: 'boolean', help: 'continue from the checkpoint in the run folder' },
  threads: { type: 'number', help: 'CPU threads (default all)' },
  out: { type: 'string', help: 'run folder (default ./out/epi-<model>)' },
  help: { type: 'boolean', help: 'show this help' },
};

function keyValues(list: string[] | undefined, what: string): [string, string][] {
  return (list ?? []).map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', `--${what} takes name=value; got ${item}`);
    return [item.slice(0, eq), item.slice(eq + 1)];
  });
}

/** Options of {@link epi} from the command line's flags. */
export function epiOptionsFrom(f: Parsed['flags']): EpiOptions {
  const opts: EpiOptions = {};
  const numbers: [string, keyof EpiOptions][] = [
    ['epochs', 'epochs'], ['iterations', 'iterations'], ['batch', 'batch'], ['init-iterations', 'initIterations'],
    ['c0', 'c0'], ['seed', 'seed'], ['threads', 'threads'],
  ];
  for (const [flag, key] of numbers) if (f[flag] !== undefined) (opts as Record<string, unknown>)[key] = f[flag];
  if (f['stop-early']) opts.stopEarly = true;
  if (f['batch-norm']) opts.flow = { batchNorm: true };
  const property = keyValues(f.property as string[] | undefined, 'property');
  if (property.length > 0) {
    const parts = property.map(([stat, v]) => [stat, ...v.split(',').map(Number)] as [string, number, number]);
    opts.property = { stats: parts.map((p) => p[0]), mean: parts.map((p) => p[1]), std: parts.map((p) => p[2]) };
  }
  const set = keyValues(f.set as string[] | undefined, 'set');
  if (set.length > 0) opts.options = Object.fromEntries(set.map(([k, v]) => [k, Number(v)]));
  return opts;
}

export async function runEpi(args: Parsed, log: (line: string) => void): Promise<void> {
  const name = args.positional[0];
  if (name === undefined) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'epi needs a model name, e.g. sloppy epi lds2d');
  const model = get(name);
  const out = (args.flags.out as string | undefined) ?? path.join('out', `epi-${name}`);
  const opts = epiOptionsFrom(args.flags);
  const seeds = args.flags.seeds === undefined ? [opts.seed ?? 1] : String(args.flags.seeds).split(',').map(Number);
  const started = Date.now();
  const runs: EpiResult[] = [];
  for (const seed of seeds) {
    const folder = seeds.length > 1 ? path.join(out, `seed-${seed}`) : out;
    let lastLine = '';
    try {
      runs.push(await epi(name, {
        ...opts,
        seed,
        checkpoint: folder,
        resume: args.flags.resume === true,
        onProgress: (p) => {
          const line = `${seeds.length > 1 ? `seed ${seed}, ` : ''}${p.phase === 'init' ? 'initialising' : `epoch ${p.epoch}`}: ` +
            `${Math.round(100 * p.fraction)}%`;
          if (line !== lastLine) process.stderr.write(`\r${line}   `);
          lastLine = line;
        },
      }));
    } catch (err) {
      // A failed run leaves its reason beside its last checkpoint; with several seeds the others go on.
      const e = err as SloppyError;
      await fs.mkdir(folder, { recursive: true });
      await fs.writeFile(path.join(folder, 'failed.json'), JSON.stringify({ code: e.code, message: e.message, details: e.details }, null, 2));
      if (seeds.length === 1 || e.code !== 'ERR_NONFINITE') throw err;
      log(`seed ${seed} failed: ${e.message}`);
    }
    process.stderr.write('\n');
  }
  if (runs.length === 0) throw new SloppyError('ERR_NONFINITE', `every seed failed; see ${out}/seed-*/failed.json`);
  // Without a converged run, the one of greatest entropy is written, and marked as not converged.
  const best = maxEntropyRun(runs) ?? runs.reduce((a, b) => (selectedEntropy(b) > selectedEntropy(a) ? b : a));
  const n = (args.flags.samples as number | undefined) ?? 10000;
  await writeRunFolder(out, best, n, opts.options);
  if (seeds.length > 1) {
    const table = ['seed,converged,epoch,H', ...runs.map((r) => `${r.settings.seed},${r.converged},${r.epoch},${selectedEntropy(r)}`)];
    await fs.writeFile(path.join(out, 'seeds.csv'), table.join('\n') + '\n');
  }
  log(`${model.name}: ${best.converged ? 'converged' : 'NOT converged'}; seed ${best.settings.seed}, selected epoch ` +
      `${best.epoch}, H = ${selectedEntropy(best).toFixed(3)} nats; ${((Date.now() - started) / 1000).toFixed(1)} s`);
  log(`run folder: ${out} (distribution.json, samples.npy, history.csv, report.html${seeds.length > 1 ? ', seeds.csv' : ''})`);
}

/** Writes the distribution, n fresh samples with their log q and statistics, the history and the report. */
export async function writeRunFolder(out: string, r: EpiResult, n: number, options?: Record<string, number>): Promise<void> {
  await fs.mkdir(out, { recursive: true });
  const d = r.distribution;
  const model = get(r.settings.model);
  const z = await d.sample(n, { seed: r.settings.seed });
  const logq = await d.logProb(z);
  const s = await statistics(r.settings.model, z, { options, trials: r.settings.trials, seed: r.settings.seed, checkBounds: false, onNonFinite: 'nan' });
  await d.save(path.join(out, 'distribution.json'));
  await writeNpy(path.join(out, 'samples.npy'), z, [n, d.dim]);
  await writeNpy(path.join(out, 'logq.npy'), logq, [n]);
  await writeNpy(path.join(out, 'statistics.npy'), s.stats, [n, s.statNames.length]);
  await fs.writeFile(path.join(out, 'history.csv'), historyCsv(r.history));
  const property = resolveProperty(r.settings.property, s.statNames);
  const res = residuals(property, s.stats, s.statNames.length);
  const m = property.mu.length;
  const summary = {
    model: r.settings.model, converged: r.converged, epoch: r.epoch, samples: n,
    constraints: property.constraints.map((c, j) => {
      let mean = 0;
      for (let i = 0; i < n; ++i) mean += res[i * m + j] / n;
      return { name: c, target: property.mu[j], residual: mean };
    }),
    settings: r.settings,
  };
  await fs.writeFile(path.join(out, 'summary.json'), JSON.stringify(summary, null, 2));
  const h = r.history;
  await writeReport(path.join(out, 'report.html'), {
    title: `EPI: ${model.name}`,
    model: model.name,
    params: model.params.length === d.dim ? model.params : d.info.paramNames.map((p, i) => ({ name: p, unit: d.info.units[i], lower: d.flow.spec.lower[i], upper: d.flow.spec.upper[i] })),
    samples: z,
    logq,
    stats: property.stats.map((st, k) => ({
      name: st, mean: property.mean[k], std: property.std[k],
      values: Float64Array.from({ length: n }, (_, i) => s.stats[i * s.statNames.length + property.index[k]]),
    })),
    history: {
      epoch: h.rows.map((x) => x.epoch), iteration: h.rows.map((x) => x.iteration), H: h.rows.map((x) => x.H),
      cost: h.rows.map((x) => x.cost), R: h.rows.map((x) => x.R),
    },
    constraintNames: h.constraints,
    epochs: h.epochs.map((e) => ({
      epoch: e.epoch, iterations: r.settings.schedule.iterations, H: e.H, c: e.c, eta: e.eta, p: e.p, converged: e.converged,
    })),
    selectedEpoch: r.epoch,
    converged: r.converged,
    contours: [
      ...propertyContours(r.settings.model, d.info.paramNames, property),
      ...(d.dim === 2
        ? await gridContours(async (grid) => (await statistics(r.settings.model, grid, {
          options, trials: r.settings.trials, seed: r.settings.seed, onNonFinite: 'nan',
        })).stats, d.flow.spec.lower, d.flow.spec.upper, property, s.statNames.length)
        : []),
    ],
    settings: {
      batch: r.settings.schedule.batch, epochs: r.settings.schedule.epochs, iterations: r.settings.schedule.iterations,
      c0: r.settings.schedule.c0, beta: r.settings.schedule.beta, gamma: r.settings.schedule.gamma,
      alpha: r.settings.schedule.alpha, nu: r.settings.schedule.nu, seed: r.settings.seed,
      stages: r.settings.flow.stages, layers: r.settings.flow.layers, units: r.settings.flow.units,
      permutation: r.settings.flow.permutation, postAffine: r.settings.flow.postAffine,
      batchNorm: r.settings.flow.batchNorm, trials: r.settings.trials,
    },
  });
}
