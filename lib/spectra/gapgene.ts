/**
 * Positional information read out from two gap genes (Box 2 / Fig. 2 of the "optimization and variability"
 * seed): F(θ) = I(Z; x), Z the Voronoi cell of (g_Hb, g_Kr) among centres θ = (θ₁, …, θ_|Z|), from samples of
 * (g, x) — the user's, or a built-in synthetic embryo.
 *
 * With samples, a hard Voronoi assignment makes I(Z; x) piecewise constant in θ (its Hessian is zero or
 * undefined), while the seed's Hessian comes from the smooth density of expression levels. So the assignment
 * here is soft: P(z | g) = softmax_z(−|g − θ_z|² / 2w²), which tends to the Voronoi partition as the softness
 * w → 0; w (default 0.02, in units of the normalised expression range) smooths each sample over about the
 * scale of a density estimate. Positions are binned, I is in bits, and its gradient and Hessian are exact.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { eigh } from '../linalg';
import { integer, isFloat64Array, knownKeys, positiveNumber } from '../validate';
import { uniforms } from '../rng';
import { gaussians } from './common';

/** Samples of expression (g_Hb, g_Kr) (M × 2 row-major) and position x (M) along the axis (0..1). */
export interface ExpressionSamples {
  g: Float64Array;
  x: Float64Array;
}

/** Mean profiles of the synthetic embryo: a Hunchback-like anterior sigmoid and a central Krüppel-like bump. */
export function syntheticMeans(x: number): [number, number] {
  return [1 / (1 + Math.exp((x - 0.45) / 0.04)), Math.exp(-((x - 0.55) ** 2) / (2 * 0.07 ** 2))];
}

/**
 * The synthetic embryo: `positions` evenly spaced x in [0.1, 0.9] with `perPosition` cells each, expression
 * = mean + σ(x)·ξ with σ = 0.03 + 0.15·μ(1 − μ) (noisiest where a profile is steepest), Philox under `seed`.
 */
export function syntheticEmbryo(opts: { positions?: number; perPosition?: number; seed?: number } = {}): ExpressionSamples {
  knownKeys(opts, ['positions', 'perPosition', 'seed'], 'embryo option');
  const positions = integer(opts.positions ?? 60, 'positions', 2, 10000);
  const per = integer(opts.perPosition ?? 100, 'perPosition', 1, 100000);
  const xi = gaussians(2 * positions * per, opts.seed ?? 1, 7);
  const g = new Float64Array(2 * positions * per);
  const x = new Float64Array(positions * per);
  for (let p = 0; p < positions; ++p) {
    const pos = 0.1 + (0.8 * p) / (positions - 1);
    const mu = syntheticMeans(pos);
    for (let c = 0; c < per; ++c) {
      const s = p * per + c;
      x[s] = pos;
      for (let k = 0; k < 2; ++k) g[2 * s + k] = mu[k] + (0.03 + 0.15 * mu[k] * (1 - mu[k])) * xi[2 * s + k];
    }
  }
  return { g, x };
}

/** Options of {@link gapGeneInformation}. */
export interface GapGeneOptions {
  /** Softness w of the assignment. Default 0.02. */
  softness?: number;
  /** Equal-width position bins over the samples' range. Default: one per distinct x when ≤ 200, else 50. */
  bins?: number;
  /** Compute ∂²F/∂θ². Default true. */
  hessian?: boolean;
}

/** I(Z; x) in bits with ∂I/∂θ (2|Z|) and ∂²I/∂θ² (2|Z| × 2|Z|), θ = (Hb₁, Kr₁, Hb₂, …). */
export interface GapGeneInformation {
  value: number;
  gradient: Float64Array;
  hessian?: Float64Array;
}

function binsOf(samples: ExpressionSamples, requested?: number): { index: Int32Array; count: number } {
  const distinct = Array.from(new Set(samples.x)).sort((a, b) => a - b);
  if (requested === undefined && distinct.length <= 200) {
    const map = new Map(distinct.map((v, i) => [v, i]));
    return { index: Int32Array.from(samples.x, (v) => map.get(v)!), count: distinct.length };
  }
  const count = integer(requested ?? 50, 'bins', 1, 100000);
  const lo = distinct[0];
  const span = distinct[distinct.length - 1] - lo || 1;
  return { index: Int32Array.from(samples.x, (v) => Math.min(count - 1, Math.floor(((v - lo) / span) * count))), count };
}

function checkSamples(samples: ExpressionSamples): number {
  if (typeof samples !== 'object' || samples === null || !isFloat64Array(samples.g) || !isFloat64Array(samples.x)) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'samples must be { g: Float64Array (M × 2), x: Float64Array (M) }');
  }
  if (samples.x.length === 0 || samples.g.length !== 2 * samples.x.length) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', 'samples.g must hold two numbers per entry of samples.x');
  }
  return samples.x.length;
}

/** F(θ) = I(Z; x) with its exact gradient and Hessian under the soft Voronoi assignment. */
export function gapGeneInformation(
  centres: Float64Array,
  samples: ExpressionSamples,
  opts: GapGeneOptions = {},
): GapGeneInformation {
  knownKeys(opts, ['softness', 'bins', 'hessian'], 'gap-gene option');
  const m = checkSamples(samples);
  if (!isFloat64Array(centres) || centres.length < 4 || centres.length % 2 !== 0) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', 'centres must be a Float64Array of |Z| ≥ 2 points (Hb, Kr)');
  }
  const w2 = positiveNumber(opts.softness ?? 0.02, 'softness') ** 2;
  const wantH = opts.hessian ?? true;
  const z = centres.length / 2;
  const k = 2 * z;
  const { index, count: nb } = binsOf(samples, opts.bins);
  const p = new Float64Array(nb * z);        // joint p(b, z)
  const jp = new Float64Array(nb * z * k);   // ∂p(b, z)/∂θ
  const hp = wantH ? new Float64Array(nb * z * k * k) : undefined;
  const q = new Float64Array(z);
  const ju = new Float64Array(k);            // ∂u_y/∂θ_(y, α), u_y = −|g − θ_y|²/2w²
  for (let s = 0; s < m; ++s) {
    let top = -Infinity;
    for (let y = 0; y < z; ++y) {
      const d0 = samples.g[2 * s] - centres[2 * y];
      const d1 = samples.g[2 * s + 1] - centres[2 * y + 1];
      q[y] = -(d0 * d0 + d1 * d1) / (2 * w2);
      ju[2 * y] = d0 / w2;
      ju[2 * y + 1] = d1 / w2;
      top = Math.max(top, q[y]);
    }
    let sum = 0;
    for (let y = 0; y < z; ++y) sum += (q[y] = Math.exp(q[y] - top));
    for (let y = 0; y < z; ++y) q[y] /= sum;
    const b = index[s];
    for (let c = 0; c < z; ++c) {
      const row = b * z + c;
      p[row] += q[c] / m;
      for (let y = 0; y < z; ++y) {
        const q1 = q[c] * ((c === y ? 1 : 0) - q[y]);
        for (let a = 0; a < 2; ++a) jp[row * k + 2 * y + a] += (q1 * ju[2 * y + a]) / m;
        if (!hp) continue;
        for (let v = 0; v < z; ++v) {
          const q2 = q[c] * (((c === y ? 1 : 0) - q[y]) * ((c === v ? 1 : 0) - q[v]) - q[y] * ((y === v ? 1 : 0) - q[v]));
          for (let a = 0; a < 2; ++a) {
            const base = (row * k + 2 * y + a) * k + 2 * v;
            hp[base] += (q2 * ju[2 * y + a] * ju[2 * v]) / m;
            hp[base + 1] += (q2 * ju[2 * y + a] * ju[2 * v + 1]) / m;
          }
        }
        for (let a = 0; a < 2; ++a) hp[(row * k + 2 * y + a) * k + 2 * y + a] -= q1 / w2 / m;
      }
    }
  }
  const pz = new Float64Array(z);
  const pb = new Float64Array(nb);
  for (let b = 0; b < nb; ++b) for (let c = 0; c < z; ++c) { pz[c] += p[b * z + c]; pb[b] += p[b * z + c]; }
  const ln2 = Math.log(2);
  let value = 0;
  const gradient = new Float64Array(k);
  const hessian = wantH ? new Float64Array(k * k) : undefined;
  for (let c = 0; c < z; ++c) {
    const jz = new Float64Array(k);
    for (let b = 0; b < nb; ++b) {
      const row = b * z + c;
      if (p[row] <= 0) continue;
      const lg = Math.log(p[row] / pz[c]);
      value += p[row] * (lg - Math.log(pb[b]));
      for (let a = 0; a < k; ++a) {
        gradient[a] += (lg * jp[row * k + a]) / ln2;
        jz[a] += jp[row * k + a];
      }
      if (!hessian) continue;
      for (let a = 0; a < k; ++a) {
        for (let e = 0; e < k; ++e) {
          hessian[a * k + e] += (lg * hp![(row * k + a) * k + e] + (jp[row * k + a] * jp[row * k + e]) / p[row]) / ln2;
        }
      }
    }
    if (!hessian) continue;
    for (let a = 0; a < k; ++a) for (let e = 0; e < k; ++e) hessian[a * k + e] -= (jz[a] * jz[e]) / pz[c] / ln2;
  }
  return { value: value / ln2, gradient, hessian };
}

/** The optimised read-out: centres, F and its Hessian there. */
export interface GapGeneOptimum extends GapGeneInformation {
  centres: Float64Array;
  iterations: number;
}

/**
 * Maximises I(Z; x) over |Z| centres: k-means on the samples for a start (seeded), gradient ascent with an
 * adaptive step, then saddle-free Newton steps until the gradient vanishes.
 */
export function optimiseGapGene(
  samples: ExpressionSamples,
  cells: number,
  opts: GapGeneOptions & { seed?: number; iterations?: number } = {},
): GapGeneOptimum {
  const { seed = 1, iterations: limit = 300, ...infoOpts } = opts;
  const iterations = integer(limit, 'iterations', 0);
  const m = checkSamples(samples);
  const z = integer(cells, 'cells', 2, 100);
  const pick = uniforms(z, seed, 3);
  let centres = new Float64Array(2 * z);
  for (let c = 0; c < z; ++c) {
    const s = Math.floor(pick[c] * m);
    centres[2 * c] = samples.g[2 * s];
    centres[2 * c + 1] = samples.g[2 * s + 1];
  }
  for (let it = 0; it < 30; ++it) {
    const sum = new Float64Array(2 * z);
    const n = new Float64Array(z);
    for (let s = 0; s < m; ++s) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < z; ++c) {
        const d = (samples.g[2 * s] - centres[2 * c]) ** 2 + (samples.g[2 * s + 1] - centres[2 * c + 1]) ** 2;
        if (d < bestD) [best, bestD] = [c, d];
      }
      n[best] += 1;
      sum[2 * best] += samples.g[2 * s];
      sum[2 * best + 1] += samples.g[2 * s + 1];
    }
    for (let c = 0; c < z; ++c) if (n[c] > 0) [centres[2 * c], centres[2 * c + 1]] = [sum[2 * c] / n[c], sum[2 * c + 1] / n[c]];
  }
  let current = gapGeneInformation(centres, samples, { ...infoOpts, hessian: false });
  let step = 1e-3;
  let used = 0;
  for (; used < iterations && step > 1e-12; ++used) {
    const trial = Float64Array.from(centres, (v, i) => v + step * current.gradient[i]);
    const next = gapGeneInformation(trial, samples, { ...infoOpts, hessian: false });
    if (next.value > current.value) [centres, current, step] = [trial, next, step * 1.3];
    else step /= 2;
  }
  // Saddle-free Newton: each eigen-direction of H is stepped by −g/|λ|, uphill whatever its curvature, and
  // the step is halved until F increases.
  const k = 2 * z;
  for (let newton = 0; newton < 60; ++newton, ++used) {
    const full = gapGeneInformation(centres, samples, { ...infoOpts, hessian: true });
    if (full.gradient.every((v) => Math.abs(v) < 1e-10)) break;
    const { values, vectors } = eigh(full.hessian!, k, { vectors: true });
    const floor = 1e-8 * Math.max(...Array.from(values, Math.abs));
    const delta = new Float64Array(k);
    for (let e = 0; e < k; ++e) {
      let proj = 0;
      for (let i = 0; i < k; ++i) proj += vectors![i * k + e] * full.gradient[i];
      for (let i = 0; i < k; ++i) delta[i] += (vectors![i * k + e] * proj) / Math.max(Math.abs(values[e]), floor);
    }
    let scale = 1;
    let accepted = false;
    for (; scale > 1e-6; scale /= 2) {
      const trial = Float64Array.from(centres, (v, i) => v + scale * delta[i]);
      if (gapGeneInformation(trial, samples, { ...infoOpts, hessian: false }).value > full.value) {
        centres = trial;
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
  }
  return { ...gapGeneInformation(centres, samples, { ...infoOpts, hessian: true }), centres, iterations: used };
}
