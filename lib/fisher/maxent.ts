/**
 * Maximum-entropy relations around an optimum (Eqs 25–32 of the "optimization and variability" seed). A population
 * that keeps its mean performance ⟨F⟩ fixed while its parameters vary as much as possible follows the Boltzmann
 * distribution p(θ) ∝ exp(F(θ)/T). In the quadratic approximation F = F_max − ½ δθᵀHδθ, with λ the eigenvalues of
 * H = −∂²F at the optimum, that is a Gaussian with covariance T·H⁻¹, and:
 *
 * - equipartition (Eq 27): ⟨F_max − F⟩ = K·T/2, whatever the spectrum;
 * - entropy (Eq 28): S = ½ Σ_μ ln(2πeT/λ_μ), in nats and in the units of θ;
 * - eliminating T: ΔF = K·T/2 = (K/(4πe))·exp(2S/K + ⟨ln λ⟩), with ⟨ln λ⟩ the mean log-eigenvalue, which is
 *   Eq 31 for the sloppy spectrum λ_μ = λ_max·e^(−αμ) (Eq 29) and Eq 32 for a continuous density ρ(λ).
 *
 * Every direction in a spectrum must be confining (λ > 0): along a flat mode the Boltzmann distribution cannot be
 * normalized, so flat or unresolved modes have to be dropped first, and K is the number that remain.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { normals, Stream } from '../rng';
import { finiteNumber, integer, isFloat64Array, knownKeys, positiveNumber } from '../validate';

/** Checks a spectrum of confining directions: a non-empty Float64Array of finite, positive eigenvalues. */
function positiveSpectrum(values: unknown, what = 'spectrum'): Float64Array {
  if (!isFloat64Array(values)) throw new SloppyError('ERR_INVALID_ARG_TYPE', `${what} must be a Float64Array`);
  if (values.length === 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} is empty`);
  values.forEach((v, i) => {
    if (!(Number.isFinite(v) && v > 0)) {
      throw new SloppyError(
        'ERR_INVALID_ARG_VALUE',
        `${what}[${i}] = ${v}: every eigenvalue must be finite and positive (drop flat modes first)`,
      );
    }
  });
  return values;
}


/** ΔF = K·T/2 with T fixed by S = (K/2)·ln(2πeT) − (K/2)·⟨ln λ⟩, in logs so that large K neither overflows nor underflows early. */
function gapFromMeanLog(dimension: number, entropy: number, meanLog: number): number {
  return Math.exp(Math.log(dimension / (4 * Math.PI * Math.E)) + (2 * entropy) / dimension + meanLog);
}

/**
 * The temperature that gives a mean performance gap ⟨F_max − F⟩ (Eq 27, equipartition): T = 2·gap/K, each of the
 * K confining directions of `spectrum` holding T/2 of the gap.
 * @param spectrum - eigenvalues of −∂²F at the optimum, all positive; only their number K enters.
 * @param gap - the mean gap ⟨F_max − F⟩ > 0, in units of F.
 */
export function temperature(spectrum: Float64Array, gap: number): number {
  return (2 * positiveNumber(gap, 'gap')) / positiveSpectrum(spectrum).length;
}

/**
 * The entropy of the Gaussian Boltzmann distribution at temperature T (Eq 28): S = ½ Σ_μ ln(2πeT/λ_μ), in nats,
 * for θ in the units the Hessian was taken in (a differential entropy: it can be negative).
 * @param spectrum - eigenvalues of −∂²F at the optimum, all positive.
 * @param temperature - T > 0, in units of F.
 */
export function entropy(spectrum: Float64Array, temperature: number): number {
  const values = positiveSpectrum(spectrum);
  const t = positiveNumber(temperature, 'temperature');
  let sumLog = 0;
  for (const v of values) sumLog += Math.log(v);
  return 0.5 * (values.length * Math.log(2 * Math.PI * Math.E * t) - sumLog);
}

/**
 * The mean gap ⟨F_max − F⟩ at entropy S for a measured spectrum: Eq 28 solved for T, inserted in Eq 27,
 * ΔF = (K/(4πe))·exp(2S/K + (1/K)·Σ_μ ln λ_μ). Eqs 31 and 32 are this relation for model spectra.
 * @param spectrum - eigenvalues of −∂²F at the optimum, all positive.
 * @param entropy - S in nats (see {@link entropy}).
 */
export function gapAtEntropy(spectrum: Float64Array, entropy: number): number {
  const values = positiveSpectrum(spectrum);
  const s = finiteNumber(entropy, 'entropy');
  let sumLog = 0;
  for (const v of values) sumLog += Math.log(v);
  return gapFromMeanLog(values.length, s, sumLog / values.length);
}

/** Parameters of the sloppy spectrum λ_μ = λ_max·e^(−αμ), μ = 1…K (Eq 29). */
export interface SloppySpectrumOptions {
  /** K, the number of parameters. */
  dimension: number;
  /** λ_max > 0: the scale of the spectrum (the top eigenvalue is λ_max·e^(−α), as in the seed's indexing). */
  lambdaMax: number;
  /** α ≥ 0: the spacing of the log-eigenvalues (α = ln 10 puts one eigenvalue per decade). */
  alpha: number;
}

function sloppyOptions(opts: SloppySpectrumOptions, extra: readonly string[] = []): SloppySpectrumOptions {
  if (typeof opts !== 'object' || opts === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options are required');
  knownKeys(opts, ['dimension', 'lambdaMax', 'alpha', ...extra], 'option');
  const alpha = finiteNumber(opts.alpha, 'alpha');
  if (alpha < 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', `alpha must be non-negative; got ${alpha}`);
  return { dimension: integer(opts.dimension, 'dimension', 1), lambdaMax: positiveNumber(opts.lambdaMax, 'lambdaMax'), alpha };
}

/** The sloppy spectrum of Eq 29, λ_μ = λ_max·e^(−αμ) for μ = 1…K, descending. */
export function sloppySpectrum(opts: SloppySpectrumOptions): Float64Array {
  const { dimension, lambdaMax, alpha } = sloppyOptions(opts);
  return Float64Array.from({ length: dimension }, (_, i) => lambdaMax * Math.exp(-alpha * (i + 1)));
}

/**
 * ΔF(K) for the sloppy spectrum of Eq 29 at entropy S (Eq 31):
 * ΔF = (K·λ_max/(4πe))·exp(2S/K − α(K+1)/2), from S = (K/2)·ln(2πeT/λ_max) + αK(K+1)/4 (Eq 30). At fixed entropy
 * per parameter s (pass S = s·K) it falls to zero as K grows.
 */
export function sloppyGap(opts: SloppySpectrumOptions & { entropy: number }): number {
  const { dimension, lambdaMax, alpha } = sloppyOptions(opts, ['entropy']);
  const s = finiteNumber(opts.entropy, 'entropy');
  return gapFromMeanLog(dimension, s, Math.log(lambdaMax) - (alpha * (dimension + 1)) / 2);
}

/** Options of {@link densityGap}. */
export interface DensityGapOptions {
  /** K, the number of parameters. */
  dimension: number;
  /** S in nats. */
  entropy: number;
  /** ρ(λ) ≥ 0 on the support, smooth inside it; it is normalized here, so any positive multiple will do. */
  density: (lambda: number) => number;
  /** The support [λ_min, λ_max] of ρ, 0 < λ_min < λ_max. */
  support: [number, number];
}

/** Nodes per unit of t and the t range of the tanh-sinh rule; beyond |t| = 4 the weights are below 1e-30. */
const TANH_SINH_STEPS = 64;
const TANH_SINH_RANGE = 4;

/**
 * ∫ f(u) du over [a, b] by the tanh-sinh rule, which converges to rounding for integrands analytic inside the
 * interval even with square-root or log behaviour at its ends; nodes that round onto an end are skipped, so f is
 * never evaluated there.
 */
function tanhSinh(f: (u: number) => number, a: number, b: number): number {
  const half = (b - a) / 2;
  let sum = 0;
  for (let k = -TANH_SINH_RANGE * TANH_SINH_STEPS; k <= TANH_SINH_RANGE * TANH_SINH_STEPS; ++k) {
    const t = k / TANH_SINH_STEPS;
    const s = (Math.PI / 2) * Math.sinh(Math.abs(t));
    const gap = 2 / (1 + Math.exp(2 * s));  // 1 − tanh(s), without cancellation
    const u = k < 0 ? a + half * gap : b - half * gap;
    if (u <= a || u >= b) continue;
    sum += (((Math.PI / 2) * Math.cosh(t)) / Math.cosh(s) ** 2) * f(u);
  }
  return (sum * half) / TANH_SINH_STEPS;
}

/**
 * ΔF(K) for a continuous eigenvalue density ρ(λ) at entropy S (Eq 32):
 * ΔF = (K·λ_max/(4πe))·exp(2S/K + ∫ dλ ρ(λ)·ln(λ/λ_max)), the integral taken in ln λ by the tanh-sinh rule.
 * λ_max cancels: the result depends on ρ only through its mean log-eigenvalue.
 */
export function densityGap(opts: DensityGapOptions): number {
  if (typeof opts !== 'object' || opts === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options are required');
  knownKeys(opts, ['dimension', 'entropy', 'density', 'support'], 'option');
  const dimension = integer(opts.dimension, 'dimension', 1);
  const s = finiteNumber(opts.entropy, 'entropy');
  if (typeof opts.density !== 'function') throw new SloppyError('ERR_INVALID_ARG_TYPE', 'density must be a function');
  if (!Array.isArray(opts.support) || opts.support.length !== 2) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'support must be [lambdaMin, lambdaMax]');
  }
  const lo = positiveNumber(opts.support[0], 'support[0]');
  const hi = positiveNumber(opts.support[1], 'support[1]');
  if (!(hi > lo)) throw new SloppyError('ERR_INVALID_ARG_VALUE', `support [${lo}, ${hi}] is empty`);
  const top = Math.log(hi);
  // Weight of ln λ: ρ(λ)·dλ = ρ(e^u)·e^u du.
  const weight = (u: number) => {
    const lambda = Math.exp(u);
    const rho = opts.density(lambda);
    if (typeof rho !== 'number' || !Number.isFinite(rho)) {
      throw new SloppyError('ERR_NONFINITE', `density(${lambda}) = ${String(rho)}`);
    }
    if (rho < 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', `density(${lambda}) = ${rho} is negative`);
    return rho * lambda;
  };
  const mass = tanhSinh(weight, Math.log(lo), top);
  if (!(mass > 0)) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'density has no mass on its support');
  const meanLogRatio = tanhSinh((u) => weight(u) * (u - top), Math.log(lo), top) / mass;
  return gapFromMeanLog(dimension, s, top + meanLogRatio);
}

/** Options of {@link sampleBoltzmann}. */
export interface BoltzmannOptions {
  /** T > 0, e.g. from {@link temperature}. */
  temperature: number;
  /** How many parameter vectors to draw, at most 2³² − 1. */
  samples: number;
  /** Philox seed; sample j uses the Quenched stream at step j, so a sample does not depend on how many are drawn. Default 0. */
  seed?: number;
  /** θ*, the optimum to centre on (length = dimension); default the origin, giving displacements δθ. */
  optimum?: Float64Array;
}

/**
 * Draws from the Gaussian Boltzmann distribution p(θ) ∝ exp(F(θ)/T) around the optimum:
 * θ = θ* + Σ_μ ξ_μ·√(T/λ_μ)·v_μ with ξ_μ independent standard normals from sloppy's Philox stream, so that the
 * covariance is T·Σ_μ v_μv_μᵀ/λ_μ = T·H⁻¹ on the span of the given modes; directions outside it stay at θ*.
 * @param values - the k eigenvalues λ_μ > 0 of the modes to sample.
 * @param vectors - k × dimension, row-major: row μ the unit eigenvector v_μ in parameter space (the layout of
 *   `fisher.spectrum`'s `vectors`); the rows should be orthonormal.
 * @returns samples × dimension, row-major.
 */
export function sampleBoltzmann(values: Float64Array, vectors: Float64Array, opts: BoltzmannOptions): Float64Array {
  const lambda = positiveSpectrum(values, 'values');
  if (!isFloat64Array(vectors)) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'vectors must be a Float64Array');
  const k = lambda.length;
  if (vectors.length === 0 || vectors.length % k !== 0) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `vectors has ${vectors.length} numbers, not k × dimension with k = ${k}`);
  }
  if (!vectors.every(Number.isFinite)) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'vectors must be finite');
  const dimension = vectors.length / k;
  if (typeof opts !== 'object' || opts === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options are required');
  knownKeys(opts, ['temperature', 'samples', 'seed', 'optimum'], 'option');
  const t = positiveNumber(opts.temperature, 'temperature');
  const samples = integer(opts.samples, 'samples', 1, 0xffffffff);
  const seed = opts.seed ?? 0;
  const optimum = opts.optimum ?? new Float64Array(dimension);
  if (!isFloat64Array(optimum) || optimum.length !== dimension || !optimum.every(Number.isFinite)) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `optimum must be a finite Float64Array of length ${dimension}`);
  }
  const scale = lambda.map((v) => Math.sqrt(t / v));
  const out = new Float64Array(samples * dimension);
  for (let j = 0; j < samples; ++j) {
    const xi = normals(k, { seed, step: j, stream: Stream.Quenched });
    const row = out.subarray(j * dimension, (j + 1) * dimension);
    row.set(optimum);
    for (let mu = 0; mu < k; ++mu) {
      const a = xi[mu] * scale[mu];
      for (let c = 0; c < dimension; ++c) row[c] += a * vectors[mu * dimension + c];
    }
  }
  return out;
}
