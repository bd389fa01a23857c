import { backends } from '../../lib';
import { fitNetworks } from '../../lib/landscape/fit';
import { networkLoss } from '../../lib/landscape/network';
import { teacher } from '../../lib/landscape/teacher';
import { maxRelative } from '../helpers/matrices';

// The CUDA network kernels (one network per thread) against the CPU lanes; reported as skipped without a GPU.
const describeGpu = backends().cuda.available ? describe : describe.skip;

describeGpu('network kernels on CUDA', () => {
  const t = teacher();

  it('losses and gradients agree with the CPU', async () => {
    const start = (await fitNetworks(t.shape, t, { count: 300, steps: 0, seed: 2, device: 'cpu' })).params as Float64Array;
    const cpu = await networkLoss(start, t.shape, t, { device: 'cpu' });
    const gpu = await networkLoss(start, t.shape, t, { device: 'cuda' });
    expect(maxRelative(gpu.loss, cpu.loss)).toBeLessThan(1e-12);
    expect(maxRelative(gpu.gradient as Float64Array, cpu.gradient as Float64Array)).toBeLessThan(1e-9);
  });

  it.each(['momentum', 'adadelta'] as const)('short %s fits, with and without gradient noise, agree with the CPU', async (optimizer) => {
    for (const temperature of [0, 1e-4]) {
      const opts = { count: 130, steps: 50, seed: 4, optimizer, temperature, curveStride: 10 };
      const cpu = await fitNetworks(t.shape, t, { ...opts, device: 'cpu' });
      const gpu = await fitNetworks(t.shape, t, { ...opts, device: 'cuda' });
      expect(gpu.device).toBe('cuda');
      // Same starts and noise; the GPU fuses multiply-adds differently, so 50 steps drift apart by rounding only.
      expect(maxRelative(gpu.params as Float64Array, cpu.params as Float64Array)).toBeLessThan(1e-6);
      expect(maxRelative(gpu.curves as Float64Array, cpu.curves as Float64Array)).toBeLessThan(1e-6);
    }
  });
});
