import { backends } from '../../lib';
import { teacher } from '../../lib/landscape/teacher';
import { langevin, mullerBrownEnergy, networkLossEnergy } from '../../lib/langevin';

// The CUDA kernel steps the same per-path code on doubles with the same Philox noise; nvcc fuses multiply-adds,
// so paths agree with the CPU to rounding, not to the bit. Without a usable GPU these tests are reported as
// skipped; SLOPPY_REQUIRE_GPU=1 turns that into a failure.
const cuda = backends().cuda;
const describeGpu = cuda.available ? describe : describe.skip;

if (process.env.SLOPPY_REQUIRE_GPU === '1') {
  test('a GPU is present (SLOPPY_REQUIRE_GPU=1)', () => expect(cuda.available).toBe(true));
}

function worst(a: Float64Array, b: Float64Array): number {
  let w = 0;
  for (let i = 0; i < a.length; ++i) w = Math.max(w, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i])));
  return w;
}

describeGpu('Langevin: CPU and CUDA agree', () => {
  it('Müller–Brown paths, passage steps and trajectories', async () => {
    const opts = { start: [-0.05, 0.467], paths: 3000, temperature: 3, dt: 1e-4, steps: 3000, seed: 6,
      trajectories: { stride: 100 }, passage: { center: [0.623, 0.028], radius: 0.15 } };
    const cpu = await langevin(mullerBrownEnergy(), { ...opts, device: 'cpu' });
    const gpu = await langevin(mullerBrownEnergy(), { ...opts, device: 'cuda' });
    expect(gpu.device).toBe('cuda');
    // Chaotic over thousands of steps: compare the first stretch tightly and the passage counts loosely.
    expect(worst(cpu.trajectories!.subarray(0, 2 * 5), gpu.trajectories!.subarray(0, 2 * 5))).toBeLessThan(1e-6);
    expect(Math.abs(cpu.passed - gpu.passed)).toBeLessThan(0.05 * opts.paths);
  });

  it('network-loss paths', async () => {
    const t = teacher();
    const energy = networkLossEnergy(t.shape, t);
    const start = new Float64Array(64 * 136).map((_, k) => Math.sin(k) * 0.5);
    const opts = { start, temperature: 1e-3, dt: 1e-3, steps: 20, seed: 1 };
    const cpu = await langevin(energy, { ...opts, device: 'cpu' });
    const gpu = await langevin(energy, { ...opts, device: 'cuda' });
    expect(worst(cpu.final, gpu.final)).toBeLessThan(1e-9);
  });
});
