/**
 * The landscape study end to end (the seed "The energy landscape of a simple neural network"): fit many
 * networks of the teacher's size to its output with both optimizers, symmetrize the minima and measure their
 * distances, connect the global minimum to local minima by climbing-image NEB, read Hessian spectra at the
 * minima and along a path, and probe the global minimum's basin by jitter and retraining. Arrays go to .npy
 * files; {@link writeLandscapeReport} turns the result into the figures of the paper's Figs. 2–12.
 * @packageDocumentation
 */
import * as path from 'node:path';

import { Device } from '../backends';
import { writeNpy } from '../io/npy';
import { uniforms } from '../rng';
import { integer } from '../validate';
import { Basin, basinOfMinimum } from './basin';
import { Curvature, hessianSpectra } from './curvature';
import { fitNetworks } from './fit';
import { directionCosines, distancesTo, pairwiseDistances } from './measure';
import { neb, NebBand } from './neb';
import { networkEnergy, networkOutputs } from './network';
import { analysePath, PathAnalysis } from './path';
import { symmetrize } from './symmetrize';
import { Teacher, teacher, TeacherOptions } from './teacher';

export type OptimizerName = 'momentum' | 'adadelta';

/** Options of {@link landscapeStudy}. */
export interface LandscapeStudyOptions {
  /** Fits per optimizer. Default 256 (the paper: 160 000). */
  fits?: number;
  /** Optimizer steps per fit. Default 20 000. */
  steps?: number;
  /** Seed of the first optimizer's starts; the second uses seed + 1, so its collapsed fits are not the same ones. Default 1. */
  seed?: number;
  teacher?: TeacherOptions;
  /** NEB paths from the global minimum to the lowest local minima of the first optimizer. Default 8. */
  bands?: number;
  /** Images per NEB band, endpoints included. Default 12. */
  images?: number;
  /** NEB steps per band at most. Default 500. */
  nebSteps?: number;
  /** Jittered retrainings per optimizer for the basin. Default 128. */
  basin?: number;
  /** Random pairs of minima for the distance and cosine histograms. Default 20 000. */
  pairs?: number;
  device?: Device;
  threads?: number;
  /** Where the .npy files go; nothing is written without it. */
  out?: string;
  signal?: AbortSignal;
  /** One line per stage. */
  onProgress?: (line: string) => void;
}

/** One optimizer's ensemble. */
export interface Ensemble {
  optimizer: OptimizerName;
  seed: number;
  loss: Float64Array;
  /** Fits whose output is constant on the data (a layer dead from the start). */
  collapsed: number;
  /** Fits that reached the global minimum (loss < 1e-6). */
  global: number;
  /** Mean and standard deviation of the fitted outputs at the data (Fig. 3). */
  meanFit: Float64Array;
  stdFit: Float64Array;
  /** MSE of the mean function, and the mean of the fits' MSEs. */
  lossOfMean: number;
  meanLoss: number;
  /** The best fit's output at the data (Fig. 4). */
  bestFit: Float64Array;
  /** Distances between random pairs of symmetrized minima (Fig. 6), to the symmetrized teacher (Fig. 7). */
  pairDistances: Float64Array;
  teacherDistances: Float64Array;
  /** Cosines between the directions from the teacher to pairs of minima. */
  cosines: Float64Array;
  basin: Basin;
}

/** What {@link landscapeStudy} returns. */
export interface LandscapeStudy {
  teacher: Teacher;
  /** The symmetrized teacher: the global minimum in canonical form. */
  globalMinimum: Float64Array;
  ensembles: Ensemble[];
  /** NEB bands from the global minimum to local minima (Fig. 8). */
  bands: NebBand[];
  /** The first band in detail: geometry, outputs along it (Figs. 9, 10). */
  path: PathAnalysis | null;
  /** Hessian spectra at the bands' local minima (Fig. 11 top), at the global minimum (bottom) and along the first path. */
  localCurvature: Curvature | null;
  globalCurvature: Curvature;
  pathCurvature: Curvature | null;
  settings: Required<Omit<LandscapeStudyOptions, 'teacher' | 'out' | 'signal' | 'onProgress' | 'device' | 'threads'>>;
  files: string[];
}

/** `pairs` random pairs (i ≠ j) of n items, flattened, from Philox uniforms of `seed`. */
function randomPairs(n: number, pairs: number, seed: number): number[] {
  const u = uniforms(2 * pairs, seed, PAIR_STREAM);
  const out: number[] = [];
  for (let k = 0; k < pairs && n > 1; k++) {
    const i = Math.floor(u[2 * k] * n);
    const j = Math.floor(u[2 * k + 1] * (n - 1));
    out.push(i, j >= i ? j + 1 : j);
  }
  return out;
}

const PAIR_STREAM = 0x70616972;

/** Runs the study; see {@link LandscapeStudyOptions} for its scale. */
export async function landscapeStudy(opts: LandscapeStudyOptions = {}): Promise<LandscapeStudy> {
  const settings = {
    fits: integer(opts.fits ?? 256, 'fits', 2),
    steps: integer(opts.steps ?? 20000, 'steps', 1),
    seed: integer(opts.seed ?? 1, 'seed', 0, 2 ** 32 - 2),
    bands: integer(opts.bands ?? 8, 'bands', 0),
    images: integer(opts.images ?? 12, 'images', 3),
    nebSteps: integer(opts.nebSteps ?? 500, 'nebSteps', 1),
    basin: integer(opts.basin ?? 128, 'basin', 2),
    pairs: integer(opts.pairs ?? 20000, 'pairs', 1),
  };
  const log = (line: string) => opts.onProgress?.(line);
  const control = { device: opts.device, threads: opts.threads, signal: opts.signal };
  const cpu = { threads: opts.threads, signal: opts.signal };
  const t = teacher(opts.teacher ?? {});
  const P = t.params.length;
  const globalMinimum = symmetrize(t.params, t.shape).params;
  const files: string[] = [];
  const save = async (name: string, data: Float64Array, shape: number[]) => {
    if (opts.out === undefined) return;
    await writeNpy(path.join(opts.out, name), data, shape);
    files.push(name);
  };
  await save('teacher.npy', t.params, [P]);
  await save('x.npy', t.x, [t.x.length]);
  await save('y.npy', t.y, [t.y.length]);

  const ensembles: Ensemble[] = [];
  const minimaOf: Float64Array[] = [];
  for (const [k, optimizer] of (['momentum', 'adadelta'] as const).entries()) {
    const seed = settings.seed + k;
    log(`fitting ${settings.fits} networks with ${optimizer} for ${settings.steps} steps`);
    const fit = await fitNetworks(t.shape, t, { ...control, count: settings.fits, steps: settings.steps, optimizer, seed,
      onProgress: undefined });
    const params = fit.params as Float64Array;
    const { outputs } = await networkOutputs(params, t.shape, t.x, cpu);
    const n = t.x.length;
    const meanFit = new Float64Array(n), stdFit = new Float64Array(n);
    let collapsed = 0;
    for (let f = 0; f < settings.fits; f++) {
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = outputs[f * n + i];
        meanFit[i] += v / settings.fits;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      if (hi - lo <= 1e-9 * (1 + Math.abs(hi))) collapsed++;
    }
    for (let f = 0; f < settings.fits; f++) {
      for (let i = 0; i < n; i++) stdFit[i] += (outputs[f * n + i] - meanFit[i]) ** 2 / settings.fits;
    }
    stdFit.forEach((v, i) => (stdFit[i] = Math.sqrt(v)));
    let best = 0;
    fit.loss.forEach((l, f) => {
      if (l < fit.loss[best]) best = f;
    });
    const minima = symmetrize(params, t.shape, settings.fits).params;
    minimaOf.push(minima);
    const pairs = randomPairs(settings.fits, settings.pairs, seed);
    const basin = await basinOfMinimum(globalMinimum, t.shape, t, { ...control, count: settings.basin, steps: settings.steps, optimizer, seed });
    log(`${optimizer}: ${fit.loss.filter((l) => l < 1e-6).length} global, ${collapsed} collapsed; basin ${basin.returned.filter(Boolean).length}/${settings.basin} returned`);
    ensembles.push({
      optimizer, seed, loss: fit.loss, collapsed, global: fit.loss.filter((l) => l < 1e-6).length, meanFit, stdFit,
      lossOfMean: meanFit.reduce((s, v, i) => s + (v - t.y[i]) ** 2, 0) / n,
      meanLoss: fit.loss.reduce((s, v) => s + v, 0) / settings.fits,
      bestFit: outputs.slice(best * n, (best + 1) * n),
      pairDistances: pairwiseDistances(minima, t.shape, { pairs }),
      teacherDistances: distancesTo(minima, globalMinimum, t.shape),
      cosines: directionCosines(minima, globalMinimum, t.shape, { pairs }),
      basin,
    });
    await save(`${optimizer}-weights.npy`, params, [settings.fits, P]);
    await save(`${optimizer}-minima.npy`, minima, [settings.fits, P]);
    await save(`${optimizer}-loss.npy`, fit.loss, [settings.fits]);
    await save(`${optimizer}-basin-norms.npy`, basin.norms, [settings.basin]);
    await save(`${optimizer}-basin-loss.npy`, basin.finalLoss, [settings.basin]);
  }

  // The lowest local minima of the first optimizer that are neither global nor collapsed (flat outputs).
  const first = ensembles[0];
  const order = Array.from(first.loss.keys()).filter((f) => first.loss[f] >= 1e-6).sort((a, b) => first.loss[a] - first.loss[b]);
  const targets = order.slice(0, settings.bands);
  let bands: NebBand[] = [];
  if (targets.length > 0) {
    log(`NEB: ${targets.length} bands of ${settings.images} images from the global minimum`);
    const energy = networkEnergy(t.shape, t, { device: opts.device, threads: opts.threads });
    const r = await neb(energy, { bands: targets.map((f) => ({ start: globalMinimum, end: minimaOf[0].slice(f * P, (f + 1) * P) })) },
      { images: settings.images, maxSteps: settings.nebSteps, dense: 9, signal: opts.signal });
    bands = r.bands;
    log(`NEB: ${bands.filter((b) => b.converged).length} of ${bands.length} converged`);
  }
  const globalCurvature = await hessianSpectra(globalMinimum, t.shape, t, cpu);
  let localCurvature: Curvature | null = null;
  let pathCurvature: Curvature | null = null;
  let pathInfo: PathAnalysis | null = null;
  if (targets.length > 0) {
    const local = new Float64Array(targets.length * P);
    targets.forEach((f, k) => local.set(minimaOf[0].subarray(f * P, (f + 1) * P), k * P));
    localCurvature = await hessianSpectra(local, t.shape, t, cpu);
    const images = bands[0].images;
    pathInfo = await analysePath(images, t.shape, t, cpu);
    const stacked = new Float64Array(images.length * P);
    images.forEach((im, i) => stacked.set(im, i * P));
    pathCurvature = await hessianSpectra(stacked, t.shape, t, cpu);
    await save('path-images.npy', stacked, [images.length, P]);
    await save('path-eigenvalues.npy', pathCurvature.eigenvalues, [images.length, P]);
    await save('local-eigenvalues.npy', localCurvature.eigenvalues, [targets.length, P]);
  }
  await save('global-eigenvalues.npy', globalCurvature.eigenvalues, [P]);
  return { teacher: t, globalMinimum, ensembles, bands, path: pathInfo, localCurvature, globalCurvature, pathCurvature, settings, files };
}
