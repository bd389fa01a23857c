import { backends } from '../../lib';
import { synapticSampling } from '../../lib/synaptic';

// The CUDA synaptic-sampling kernel against the CPU backend; reported as skipped without a usable GPU.
const describeGpu = backends().cuda.available ? describe : describe.skip;

describeGpu('synaptic sampling on CUDA', () => {
  it.each(['sample', 'event'] as const)('agrees with the CPU (%s updating, Eq. 3 noise)', async (update) => {
    const opts = { inputs: 300, samples: 200, curveEvery: 50, testPerClass: 4, runs: 5, noise: 'weight' as const, b: 1e-3, update, weights: true };
    const cpu = await synapticSampling({ ...opts, device: 'cpu' });
    const gpu = await synapticSampling({ ...opts, device: 'cuda' });
    expect(gpu.device).toBe('cuda');
    expect(Array.from(gpu.testAccuracy)).toEqual(Array.from(cpu.testAccuracy));
    expect(Array.from(gpu.trainAccuracy)).toEqual(Array.from(cpu.trainAccuracy));
    expect(Array.from(gpu.confusion)).toEqual(Array.from(cpu.confusion));
    let worst = 0;
    (gpu.theta as Float64Array).forEach((v, q) => (worst = Math.max(worst, Math.abs(v - (cpu.theta as Float64Array)[q]))));
    expect(worst).toBeLessThan(1e-9);
  });
});
