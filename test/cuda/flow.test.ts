import { backends, epi, Flow } from '../../lib';
import { flowSpec } from '../../lib/flow/flow';
import { maxRelative } from '../helpers/matrices';

// The flow with its weights on the GPU against the CPU; reported as skipped without a usable GPU.
const describeGpu = backends().cuda.available ? describe : describe.skip;

describeGpu('flow on CUDA', () => {
  const spec = flowSpec([-1, 0.5, -Infinity, -Infinity, -3], [2, Infinity, Infinity, 4, 3], { units: 20, postAffine: true, seed: 4 });

  it('samples and evaluates log q as the CPU does', async () => {
    const cpu = new Flow(spec, { device: 'cpu' });
    const gpu = new Flow(spec, { device: 'cuda' });
    expect(gpu.device).toBe('cuda');
    const a = await cpu.sample(5000, { seed: 3, step: 2, stream: 'eval' });
    const b = await gpu.sample(5000, { seed: 3, step: 2, stream: 'eval' });
    expect(maxRelative(b.z, a.z)).toBeLessThan(1e-12);
    expect(maxRelative(b.logq, a.logq)).toBeLessThan(1e-12);
    expect(maxRelative(await gpu.logProb(a.z), await cpu.logProb(a.z))).toBeLessThan(1e-12);
  });

  it('trains a batch-norm flow as the CPU does: batch statistics, their gradient and the moving statistics', async () => {
    // 300 samples: not a multiple of the CPU's 8 lanes, nor of the GPU's 128 threads per block.
    const s = flowSpec([-2, 0, -Infinity, -1, -3], [2, Infinity, Infinity, 4, 3],
      { units: 12, postAffine: true, batchNorm: true, batchNormMomentum: 0.3, seed: 5 });
    const flows = [new Flow(s, { device: 'cpu' }), new Flow(s, { device: 'cuda' })];
    expect(flows[1].device).toBe('cuda');
    const precision = Float64Array.from({ length: 25 }, (_, k) => (k % 6 === 0 ? 2 : 0));
    for (const f of flows) {
      const r = await f.handle.trainGaussian({ mean: Float64Array.from([0.5, 1, -0.3, 2, 0]), precision, iterations: 15,
        firstStep: 0, seed: 2, batch: 300 });
      expect(r.failedAt).toBe(-1);
    }
    // The weights include the moving statistics, which only the batch statistics of every step reach.
    const [wc, wg] = flows.map((f) => f.state().weights);
    expect(maxRelative(wg, wc)).toBeLessThan(1e-9);
    const [a, b] = await Promise.all(flows.map((f) => f.sample(2000, { seed: 3, step: 1, stream: 'eval' })));
    expect(maxRelative(b.z, a.z)).toBeLessThan(1e-9);
    expect(maxRelative(b.logq, a.logq)).toBeLessThan(1e-9);
  });

  it('keeps a training batch on the device through a query between its two passes', async () => {
    // One statistic, z₀ itself (gradient e₀), so that trainEnd can take the Adam step on the device's tape.
    const step = async (flow: Flow, query: boolean) => {
      const { z } = await flow.handle.trainBegin({ batch: 200, seed: 6, step: 1 });
      if (query) await flow.sample(3000, { seed: 9, stream: 'eval' });
      const values = Float64Array.from({ length: 200 }, (_, i) => z[i * spec.dim]);
      const grad = Float64Array.from({ length: 200 * spec.dim }, (_, k) => (k % spec.dim === 0 ? 1 : 0));
      await flow.handle.trainEnd({ values, grad, statCount: 1, stats: Float64Array.from([0]), mean: Float64Array.from([0.5]),
        variance: Float64Array.from([1]), eta: Float64Array.from([0.1, 0.2]), c: 1 });
      return flow.state().weights;
    };
    const plain = await step(new Flow(spec, { device: 'cuda' }), false);
    const queried = await step(new Flow(spec, { device: 'cuda' }), true);
    expect(maxRelative(queried, plain)).toBe(0);
  });

  it('takes the same training steps (Gaussian fit, then EPI on lds2d)', async () => {
    const lower = [-10, -10, -10, -10];
    const upper = [10, 10, 10, 10];
    const s = flowSpec(lower, upper, { units: 30, postAffine: true, seed: 1 });
    const flows = [new Flow(s, { device: 'cpu' }), new Flow(s, { device: 'cuda' })];
    const precision = Float64Array.from({ length: 16 }, (_, k) => (k % 5 === 0 ? 1 / 25 : 0));
    for (const f of flows) {
      await f.handle.trainGaussian({ mean: new Float64Array(4), precision, iterations: 20, firstStep: 0, seed: 1, batch: 256 });
    }
    const [wc, wg] = flows.map((f) => f.state().weights);
    expect(maxRelative(wg, wc)).toBeLessThan(1e-9);
    const cpu = await epi('lds2d', { batch: 256, epochs: 1, iterations: 20, initIterations: 20, device: 'cpu' });
    const gpu = await epi('lds2d', { batch: 256, epochs: 1, iterations: 20, initIterations: 20, device: 'cuda' });
    const rows = (r: typeof cpu) => Float64Array.from(r.history.rows.flatMap((x) => [x.H, x.cost, ...x.R]));
    expect(maxRelative(rows(gpu), rows(cpu))).toBeLessThan(1e-8);
  });
});
