import { simulate } from '../../lib';

// OU at 64 parameter sets with per-set parameters, so a mix-up of sets or trials would show.
const batch = 64;
const z = Array.from({ length: batch }, (_, i) => [0.5 + (i % 7) * 0.3, Math.sin(i), 0.2 + (i % 5) * 0.1]);
const base = { trials: 16, seed: 1234, grad: true, options: { steps: 200 }, device: 'cpu' as const };

describe('reproducibility', () => {
  it('gives identical numbers for the same seed whatever the thread count', async () => {
    const one = await simulate('ou', z, { ...base, threads: 1 });
    const two = await simulate('ou', z, { ...base, threads: 2 });
    const many = await simulate('ou', z, { ...base, threads: 7 });
    expect(two.stats).toEqual(one.stats);
    expect(many.stats).toEqual(one.stats);
    expect(many.grad).toEqual(one.grad);
  });

  it('gives identical numbers when the batch is split with batchOffset', async () => {
    const whole = await simulate('ou', z, base);
    const first = await simulate('ou', z.slice(0, 20), base);
    const rest = await simulate('ou', z.slice(20), { ...base, batchOffset: 20 });
    expect(Array.from(first.stats)).toEqual(Array.from(whole.stats.subarray(0, 40)));
    expect(Array.from(rest.stats)).toEqual(Array.from(whole.stats.subarray(40)));
    expect(Array.from(rest.grad!)).toEqual(Array.from(whole.grad!.subarray(20 * 6)));
  });

  it('keeps the first trials when more are added', async () => {
    const few = await simulate('ou', [z[3]], { ...base, trials: 4, trajectories: { stride: 200 } });
    const more = await simulate('ou', [z[3]], { ...base, trials: 9, trajectories: { stride: 200 } });
    expect(Array.from(more.trajectories!.subarray(0, 8))).toEqual(Array.from(few.trajectories!));
  });

  it('gives different numbers for different seeds', async () => {
    const a = await simulate('ou', z, base);
    const b = await simulate('ou', z, { ...base, seed: 1235 });
    let differing = 0;
    for (let i = 0; i < a.stats.length; ++i) if (a.stats[i] !== b.stats[i]) differing++;
    expect(differing).toBe(a.stats.length);
  });
});

describe('reproducibility of SIMD-lane models', () => {
  // stg runs eight paths per SIMD group on the CPU; splitting at 13 regroups every later path.
  const zs = Array.from({ length: 29 }, (_, i) => [4 + ((i * 0.37) % 4), 0.01 + ((i * 0.53) % 3.9)]);
  const opts = { trials: 2, seed: 77, grad: true, device: 'cpu' as const, options: { sigmaI: 1e-11 } };

  it('gives each path the same numbers whatever its lane group and thread count', async () => {
    const whole = await simulate('stg', zs, { ...opts, threads: 2 });
    const head = await simulate('stg', zs.slice(0, 13), { ...opts, threads: 1 });
    const tail = await simulate('stg', zs.slice(13), { ...opts, batchOffset: 13 });
    expect(Array.from(head.stats)).toEqual(Array.from(whole.stats.subarray(0, 13 * 5)));
    expect(Array.from(tail.stats)).toEqual(Array.from(whole.stats.subarray(13 * 5)));
    expect(Array.from(tail.grad!)).toEqual(Array.from(whole.grad!.subarray(13 * 10)));
  });
});
