import { backends, models, simulate } from '../../lib';

// CPU and CUDA run the same model code with the same Philox noise, so they agree to floating-point
// tolerance. Without a usable GPU these tests are reported as skipped; SLOPPY_REQUIRE_GPU=1 turns that into a failure.
const cuda = backends().cuda;
const requireGpu = process.env.SLOPPY_REQUIRE_GPU === '1';
const describeGpu = cuda.available ? describe : describe.skip;

if (requireGpu) {
  test('a GPU is present (SLOPPY_REQUIRE_GPU=1)', () => {
    expect({ available: cuda.available, reason: cuda.reason }).toEqual({ available: true, reason: undefined });
  });
}

/** A few parameter sets spread over each model's support, deterministic. */
function points(name: string, n: number): number[][] {
  const m = models.get(name);
  return Array.from({ length: n }, (_, i) =>
    m.params.map((p, j) => {
      const lo = Number.isFinite(p.lower) ? p.lower : p.value - 1;
      const hi = Number.isFinite(p.upper) ? p.upper : p.value + 1;
      const u = ((i + 1) * 0.6180339887 + j * 0.4142135623) % 1;
      return i === 0 ? p.value : lo + (hi - lo) * (0.1 + 0.8 * u);
    }),
  );
}

function maxRelativeDifference(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; ++i) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i])));
  return worst;
}

describeGpu('CPU and CUDA agree', () => {
  it.each(models.list())('%s: statistics, gradients and trajectories', async (name) => {
    const z = points(name, 8);
    const opts = { trials: 4, seed: 11, grad: true, trajectories: { stride: 10 } };
    const cpu = await simulate(name, z, { ...opts, device: 'cpu' });
    const gpu = await simulate(name, z, { ...opts, device: 'cuda' });
    expect(gpu.device).toBe('cuda');
    // Transcendentals differ between glibc and CUDA's libdevice by a few ulp; chaotic models amplify that
    // over hundreds of steps, so the bound is loose relative to ε but far below any modelling effect.
    expect(maxRelativeDifference(cpu.stats, gpu.stats)).toBeLessThan(1e-6);
    expect(maxRelativeDifference(cpu.grad!, gpu.grad!)).toBeLessThan(1e-5);
    expect(maxRelativeDifference(cpu.trajectories!, gpu.trajectories!)).toBeLessThan(1e-6);
  });

  it('uses every trial and set the same way when the batch is large', async () => {
    const z = points('ou', 1).flatMap((row) => Array.from({ length: 5000 }, () => row));
    const cpu = await simulate('ou', z, { trials: 3, seed: 5, device: 'cpu' });
    const gpu = await simulate('ou', z, { trials: 3, seed: 5, device: 'cuda' });
    expect(maxRelativeDifference(cpu.stats, gpu.stats)).toBeLessThan(1e-12);
  });
});
