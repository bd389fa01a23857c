import { returnTime, springsBack } from '../../lib/robustness';

describe('springs back', () => {
  it('times an exponential approach exactly between samples', () => {
    const d = Array.from({ length: 100 }, (_, k) => 2 * Math.exp(-0.7 * k * 0.1));
    expect(returnTime(d, 0.05, 0.1)).toBeCloseTo(Math.log(2 / 0.05) / 0.7, 10);
    expect(returnTime(d, 5, 0.1)).toBe(0);
    expect(returnTime(d, 1e-9, 0.1)).toBe(Infinity);
  });

  it('returns lds2d to its fixed point at the analytic decay rate −Re λ', async () => {
    // A = [[−a, ω], [−ω, −a]] is normal: |x(t)| = |x(0)| e^{−a t / τ} exactly, with λ = (−a ± iω)/τ.
    const a = 0.8;
    const omega = 2 * Math.PI;
    const tau = 0.5;
    const r = await springsBack('lds2d', {
      z: [-a, omega, -omega, -a], amounts: [1, 10], tolerance: 0.01, directions: [[1, 0], [1, -2]],
      options: { dt: 2e-5, steps: 300000, tau }, stride: 10,
    });
    expect(Array.from(r.attractor)).toEqual([0, 0]);
    const rate = a / tau;
    for (const ret of r.returns) {
      const exact = Math.log(ret.amount / 0.01) / rate;
      expect(ret.returned).toBe(true);
      expect(Math.abs(ret.returnTime / exact - 1)).toBeLessThan(0.01);
      expect(Math.abs(ret.rate / rate - 1)).toBeLessThan(0.01);
    }
  });

  it('returns a non-normal lds2d at the slowest rate: t grows by ln(10)/|Re λ1| per decade of push', async () => {
    // Eigenvalues −1 and −3; the off-diagonal 6 makes |x| grow at first, so the return is not a pure exponential.
    const r = await springsBack('lds2d', {
      z: [-1, 6, 0, -3], amounts: [10, 100], tolerance: 0.01, directions: [[0, 1]],
      options: { dt: 1e-4, steps: 150000 }, stride: 5,
    });
    const [t10, t100] = r.returns.map((x) => x.returnTime);
    expect(Math.abs((t100 - t10) / Math.log(10) - 1)).toBeLessThan(0.01);
  });

  it('never returns to the centre of the published oscillation, and returns OU to μ at rate θ', async () => {
    const centre = await springsBack('lds2d', { amounts: [1], tolerance: 0.5, options: { steps: 5000 } });
    expect(centre.returns.every((x) => !x.returned && x.returnTime === Infinity)).toBe(true);
    const ou = await springsBack('ou', {
      z: [2, 1.5, 0], amounts: [3], tolerance: 0.003, options: { dt: 1e-4, steps: 50000 },
    });
    expect(Array.from(ou.attractor)).toEqual([1.5]);
    expect(Math.abs(ou.returns[0].returnTime / (Math.log(1000) / 2) - 1)).toBeLessThan(0.01);
  });
});
