import { fisher, linalg } from '../../lib';

/** Deterministic uniform(−1, 1) numbers (a 32-bit LCG). */
function uniforms(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** K orthonormal rows by Gram–Schmidt on random vectors. */
function orthonormalRows(k: number, seed: number): Float64Array {
  const q = uniforms(k * k, seed);
  for (let i = 0; i < k; ++i) {
    const row = q.subarray(i * k, (i + 1) * k);
    for (let j = 0; j < i; ++j) {
      const prev = q.subarray(j * k, (j + 1) * k);
      const dot = row.reduce((s, v, c) => s + v * prev[c], 0);
      row.forEach((_, c) => (row[c] -= dot * prev[c]));
    }
    const norm = Math.hypot(...row);
    row.forEach((_, c) => (row[c] /= norm));
  }
  return q;
}

/** H = Σ_μ λ_μ q_μ q_μᵀ, row-major K × K. */
function hessian(lambda: number[], q: Float64Array): Float64Array {
  const k = lambda.length;
  const h = new Float64Array(k * k);
  lambda.forEach((l, mu) => {
    for (let i = 0; i < k; ++i) for (let j = 0; j < k; ++j) h[i * k + j] += l * q[mu * k + i] * q[mu * k + j];
  });
  return h;
}

/** ½ xᵀHx. */
function quadratic(h: Float64Array, x: ArrayLike<number>): number {
  const k = x.length;
  let s = 0;
  for (let i = 0; i < k; ++i) for (let j = 0; j < k; ++j) s += x[i] * h[i * k + j] * x[j];
  return s / 2;
}

/** The eigenpairs of a symmetric matrix from Eigen, as fisher's layout: eigenvector rows. */
function eigenRows(h: Float64Array, k: number): { values: Float64Array; vectors: Float64Array } {
  const { values, vectors } = linalg.eigh(h, k, { vectors: true });
  const rows = new Float64Array(k * k);
  for (let mu = 0; mu < k; ++mu) for (let c = 0; c < k; ++c) rows[mu * k + c] = vectors![c * k + mu];
  return { values, vectors: rows };
}

/** The T at which ½ Σ ln(2πeT/λ) = S, by bisection in ln T on the defining sum. */
function temperatureAtEntropy(lambda: ArrayLike<number>, entropy: number): number {
  const s = (lnT: number) => 0.5 * Array.from(lambda, (l) => Math.log((2 * Math.PI * Math.E * Math.exp(lnT)) / l)).reduce((a, b) => a + b, 0);
  let lo = -700;
  let hi = 700;
  for (let it = 0; it < 200; ++it) {
    const mid = (lo + hi) / 2;
    if (s(mid) < entropy) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}

describe('equipartition by sampling the Boltzmann distribution', () => {
  // A sloppy 6-parameter Hessian, eigenvalues over six decades, eigenvectors recovered by Eigen.
  const K = 6;
  const lambdaTrue = [100, 10, 1, 0.1, 1e-2, 1e-4];
  const q = orthonormalRows(K, 11);
  const h = hessian(lambdaTrue, q);
  const { values, vectors } = eigenRows(h, K);
  const fMax = 2.5;
  const gap = 0.3;
  const T = fisher.temperature(values, gap);
  const optimum = Float64Array.from([1, -2, 0.5, 3, 0, -1]);
  const N = 20000;
  const theta = fisher.sampleBoltzmann(values, vectors, { temperature: T, samples: N, seed: 5, optimum });
  const displacement = (j: number) => Array.from(theta.subarray(j * K, (j + 1) * K), (v, c) => v - optimum[c]);

  it('sets T = 2·gap/K', () => expect(T).toBeCloseTo((2 * 0.3) / 6, 15));

  it('gives mean F = F_max − K·T/2 within 4 standard errors', () => {
    // F_max − F = ½ δθᵀHδθ with H itself (not its eigenpairs) is (T/2)·χ²_K, so its standard deviation is
    // (T/2)·√(2K) and the standard error of the mean (T/2)·√(2K/N) = 0.41 % of the gap here.
    let sum = 0;
    for (let j = 0; j < N; ++j) sum += fMax - quadratic(h, displacement(j));
    const meanF = sum / N;
    const se = (T / 2) * Math.sqrt((2 * K) / N);
    expect(Math.abs(meanF - (fMax - (K * T) / 2)) / se).toBeLessThan(4);
  });

  it('puts T/2 in every mode, from the stiffest to the softest (variance λ⟨(q·δθ)²⟩/T = 1 ± 4·√(2/N))', () => {
    lambdaTrue.forEach((l, mu) => {
      let sum = 0;
      for (let j = 0; j < N; ++j) {
        const x = displacement(j).reduce((s, v, c) => s + v * q[mu * K + c], 0);
        sum += x * x;
      }
      expect(Math.abs((l * sum) / N / T - 1)).toBeLessThan(4 * Math.sqrt(2 / N));
    });
  });

  it('is reproducible by seed, and a sample does not depend on how many are drawn', () => {
    const again = fisher.sampleBoltzmann(values, vectors, { temperature: T, samples: 10, seed: 5, optimum });
    expect(Array.from(again)).toEqual(Array.from(theta.subarray(0, 10 * K)));
    const other = fisher.sampleBoltzmann(values, vectors, { temperature: T, samples: 10, seed: 6, optimum });
    expect(Array.from(other)).not.toEqual(Array.from(again));
  });

  it('samples a subspace when given fewer modes: the rest stays at the optimum', () => {
    const top = fisher.sampleBoltzmann(values.subarray(K - 2), vectors.subarray((K - 2) * K), { temperature: T, samples: 50 });
    for (let j = 0; j < 50; ++j) {
      const x = top.subarray(j * K, (j + 1) * K);
      // Components along the four softest true modes vanish up to rounding.
      for (let mu = 2; mu < K; ++mu) expect(Math.abs(x.reduce((s, v, c) => s + v * q[mu * K + c], 0))).toBeLessThan(1e-12);
    }
  });
});

describe('entropy of the Gaussian Boltzmann distribution (Eq 28)', () => {
  it('equals −∫p ln p integrated on a grid for K = 2', () => {
    const lambda = [4, 0.25];
    const q = orthonormalRows(2, 3);
    const h = hessian(lambda, q);
    const T = 0.7;
    // Trapezoid on a grid over ±12 standard deviations of the softest mode; the step resolves the stiffest
    // (σ = √(T/4) = 0.42), and the rule converges geometrically for a Gaussian.
    const half = 12 * Math.sqrt(T / 0.25);
    const n = 801;
    const step = (2 * half) / (n - 1);
    let z = 0;
    let energy = 0;
    for (let a = 0; a < n; ++a) {
      for (let b = 0; b < n; ++b) {
        const e = quadratic(h, [-half + a * step, -half + b * step]) / T;
        const w = Math.exp(-e);
        z += w;
        energy += w * e;
      }
    }
    z *= step * step;
    energy *= (step * step) / z;
    const direct = Math.log(z) + energy;  // −∫p ln p with p = e^(−E)/Z
    expect(fisher.entropy(Float64Array.from(lambda), T)).toBeCloseTo(direct, 10);
  });

  it('equals ½ ln det(2πe·T·H⁻¹) from a Cholesky factor of H for K = 5', () => {
    const K = 5;
    const a = uniforms(K * K, 9);
    const h = new Float64Array(K * K);  // H = AAᵀ + 0.01·1, well away from singular
    for (let i = 0; i < K; ++i) {
      for (let j = 0; j < K; ++j) {
        for (let c = 0; c < K; ++c) h[i * K + j] += a[i * K + c] * a[j * K + c];
        if (i === j) h[i * K + j] += 0.01;
      }
    }
    const l = new Float64Array(K * K);
    for (let j = 0; j < K; ++j) {
      let d = h[j * K + j];
      for (let c = 0; c < j; ++c) d -= l[j * K + c] ** 2;
      l[j * K + j] = Math.sqrt(d);
      for (let i = j + 1; i < K; ++i) {
        let s = h[i * K + j];
        for (let c = 0; c < j; ++c) s -= l[i * K + c] * l[j * K + c];
        l[i * K + j] = s / l[j * K + j];
      }
    }
    let logDetH = 0;
    for (let j = 0; j < K; ++j) logDetH += 2 * Math.log(l[j * K + j]);
    const T = 0.02;
    const direct = 0.5 * (K * Math.log(2 * Math.PI * Math.E * T) - logDetH);
    const { values } = linalg.eigh(h, K);
    expect(Math.abs(fisher.entropy(values, T) - direct)).toBeLessThan(1e-12 * K * Math.abs(Math.log(T)));
  });
});

describe('ΔF at fixed entropy (Eqs 29–32)', () => {
  it('sloppySpectrum is λ_μ = λ_max·e^(−αμ), μ = 1…K', () => {
    const s = fisher.sloppySpectrum({ dimension: 4, lambdaMax: 3, alpha: 0.5 });
    Array.from(s).forEach((v, i) => expect(v).toBeCloseTo(3 * Math.exp(-0.5 * (i + 1)), 15));
  });

  it.each([1, 2, 5, 10, 20, 40, 80])('sloppyGap (Eq 31) equals K·T/2 with T solved from the entropy sum at K = %i', (K) => {
    const lambdaMax = 3;
    const alpha = 0.5;
    const entropy = 1.5 * K;  // fixed entropy per parameter
    const lambda = Array.from({ length: K }, (_, i) => lambdaMax * Math.exp(-alpha * (i + 1)));
    const direct = (K * temperatureAtEntropy(lambda, entropy)) / 2;
    const gap = fisher.sloppyGap({ dimension: K, lambdaMax, alpha, entropy });
    expect(Math.abs(gap / direct - 1)).toBeLessThan(1e-11);
  });

  it('at fixed entropy per parameter, ΔF peaks and then falls towards zero as K grows', () => {
    const gap = (K: number) => fisher.sloppyGap({ dimension: K, lambdaMax: 1, alpha: 0.5, entropy: 1.5 * K });
    // ln ΔF = ln(K/(4πe)) + 3 − (K+1)/4: largest at K = 4.
    expect(gap(4)).toBeGreaterThan(gap(3));
    expect(gap(4)).toBeGreaterThan(gap(5));
    expect(gap(100)).toBeLessThan(1e-8);
    expect(gap(4)).toBeCloseTo((4 / (4 * Math.PI * Math.E)) * Math.exp(3 - 5 / 4), 14);
  });

  it('gapAtEntropy inverts entropy for a measured spectrum', () => {
    const lambda = Float64Array.from([5, 0.3, 2e-3, 7e-7]);
    const T = 0.04;
    const S = fisher.entropy(lambda, T);
    expect(fisher.gapAtEntropy(lambda, S) / ((4 * T) / 2)).toBeCloseTo(1, 13);
    expect(fisher.gapAtEntropy(lambda, S) / ((4 * temperatureAtEntropy(lambda, S)) / 2)).toBeCloseTo(1, 11);
  });

  it('densityGap (Eq 32) for a log-uniform density equals the closed form ⟨ln(λ/λ_max)⟩ = −½ ln(λ_max/λ_min)', () => {
    const [lo, hi] = [1e-9, 20];
    const K = 50;
    const entropy = 40;
    const gap = fisher.densityGap({ dimension: K, entropy, density: (l) => 1 / l, support: [lo, hi] });
    const meanLog = Math.log(hi) - 0.5 * Math.log(hi / lo);
    const T = Math.exp((2 * entropy) / K + meanLog) / (2 * Math.PI * Math.E);  // ½K·ln(2πeT) − ½K·⟨ln λ⟩ = S
    expect(gap / ((K * T) / 2)).toBeCloseTo(1, 12);
  });

  it.each([0.1, 0.5, 0.9])(
    'densityGap for the Marchenko–Pastur density (ratio %f) uses its exact mean log, −1 − ((1−y)/y)·ln(1−y)',
    (y) => {
      const a = (1 - Math.sqrt(y)) ** 2;
      const b = (1 + Math.sqrt(y)) ** 2;
      // Unnormalized on purpose (×7): densityGap normalizes.
      const density = (x: number) => (7 * Math.sqrt(Math.max(0, (b - x) * (x - a)))) / (2 * Math.PI * y * x);
      const K = 200;
      const entropy = -30;
      const meanLog = -1 - ((1 - y) / y) * Math.log(1 - y);
      const T = Math.exp((2 * entropy) / K + meanLog) / (2 * Math.PI * Math.E);  // ½K·ln(2πeT) − ½K·⟨ln λ⟩ = S
      const gap = fisher.densityGap({ dimension: K, entropy, density, support: [a, b] });
      expect(Math.abs(gap / ((K * T) / 2) - 1)).toBeLessThan(1e-10);
    },
  );
});

describe('input errors', () => {
  const spectrum = Float64Array.from([1, 0.1]);
  const vectors = Float64Array.from([1, 0, 0, 1]);

  it('rejects spectra with flat, negative or non-finite modes, and non-arrays', () => {
    expect(() => fisher.temperature(Float64Array.from([1, 0]), 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.entropy(Float64Array.from([1, -1e-9]), 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.entropy(Float64Array.from([NaN]), 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.gapAtEntropy(new Float64Array(0), 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.temperature([1, 2] as never, 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('rejects non-positive gaps and temperatures, and non-finite entropies', () => {
    expect(() => fisher.temperature(spectrum, 0)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.entropy(spectrum, -1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.gapAtEntropy(spectrum, Infinity)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  it('rejects bad sloppy-spectrum parameters and unknown options', () => {
    const ok = { dimension: 3, lambdaMax: 1, alpha: 1, entropy: 0 };
    expect(() => fisher.sloppyGap({ ...ok, dimension: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.sloppyGap({ ...ok, dimension: 2.5 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.sloppyGap({ ...ok, lambdaMax: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.sloppyGap({ ...ok, alpha: -1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.sloppyGap({ ...ok, entropy: NaN })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.sloppySpectrum({ ...ok } as never)).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_OPTION' }));
    expect(() => fisher.sloppyGap(null as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('rejects bad densities and supports', () => {
    const ok = { dimension: 3, entropy: 0, density: () => 1, support: [1, 2] as [number, number] };
    expect(() => fisher.densityGap({ ...ok, support: [2, 1] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.densityGap({ ...ok, support: [0, 1] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.densityGap({ ...ok, support: 1 as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => fisher.densityGap({ ...ok, density: 1 as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => fisher.densityGap({ ...ok, density: () => -1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.densityGap({ ...ok, density: () => 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.densityGap({ ...ok, density: () => NaN })).toThrow(expect.objectContaining({ code: 'ERR_NONFINITE' }));
  });

  it('rejects bad sampling input', () => {
    const ok = { temperature: 1, samples: 2 };
    expect(() => fisher.sampleBoltzmann(spectrum, vectors.subarray(0, 3), ok)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.sampleBoltzmann(spectrum, [1, 0, 0, 1] as never, ok)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => fisher.sampleBoltzmann(spectrum, Float64Array.from([1, 0, NaN, 1]), ok)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.sampleBoltzmann(spectrum, vectors, { ...ok, samples: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.sampleBoltzmann(spectrum, vectors, { ...ok, temperature: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.sampleBoltzmann(spectrum, vectors, { ...ok, seed: -1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.sampleBoltzmann(spectrum, vectors, { ...ok, optimum: new Float64Array(3) })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => fisher.sampleBoltzmann(spectrum, vectors, { ...ok, steps: 1 } as never)).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_OPTION' }));
  });
});
