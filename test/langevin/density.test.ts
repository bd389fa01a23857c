import { langevin, logDensityEnergy } from '../../lib/langevin';

// −log q as the energy, run in the TypeScript loop: at T = 1 the paths sample q itself. A stand-in for an EPI
// distribution with the same interface: q = N(1, 0.5²).
test('Langevin dynamics on −log q samples q', async () => {
  const q = {
    dim: 1,
    logProb: async (z: Float64Array) => z.map((v) => -((v - 1) ** 2) / (2 * 0.25)),
    gradLogProb: async (z: Float64Array) => z.map((v) => -(v - 1) / 0.25),
  };
  const n = 2000;
  const r = await langevin(logDensityEnergy(q), { start: [0], paths: n, temperature: 1, dt: 5e-3, steps: 1500, seed: 3 });
  expect(r.engine).toBe('typescript');
  const mean = r.final.reduce((s, v) => s + v, 0) / n;
  const variance = r.final.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  expect(Math.abs(mean - 1)).toBeLessThan(4 * Math.sqrt(0.25 / n));
  // Euler–Maruyama's stationary variance here is 0.25/(1 − λdt/2), λ = 4: 1 % above 0.25, inside the noise.
  expect(Math.abs(variance - 0.25)).toBeLessThan(4 * 0.25 * Math.sqrt(2 / n));
});
