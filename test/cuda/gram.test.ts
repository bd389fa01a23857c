import { backends, fisher } from '../../lib';
import { maxRelative, positiveFloat32, randomMatrix } from '../helpers/matrices';

// The CUDA Gram kernel against the CPU one; reported as skipped without a usable GPU.
const describeGpu = backends().cuda.available ? describe : describe.skip;

describeGpu('Gram products on CUDA', () => {
  it.each([[1, 1], [7, 3], [65, 1030], [300, 5000]])('A·Aᵀ and Aᵀ·A of %i × %i agree with the CPU', async (rows, cols) => {
    const a = randomMatrix(rows, cols, rows + 7 * cols);
    for (const product of ['AAt', 'AtA'] as const) {
      const cpu = await fisher.gram(a, { rows, cols, product, device: 'cpu' });
      const gpu = await fisher.gram(a, { rows, cols, product, device: 'cuda' });
      expect(gpu.device).toBe('cuda');
      expect(maxRelative(gpu.matrix, cpu.matrix)).toBeLessThan(1e-12);
    }
  });

  it('accumulates Float32 input in float (~1e-6) or double (~1e-13) as asked', async () => {
    const [rows, cols] = [200, 4000];
    const a = Float32Array.from(randomMatrix(rows, cols, 3));
    const cpu = await fisher.gram(a, { rows, cols, device: 'cpu' });
    const f64 = await fisher.gram(a, { rows, cols, device: 'cuda' });
    const f32 = await fisher.gram(a, { rows, cols, device: 'cuda', float32Accumulation: true });
    expect(maxRelative(f64.matrix, cpu.matrix)).toBeLessThan(1e-12);
    expect(maxRelative(f32.matrix, cpu.matrix)).toBeLessThan(1e-4);
  });

  it('sums float in 1 024-column pieces added in double, so a long row errs no more than one piece', async () => {
    // As the CPU test of the same name: a whole-row float sum errs 1.4e-5 here, pieces about 1e-7.
    const [rows, cols] = [8, 300000];
    const a = positiveFloat32(rows, cols);
    const exact = await fisher.gram(a, { rows, cols, device: 'cpu' });
    const f32 = await fisher.gram(a, { rows, cols, device: 'cuda', float32Accumulation: true });
    expect(maxRelative(f32.matrix, exact.matrix)).toBeLessThan(2e-6);
  });
});
