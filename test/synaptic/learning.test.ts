// Learning in the synaptic-sampling network: near-perfect on well-separated clusters, the default geometry's
// noise-free accuracy, and per-event against per-sample updating (equal to first order in b).
import { synapticSampling } from '../../lib/synaptic';

// Ten cluster means at least 0.45 apart in the unit cube.
const SEPARATED = [
  [0.1, 0.1, 0.1], [0.9, 0.1, 0.1], [0.1, 0.9, 0.1], [0.9, 0.9, 0.1], [0.1, 0.1, 0.9],
  [0.9, 0.1, 0.9], [0.1, 0.9, 0.9], [0.9, 0.9, 0.9], [0.5, 0.5, 0.5], [0.5, 0.5, 0.05],
];

const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;

describe('synaptic sampling: learning', () => {
  it('is above 95% accurate on well-separated clusters', async () => {
    const r = await synapticSampling({ clusterMeans: SEPARATED, clusterSpread: 0.02, inputs: 400, samples: 3000, runs: 2, testPerClass: 10, threads: 2 });
    expect(mean(r.finalTest)).toBeGreaterThan(0.95);
    expect(r.testAccuracy[0]).toBeLessThan(0.4);
  });

  it('with the default geometry, noise-free learning ends above 85% test accuracy (reduced: 10 runs of 3000 samples)', async () => {
    // 90.8% measured here; full size (43 200 samples, 2.4 h simulated) measured once: 94.6 ± 5.5 % (README).
    const r = await synapticSampling({ runs: 10, samples: 3000, curveEvery: 3000, testPerClass: 20, threads: 2 });
    expect(mean(r.finalTest)).toBeGreaterThan(0.85);
  }, 180000);

  it('per-event and per-sample updating agree to first order in b', async () => {
    // ‖θ_event − θ_sample‖ / ‖θ_sample − θ₀‖ after 30 presentations from the same start: O(b) while a
    // presentation's step b·N·w·c·M stays small for every synapse. (At the default b = 1e-4 it does not for
    // the prior's upper tail, θ ≳ 3, and the schemes part: a gap of 0.8 measured.)
    const gap = async (b: number) => {
      const opts = { inputs: 200, samples: 30, curveEvery: 30, testPerClass: 1, runs: 2, threads: 2, weights: true, prior: false, b };
      const s = await synapticSampling({ ...opts, update: 'sample' });
      const e = await synapticSampling({ ...opts, update: 'event' });
      const t0 = s.thetaInitial as Float64Array, ts = s.theta as Float64Array, te = e.theta as Float64Array;
      let diff = 0, change = 0;
      for (let q = 0; q < t0.length; q++) {
        diff += (te[q] - ts[q]) ** 2;
        change += (ts[q] - t0[q]) ** 2;
      }
      return Math.sqrt(diff / change);
    };
    // In the asymptotic range (b ≤ 1e-7; at 1e-6 the next order still shows) the gap scales as b¹: a tenfold
    // smaller rate gives a tenfold smaller gap, one decade in log10 (0.98 measured; an O(b²) gap would give 2,
    // schemes that differed at O(1) would give 0).
    const coarse = await gap(1e-7), fine = await gap(1e-8);
    expect(coarse).toBeLessThan(0.01);
    expect(Math.abs(Math.log10(coarse / fine) - 1)).toBeLessThan(0.05);
  });
});
