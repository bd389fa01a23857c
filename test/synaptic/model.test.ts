// The synaptic-sampling model's parts against their definitions: frozen synapses stay put, Eq. 3's noise has
// variance N·α·e^{w} per unit time, the input spikes follow the tuning curves, results do not depend on
// threads or batch split, and bad options get coded errors.
import { compareNoise, probeInputs, synapticSampling } from '../../lib/synaptic';

const SMALL = { inputs: 200, samples: 40, curveEvery: 20, testPerClass: 2, runs: 2, threads: 2 };

describe('synaptic sampling: the model', () => {
  it('with no noise and learning rate 0 the weights do not move', async () => {
    const r = await synapticSampling({ ...SMALL, b: 0, noise: 'none', weights: true });
    expect(r.theta).toEqual(r.thetaInitial);
    expect(r.thetaInitial?.length).toBe(2 * 10 * 200);
  });

  it("Eq. 3's increments have variance N·α·e^w per unit time inside √(2b), standard ones 1", async () => {
    const alpha = Math.exp(-2), N = 100, T = 0.2, b = 1e-3, theta0 = 3;
    const base = { inputs: 1000, samples: 1, curveEvery: 1, testPerClass: 1, runs: 2, threads: 2, likelihood: false, prior: false, weights: true, b, n: N };
    const thetaMax = theta0 + Math.log(Math.log(5 / alpha));
    const zs = async (noise: 'weight' | 'standard') => {
      const r = await synapticSampling({ ...base, noise });
      const before = r.thetaInitial as Float64Array, after = r.theta as Float64Array;
      const low: number[] = [], high: number[] = [];
      for (let q = 0; q < before.length; q++) {
        if (before[q] >= thetaMax - 0.5 || after[q] >= thetaMax || before[q] <= -4.5) continue;  // away from the clip
        const w = Math.exp(before[q] - theta0);
        const variance = noise === 'weight' ? N * alpha * Math.exp(w) : 1;
        (w < Math.exp(0.5 - theta0) ? low : high).push((after[q] - before[q]) / Math.sqrt(2 * b * T * variance));
      }
      return [low, high];
    };
    const stats = (z: number[]) => {
      const mean = z.reduce((a, v) => a + v, 0) / z.length;
      return { mean, variance: z.reduce((a, v) => a + (v - mean) ** 2, 0) / (z.length - 1), n: z.length };
    };
    for (const noise of ['weight', 'standard'] as const) {
      for (const z of await zs(noise)) {
        const s = stats(z);
        expect(s.n).toBeGreaterThan(5000);
        // Var of a sample variance of n normals: 2/n; five standard errors.
        expect(Math.abs(s.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / s.n));
        expect(Math.abs(s.mean)).toBeLessThan(5 / Math.sqrt(s.n));
      }
    }
  });

  it("input spike counts match the tuning curves' rates", () => {
    const y = [0.45, 0.6, 0.5];
    const presentations = 400;
    const p = probeInputs(y, { inputs: 500, presentations, seed: 3, run: 2 });
    let chi2 = 0, total = 0, expected = 0;
    for (let i = 0; i < 500; i++) {
      const c = [p.centres[3 * i], p.centres[3 * i + 1], p.centres[3 * i + 2]];
      c.forEach((v) => expect(v >= 0 && v <= 1).toBe(true));
      const d2 = (y[0] - c[0]) ** 2 + (y[1] - c[1]) ** 2 + (y[2] - c[2]) ** 2;
      const rate = 2 + 80 * Math.exp(-d2 / 0.09);
      expect(p.rates[i]).toBeCloseTo(rate, 12);
      const lambda = rate * 0.2 * presentations;
      chi2 += (p.counts[i] - lambda) ** 2 / lambda;
      total += p.counts[i];
      expect(Math.abs(p.counts[i] - lambda)).toBeLessThan(6 * Math.sqrt(lambda));
      expected += lambda;
    }
    // χ² with 500 degrees of freedom: mean 500, sd √1000.
    expect(Math.abs(chi2 - 500)).toBeLessThan(5 * Math.sqrt(1000));
    expect(Math.abs(total - expected)).toBeLessThan(5 * Math.sqrt(expected));
    expect(p.means.length).toBe(30);
  });

  it('gives the same numbers whatever the thread count or batch split', async () => {
    const opts = { ...SMALL, noise: 'weight' as const, b: 1e-3, runs: 3, weights: true };
    const all = await synapticSampling({ ...opts, threads: 2 });
    const one = await synapticSampling({ ...opts, threads: 1 });
    const last = await synapticSampling({ ...opts, runs: 1, firstRun: 2, threads: 1 });
    expect(one.testAccuracy).toEqual(all.testAccuracy);
    expect(one.theta).toEqual(all.theta);
    const S = 10 * 200;
    expect(last.theta).toEqual((all.theta as Float64Array).subarray(2 * S));
    expect(Array.from(last.trainAccuracy)).toEqual(Array.from(all.trainAccuracy.subarray(2 * 3)));
  });

  it('pairs runs across noise modes: the same geometry and the same held-out start', async () => {
    const c = await compareNoise({ ...SMALL, b: 1e-3 });
    expect(c.paired.map((p) => `${p.a}-${p.b}`)).toEqual(['standard-none', 'weight-none', 'weight-standard']);
    const start = (m: 'none' | 'standard' | 'weight') => Array.from({ length: 2 }, (_, r) => c.results[m]?.testAccuracy[r * 3]);
    expect(start('standard')).toEqual(start('none'));
    expect(start('weight')).toEqual(start('none'));
    expect(c.summary[0].test.n).toBe(2);
  });

  it('rejects bad input with coded errors', async () => {
    await expect(synapticSampling({ ...SMALL, noise: 'loud' as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(synapticSampling({ ...SMALL, classes: 40 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(synapticSampling({ ...SMALL, b: -1 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(synapticSampling({ ...SMALL, inputs: 2.5 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(synapticSampling({ ...SMALL, tauDecay: NaN })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(synapticSampling({ ...SMALL, thetaMin: 5 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(synapticSampling({ ...SMALL, clusterMeans: [[0, 0, 0]] })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(synapticSampling({ ...SMALL, weights: 1 as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(synapticSampling({ ...SMALL, lerningRate: 1 } as never)).rejects.toMatchObject({ code: 'ERR_UNKNOWN_OPTION' });
    await expect(synapticSampling({ ...SMALL, outputRate: 1e6 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_BOUNDS' });
    await expect(compareNoise({ ...SMALL, modes: ['none', 'none'] })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect(() => probeInputs([0, 1], {})).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    const controller = new AbortController();
    const running = synapticSampling({ ...SMALL, samples: 5000, curveEvery: 100, signal: controller.signal });
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'ABORT_ERR' });
  });
});
