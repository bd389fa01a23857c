import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { CustomModel, Distribution, epi, EpiOptions } from '../../lib';

// A small schedule so that a whole run takes a second or two.
const tiny: EpiOptions = { batch: 64, epochs: 3, iterations: 40, initIterations: 40, flow: { units: 8 }, seed: 3 };

// s = z0 + z1 and its gradient: a model whose statistics JavaScript computes.
function sumModel(hook?: (call: number) => void): CustomModel {
  let calls = 0;
  return {
    name: 'sum',
    params: [{ name: 'a', lower: -3, upper: 3 }, { name: 'b', lower: -3, upper: 3 }],
    stats: ['s'],
    statistics(z, n, { grad }) {
      hook?.(calls++);
      const values = new Float64Array(n);
      for (let i = 0; i < n; ++i) values[i] = z[2 * i] + z[2 * i + 1];
      return { values, grad: grad ? new Float64Array(2 * n).fill(1) : undefined };
    },
  };
}

async function tmpdir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'sloppy-epi-'));
}

describe('EPI input checks', () => {
  it.each([
    [{ stats: ['realLambda1', 'freq'], mean: [0], std: [0.1, 0.1] }, 'ERR_INVALID_ARG_VALUE', /2 statistics but 1 means/],
    [{ stats: ['freq'], mean: [1], std: [0] }, 'ERR_INVALID_ARG_VALUE', /std of freq must be a positive/],
    [{ stats: ['freq'], mean: [1], std: [-1] }, 'ERR_INVALID_ARG_VALUE', /std of freq/],
    [{ stats: ['omega'], mean: [1], std: [0.1] }, 'ERR_INVALID_ARG_VALUE', /unknown statistic 'omega'/],
  ])('rejects the property %j', async (property, code, message) => {
    await expect(epi('lds2d', { ...tiny, property })).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('rejects reversed bounds, unknown options and bad schedules with codes', async () => {
    const reversed = { ...sumModel(), params: [{ name: 'a', lower: 1, upper: -1 }, { name: 'b', lower: -3, upper: 3 }] };
    await expect(epi(reversed, { ...tiny, property: { stats: ['s'], mean: [0], std: [1] } })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/reversed/),
    });
    await expect(epi('lds2d', { ...tiny, batchSize: 3 } as EpiOptions)).rejects.toMatchObject({ code: 'ERR_UNKNOWN_OPTION' });
    await expect(epi('lds2d', { ...tiny, alpha: 2 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(epi('nope', tiny)).rejects.toMatchObject({ code: 'ERR_UNKNOWN_MODEL' });
    await expect(epi('ou', tiny)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/no published property/) });
  });
});

describe('EPI with statistics written in TypeScript', () => {
  it('meets a property of s = a + b: mean 1, std 0.3', async () => {
    const r = await epi(sumModel(), {
      property: { stats: ['s'], mean: [1], std: [0.3] }, batch: 200, epochs: 6, iterations: 250, initIterations: 200,
      c0: 10, flow: { units: 10 }, seed: 1,
    });
    const z = await r.distribution.sample(20000, { seed: 4 });
    let m = 0;
    let v = 0;
    for (let i = 0; i < 20000; ++i) m += (z[2 * i] + z[2 * i + 1]) / 20000;
    for (let i = 0; i < 20000; ++i) v += (z[2 * i] + z[2 * i + 1] - m) ** 2 / 19999;
    expect(r.converged).toBe(true);
    expect(r.history.epochs.every((e) => e.nonFinite === 0)).toBe(true);
    expect(Math.abs(m - 1)).toBeLessThan(0.03);
    expect(Math.abs(Math.sqrt(v) - 0.3)).toBeLessThan(0.03);
    z.forEach((x) => expect(Math.abs(x)).toBeLessThan(3));
  }, 120000);

  it('keeps going when an evaluation sample is non-finite, counts it, and never calls that epoch converged', async () => {
    // The run above, with one NaN statistic in every evaluation batch (test and norms; training calls ask for
    // gradients and are untouched): the same flow, which converged there, now finishes with no epoch converged.
    const model = sumModel();
    const inner = model.statistics;
    model.statistics = (z, n, o) => {
      const out = inner(z, n, o) as { values: Float64Array; grad?: Float64Array };
      if (!o.grad) out.values[7] = NaN;
      return out;
    };
    const r = await epi(model, {
      property: { stats: ['s'], mean: [1], std: [0.3] }, batch: 200, epochs: 6, iterations: 250, initIterations: 200,
      c0: 10, flow: { units: 10 }, seed: 1,
    });
    expect(r.converged).toBe(false);
    // Two per epoch (test and norms), one in the last, which has no penalty test.
    expect(r.history.epochs.map((e) => e.nonFinite)).toEqual([2, 2, 2, 2, 2, 1]);
    expect(r.history.epochs.every((e) => e.p.every(Number.isFinite) && !e.converged)).toBe(true);
  }, 120000);

  it('fails loudly, naming the epoch and iteration, when the cost becomes non-finite', async () => {
    // The 40 initialisation iterations do not call statistics; the norms before training make one call and the
    // epoch's iterations follow, so call 11 is iteration 10 of epoch 1.
    const model = sumModel();
    const inner = model.statistics;
    let calls = 0;
    model.statistics = (z, n, o) => {
      const out = inner(z, n, o) as { values: Float64Array; grad?: Float64Array };
      if (calls++ === 11) out.values[5] = NaN;
      return out;
    };
    await expect(epi(model, { ...tiny, property: { stats: ['s'], mean: [0], std: [1] } })).rejects.toMatchObject({
      code: 'ERR_NONFINITE',
      details: { epoch: 1, iteration: 10 },
    });
  });
});

describe('EPI runs are safe to stop', () => {
  // A checkpointed run aborted as soon as epoch `epoch` starts training: its checkpoint holds epoch − 1.
  async function abortedAt(epoch: number, settings: EpiOptions = tiny): Promise<string> {
    const dir = await tmpdir();
    const controller = new AbortController();
    await expect(
      epi('lds2d', {
        ...settings, checkpoint: dir, signal: controller.signal,
        onProgress: (p) => (p.phase === 'train' && p.epoch === epoch ? controller.abort() : undefined),
      }),
    ).rejects.toMatchObject({ code: 'ABORT_ERR' });
    return dir;
  }

  // With batch norm the checkpoint must also carry the moving statistics that the evaluation samples use.
  it.each([false, true])('resumes a killed run to the same result as an uninterrupted one (batch norm %p)', async (batchNorm) => {
    const settings = { ...tiny, flow: { ...tiny.flow, batchNorm } };
    const whole = await epi('lds2d', settings);
    const dir = await abortedAt(2, settings);
    const resumed = await epi('lds2d', { ...settings, checkpoint: dir, resume: true });
    expect(resumed.history.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(resumed.history).toEqual(whole.history);
    const a = await whole.distribution.sample(100, { seed: 1 });
    const b = await resumed.distribution.sample(100, { seed: 1 });
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it("runs no penalty test after the last epoch, nor after the one that stops early: no epoch takes its c", async () => {
    // With ν = 0.5 the convergence test's batches (0.5·64) and the penalty's norms (64) differ in size: count the latter.
    const sizes: number[] = [];
    const model = { ...sumModel(), statistics(z: Float64Array, n: number, o: { grad: boolean; seed: number }) {
      if (!o.grad) sizes.push(n);
      return sumModel().statistics(z, n, o);
    } };
    const property = { stats: ['s'], mean: [0], std: [1] };
    const r = await epi(model, { ...tiny, property, nu: 0.5 });
    const normCalls = sizes.filter((n) => n === 200 * tiny.batch!).length;
    expect(normCalls).toBe(tiny.epochs!);  // after the initialisation and after every epoch but the last
    expect(r.history.epochs.map((e) => Number.isNaN(e.penalty.t))).toEqual([false, false, true]);
    sizes.length = 0;
    const early = await epi(model, { ...tiny, property, nu: 0.5, epochs: 6, stopEarly: true });
    const last = early.history.epochs.at(-1)!;
    expect(last.converged).toBe(true);
    expect(sizes.filter((n) => n === 200 * tiny.batch!).length).toBe(early.history.epochs.length);
  });

  it("starts EPI's Adam afresh after the Gaussian initialisation, as the reference builds a new one", async () => {
    const dir = await tmpdir();
    await epi('lds2d', { ...tiny, epochs: 1, checkpoint: dir });
    const saved = JSON.parse(await fs.readFile(path.join(dir, 'checkpoint.json'), 'utf8'));
    // One epoch's steps only; carried over from the initialisation it would be initIterations + iterations.
    expect(saved.payload.flow.adamStep).toBe(tiny.iterations);
  });

  it('keeps the last checkpoint when aborted, and refuses one made with other settings', async () => {
    const dir = await abortedAt(3);
    const saved = JSON.parse(await fs.readFile(path.join(dir, 'checkpoint.json'), 'utf8'));
    expect(saved.payload.epochDone).toBe(2);
    await expect(epi('lds2d', { ...tiny, seed: 4, checkpoint: dir, resume: true })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/other settings/),
    });
    saved.payload.c = 123;
    await fs.writeFile(path.join(dir, 'checkpoint.json'), JSON.stringify(saved));
    await expect(epi('lds2d', { ...tiny, checkpoint: dir, resume: true })).rejects.toMatchObject({ code: 'ERR_CHECKSUM' });
  });
});

describe('Distribution', () => {
  it('saves and loads exactly, and refuses a corrupted file', async () => {
    const r = await epi('lds2d', { ...tiny, epochs: 1 });
    const dir = await tmpdir();
    const file = path.join(dir, 'q.json');
    await r.distribution.save(file);
    const q = await Distribution.load(file);
    const z = await r.distribution.sample(50, { seed: 2 });
    expect(Array.from(await q.logProb(z))).toEqual(Array.from(await r.distribution.logProb(z)));
    expect(q.info.paramNames).toEqual(['a11', 'a12', 'a21', 'a22']);
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.replace('"epoch":1', '"epoch":2'));
    await expect(Distribution.load(file)).rejects.toMatchObject({ code: 'ERR_CHECKSUM' });
  });

  it('finds a conditional mode: the gradient vanishes in the free coordinates there', async () => {
    const r = await epi(sumModel(), {
      property: { stats: ['s'], mean: [1], std: [0.3] }, batch: 128, epochs: 2, iterations: 100, initIterations: 100,
      flow: { units: 8 }, seed: 2,
    });
    const { z, logq } = await r.distribution.mode({ fixed: { a: 0.5 } });
    expect(z[0]).toBe(0.5);
    const g = await r.distribution.gradLogProb(z);
    expect(Math.abs(g[1])).toBeLessThan(1e-3 * Math.max(1, Math.abs(g[0])));
    for (const db of [-0.05, 0.05]) {
      const nearby = await r.distribution.logProb([[0.5, z[1] + db]]);
      expect(nearby[0]).toBeLessThan(logq);
    }
    const s = await r.distribution.sensitivity(z);
    const h = await r.distribution.hessianLogProb(z);
    // v1 is the eigenvector of the most negative eigenvalue: H v1 = λ1 v1.
    for (let i = 0; i < 2; ++i) {
      expect(h[i * 2] * s.v1[0] + h[i * 2 + 1] * s.v1[1]).toBeCloseTo(s.values[0] * s.v1[i], 8);
    }
  });
});

describe('abc initialisation', () => {
  it('targets the mean of the accepted samples: by symmetry (0.5, 0.5) for s = a + b within 1 ± 0.6', async () => {
    const r = await epi(sumModel(), {
      ...tiny, epochs: 1, property: { stats: ['s'], mean: [1], std: [0.3] }, init: { abc: 500 },
    });
    const { mean, std } = r.settings.init;
    // 500 accepted points; a's spread within the band is about 1.6, so the mean's standard error is ~0.07.
    mean.forEach((m) => expect(Math.abs(m - 0.5)).toBeLessThan(0.25));
    // a + b has density ∝ 6 − s on the band, so its accepted mean is ∫s(6 − s) / ∫(6 − s) over [0.4, 1.6]
    // (≈ 0.976); its spread there is 0.35, a standard error of 0.016.
    const [lo, hi] = [0.4, 1.6];
    const moment = (k: number) => (s: number) => (6 * s ** (k + 1)) / (k + 1) - s ** (k + 2) / (k + 2);
    const expected = (moment(1)(hi) - moment(1)(lo)) / (moment(0)(hi) - moment(0)(lo));
    expect(Math.abs(mean[0] + mean[1] - expected)).toBeLessThan(0.05);
    expect(std).toEqual([1, 1]);
  });

  it("with abcStd: 'sample', targets the accepted samples' spread: the band's, by a 1200² grid", async () => {
    const r = await epi(sumModel(), {
      ...tiny, epochs: 1, property: { stats: ['s'], mean: [1], std: [0.3] }, init: { abc: 2000, abcStd: 'sample' },
    });
    // Moments of a over {(a, b) ∈ [−3, 3]²: |a + b − 1| ≤ 0.6}, uniform, by the midpoint rule.
    const n = 1200;
    let w = 0;
    let m1 = 0;
    let m2 = 0;
    for (let i = 0; i < n; ++i) {
      for (let j = 0; j < n; ++j) {
        const a = -3 + (6 * (i + 0.5)) / n;
        const b = -3 + (6 * (j + 0.5)) / n;
        if (Math.abs(a + b - 1) > 0.6) continue;
        w += 1;
        m1 += a;
        m2 += a * a;
      }
    }
    const sd = Math.sqrt(m2 / w - (m1 / w) ** 2);
    // 2000 accepted samples: the sample std's standard error is about sd / √4000 ≈ 0.03.
    r.settings.init.std.forEach((v) => expect(Math.abs(v - sd)).toBeLessThan(0.1));
  });
});
