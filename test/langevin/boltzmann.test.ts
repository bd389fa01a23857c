import { langevin, quadraticEnergy } from '../../lib/langevin';

// Overdamped Langevin dynamics on U = ½(θ−μ)ᵀA(θ−μ) has the stationary density N(μ, T·A⁻¹). Independent paths
// run long past the slowest relaxation time give independent samples of it; Euler–Maruyama's own bias at this
// step (λ·dt/2 ≈ 0.3 % in the variance) is far below the sampling error of 4000 samples (≈ 2 %).
const A = [
  [2, 0.6, 0],
  [0.6, 1, -0.3],
  [0, -0.3, 0.5],
];
const mu = [1, -2, 0.5];
const T = 0.7;

function inverse3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}

test('a quadratic energy samples its Boltzmann distribution N(μ, T·A⁻¹)', async () => {
  const n = 4000;
  const r = await langevin(quadraticEnergy(A, mu), { start: mu, paths: n, temperature: T, dt: 2e-3, steps: 6000, seed: 5 });
  expect(r.engine).toBe('native');
  const sigma = inverse3(A).map((row) => row.map((v) => T * v));
  const mean = [0, 1, 2].map((i) => r.final.filter((_, k) => k % 3 === i).reduce((s, v) => s + v, 0) / n);
  for (let i = 0; i < 3; ++i) expect(Math.abs(mean[i] - mu[i])).toBeLessThan(4 * Math.sqrt(sigma[i][i] / n));
  for (let i = 0; i < 3; ++i) {
    for (let j = 0; j <= i; ++j) {
      let c = 0;
      for (let p = 0; p < n; ++p) c += (r.final[3 * p + i] - mean[i]) * (r.final[3 * p + j] - mean[j]);
      c /= n - 1;
      // Var of a sample covariance of Gaussians: (Σ_ii·Σ_jj + Σ_ij²)/n.
      const se = Math.sqrt((sigma[i][i] * sigma[j][j] + sigma[i][j] ** 2) / n);
      expect(Math.abs(c - sigma[i][j])).toBeLessThan(4 * se);
    }
  }
});

test('reflecting walls keep every path inside and leave a flat density flat', async () => {
  const r = await langevin(quadraticEnergy([[1e-12]]), {
    start: [0.5], paths: 2000, temperature: 1, dt: 1e-3, steps: 3000, seed: 2, bounds: { lower: [0], upper: [1] },
  });
  expect(r.final.every((v) => v >= 0 && v <= 1)).toBe(true);
  // Uniform on [0, 1]: the mean is 1/2 and a quarter of the mass lies below 1/4.
  const mean = r.final.reduce((s, v) => s + v, 0) / r.paths;
  expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / r.paths));
  const low = r.final.filter((v) => v < 0.25).length / r.paths;
  expect(Math.abs(low - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / r.paths));
});
