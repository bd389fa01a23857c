/**
 * A built-in classification data set for the classifier spectra of Box 5 (Fig. 5C) of the "optimization and
 * variability" seed. The seed trains on CIFAR-10, which is not available offline; what its figure contrasts is
 * a task with structure a network learns (true labels) against the same inputs with labels it can only
 * memorise (randomly permuted). A Gaussian mixture keeps that contrast and runs in seconds: C classes of
 * equal size, class c centred at μ_c = separation·g_c (g_c standard normal in d dimensions), inputs
 * x = μ_y + ξ with unit normal noise, all drawn from Philox under one seed.
 * @packageDocumentation
 */
import { integer, knownKeys, positiveNumber } from '../validate';
import { gaussians } from './common';

/**
 * The default scale of the class centres. With d = 20 and C = 10 the nearest two centres lie about 5 noise
 * widths apart (4.9 under seed 1), so the classes barely overlap: nearest-mean classification of the
 * 1000 default samples is 99% right, and the structure is there to be learnt.
 */
export const DEFAULT_SEPARATION = 1;

/** Options of {@link syntheticClasses}. */
export interface SyntheticClassesOptions {
  /** Samples n. Default 1000. */
  samples?: number;
  /** Input dimension d. Default 20. */
  dim?: number;
  /** Classes C. Default 10. */
  classes?: number;
  /** Scale of the class centres relative to the unit noise. Default {@link DEFAULT_SEPARATION}. */
  separation?: number;
  /** Default 1. */
  seed?: number;
}

/** Inputs (n × d, row-major) and labels in [0, C). */
export interface ClassSamples {
  x: Float64Array;
  labels: Int32Array;
  samples: number;
  dim: number;
  classes: number;
}

/** The Gaussian-mixture data set; sample i has class i mod C, so every leading block of C samples is balanced. */
export function syntheticClasses(opts: SyntheticClassesOptions = {}): ClassSamples {
  knownKeys(opts, ['samples', 'dim', 'classes', 'separation', 'seed'], 'syntheticClasses option');
  const samples = integer(opts.samples ?? 1000, 'samples', 1, 1 << 24);
  const dim = integer(opts.dim ?? 20, 'dim', 1, 1 << 16);
  const classes = integer(opts.classes ?? 10, 'classes', 2, 1 << 16);
  const separation = positiveNumber(opts.separation ?? DEFAULT_SEPARATION, 'separation');
  const seed = integer(opts.seed ?? 1, 'seed', 0);
  const centres = gaussians(classes * dim, seed, 11);
  const x = gaussians(samples * dim, seed, 12);
  const labels = Int32Array.from({ length: samples }, (_, i) => i % classes);
  for (let i = 0; i < samples; ++i) {
    for (let k = 0; k < dim; ++k) x[i * dim + k] += separation * centres[labels[i] * dim + k];
  }
  return { x, labels, samples, dim, classes };
}
