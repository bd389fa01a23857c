import { springsBack } from '../../lib/robustness';

const S = 15;
const OPTIONS = { dt: 0.0025, steps: 8000 };
const TOLERANCE = 1e-3;
const axis = (i: number) => Array.from({ length: S }, (_, j) => (j === i ? 1 : 0));

describe('springs back to the STG rhythm', () => {
  it('counts no push and a push along the orbit as back at once, and times an off-orbit push', async () => {
    const still = await springsBack('stg', { amounts: [0], directions: [axis(0)], tolerance: TOLERANCE, options: OPTIONS });
    expect(still.returns[0]).toMatchObject({ returnTime: 0, returned: true });
    // At the mode six rhythm cycles make one period of the 15-dimensional orbit, ≈ 10 s at this dt.
    const samples = still.orbit!.length / S;
    expect((samples - 2) * OPTIONS.dt).toBeGreaterThan(9);
    expect(still.resolution).toBeLessThan(TOLERANCE / 10);

    // A state a third of a period later on the same orbit: a phase shift, not a displacement off the rhythm.
    const j = Math.floor(samples / 3);
    const shift = Array.from(still.orbit!.subarray(j * S, (j + 1) * S), (v, i) => v - still.attractor[i]);
    const size = Math.hypot(...shift);
    expect(size).toBeGreaterThan(100 * TOLERANCE);
    const along = await springsBack('stg', { amounts: [size], directions: [shift], tolerance: TOLERANCE, options: OPTIONS });
    expect(along.returns[0].returnTime).toBe(0);

    // 5 mV on the hub's voltage: off the rhythm, and back only after tens of seconds, the cycle attracting slowly.
    const off = await springsBack('stg', {
      amounts: [0.005], directions: [axis(2)], tolerance: TOLERANCE, options: { ...OPTIONS, steps: 24000 }, stride: 10,
    });
    expect(off.returns[0].returned).toBe(true);
    expect(off.returns[0].returnTime).toBeGreaterThan(1);
  });

  it('rejects a state push of the wrong length or with a non-finite entry, and a non-finite amount', async () => {
    const bad = (o: object) => expect(springsBack('stg', { tolerance: TOLERANCE, options: OPTIONS, ...o })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await bad({ directions: [axis(0).slice(1)] });
    await bad({ directions: [[NaN, ...axis(0).slice(1)]] });
    await bad({ amounts: [Infinity] });
    await bad({ amounts: [-0.001] });
  });
});
