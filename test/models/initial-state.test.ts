import { models, simulate } from '../../lib';

// The `<state>_0` options of stg, v1 and sc: left at their defaults the models start as they always have
// (stg at EPI's point, v1 and sc from their drawn starts); set, they start exactly there.
async function path(model: string, options: Record<string, number>, seed = 4) {
  const r = await simulate(model, [models.get(model).params.map((p) => p.value)], { trials: 2, seed, options, trajectories: { stride: 1 } });
  return { traj: r.trajectories!, stats: r.stats, S: r.shape.state };
}
const startAt = (model: string, x: ArrayLike<number>) => Object.fromEntries(models.get(model).state.map((name, i) => [`${name}_0`, x[i]]));

describe('initial-state options', () => {
  it.each([
    ['stg', {}],
    ['v1', {}],
    ['sc', { initSign: 1 }],
  ] as const)('%s: starting at the default start reproduces the default path and statistics', async (model, extra) => {
    const base = await path(model, extra);
    const again = await path(model, { ...extra, ...startAt(model, base.traj.subarray(0, base.S)) });
    // Trial 0's start for every trial: trial 0 is reproduced; stg's start is not drawn, so both trials are.
    const n = model === 'stg' ? base.traj.length : base.traj.length / 2;
    if (model === 'sc') {
      // sc steps from φ(u0) once u0 is given, from the drawn x0 otherwise: φ(b atanh(2 x0 − 1) + a) = x0 to rounding.
      for (let k = 0; k < n; ++k) expect(Math.abs(again.traj[k] - base.traj[k])).toBeLessThan(1e-12);
    } else {
      expect(again.traj.subarray(0, n)).toEqual(base.traj.subarray(0, n));
    }
    if (model === 'stg') expect(again.stats).toEqual(base.stats);
  });

  it('starts each model exactly at a given state', async () => {
    for (const [model, x] of [
      ['stg', [-0.05, -0.04, 0.01, -0.07, 0.03, 0.002, 0.2, 0.5, 0.1, 0.3, 0.09, 0.05, 0.06, 0.07, 0.06]],
      ['v1', [30, 40, 20, 35, 0.001, -0.002, 0, 0.003]],
      ['sc', [0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8]],
    ] as const) {
      const r = await path(model, startAt(model, x));
      expect(Array.from(r.traj.subarray(0, r.S))).toEqual(x);
      expect(Array.from(r.traj.subarray(r.traj.length / 2, r.traj.length / 2 + r.S))).toEqual(x);
    }
  });

  it('draws v1 rates from U[10, 25] with the noise at 0 when unset, and rejects a non-finite state', async () => {
    const r = await path('v1', {});
    for (let i = 0; i < 4; ++i) expect(r.traj[i]).toBeGreaterThanOrEqual(10);
    for (let i = 0; i < 4; ++i) expect(r.traj[i]).toBeLessThanOrEqual(25);
    expect(Array.from(r.traj.subarray(4, 8))).toEqual([0, 0, 0, 0]);
    await expect(simulate('v1', [[0.001, 0.001, 0.001, 0.001]], { options: { xE_0: Infinity } })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(simulate('stg', [[6, 1]], { options: { V_f1_0: NaN } })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });

  it.each(['stg', 'v1', 'sc'])('%s takes its descriptor\'s defaults back as options, NaN (unset) included', async (model) => {
    const defaults = Object.fromEntries(models.get(model).options.map((o) => [o.name, o.value]));
    expect(Object.values(defaults).some(Number.isNaN)).toBe(model !== 'stg');
    expect((await path(model, defaults)).traj).toEqual((await path(model, {})).traj);
  });
});
