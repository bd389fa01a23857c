import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { Distribution, Flow, flowSpec, normals, Stream } from '../../lib';
import { FlowOptions } from '../../lib/flow/flow';
import { native } from '../../lib/native';
import { expectCode } from '../helpers/errors';
import { flowLayout, referenceForward } from '../helpers/flow-reference';

const lower = [-1, 0.5, -Infinity, -Infinity];
const upper = [2, Infinity, Infinity, 4];
const D = lower.length;

function makeFlow(opts: FlowOptions = {}): Flow {
  return new Flow(flowSpec(lower, upper, { units: 9, seed: 4, postAffine: true, batchNorm: true, ...opts }));
}

// The Philox normals that a training batch (stream 'train') or a query (stream 'eval') starts from.
const baseNoise = (n: number, seed: number, step: number, stream: Stream) =>
  Array.from({ length: n }, (_, i) => Array.from(normals(D, { seed, set: i, trial: 0, step, stream })));

// A Gaussian fit of a few iterations, so that γ, β and the moving statistics have left their initial values.
async function fit(flow: Flow, iterations: number, batch = 21): Promise<void> {
  const mean = Float64Array.from([0.5, 1.5, -0.3, 2]);
  const precision = new Float64Array(D * D);
  for (let i = 0; i < D; ++i) precision[i * D + i] = 3;
  const r = await flow.handle.trainGaussian({ mean, precision, iterations, firstStep: 0, seed: 7, batch });
  expect(r.failedAt).toBe(-1);
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; ++i) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('batch norm in the real NVP flow', () => {
  it('starts with γ = 1, β = 0, moving mean 0 and moving variance 1 after the trained weights', () => {
    const flow = makeFlow({ stages: 3 });
    const L = flowLayout(flow.spec);
    const w = flow.state().weights;
    expect(w.length).toBe(L.size);
    expect(flow.size).toBe(L.size);
    for (let s = 0; s < L.bnLayers; ++s) {
      for (let i = 0; i < D; ++i) {
        expect([w[L.bn(s) + i], w[L.bn(s) + D + i]]).toEqual([1, 0]);
        expect([w[L.moving + 2 * D * s + i], w[L.moving + 2 * D * s + D + i]]).toEqual([0, 1]);
      }
    }
  });

  it('trains on batch statistics and answers queries with the moving ones, as the reference flow does', async () => {
    const flow = makeFlow();
    await fit(flow, 30);
    const { weights, perm } = flow.state();
    const n = 13;  // not a multiple of the CPU's 8 lanes: padding must not enter the batch statistics
    const { z } = await flow.handle.trainBegin({ batch: n, seed: 3, step: 5 });
    const batch = referenceForward(flow.spec, weights, perm, baseNoise(n, 3, 5, Stream.Dynamics), 'batch');
    expect(maxAbsDiff(z, batch.z.flat())).toBeLessThan(1e-11);
    const q = await flow.sample(n, { seed: 3, step: 5, stream: 'eval' });
    const moving = referenceForward(flow.spec, weights, perm, baseNoise(n, 3, 5, Stream.Initial), 'moving');
    expect(maxAbsDiff(q.z, moving.z.flat())).toBeLessThan(1e-11);
    expect(maxAbsDiff(q.logq, moving.logq)).toBeLessThan(1e-10);
    // The two modes differ: the moving statistics are another batch's.
    const asBatch = referenceForward(flow.spec, weights, perm, baseNoise(n, 3, 5, Stream.Initial), 'batch');
    expect(maxAbsDiff(q.z, asBatch.z.flat())).toBeGreaterThan(1e-3);
  });

  it.each([0, 0.3])(
    'sets the moving statistics after one step to momentum·old + (1 − momentum)·batch (momentum %p)',
    async (momentum) => {
      const flow = makeFlow({ batchNormMomentum: momentum });
      const before = flow.state();
      const L = flowLayout(flow.spec);
      const n = 21;
      await fit(flow, 1, n);
      const after = flow.state().weights;
      const { stats } = referenceForward(flow.spec, before.weights, before.perm, baseNoise(n, 7, 0, Stream.Dynamics), 'batch');
      expect(stats).toHaveLength(L.bnLayers);
      stats.forEach((layer, s) => {
        for (let i = 0; i < D; ++i) {
          const mean = before.weights[L.moving + 2 * D * s + i];
          const variance = before.weights[L.moving + 2 * D * s + D + i];
          expect(after[L.moving + 2 * D * s + i]).toBeCloseTo(momentum * mean + (1 - momentum) * layer.mean[i], 12);
          expect(after[L.moving + 2 * D * s + D + i]).toBeCloseTo(momentum * variance + (1 - momentum) * layer.variance[i], 12);
        }
        // A batch's statistics, not the initial ones: the check is not vacuous.
        expect(Math.abs(layer.variance[0] - 1) + Math.abs(layer.mean[0])).toBeGreaterThan(1e-3);
      });
    },
  );

  it('trains to the same numbers on one thread and on several: the batch reductions run in a fixed order', async () => {
    const mean = Float64Array.from([0.5, 1.5, -0.3, 2]);
    const precision = Float64Array.from({ length: D * D }, (_, k) => (k % (D + 1) === 0 ? 3 : 0));
    const weights = await Promise.all([1, 4].map(async (threads) => {
      const flow = makeFlow();
      await flow.handle.trainGaussian({ mean, precision, iterations: 5, firstStep: 0, seed: 7, batch: 45, threads });
      return Array.from(flow.state().weights);
    }));
    expect(weights[1]).toEqual(weights[0]);
  });

  it('keeps γ, β and the moving statistics through a save and load', async () => {
    const flow = makeFlow();
    await fit(flow, 20);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sloppy-bn-'));
    const file = path.join(dir, 'q.json');
    const q = new Distribution(flow, { model: 'test', paramNames: ['a', 'b', 'c', 'd'], units: ['', '', '', ''] });
    await q.save(file);
    const back = await Distribution.load(file);
    const { batchNorm, batchNormMomentum, batchNormEpsilon } = flow.spec;
    expect(back.flow.spec).toMatchObject({ batchNorm, batchNormMomentum, batchNormEpsilon, lower, upper });
    expect(Array.from(back.flow.state().weights)).toEqual(Array.from(flow.state().weights));
    const z = await q.sample(50, { seed: 2 });
    expect(Array.from(await back.sample(50, { seed: 2 }))).toEqual(Array.from(z));
    expect(Array.from(await back.logProb(z))).toEqual(Array.from(await q.logProb(z)));
    // The open sides come back open: a mode search clamps to the loaded bounds.
    const modeOpts = { fixed: { a: 0.5 }, steps: 20 };
    expect(Array.from((await back.mode(modeOpts)).z)).toEqual(Array.from((await q.mode(modeOpts)).z));
    await fs.rm(dir, { recursive: true });
  });

  it('refuses bad batch-norm options with coded errors', () => {
    expectCode(() => flowSpec(lower, upper, { batchNorm: 'yes' as unknown as boolean }), 'ERR_INVALID_ARG_TYPE');
    for (const m of [-0.1, 1, NaN, '0.5' as unknown as number]) {
      expectCode(() => flowSpec(lower, upper, { batchNorm: true, batchNormMomentum: m }), 'ERR_INVALID_ARG_VALUE');
    }
    for (const e of [0, -1e-3, Infinity]) {
      expectCode(() => flowSpec(lower, upper, { batchNorm: true, batchNormEpsilon: e }), 'ERR_INVALID_ARG_VALUE');
    }
    expectCode(() => flowSpec(lower, upper, { batchnorm: true } as FlowOptions), 'ERR_UNKNOWN_OPTION');
    // The native backend checks on its own too.
    const args = {
      dim: 1, stages: 2, layers: 1, units: 3, lu: true, postAffine: false, batchNorm: true, batchNormMomentum: 0,
      batchNormEpsilon: 1e-3, kind: Float64Array.from([0]), lower: Float64Array.from([-Infinity]),
      upper: Float64Array.from([Infinity]), seed: 0, lr: 1e-3,
    };
    expect(() => new native.Flow({ ...args, device: 'cpu', batchNormMomentum: 1 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => new native.Flow({ ...args, device: 'cpu' })).not.toThrow();
  });
});
