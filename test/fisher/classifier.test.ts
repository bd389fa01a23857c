import { fisher, linalg } from '../../lib';
import { maxRelativeError } from '../helpers/finite-differences';
import { maxRelative, randomMatrix } from '../helpers/matrices';

/** Softmax of each row of an n × C matrix of logits. */
function softmaxRows(z: Float64Array, n: number, classes: number): Float64Array {
  const q = new Float64Array(n * classes);
  for (let i = 0; i < n; ++i) {
    let top = -Infinity;
    for (let c = 0; c < classes; ++c) top = Math.max(top, z[i * classes + c]);
    let sum = 0;
    for (let c = 0; c < classes; ++c) sum += (q[i * classes + c] = Math.exp(z[i * classes + c] - top));
    for (let c = 0; c < classes; ++c) q[i * classes + c] /= sum;
  }
  return q;
}

/**
 * The closed-form Fisher information of softmax regression z = Wx + b, parameters (W row-major, then b):
 * F = (1/n) Σᵢ Σ_c Q_c (e_c − Q)(e_c − Q)ᵀ ⊗ x̃ x̃ᵀ with x̃ = (x, 1), written for the (W, b) ordering.
 */
function softmaxRegressionFisher(
  w: Float64Array,
  x: Float64Array,
  n: number,
  d: number,
  classes: number,
): Float64Array {
  const z = new Float64Array(n * classes);
  for (let i = 0; i < n; ++i) {
    for (let o = 0; o < classes; ++o) {
      let s = w[classes * d + o];
      for (let j = 0; j < d; ++j) s += w[o * d + j] * x[i * d + j];
      z[i * classes + o] = s;
    }
  }
  const q = softmaxRows(z, n, classes);
  const k = classes * (d + 1);
  // Index of the parameter multiplying x̃_j in logit o: W[o][j] for j < d, b[o] for j = d.
  const index = (o: number, j: number) => (j < d ? o * d + j : classes * d + o);
  const f = new Float64Array(k * k);
  for (let i = 0; i < n; ++i) {
    const xt = (j: number) => (j < d ? x[i * d + j] : 1);
    for (let c = 0; c < classes; ++c) {
      const qc = q[i * classes + c];
      const g = (o: number) => (o === c ? 1 : 0) - q[i * classes + o];
      for (let o = 0; o < classes; ++o) {
        for (let p = 0; p < classes; ++p) {
          for (let j = 0; j <= d; ++j) {
            for (let l = 0; l <= d; ++l) f[index(o, j) * k + index(p, l)] += (qc * g(o) * g(p) * xt(j) * xt(l)) / n;
          }
        }
      }
    }
  }
  return f;
}

/** Aᵀ·A·scale by the textbook triple loop. */
function ata(a: ArrayLike<number>, rows: number, cols: number, scale: number): Float64Array {
  const g = new Float64Array(cols * cols);
  for (let r = 0; r < rows; ++r) {
    for (let i = 0; i < cols; ++i) {
      for (let j = 0; j < cols; ++j) g[i * cols + j] += a[r * cols + i] * a[r * cols + j] * scale;
    }
  }
  return g;
}

/** A small separable 3-class problem: each class a blob shifted along its own axis. */
function blobs(n: number, d: number, classes: number, seed: number): { x: Float64Array; y: Int32Array } {
  const x = randomMatrix(n, d, seed);
  const y = new Int32Array(n);
  for (let i = 0; i < n; ++i) {
    y[i] = i % classes;
    x[i * d + y[i]] += 2.5;
  }
  return { x, y };
}

describe('finite-rank Fisher of a classifier', () => {
  it('reproduces the closed-form Fisher of softmax regression', async () => {
    const [n, d, classes] = [7, 3, 4];
    const net = { sizes: [d, classes] };
    const w = randomMatrix(1, fisher.parameterCount(net), 11).map((v) => 2 * v);
    const x = randomMatrix(n, d, 12);
    const scores = await fisher.scoreRows(w, x, net);
    expect(scores).toMatchObject({ rows: n * classes, cols: classes * (d + 1) });
    const exact = softmaxRegressionFisher(w, x, n, d, classes);
    expect(maxRelative(ata(scores.a, scores.rows, scores.cols, 1 / n), exact)).toBeLessThan(1e-13);
    const native = await fisher.gram(scores.a, { rows: scores.rows, cols: scores.cols, scale: 1 / n, product: 'AtA' });
    expect(maxRelative(native.matrix, exact)).toBeLessThan(1e-13);
    const f32 = await fisher.scoreRows(w, x, { ...net, float32: true });
    expect(Object.prototype.toString.call(f32.a)).toBe('[object Float32Array]');
    expect(maxRelative(Float64Array.from(f32.a), Float64Array.from(scores.a))).toBeLessThan(1e-7);
  });

  it.each([
    ['K < n·C', 20],
    ['K > n·C', 5],
  ])('gives A·Aᵀ/n the nonzero eigenvalues of Aᵀ·A/n (%s)', async (_, n) => {
    const net = { sizes: [3, 4, 3], activation: 'tanh' as const };
    const params = fisher.initClassifier(net, { seed: 3 });
    const scores = await fisher.scoreRows(params, randomMatrix(n, 3, 4), net);
    const { rows, cols } = scores;
    const small = (await fisher.spectrum(scores.a, { rows, cols, scale: 1 / n })).values;
    const big = await fisher.gram(scores.a, { rows, cols, scale: 1 / n, product: 'AtA' });
    const large = Float64Array.from(linalg.eigh(big.matrix, cols).values).reverse();
    // Double-precision zeros sit near 1e-16 of the largest; the softest genuine mode here is near 1e-12.
    const nonzero = (v: Float64Array) => Array.from(v).filter((l) => l > v[0] * 1e-14);
    const [a, b] = [nonzero(small), nonzero(large)];
    // Each sample's C rows, weighted by √Q, sum to zero, so the rank is at most n·(C − 1); Q is blind to a
    // common shift of all logits, which removes the h₁ + 1 directions of a shared output row and bias.
    expect(a.length).toBe(Math.min(cols - 5, n * 2));
    expect(a.length).toBe(b.length);
    expect(maxRelative(Float64Array.from(a), Float64Array.from(b))).toBeLessThan(1e-11);
  });

  it.each(['relu', 'tanh', 'softplus'] as const)(
    'has score rows √Q·∇ log Q equal to central differences of log Q (%s)',
    async (activation) => {
      const [n, classes] = [4, 3];
      const net = { sizes: [2, 5, 4, classes], activation };
      const params = fisher.initClassifier(net, { seed: 8 });
      const x = randomMatrix(n, 2, 9).map((v) => 2 * v);
      const labels = new Int32Array(n);
      const { a, cols } = await fisher.scoreRows(params, x, net);
      const q = (await fisher.evaluateClassifier(params, x, labels, net)).probabilities;
      // fd.ts wants ∂ output j/∂ parameter k at k·(n·C) + j.
      const width = n * classes;
      const gradient = new Float64Array(cols * width);
      for (let r = 0; r < width; ++r) {
        for (let k = 0; k < cols; ++k) gradient[k * width + r] = a[r * cols + k] / Math.sqrt(q[r]);
      }
      const logQ = async (p: Float64Array) =>
        (await fisher.evaluateClassifier(p, x, labels, net)).probabilities.map(Math.log);
      // Central differences at h = 1e-5: truncation ~h² and rounding ~ε/h, both below 1e-8 here; ReLU kinks
      // lie further than h from these points.
      expect(await maxRelativeError(gradient, params, logQ, () => 1e-5)).toBeLessThan(1e-7);
    },
  );

  /** Two classes by quadrant sign, x·y > 0: separable by a network, not by a line. */
  function quadrants(n: number, seed: number): { x: Float64Array; y: Int32Array } {
    const x = randomMatrix(n, 2, seed);
    return { x, y: Int32Array.from({ length: n }, (_, i) => (x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0)) };
  }

  it.each([
    ['full-batch Adam (default)', {}],
    ['minibatch Adam', { batchSize: 16 }],
    ['full-batch gradient descent', { optimizer: 'gd' as const, learningRate: 0.5 }],
  ])('reaches 100%% training accuracy on a separable problem: %s', async (_, extra) => {
    const { x, y } = quadrants(80, 21);
    const net = { sizes: [2, 32, 32, 2], activation: 'relu' as const };
    const opts = { ...net, seed: 5, steps: 5000, checkpoints: [0, 1], ...extra };
    const r = await fisher.trainClassifier(x, Array.from(y), opts);
    expect(r.perfect).toBe(true);
    expect(r.accuracy).toBe(1);
    expect(r.steps).toBeGreaterThan(10);
    expect(r.steps).toBeLessThan(5000);
    expect(r.history[0]).toMatchObject({ step: 0 });
    expect(r.history[0].accuracy).toBeLessThan(0.7);
    expect(r.history[r.history.length - 1]).toMatchObject({ step: r.steps, accuracy: 1, loss: r.loss });
    expect(r.loss).toBeLessThan(r.history[0].loss);
    expect(r.checkpoints[0].params).toEqual(fisher.initClassifier(net, { seed: 5 }));
    const e = await fisher.evaluateClassifier(r.params, x, y, net);
    expect(e.accuracy).toBe(1);
    expect(e.loss).toBeCloseTo(r.loss, 12);
  });

  it('runs to the step limit where 100% is out of reach (softmax regression on quadrants)', async () => {
    const { x, y } = quadrants(80, 21);
    const r = await fisher.trainClassifier(x, y, { sizes: [2, 2], steps: 200 });
    expect(r).toMatchObject({ steps: 200, perfect: false });
    expect(r.accuracy).toBeLessThan(0.8);
  });

  it('trains to the same bits on any thread count, and keeps training past 100% on request', async () => {
    const { x, y } = blobs(600, 4, 3, 22);
    const opts = { sizes: [4, 8, 3], steps: 40, stopWhenPerfect: false, checkpoints: [10, 40, 99] };
    const [one, two] = await Promise.all([
      fisher.trainClassifier(x, y, { ...opts, threads: 1 }),
      fisher.trainClassifier(x, y, { ...opts, threads: 2 }),
    ]);
    expect(one.steps).toBe(40);
    expect(two.params).toEqual(one.params);
    expect(one.checkpoints.map((c) => c.step)).toEqual([10, 40]);
    expect(one.checkpoints[1].params).toEqual(one.params);
  });

  it('reports F(n) for growing n, each the spectrum of the leading n samples, with its change in n', async () => {
    const { x, y } = blobs(60, 4, 3, 23);
    const net = { sizes: [4, 6, 3], activation: 'tanh' as const };
    const { params } = await fisher.trainClassifier(x, y, net);
    const r = await fisher.fisherConvergence(params, x, { ...net, top: 5 });
    expect(r.spectra.map((s) => s.n)).toEqual([10, 20, 50, 60]);
    expect(r.convergence.map((c) => [c.from, c.to, c.compared])).toEqual([[10, 20, 5], [20, 50, 5], [50, 60, 5]]);
    const direct = await fisher.scoreRows(params, x.subarray(0, 20 * 4), net);
    const s20 = await fisher.spectrum(direct.a, { rows: direct.rows, cols: direct.cols, scale: 1 / 20 });
    expect(maxRelative(r.spectra[1].values, s20.values)).toBeLessThan(1e-13);
    const logs = (v: Float64Array) => Array.from(v.subarray(0, 5), Math.log10);
    const expected = Math.max(...logs(r.spectra[3].values).map((l, j) => Math.abs(l - logs(r.spectra[2].values)[j])));
    expect(r.convergence[2].maxChange).toBeCloseTo(expected, 12);
  });

  it('probes spectra at checkpoints and permutes labels reproducibly', async () => {
    const { x, y } = blobs(45, 4, 3, 24);
    const permuted = fisher.permuteLabels(y, 7);
    expect(Array.from(permuted).sort()).toEqual(Array.from(y).sort());
    expect(permuted).toEqual(fisher.permuteLabels(Array.from(y), 7));
    expect(permuted).not.toEqual(y);
    const r = await fisher.trainingSpectra(x, permuted, {
      sizes: [4, 24, 3], checkpoints: [0, 50], steps: 4000, fisherSamples: 30,
    });
    expect(r.training.perfect).toBe(true);
    expect(r.spectra.map((s) => s.step)).toEqual([0, 50, r.training.steps]);
    expect(r.spectra[2].accuracy).toBe(1);
    expect(r.spectra.every((s) => s.values.length === 30 * 3 && s.nonzero > 0)).toBe(true);
  });

  it('rejects bad input with coded errors', async () => {
    const x = randomMatrix(4, 2, 1);
    const y = [0, 1, 0, 1];
    const net = { sizes: [2, 3, 2] };
    const p = fisher.initClassifier(net);
    const bad = (promise: Promise<unknown>, code: string) => expect(promise).rejects.toMatchObject({ code });
    await bad(fisher.trainClassifier(x, y, { sizes: [2] }), 'ERR_INVALID_ARG_VALUE');
    await bad(fisher.trainClassifier(x, y, { sizes: [2, 1] }), 'ERR_INVALID_ARG_VALUE');
    await bad(fisher.trainClassifier(x, y, { sizes: [2, 0, 2] }), 'ERR_INVALID_ARG_VALUE');
    await bad(fisher.trainClassifier(x, y, { ...net, activation: 'sigmoid' as never }), 'ERR_INVALID_ARG_VALUE');
    await bad(fisher.trainClassifier(x, [0, 1, 2, 1], net), 'ERR_INVALID_ARG_VALUE');
    await bad(fisher.trainClassifier(x, [0, 1, 0.5, 1], net), 'ERR_INVALID_ARG_VALUE');
    await bad(fisher.trainClassifier(x, [0, 1, 0], net), 'ERR_INVALID_ARG_VALUE');
    await bad(fisher.trainClassifier(x, 'labels', net), 'ERR_INVALID_ARG_TYPE');
    await bad(fisher.trainClassifier(x.subarray(0, 7), y, net), 'ERR_INVALID_ARG_VALUE');
    await bad(fisher.trainClassifier(Float64Array.of(0, NaN, 0, 0, 0, 0, 0, 0), y, net), 'ERR_INVALID_ARG_VALUE');
    await bad(fisher.trainClassifier(x, y, { ...net, optimiser: 'adam' } as never), 'ERR_UNKNOWN_OPTION');
    await bad(fisher.trainClassifier(x, y, { ...net, optimizer: 'sgd' as never }), 'ERR_INVALID_ARG_VALUE');
    await bad(fisher.trainClassifier(x, y, { ...net, learningRate: -1 }), 'ERR_INVALID_ARG_VALUE');
    await bad(fisher.trainClassifier(x, y, { ...net, batchSize: 0 }), 'ERR_INVALID_ARG_VALUE');
    await bad(fisher.trainClassifier(x, y, { ...net, params: p.subarray(1) }), 'ERR_INVALID_ARG_VALUE');
    await bad(fisher.trainClassifier(x, y, { ...net, params: Array.from(p) as never }), 'ERR_INVALID_ARG_TYPE');
    await bad(fisher.trainClassifier(x, y, { ...net, signal: AbortSignal.abort() }), 'ABORT_ERR');
    await bad(fisher.scoreRows(p, x, { sizes: [2, 4, 2] }), 'ERR_INVALID_ARG_VALUE');
    await bad(fisher.fisherConvergence(p, x, { ...net, ns: [3, 2] }), 'ERR_INVALID_ARG_VALUE');
    await bad(fisher.fisherConvergence(p, x, { ...net, ns: [5] }), 'ERR_INVALID_ARG_VALUE');
    expect(() => fisher.permuteLabels(3 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('stops training on abort', async () => {
    const { x, y } = blobs(3000, 4, 3, 25);
    const controller = new AbortController();
    const run = fisher.trainClassifier(x, y, {
      sizes: [4, 64, 3], steps: 1e6, stopWhenPerfect: false, signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: 'ABORT_ERR' });
  });
});
