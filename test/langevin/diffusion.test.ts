import { langevin, quadraticEnergy } from '../../lib/langevin';

// 1-D, U = θ²/2, T = 1, d(θ) = a + c·θ². With the drift −b·d·U′ + b·T·d′ and noise √(2bT·d) the Fokker–Planck
// equation is ∂p/∂t = ∂_θ[b·d·(U′p + T·∂_θ p)], whose flux vanishes at p ∝ exp(−U/T) whatever d is: variance 1
// and fourth moment 3. Without
// the Itô term b·T·d′ its stationary density would be exp(−U/T)/d instead, with a clearly smaller variance,
// computed here by quadrature, so the test tells the two apart.
const a = 0.5;
const c = 0.5;

function uncorrectedVariance(): number {
  let m0 = 0;
  let m2 = 0;
  for (let x = -12; x <= 12; x += 1e-3) {
    const p = Math.exp(-x * x / 2) / (a + c * x * x);
    m0 += p;
    m2 += x * x * p;
  }
  return m2 / m0;
}

test('with a state-dependent diffusion the stationary density is still exp(−U/T), as Fokker–Planck says', async () => {
  const n = 6000;
  const r = await langevin(quadraticEnergy([[1]]), {
    start: [0], paths: n, temperature: 1, dt: 1e-3, steps: 8000, seed: 9, diffusion: { form: 'quadratic', a, c },
  });
  const m2 = r.final.reduce((s, v) => s + v * v, 0) / n;
  const m4 = r.final.reduce((s, v) => s + v ** 4, 0) / n;
  // Var(θ²) = 2 and Var(θ⁴) = 96 for a standard normal.
  expect(Math.abs(m2 - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  expect(Math.abs(m4 - 3)).toBeLessThan(4 * Math.sqrt(96 / n));
  const wrong = uncorrectedVariance();
  expect(1 - wrong).toBeGreaterThan(10 * Math.sqrt(2 / n));
  // A histogram check against the normal density: every bin of width 0.5 within 4 standard errors.
  for (let lo = -2.5; lo < 2.5; lo += 0.5) {
    const count = r.final.filter((v) => v >= lo && v < lo + 0.5).length;
    const erf = (x: number) => {
      const t = 1 / (1 + 0.3275911 * Math.abs(x));
      const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
      return x >= 0 ? y : -y;
    };
    const p = 0.5 * (erf((lo + 0.5) / Math.SQRT2) - erf(lo / Math.SQRT2));
    expect(Math.abs(count / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
  }
});

test('a user diffusion function in the TypeScript loop follows the native closed form to the bit', async () => {
  const opts = { start: [0.3], paths: 12, temperature: 1, dt: 1e-3, steps: 200, seed: 4, trajectories: { stride: 20 } };
  const energy = quadraticEnergy([[1]]);
  const native = await langevin(energy, { ...opts, diffusion: { form: 'quadratic', a, c } });
  const ts = await langevin(energy, {
    ...opts,
    diffusion: (theta, d, dd) => {
      d[0] = a + c * (theta[0] * theta[0]);
      dd[0] = 2 * c * theta[0];
    },
  });
  expect(native.engine).toBe('native');
  expect(ts.engine).toBe('typescript');
  expect(Array.from(ts.trajectories!)).toEqual(Array.from(native.trajectories!));
});

test('the exponential closed form in the TypeScript loop follows the native engine to the bit', async () => {
  // Long enough that an ulp of difference in e^{cθ} (Math.exp against the native exp) would show in the paths.
  const opts = { start: [0.3], paths: 64, temperature: 1, dt: 1e-3, steps: 2000, seed: 4, diffusion: { form: 'exponential' as const, a: 0.5, c: 0.7 } };
  const energy = quadraticEnergy([[1]]);
  const native = await langevin(energy, opts);
  const ts = await langevin(energy, { ...opts, engine: 'typescript' });
  expect([native.engine, ts.engine]).toEqual(['native', 'typescript']);
  expect(Array.from(ts.final)).toEqual(Array.from(native.final));
});
