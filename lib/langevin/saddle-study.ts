/**
 * The Müller–Brown saddle-escape study behind `sloppy noise saddle`: overdamped escape from the minimum near
 * (−0.050, 0.467) into the basin of the one near (0.623, 0.028) at several temperatures, the mean first-passage
 * time set against the Kramers–Langer rate over the saddle near (0.212, 0.293), and the index of every
 * stationary point involved. Results are written as .npy files, a JSON summary and an HTML report.
 * @packageDocumentation
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

import { SloppyError } from '../errors';
import { writeNpy } from '../io/npy';
import { positiveNumber } from '../validate';
import { mullerBrownEnergy } from './energies';
import { escapeTimes, EscapeResult, findSaddle } from './escape';
import { kramersLanger } from './kramers';
import { writeSaddleReport } from './saddle-report';
import { locateStationary, strictSaddleTest, StrictSaddleReport } from './stationary';

/** Options of {@link saddleStudy}. */
export interface SaddleStudyOptions {
  /** Barrier heights in units of T, ΔU/T, one run per value. Default [3, 4, 5, 6, 7]. */
  ratios?: number[];
  /** Paths per temperature. Default 400 (a 5 % standard error on each mean). */
  paths?: number;
  /**
   * Default 5e-5. At ΔU = 7T (400 paths, seed 1) MFPT·k was 1.06, 0.99 and 1.06 at dt = 1e-4, 5e-5 and 2.5e-5:
   * no step bias above the 5 % noise; dt = 2e-4 gave 1.25 (200 paths).
   */
  dt?: number;
  /** Each run's horizon in units of the Kramers–Langer time 1/k. Default 5 (99.3 % of exponential times). */
  horizon?: number;
  /** Radius of the target basin's ball. Default 0.1. */
  radius?: number;
  seed?: number;
  threads?: number;
  /** The output folder. */
  out: string;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

/** What the study found. */
export interface SaddleStudy {
  escape: EscapeResult;
  /** Both minima, the low saddle and the high saddle (near (−0.822, 0.624)), classified. */
  stationary: StrictSaddleReport;
  settings: Required<Omit<SaddleStudyOptions, 'signal' | 'onProgress' | 'threads'>>;
  files: string[];
}

const FROM = [-0.05, 0.467];
const TO = [0.623, 0.028];
const HIGH_SADDLE = [-0.822, 0.624];

/** Runs the study and writes its files into `opts.out`. */
export async function saddleStudy(opts: SaddleStudyOptions): Promise<SaddleStudy> {
  if (typeof opts !== 'object' || opts === null || typeof opts.out !== 'string') {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'saddleStudy needs { out: folder }');
  }
  const settings = {
    ratios: opts.ratios ?? [3, 4, 5, 6, 7],
    paths: opts.paths ?? 400,
    dt: opts.dt ?? 5e-5,
    horizon: opts.horizon ?? 5,
    radius: opts.radius ?? 0.1,
    seed: opts.seed ?? 1,
    out: opts.out,
  };
  settings.ratios.forEach((r, i) => positiveNumber(r, `ratios[${i}]`));
  positiveNumber(settings.horizon, 'horizon');
  const energy = mullerBrownEnergy();
  const log = opts.onProgress ?? (() => undefined);
  const saddle = await findSaddle(energy, FROM, TO, { signal: opts.signal });
  const probe = await kramersLanger(energy, { minimum: saddle.from, saddle: saddle.saddle }, [1]);
  const temperatures = settings.ratios.map((r) => probe.barrier / r);
  log(`barrier ΔU = ${probe.barrier.toFixed(7)}, prefactor ${probe.prefactor.toFixed(3)}; temperatures ${temperatures.map((T) => T.toFixed(4)).join(', ')}`);
  const escape = await escapeTimes(energy, {
    from: saddle.from,
    to: saddle.to,
    radius: settings.radius,
    temperatures,
    paths: settings.paths,
    dt: settings.dt,
    seed: settings.seed,
    threads: opts.threads,
    signal: opts.signal,
    stepsAt: (T) => Math.ceil((settings.horizon / (probe.prefactor * Math.exp(-probe.barrier / T))) / settings.dt),
  });
  for (const row of escape.rows) {
    log(`T = ${row.temperature.toFixed(4)}: MFPT ${row.mfpt.toFixed(4)} ± ${row.standardError.toFixed(4)}, Kramers–Langer ${row.kramersTime.toFixed(4)}, ratio ${(row.mfpt / row.kramersTime).toFixed(3)}`);
  }
  const high = await locateStationary(energy, HIGH_SADDLE, { kind: 'saddle', signal: opts.signal });
  const stationary = await strictSaddleTest(energy, [saddle.from, saddle.to, saddle.saddle, high.point]);

  await mkdir(settings.out, { recursive: true });
  const rows = escape.rows;
  const table = new Float64Array(rows.length * 8);
  rows.forEach((r, k) => table.set([settings.ratios[k], r.temperature, r.mfpt, r.standardError, r.kramersTime, r.meanArrived, r.escapeProbability, r.horizon], k * 8));
  const times = new Float64Array(rows.length * settings.paths);
  rows.forEach((r, k) => times.set(r.times, k * settings.paths));
  const files = ['escape.npy', 'times.npy', 'summary.json', 'report.html'].map((f) => path.join(settings.out, f));
  await writeNpy(files[0], table, [rows.length, 8]);
  await writeNpy(files[1], times, [rows.length, settings.paths]);
  const summary = {
    energy: 'muller-brown',
    columns: ['barrier/T', 'T', 'mfpt', 'mfpt_se', 'kramers_time', 'mean_arrived', 'escape_probability', 'horizon'],
    barrier: escape.kramers.barrier,
    prefactor: escape.kramers.prefactor,
    minimum: { point: Array.from(saddle.from), eigenvalues: Array.from(escape.kramers.minimum.eigenvalues) },
    target: Array.from(saddle.to),
    saddle: { point: Array.from(saddle.saddle), eigenvalues: Array.from(escape.kramers.saddle.eigenvalues) },
    stationary: stationary.points.map((p) => ({ point: Array.from(p.point), energy: p.energy, eigenvalues: Array.from(p.eigenvalues), index: p.index, kind: p.kind })),
    strictSaddle: stationary.holds,
    rows: rows.map((r, k) => ({ ratio: settings.ratios[k], T: r.temperature, mfpt: r.mfpt, se: r.standardError, kramersTime: r.kramersTime, escapeProbability: r.escapeProbability, horizon: r.horizon })),
    settings,
  };
  await writeFile(files[2], `${JSON.stringify(summary, null, 1)}\n`, 'utf8');
  await writeSaddleReport(files[3], { escape, stationary, ratios: settings.ratios, settings: { ...settings, ratios: settings.ratios.join(', ') } });
  return { escape, stationary, settings, files };
}
