import { models, simulate, statistics } from '../../lib';

const ok = [[1, 0, 1]];

describe('input validation', () => {
  it.each([
    ['an unknown model', () => simulate('nope', ok), 'ERR_UNKNOWN_MODEL', /unknown model 'nope'/],
    ['a row of the wrong length', () => simulate('ou', [[1, 0]]), 'ERR_INVALID_ARG_VALUE', /z\[0\] has 2 entries; expected 3/],
    ['a flat array of the wrong length', () => simulate('ou', new Float64Array(4)), 'ERR_INVALID_ARG_VALUE', /not a positive multiple of 3/],
    ['a non-numeric z', () => simulate('ou', 'abc'), 'ERR_INVALID_ARG_TYPE', /z must be/],
    ['NaN in z', () => simulate('ou', [[1, NaN, 1]]), 'ERR_INVALID_ARG_VALUE', /z\[0\]\[1\] \(mu\) is NaN/],
    ['a parameter outside its bounds', () => simulate('ou', [[1, 0, -1]]), 'ERR_OUT_OF_BOUNDS', /z\[0\]\[2\] \(sigma\) = -1 is outside/],
    ['an unknown simulate option', () => simulate('ou', ok, { trails: 3 } as never), 'ERR_UNKNOWN_OPTION', /unknown simulate option 'trails'/],
    ['an unknown model option', () => simulate('ou', ok, { options: { dT: 0.1 } }), 'ERR_UNKNOWN_OPTION', /no option 'dT'/],
    ['a non-finite model option', () => simulate('ou', ok, { options: { dt: Infinity } }), 'ERR_INVALID_ARG_VALUE', /option dt/],
    ['a fractional step count', () => simulate('ou', ok, { options: { steps: 10.5 } }), 'ERR_INVALID_ARG_VALUE', /option steps of model ou must be an integer ≥ 0; got 10.5/],
    ['a non-positive time step', () => simulate('ou', ok, { options: { dt: 0 } }), 'ERR_INVALID_ARG_VALUE', /option dt of model ou must be a positive number/],
    ['options that contradict each other', () => simulate('stg', [[6, 1]], { options: { steps: 30, drop: 20 } }), 'ERR_INVALID_ARG_VALUE', /stg: steps \+ 1 - drop must be at least window/],
    ['zero trials', () => simulate('ou', ok, { trials: 0 }), 'ERR_INVALID_ARG_VALUE', /trials must be an integer/],
    ['a fractional seed', () => simulate('ou', ok, { seed: 1.5 }), 'ERR_INVALID_ARG_VALUE', /seed must be an integer/],
    ['an unknown device', () => simulate('ou', ok, { device: 'gpu' as never }), 'ERR_INVALID_ARG_VALUE', /device must be/],
    ['a zero stride', () => simulate('ou', ok, { trajectories: { stride: 0 } }), 'ERR_INVALID_ARG_VALUE', /stride/],
    ['trajectories in statistics()', () => statistics('ou', ok, { trajectories: {} } as never), 'ERR_UNKNOWN_OPTION', /trajectories/],
  ])('rejects %s', async (_what, call, code, message) => {
    await expect(call()).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('reports a state that goes non-finite with the parameter set, trial and step', async () => {
    // θ·dt = 2.5 makes the Euler recursion x' = (1 − θdt)x + … expand by 1.5 per step: overflow after ~1750 steps.
    const z = [[1, 0, 1], [250, 0, 1]];
    const call = simulate('ou', z, { options: { dt: 0.01, steps: 3000, x0: 1 }, trials: 2 });
    await expect(call).rejects.toMatchObject({
      code: 'ERR_NONFINITE',
      details: expect.objectContaining({ set: 1, trial: 0, state: 'x' }),
    });
    const r = await simulate('ou', z, { options: { dt: 0.01, steps: 3000, x0: 1 }, trials: 2, onNonFinite: 'nan' });
    expect(r.nonFinite).toMatchObject({ set: 1, trial: 0, count: 2 });
    // |x| grows like 1.5ⁿ from 1; doubles overflow past 1.8e308 = 1.5^1750.
    expect(r.nonFinite!.step).toBeGreaterThan(1700);
    expect(r.nonFinite!.step).toBeLessThan(1800);
    expect(Number.isFinite(r.stats[0])).toBe(true);
    expect(Number.isNaN(r.stats[2])).toBe(true);
  });

  it('rejects with ABORT_ERR when the signal aborts, before or during a run', async () => {
    await expect(simulate('ou', ok, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORT_ERR' });
    const controller = new AbortController();
    const big = new Float64Array(200000 * 3).map((_, i) => (i % 3 === 0 ? 1 : i % 3 === 1 ? 0 : 1));
    const run = simulate('ou', big, { options: { steps: 2000 }, signal: controller.signal, device: 'cpu' });
    setTimeout(() => controller.abort(), 20);
    await expect(run).rejects.toMatchObject({ code: 'ABORT_ERR' });
  });

  it('reports progress and keeps the event loop free while it runs', async () => {
    const fractions: number[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const z = new Float64Array(20000 * 3).map((_, i) => (i % 3 === 1 ? 0 : 1));
    await simulate('ou', z, { options: { steps: 3000 }, onProgress: (f) => fractions.push(f), device: 'cpu' });
    clearInterval(timer);
    expect(fractions.length).toBeGreaterThan(0);
    expect(fractions[fractions.length - 1]).toBe(1);
    expect(ticks).toBeGreaterThan(2);
  });

  it('describes every model with consistent names and bounds', () => {
    for (const name of models.list()) {
      const m = models.get(name);
      expect(m.params.length).toBeGreaterThan(0);
      expect(m.stats.length).toBeGreaterThan(0);
      for (const p of m.params) {
        expect(p.lower).toBeLessThan(p.upper);
        expect(p.value).toBeGreaterThanOrEqual(p.lower);
        expect(p.value).toBeLessThanOrEqual(p.upper);
      }
    }
  });
});

describe('trajectories of a path that goes non-finite', () => {
  // ou runs eight paths per SIMD group, sc one path at a time; both must end a faulted trajectory the same way.
  it.each([
    ['ou', [[250, 0, 1]], { dt: 0.01, steps: 2000, x0: 1 }, 100],
    ['sc', [[1e308, 1e308, 1e308, 1e308]], {}, 1],
  ])('%s: NaN from the first non-finite step on, finite before', async (model, z, options, stride) => {
    const r = await simulate(model, z, { options, trajectories: { stride }, onNonFinite: 'nan', checkBounds: false });
    const { recorded, state } = r.shape;
    const first = Math.ceil(r.nonFinite!.step / stride);
    expect(first).toBeLessThan(recorded);
    for (let row = 0; row < recorded; ++row) {
      const values = Array.from(r.trajectories!.subarray(row * state, (row + 1) * state));
      if (row < first) expect(values.every(Number.isFinite)).toBe(true);
      else expect(values.every(Number.isNaN)).toBe(true);
    }
  });
});
