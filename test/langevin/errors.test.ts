import { userEnergy } from '../../lib/landscape/energy';
import { langevin, mullerBrownEnergy, quadraticEnergy } from '../../lib/langevin';

const mb = mullerBrownEnergy();
const base = { start: [-0.05, 0.467], paths: 4, temperature: 1, dt: 1e-4, steps: 100 };

test.each([
  ['a negative temperature', { temperature: -1 }, 'ERR_INVALID_ARG_VALUE'],
  ['a negative step', { dt: -1e-3 }, 'ERR_INVALID_ARG_VALUE'],
  ['a zero step', { dt: 0 }, 'ERR_INVALID_ARG_VALUE'],
  ['a non-positive mobility', { mobility: 0 }, 'ERR_INVALID_ARG_VALUE'],
  ['a wrong-length start', { start: [0, 0, 0] }, 'ERR_INVALID_ARG_VALUE'],
  ['a start of the wrong number of rows', { start: [[0, 0], [0, 1]], paths: 3 }, 'ERR_INVALID_ARG_VALUE'],
  ['a non-finite start', { start: [NaN, 0] }, 'ERR_NONFINITE'],
  ['fractional steps', { steps: 1.5 }, 'ERR_INVALID_ARG_VALUE'],
  ['an unknown option', { temprature: 1 }, 'ERR_UNKNOWN_OPTION'],
  ['bounds that exclude the start', { bounds: { lower: [0, 0], upper: [1, 1] } }, 'ERR_OUT_OF_BOUNDS'],
  ['inverted bounds', { bounds: { lower: [1, 1], upper: [-1, 2] } }, 'ERR_INVALID_ARG_VALUE'],
  ['a passage ball of the wrong dimension', { passage: { center: [0], radius: 1 } }, 'ERR_INVALID_ARG_VALUE'],
  ['a zero passage radius', { passage: { center: [0, 0], radius: 0 } }, 'ERR_INVALID_ARG_VALUE'],
  ['a negative diffusion amplitude', { diffusion: { form: 'quadratic', a: -1, c: 0 } }, 'ERR_INVALID_ARG_VALUE'],
  ['an unknown diffusion form', { diffusion: { form: 'cubic', a: 1, c: 0 } }, 'ERR_INVALID_ARG_VALUE'],
  ['an unknown device', { device: 'tpu' }, 'ERR_INVALID_ARG_VALUE'],
  ['huge trajectories', { paths: 100000, steps: 100000, trajectories: { stride: 1 } }, 'ERR_OUT_OF_BOUNDS'],
  ["engine 'native' with a predicate", { engine: 'native', passage: () => false }, 'ERR_INVALID_ARG_VALUE'],
])('%s is rejected with a code', async (_what, change, code) => {
  await expect(langevin(mb, { ...base, ...change } as never)).rejects.toMatchObject({ code });
});

test("engine 'native' needs a built-in energy", async () => {
  const bowl = userEnergy(2, (_p, n) => ({ energy: new Float64Array(n), gradient: new Float64Array(2 * n) }));
  await expect(langevin(bowl, { ...base, engine: 'native' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
});

test('a predicate that throws rejects with ERR_CALLBACK naming the path and step', async () => {
  const err = await langevin(mb, {
    ...base,
    passage: (_t, path, step) => {
      if (path === 2 && step === 7) throw new Error('boom');
      return false;
    },
  }).catch((e: unknown) => e);
  expect(err).toMatchObject({ code: 'ERR_CALLBACK', details: { path: 2, step: 7 } });
  expect((err as Error).message).toMatch(/boom/);
});

test('a diffusion function that throws or returns d ≤ 0 gets a code', async () => {
  const thrower = () => {
    throw new Error('no');
  };
  await expect(langevin(mb, { ...base, diffusion: thrower })).rejects.toMatchObject({ code: 'ERR_CALLBACK' });
  const negative = (_t: Float64Array, d: Float64Array) => d.fill(-1);
  await expect(langevin(mb, { ...base, diffusion: negative })).rejects.toMatchObject({ code: 'ERR_NONFINITE' });
});

test('an energy that returns a wrong-length gradient gets a code', async () => {
  const bad = userEnergy(2, (_p, n) => ({ energy: new Float64Array(n), gradient: new Float64Array(n) }));
  await expect(langevin(bad, base)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
});

test('an AbortSignal stops both engines with ABORT_ERR; progress reaches 1', async () => {
  const already = AbortSignal.abort();
  await expect(langevin(mb, { ...base, signal: already })).rejects.toMatchObject({ code: 'ABORT_ERR' });
  await expect(langevin(mb, { ...base, engine: 'typescript', signal: already })).rejects.toMatchObject({ code: 'ABORT_ERR' });
  const controller = new AbortController();
  const run = langevin(quadraticEnergy([[1]]), { start: [0], paths: 200000, temperature: 1, steps: 1_000_000, signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  await expect(run).rejects.toMatchObject({ code: 'ABORT_ERR' });
  const seen: number[] = [];
  await langevin(mb, { ...base, onProgress: (f) => seen.push(f) });
  expect(seen[seen.length - 1]).toBe(1);
});
