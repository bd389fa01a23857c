import { simulate } from '../../lib';
import { centralDifferences } from '../helpers/finite-differences';

// Euler–Maruyama for dx = θ(μ − x)dt + σdW is the AR(1) recursion x' = a x + θμdt + σ√dt ξ with
// a = 1 − θdt, whose moments are exact: mean μ + (x0 − μ)aⁿ, variance σ²dt(1 − a²ⁿ)/(1 − a²).
function exactMoments(theta: number, mu: number, sigma: number, x0: number, dt: number, n: number) {
  const a = 1 - theta * dt;
  return { mean: mu + (x0 - mu) * a ** n, variance: (sigma ** 2 * dt * (1 - a ** (2 * n))) / (1 - a * a) };
}

describe('ou', () => {
  const [theta, mu, sigma, x0, dt, steps] = [2, 1.5, 0.8, -1, 0.01, 300];
  const trials = 20000;

  it('matches the closed-form mean and variance at several times', async () => {
    const r = await simulate('ou', [[theta, mu, sigma]], {
      trials, seed: 42, device: 'cpu', options: { dt, steps, x0 }, trajectories: { stride: 50 },
    });
    expect(r.shape.recorded).toBe(steps / 50 + 1);
    const traj = r.trajectories!;
    for (let k = 1; k < r.shape.recorded; ++k) {
      let s = 0;
      let s2 = 0;
      for (let t = 0; t < trials; ++t) {
        const v = traj[t * r.shape.recorded + k];
        s += v;
        s2 += v * v;
      }
      const mean = s / trials;
      const variance = s2 / trials - mean * mean;
      const exact = exactMoments(theta, mu, sigma, x0, dt, k * 50);
      // Gaussian sampling errors: sd(mean) = √(v/n), sd(variance) ≈ v√(2/(n−1)); 5 standard errors.
      expect(Math.abs(mean - exact.mean)).toBeLessThan(5 * Math.sqrt(exact.variance / trials));
      expect(Math.abs(variance - exact.variance)).toBeLessThan(5 * exact.variance * Math.sqrt(2 / (trials - 1)));
    }
  });

  it('averages x(T) and x(T)² over trials into its statistics', async () => {
    const r = await simulate('ou', [[theta, mu, sigma]], { trials, seed: 3, options: { dt, steps, x0 } });
    const exact = exactMoments(theta, mu, sigma, x0, dt, steps);
    expect(Math.abs(r.stats[0] - exact.mean)).toBeLessThan(5 * Math.sqrt(exact.variance / trials));
    const secondMoment = exact.variance + exact.mean ** 2;
    const sdSecond = Math.sqrt((2 * exact.variance ** 2 + 4 * exact.mean ** 2 * exact.variance) / trials);
    expect(Math.abs(r.stats[1] - secondMoment)).toBeLessThan(5 * sdSecond);
  });

  it('gives pathwise gradients equal to central finite differences with the same noise', async () => {
    const z = [theta, mu, sigma];
    const opts = { trials: 50, seed: 9, options: { dt, steps, x0 } };
    const r = await simulate('ou', [z], { ...opts, grad: true });
    const fd = await centralDifferences('ou', z, 1e-5, opts);
    // Central differences err by O(h²·f''') ≈ 1e-10 here; roundoff by ε·|f|/h ≈ 1e-11.
    fd.forEach((expected, k) => expect(r.grad![k]).toBeCloseTo(expected, 6));
  });
});
