// The native network kernels against independent references: a plain-TypeScript forward pass, central finite
// differences of the loss and of its gradient, the Gauss–Newton identity at a zero-residual ReLU minimum, the
// rescaling symmetry, and the optimizers' update rules written out by hand.
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { readNpy } from '../../lib/io/npy';
import { eigh } from '../../lib/linalg';
import { normals, Stream } from '../../lib/rng';
import { fitNetworks } from '../../lib/landscape/fit';
import { parameterLayout } from '../../lib/landscape/layout';
import { networkLoss, networkOutputs } from '../../lib/landscape/network';
import { teacher } from '../../lib/landscape/teacher';

const SHAPE = { layers: 5, units: 5 };
const LAYOUT = parameterLayout(SHAPE);
const P = LAYOUT.count;
const X = Float64Array.from({ length: 320 }, (_, i) => i / 320);

/** The network in plain TypeScript: activations relu or softplus_β, PyTorch's layout. */
function referenceOutput(w: Float64Array, x: number, beta = 0): number {
  let a = [x];
  for (let l = 0; l <= SHAPE.layers; l++) {
    const nin = LAYOUT.widths[l], nout = LAYOUT.widths[l + 1];
    const next: number[] = [];
    for (let i = 0; i < nout; i++) {
      let z = w[LAYOUT.biasOffsets[l] + i];
      for (let j = 0; j < nin; j++) z += w[LAYOUT.weightOffsets[l] + i * nin + j] * a[j];
      if (l === SHAPE.layers) next.push(z);
      else next.push(beta > 0 ? Math.max(z, 0) + Math.log1p(Math.exp(-beta * Math.abs(z))) / beta : Math.max(z, 0));
    }
    a = next;
  }
  return a[0];
}

function referenceLoss(w: Float64Array, x: Float64Array, y: Float64Array, beta = 0): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (referenceOutput(w, x[i], beta) - y[i]) ** 2;
  return s / x.length;
}

/** Random weights of spread σ and biases of spread σ·0.3, from Philox. */
function randomNetwork(seed: number, sigma = 0.8): Float64Array {
  const z = normals(P, { seed });
  return z.map((v) => v * sigma);
}

/** 2P networks: w + h·e_p and w − h·e_p for every parameter p, back to back. */
function centralShifts(w: Float64Array, h: number): Float64Array {
  const shifted = new Float64Array(2 * P * P);
  for (let p = 0; p < P; p++) {
    shifted.set(w, 2 * p * P);
    shifted.set(w, (2 * p + 1) * P);
    shifted[2 * p * P + p] += h;
    shifted[(2 * p + 1) * P + p] -= h;
  }
  return shifted;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

const target = Float64Array.from(X, (x) => Math.sin(6 * x));
const data = { x: X, y: target };

describe('network loss, gradient and Hessian', () => {
  test('the loss equals an independent forward pass (relu and softplus)', async () => {
    const w = new Float64Array([...randomNetwork(1), ...randomNetwork(2)]);
    const relu = await networkLoss(w, SHAPE, data, { gradient: false });
    const soft = await networkLoss(w, SHAPE, data, { gradient: false, activation: 'softplus', beta: 3 });
    for (let n = 0; n < 2; n++) {
      const wn = w.subarray(n * P, (n + 1) * P);
      expect(relu.loss[n]).toBeCloseTo(referenceLoss(wn, X, target), 12);
      expect(soft.loss[n]).toBeCloseTo(referenceLoss(wn, X, target, 3), 12);
    }
  });

  test('the gradient matches central differences', async () => {
    for (const opts of [{}, { activation: 'softplus' as const, beta: 3 }]) {
      const w = randomNetwork(3);
      const r = await networkLoss(w, SHAPE, data, opts);
      const h = 1e-6;
      const shifted = centralShifts(w, h);
      const fd = await networkLoss(shifted, SHAPE, data, { ...opts, gradient: false });
      const g = r.gradient as Float64Array;
      const scale = maxAbs(g);
      for (let p = 0; p < P; p++) {
        expect(Math.abs(g[p] - (fd.loss[2 * p] - fd.loss[2 * p + 1]) / (2 * h))).toBeLessThan(1e-6 * scale);
      }
    }
  });

  test('the Hessian matches central differences of the gradient, and is symmetric', async () => {
    for (const opts of [{}, { activation: 'softplus' as const, beta: 3 }]) {
      const w = randomNetwork(4);
      const r = await networkLoss(w, SHAPE, data, { ...opts, hessian: true });
      const H = r.hessian as Float64Array;
      const h = 1e-5;
      const shifted = centralShifts(w, h);
      const g = (await networkLoss(shifted, SHAPE, data, opts)).gradient as Float64Array;
      const scale = maxAbs(H);
      let worst = 0;
      for (let p = 0; p < P; p++) {
        for (let q = 0; q < P; q++) {
          const fd = (g[2 * p * P + q] - g[(2 * p + 1) * P + q]) / (2 * h);
          worst = Math.max(worst, Math.abs(H[q * P + p] - fd));
          expect(H[q * P + p]).toBe(H[p * P + q]);
        }
      }
      expect(worst).toBeLessThan(1e-5 * scale);
    }
  });

  test('a batch gives what each network gives alone, for any thread count', async () => {
    const w = new Float64Array(11 * P);
    for (let n = 0; n < 11; n++) w.set(randomNetwork(10 + n), n * P);
    const all = await networkLoss(w, SHAPE, data, { threads: 2 });
    const one = await networkLoss(w, SHAPE, data, { threads: 1 });
    expect(one.gradient).toEqual(all.gradient);
    for (const n of [0, 7, 10]) {
      const alone = await networkLoss(w.slice(n * P, (n + 1) * P), SHAPE, data);
      expect(alone.loss[0]).toBe(all.loss[n]);
      expect(alone.gradient).toEqual((all.gradient as Float64Array).subarray(n * P, (n + 1) * P));
    }
  });
});

describe('curvature at a zero-residual ReLU minimum', () => {
  // A random 5 × 5 network whose targets are its own outputs: every pre-activation stays clear of the kink.
  const w = randomNetwork(21, 0.9);
  const selfData = { x: X, y: Float64Array.from(X, (x) => referenceOutput(w, x)) };

  test('the ReLU Hessian is (2/n)·JᵀJ, the rescaling directions are null, softplus-5000 agrees', async () => {
    const out = await networkOutputs(w, SHAPE, X);
    expect(out.kinkMargin[0]).toBeGreaterThan(1e-3);
    const r = await networkLoss(w, SHAPE, selfData, { hessian: true });
    expect(r.loss[0]).toBeLessThan(1e-28);
    const H = r.hessian as Float64Array;
    // Jacobian rows ∇_w f(xᵢ) by central differences of the independent forward pass.
    const J = new Float64Array(X.length * P);
    const h = 1e-6;
    for (let p = 0; p < P; p++) {
      const up = w.slice(), down = w.slice();
      up[p] += h;
      down[p] -= h;
      for (let i = 0; i < X.length; i++) J[i * P + p] = (referenceOutput(up, X[i]) - referenceOutput(down, X[i])) / (2 * h);
    }
    const norm = maxAbs(H);
    for (let p = 0; p < P; p++) {
      for (let q = 0; q < P; q++) {
        let gn = 0;
        for (let i = 0; i < X.length; i++) gn += J[i * P + p] * J[i * P + q];
        expect(Math.abs(H[p * P + q] - (2 / X.length) * gn)).toBeLessThan(1e-7 * norm);
      }
    }
    // Rescaling unit j of hidden layer l: d/ds at s = 1 of (incoming, bias)·s and outgoing/s.
    let hNorm = 0;
    for (let k = 0; k < P * P; k++) hNorm += H[k] * H[k];
    hNorm = Math.sqrt(hNorm);
    for (let l = 0; l < SHAPE.layers; l++) {
      for (let j = 0; j < SHAPE.units; j++) {
        const v = new Float64Array(P);
        const nin = LAYOUT.widths[l];
        for (let k = 0; k < nin; k++) v[LAYOUT.weightOffsets[l] + j * nin + k] = w[LAYOUT.weightOffsets[l] + j * nin + k];
        v[LAYOUT.biasOffsets[l] + j] = w[LAYOUT.biasOffsets[l] + j];
        const nout = LAYOUT.widths[l + 2];
        for (let i = 0; i < nout; i++) {
          const o = LAYOUT.weightOffsets[l + 1] + i * SHAPE.units + j;
          v[o] = -w[o];
        }
        let hv = 0, vv = 0;
        for (let p = 0; p < P; p++) {
          let s = 0;
          for (let q = 0; q < P; q++) s += H[p * P + q] * v[q];
          hv += s * s;
          vv += v[p] * v[p];
        }
        expect(Math.sqrt(hv)).toBeLessThanOrEqual(1e-9 * hNorm * Math.sqrt(vv));
      }
    }
    const soft = await networkLoss(w, SHAPE, selfData, { hessian: true, activation: 'softplus', beta: 5000 });
    const a = eigh(H, P).values;
    const b = eigh(soft.hessian as Float64Array, P).values;
    // Random weights leave many units dead on [0, 1), so only part of the spectrum is nonzero: all of it is compared.
    const nonzero = Array.from(a).filter((v) => v > 1e-9 * a[P - 1]).length;
    expect(nonzero).toBeGreaterThanOrEqual(5);
    for (let k = P - 1; k >= P - nonzero; k--) expect(Math.abs(a[k] - b[k]) / a[k]).toBeLessThan(1e-4);
  });

  test("the paper's teacher puts data on kinks: its kink margin is 0", async () => {
    const t = teacher();
    const out = await networkOutputs(t.params, t.shape, t.x);
    expect(out.kinkMargin[0]).toBe(0);
  });
});

describe('batched fitting', () => {
  const t = teacher();

  test('steps = 0 returns the Glorot-uniform start: zero biases, weights uniform on ±√(6/(fan_in + fan_out))', async () => {
    const r = await fitNetworks(t.shape, t, { count: 400, steps: 0, seed: 3 });
    const params = r.params as Float64Array;
    for (let l = 0; l <= SHAPE.layers; l++) {
      const nin = LAYOUT.widths[l], nout = LAYOUT.widths[l + 1];
      const limit = Math.sqrt(6 / (nin + nout));
      let sum = 0, sq = 0, n = 0, outside = 0, biases = 0;
      for (let f = 0; f < 400; f++) {
        for (let k = 0; k < nin * nout; k++) {
          const v = params[f * P + LAYOUT.weightOffsets[l] + k];
          if (Math.abs(v) > limit) outside++;
          sum += v;
          sq += v * v;
          n++;
        }
        for (let i = 0; i < nout; i++) biases += Math.abs(params[f * P + LAYOUT.biasOffsets[l] + i]);
      }
      expect(outside).toBe(0);
      expect(biases).toBe(0);
      // Mean 0 and variance limit²/3, each within 5 standard errors.
      const variance = (limit * limit) / 3;
      expect(Math.abs(sum / n)).toBeLessThan(5 * Math.sqrt(variance / n));
      expect(Math.abs(sq / n - variance)).toBeLessThan(5 * Math.sqrt((4 * variance * variance) / 5 / n));
    }
  });

  test("one step of each optimizer is the rule written out by hand", async () => {
    const start = (await fitNetworks(t.shape, t, { count: 3, steps: 0, seed: 5 })).params as Float64Array;
    const g = (await networkLoss(start, t.shape, t)).gradient as Float64Array;
    const momentum = (await fitNetworks(t.shape, t, { count: 3, steps: 1, seed: 5 })).params as Float64Array;
    const adadelta = (await fitNetworks(t.shape, t, { count: 3, steps: 1, seed: 5, optimizer: 'adadelta' })).params as Float64Array;
    for (let k = 0; k < 3 * P; k++) {
      expect(momentum[k]).toBeCloseTo(start[k] - 0.01 * g[k], 14);
      const eg = 0.05 * g[k] * g[k];
      expect(adadelta[k]).toBeCloseTo(start[k] - (Math.sqrt(1e-7) / Math.sqrt(eg + 1e-7)) * g[k], 14);
    }
  });

  test('gradient noise: each step adds √(2T(t)/rate)·ξ with ξ Philox normals by (seed, fit, step), annealed to zero', async () => {
    const opts = { count: 3, seed: 6, optimizer: 'momentum' as const, momentum: 0, rate: 0.01, firstFit: 4 };
    const start = (await fitNetworks(t.shape, t, { ...opts, steps: 0 })).params as Float64Array;
    const g0 = (await networkLoss(start, t.shape, t)).gradient as Float64Array;
    // Two steps with anneal 0.5: T(0) = 0.3, T(1) = 0.3·(1 − 1/1) = 0, so only the first step is noisy.
    const noisy = (await fitNetworks(t.shape, t, { ...opts, steps: 1, temperature: 0.3, anneal: 0.5 })).params as Float64Array;
    const two = (await fitNetworks(t.shape, t, { ...opts, steps: 2, temperature: 0.3, anneal: 0.5 })).params as Float64Array;
    const g1 = (await networkLoss(noisy, t.shape, t)).gradient as Float64Array;
    const sigma = Math.sqrt((2 * 0.3) / 0.01);
    for (let f = 0; f < 3; f++) {
      const xi = normals(P, { seed: 6, set: 4 + f, step: 0, stream: Stream.Dynamics });
      for (let k = 0; k < P; k++) {
        expect(noisy[f * P + k]).toBeCloseTo(start[f * P + k] - 0.01 * (g0[f * P + k] + sigma * xi[k]), 12);
        expect(two[f * P + k]).toBeCloseTo(noisy[f * P + k] - 0.01 * g1[f * P + k], 12);
      }
    }
    await expect(fitNetworks(t.shape, t, { count: 1, temperature: -1 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });

  test('fits are the same whatever the chunking, thread count and position in the ensemble', async () => {
    const opts = { count: 13, steps: 300, seed: 9, curveStride: 50, optimizer: 'adadelta' as const };
    const whole = await fitNetworks(t.shape, t, { ...opts, threads: 2 });
    const split = await fitNetworks(t.shape, t, { ...opts, threads: 1, chunk: 5 });
    expect(split.params).toEqual(whole.params);
    expect(split.curves).toEqual(whole.curves);
    const tail = await fitNetworks(t.shape, t, { ...opts, count: 4, firstFit: 9 });
    expect(tail.params).toEqual((whole.params as Float64Array).subarray(9 * P));
    expect(whole.curvePoints).toBe(6);
    // The recorded curve starts at the initial loss and the final loss is that of the final weights.
    const initial = await networkLoss((await fitNetworks(t.shape, t, { ...opts, steps: 0 })).params as Float64Array, t.shape, t, { gradient: false });
    expect(Array.from({ length: 13 }, (_, f) => (whole.curves as Float64Array)[f * 6])).toEqual(Array.from(initial.loss));
    const final = await networkLoss(whole.params as Float64Array, t.shape, t, { gradient: false });
    expect(whole.loss).toEqual(final.loss);
  });

  test('momentum descent lowers the loss of the teacher fits', async () => {
    const r = await fitNetworks(t.shape, t, { count: 16, steps: 2000, seed: 2, curveStride: 1000 });
    const curves = r.curves as Float64Array;
    let lower = 0;
    for (let f = 0; f < 16; f++) if (r.loss[f] < curves[f * 2]) lower++;
    expect(lower).toBeGreaterThanOrEqual(12);
  });

  test('streamed to .npy, the files hold what memory would', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sloppy-fit-'));
    const opts = { count: 9, steps: 50, seed: 4, curveStride: 10, chunk: 4 };
    const mem = await fitNetworks(t.shape, t, opts);
    const disk = await fitNetworks(t.shape, t, { ...opts, out: dir });
    expect(disk.params).toBeUndefined();
    const weights = await readNpy(path.join(dir, 'weights.npy'));
    expect(weights.shape).toEqual([9, P]);
    expect(weights.data).toEqual(mem.params);
    expect((await readNpy(path.join(dir, 'curves.npy'))).data).toEqual(mem.curves);
    expect((await readNpy(path.join(dir, 'loss.npy'))).data).toEqual(mem.loss);
  });
});

/** Each zigzag layer multiplies the output's rounding error by N₁, so K layers leave about N₁^K·ε: its square. */
function roundingLoss(t: ReturnType<typeof teacher>): number {
  return (t.sawtoothPieces * Number.EPSILON) ** 2;
}

describe('the teacher', () => {
  test('the default 5 × (2+3) teacher: 32 sawtooth pieces, 320 training points, loss 0 to rounding', async () => {
    const t = teacher();
    expect(t.params.length).toBe(136);
    expect(t.sawtoothPieces).toBe(32);
    expect(t.x.length).toBe(320);
    expect(Array.from(t.x)).toEqual(Array.from({ length: 320 }, (_, i) => i / 320));
    const r = await networkLoss(t.params, t.shape, t, { gradient: false });
    expect(r.loss[0]).toBeLessThan(roundingLoss(t));
  });

  test.each([2, 3, 5])('the sawtooth block alone has exactly N₁^K linear pieces (N₁ = %i)', async (teeth) => {
    const t = teacher({ sawtooth: teeth, spline: [] });
    // Slopes on a grid four times finer than the pieces: a change of slope marks a knot.
    const pieces = t.sawtoothPieces;
    const x = Float64Array.from({ length: 8 * pieces + 1 }, (_, i) => i / (8 * pieces));
    const f = (await networkOutputs(t.params, t.shape, x)).outputs;
    let changes = 0;
    for (let i = 1; i + 1 < x.length; i++) {
      const left = (f[i] - f[i - 1]) * 8 * pieces, right = (f[i + 1] - f[i]) * 8 * pieces;
      if (Math.abs(left - right) > 1e-6 * Math.abs(left)) changes++;
    }
    expect(changes + 1).toBe(teeth ** 5);
  });

  test('the 5 × (5+0) sawtooth has 3125 pieces and fits its own training set', async () => {
    const t = teacher({ sawtooth: 5 });
    expect(t.sawtoothPieces).toBe(3125);
    expect(t.x.length).toBe(31250);
    expect((await networkLoss(t.params, t.shape, t, { gradient: false })).loss[0]).toBeLessThan(roundingLoss(t));
  });
});

describe('bad input gets coded errors', () => {
  const t = teacher();
  test.each([
    ['a parameter vector of the wrong length', () => networkLoss(new Float64Array(135), t.shape, t), 'ERR_INVALID_ARG_VALUE'],
    ['NaN weights', () => networkLoss(Float64Array.from(t.params, (v, i) => (i === 7 ? NaN : v)), t.shape, t), 'ERR_INVALID_ARG_VALUE'],
    ['NaN data', () => networkLoss(t.params, t.shape, { x: t.x, y: t.y.map((v, i) => (i === 3 ? Infinity : v)) }), 'ERR_INVALID_ARG_VALUE'],
    ['mismatched data', () => networkLoss(t.params, t.shape, { x: t.x, y: t.y.subarray(1) }), 'ERR_INVALID_ARG_VALUE'],
    ['an unknown option', () => fitNetworks(t.shape, t, { count: 1, stepz: 3 } as never), 'ERR_UNKNOWN_OPTION'],
    ['a bad optimizer', () => fitNetworks(t.shape, t, { count: 1, optimizer: 'sgd' as never }), 'ERR_INVALID_ARG_VALUE'],
    ['too wide for the kernels', () => networkLoss(new Float64Array(0), { layers: 1, units: 65 }, t), 'ERR_OUT_OF_BOUNDS'],
  ])('%s', async (_, call, code) => {
    await expect(call()).rejects.toMatchObject({ code });
  });
});
