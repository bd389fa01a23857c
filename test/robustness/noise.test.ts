import { propertyProfile } from '../../lib/robustness';
import { statistics } from '../../lib';

describe('robustness profiles of a noisy model with common random numbers', () => {
  // OU: x(T) = (1 − θdt)^n x0 + μ (1 − (1 − θdt)^n) + noise, and the noise term does not depend on μ; with the
  // same seed at every point, the trial mean of x(T) is exactly linear in μ, so the break along μ is known
  // from the base point's own measured mean.
  const theta = 1.5;
  const z = [theta, 0.2, 0.8];
  const options = { dt: 0.01, steps: 100, x0: 0.2 };
  const trials = 256;

  it('breaks along μ where the linear response of the shared-noise mean leaves the band', async () => {
    const property = { stats: ['x'], mean: [0.2], tolerance: [0.1] };
    const p = await propertyProfile('ou', { z, trials, seed: 9, options, property, directions: [[0, 1, 0]], rtol: 1e-7 });
    const s0 = (await statistics('ou', [z], { trials, seed: 9, options })).stats[0];
    const k = 1 - (1 - theta * options.dt) ** options.steps;
    const [d] = p.directions;
    expect(d.plus.distance).toBeCloseTo((0.3 - s0) / k, 5);
    expect(d.minus.distance).toBeCloseTo((s0 - 0.1) / k, 5);
    expect(p.trials).toBe(trials);
    // Every evaluation along the ray shares the base point's noise, so the margin is monotone in the push.
    const trace = d.plus.trace.t.map((t, i) => [t, d.plus.trace.margin[i]]).sort((a, b) => a[0] - b[0]);
    trace.slice(1).forEach(([, m], i) => expect(m).toBeGreaterThanOrEqual(trace[i][1]));
  });

  it('gives the same profile for the same seed and a different one for another seed', async () => {
    const property = { stats: ['x2'], mean: [0.4], tolerance: [0.2] };
    const run = (seed: number) => propertyProfile('ou', { z, trials: 16, seed, options, property, directions: 'axes' });
    const [a, b, c] = await Promise.all([run(1), run(1), run(2)]);
    expect(a.directions.map((d) => d.plus.distance)).toEqual(b.directions.map((d) => d.plus.distance));
    expect(a.directions.map((d) => d.plus.distance)).not.toEqual(c.directions.map((d) => d.plus.distance));
  });
});
