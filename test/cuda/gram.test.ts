import { backends, fisher } from '../../lib';

// The CUDA Gram kernel against the CPU one; reported as skipped without a usable GPU.
const describeGpu = backends().cuda.available ? describe : describe.skip;

function randomMatrix(rows: number, cols: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: rows * cols }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

function maxRelative(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  let norm = 0;
  for (let i = 0; i < b.length; ++i) norm = Math.max(norm, Math.abs(b[i]));
  for (let i = 0; i < a.length; ++i) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / norm;
}

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
});
