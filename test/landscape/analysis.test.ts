// Curvature checks, path geometry, the logistic fit and the basin experiment against direct computations.
import { eigh } from '../../lib/linalg';
import { normals } from '../../lib/rng';
import { basinOfMinimum, logisticFit } from '../../lib/landscape/basin';
import { hessianSpectra } from '../../lib/landscape/curvature';
import { fitNetworks } from '../../lib/landscape/fit';
import { noisyTraining } from '../../lib/landscape/noise';
import { networkLoss, networkOutputs } from '../../lib/landscape/network';
import { analysePath } from '../../lib/landscape/path';
import { symmetrize } from '../../lib/landscape/symmetrize';
import { teacher } from '../../lib/landscape/teacher';

const SHAPE = { layers: 5, units: 5 };
const P = 136;
const X = Float64Array.from({ length: 320 }, (_, i) => i / 320);

describe('Hessian spectra at minima', () => {
  test('a zero-residual minimum clear of the kinks is valid and its spectrum is the softplus Hessian’s', async () => {
    // Seed 36's pre-activations stay 0.067 from the kink on the data (|z|·β ≈ 336).
    const w = normals(P, { seed: 36 }).map((v) => v * 0.9);
    const y = (await networkOutputs(w, SHAPE, X)).outputs;
    const c = await hessianSpectra(w, SHAPE, { x: X, y });
    expect(c.valid).toEqual([true]);
    const soft = await networkLoss(w, SHAPE, { x: X, y }, { activation: 'softplus', beta: 5000, hessian: true });
    expect(Array.from(c.eigenvalues)).toEqual(Array.from(eigh(soft.hessian as Float64Array, P).values));
  });

  test('a minimum whose data come within 5/β of a kink is flagged unless the clearance asked is that small', async () => {
    const w = normals(P, { seed: 21 }).map((v) => v * 0.9);
    const data = { x: X, y: (await networkOutputs(w, SHAPE, X)).outputs };
    const strict = await hessianSpectra(w, SHAPE, data);
    expect(strict.kinkMargin[0] * 5000).toBeGreaterThan(5);
    expect(strict.kinkMargin[0] * 5000).toBeLessThan(20);
    expect(strict.reasons[0]).toMatch(/ReLU kink/);
    expect((await hessianSpectra(w, SHAPE, data, { kinkClearance: 5 })).valid).toEqual([true]);
  });

  test("the paper's teacher is reported invalid: its data sit on kinks", async () => {
    const t = teacher();
    const c = await hessianSpectra(t.params, t.shape, t);
    expect(c.valid).toEqual([false]);
    expect(c.reasons[0]).toMatch(/kink/);
    expect(c.kinkMargin[0]).toBe(0);
  });
});

describe('path geometry', () => {
  test('a straight path has zero angles and linear arc length; a right turn has angle π/2', async () => {
    const a = normals(P, { seed: 1 }), b = normals(P, { seed: 2 });
    const line = [0, 0.5, 1].map((f) => a.map((v, k) => v + f * (b[k] - v)));
    const t = teacher();
    const r = await analysePath(line, SHAPE, t);
    expect(r.angles[0]).toBeLessThan(1e-6);
    expect(r.s[2]).toBeCloseTo(2 * r.s[1], 12);
    const corner = a.slice();
    corner[0] += 1;
    const turn = corner.slice();
    turn[1] += 1;
    const bent = await analysePath([a, corner, turn], SHAPE, t);
    expect(bent.angles[0]).toBeCloseTo(Math.PI / 2, 12);
    expect(bent.outputs.length).toBe(3 * 320);
    expect(bent.loss[0]).toBe((await networkLoss(a, SHAPE, t, { gradient: false })).loss[0]);
  });
});

describe('logistic fit', () => {
  test('the maximum-likelihood fit satisfies the score equations and recovers the generating curve', () => {
    const n = 4000;
    const x = Float64Array.from({ length: n }, (_, i) => (2 * i) / n);
    const u = normals(n, { seed: 5 });
    // y = 1 when a logistic variate falls below a + b·x, with a = 3, b = −4 (half at 0.75).
    const y = Array.from(x, (xi, i) => {
      const p = 0.5 * (1 + Math.tanh(u[i] / 2));
      return Math.log(p / (1 - p)) < 3 - 4 * xi;
    });
    const f = logisticFit(x, y)!;
    let s0 = 0, s1 = 0;
    x.forEach((xi, i) => {
      const p = 1 / (1 + Math.exp(-(f.a + f.b * xi)));
      s0 += (y[i] ? 1 : 0) - p;
      s1 += ((y[i] ? 1 : 0) - p) * xi;
    });
    expect(Math.abs(s0)).toBeLessThan(1e-8);
    expect(Math.abs(s1)).toBeLessThan(1e-8);
    expect(f.half).toBeGreaterThan(0.7);
    expect(f.half).toBeLessThan(0.8);
    expect(logisticFit([0, 1], [true, true])).toBeNull();
  });
});

describe('basin of the global minimum', () => {
  test('jitters have the drawn norms; tiny jitters return, and returning means a loss under the threshold', async () => {
    const t = teacher();
    const top = symmetrize(t.params, t.shape).params;
    const small = await basinOfMinimum(top, t.shape, t, { count: 8, maxNorm: 1e-4, steps: 300, optimizer: 'momentum' });
    for (let i = 0; i < 8; i++) {
      let d2 = 0;
      for (let k = 0; k < P; k++) d2 += (small.starts[i * P + k] - top[k]) ** 2;
      expect(Math.sqrt(d2)).toBeCloseTo(small.norms[i], 12);
      expect(small.norms[i]).toBeLessThanOrEqual(1e-4);
    }
    expect(small.returned.every(Boolean)).toBe(true);
    const wide = await basinOfMinimum(top, t.shape, t, { count: 16, steps: 300 });
    wide.returned.forEach((r, i) => expect(r).toBe(wide.finalLoss[i] < 1e-6));
    expect(wide.returned.filter(Boolean).length).toBeLessThan(16);
  });
});

describe('noise in training', () => {
  test('temperature 0 is the noiseless fit; each outcome is what its losses say', async () => {
    const t = teacher();
    const opts = { count: 8, steps: 300, seed: 4, optimizer: 'momentum' as const };
    const r = await noisyTraining(t.shape, t, { ...opts, temperatures: [1e-4, 1e-3] });
    expect(r.map((o) => o.temperature)).toEqual([0, 1e-4, 1e-3]);
    expect(r[0].loss).toEqual((await fitNetworks(t.shape, t, opts)).loss);
    for (const o of r) {
      expect(o.pGlobal).toBe(Array.from(o.loss).filter((l) => l < 1e-6).length / 8);
      expect(o.betterThanNoiseless).toBe(Array.from(o.loss).filter((l, i) => l < r[0].loss[i]).length / 8);
      expect(o.quantiles[0]).toBeLessThanOrEqual(o.quantiles[1]);
    }
    expect(r[1].loss).not.toEqual(r[0].loss);
  });
});
