import { backends, linalg, models, statistics } from '../../lib';

// rnn2: W = U'V'ᵀ with U' = U + gχ, V' = V + gχ'. Its statistics are checked against Eigen run by the test on
// matrices the test builds itself from z (so with g = 0, where W is known exactly):
//   realLambda1 = max Re eig(V'ᵀU' + eps·I), the reference code's reduced-matrix form. Equivalently, W's two
//                 eigenvalues of largest modulus (the other N − 2 are zero) shifted by eps; for N = 1, Wʳ is
//                 the rank-one 2×2 matrix v'u'ᵀ, so its eigenvalues are W's single one and 0.
//   symLambda1  = max eig((W + Wᵀ)/2) of the full N×N matrix.
const EPS = 2.220446049250313e-16;

// A small deterministic generator (mulberry32) for test points in [−1, 1].
function uniforms(seed: number, count: number): number[] {
  let a = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; ++i) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out.push((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1);
  }
  return out;
}

// U and V (N×2 each) from z = [U row-major, V row-major]; W = UVᵀ, S = (W + Wᵀ)/2 and Wʳ = VᵀU, all row-major.
function matrices(z: number[], n: number) {
  const u = (i: number, k: number) => z[2 * i + k];
  const v = (i: number, k: number) => z[2 * n + 2 * i + k];
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; ++i) {
    for (let j = 0; j < n; ++j) w[i * n + j] = u(i, 0) * v(j, 0) + u(i, 1) * v(j, 1);
  }
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; ++i) {
    for (let j = 0; j < n; ++j) s[i * n + j] = 0.5 * (w[i * n + j] + w[j * n + i]);
  }
  const wr = new Float64Array(4);
  for (let k = 0; k < 2; ++k) {
    for (let l = 0; l < 2; ++l) {
      for (let i = 0; i < n; ++i) wr[2 * k + l] += v(i, k) * u(i, l);
    }
  }
  return { w, s, wr };
}

const frobenius = (a: Float64Array) => Math.sqrt(a.reduce((sum, x) => sum + x * x, 0));

describe('rnn2', () => {
  it('describes 4N parameters U[i][k], V[i][k] in [-1, 1] for the chosen N', () => {
    const d = models.get('rnn2');
    expect(d.stats).toEqual(['realLambda1', 'symLambda1']);
    expect(d.state).toEqual([]);
    expect(d.options.map((o) => [o.name, o.value])).toEqual([['N', 100], ['g', 0.01], ['eps', 0.01]]);
    expect(d.params).toHaveLength(400);
    const three = models.describeWith('rnn2', Float64Array.from([3, 0.01, 0.01]));
    expect(three.params.map((p) => p.name)).toEqual([
      'U[0][0]', 'U[0][1]', 'U[1][0]', 'U[1][1]', 'U[2][0]', 'U[2][1]',
      'V[0][0]', 'V[0][1]', 'V[1][0]', 'V[1][1]', 'V[2][0]', 'V[2][1]',
    ]);
    expect(three.params.every((p) => p.lower === -1 && p.upper === 1)).toBe(true);
  });

  it('takes z of width 4N for the N of each call, whatever N the call before had', async () => {
    // The description is kept between calls with the same options; a changed N must describe afresh.
    for (const [n, other] of [[2, 3], [3, 2], [2, 3], [3, 2]]) {
      const r = await statistics('rnn2', new Float64Array(4 * n).fill(0.1), { options: { N: n, g: 0 } });
      expect(r.shape.params).toBe(4 * n);
      // z sized for the N of the call before is refused.
      await expect(statistics('rnn2', new Float64Array(4 * other).fill(0.1), { options: { N: n, g: 0 } }))
        .rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    }
    // The same options, NaN included, find the kept description; others get their own.
    const withNaN = () => models.describeWith('rnn2', Float64Array.from([2, 0.01, NaN]));
    expect(withNaN()).toBe(withNaN());
    expect(models.describeWith('rnn2', Float64Array.from([2, 0.01, 0.01]))).not.toBe(withNaN());
  });

  it('has the example point W block [[0.3, 2], [0, 0.5]]: Re λ1 = 0.5 + eps, λs = 0.4 + √1.01', async () => {
    const d = models.get('rnn2');
    const r = await statistics('rnn2', [d.params.map((p) => p.value)], { options: { g: 0 } });
    expect(r.stats[0]).toBeCloseTo(0.51, 14);
    expect(r.stats[1]).toBeCloseTo(0.4 + Math.sqrt(1.01), 14);
  });

  // Several N on each side of 4, where the symmetric part switches from direct diagonalisation to its rank-4
  // reduction; each N gets random points plus one with V = −0.5U, whose (W + Wᵀ)/2 = −0.5UUᵀ is negative
  // semidefinite, with λs = 0 once N > 2 makes UUᵀ singular.
  it.each([1, 2, 3, 4, 5, 7, 30, 100])('equals Eigen on the full matrices for N = %i (g = 0)', async (n) => {
    const rows = [0, 1, 2].map((k) => uniforms(1000 * n + k, 4 * n));
    rows.push(rows[0].map((x, j) => (j < 2 * n ? x : -0.5 * rows[0][j - 2 * n])));
    const eps = 0.01;
    const r = await statistics('rnn2', rows, { options: { N: n, g: 0, eps } });
    rows.forEach((z, b) => {
      const { w, s, wr } = matrices(z, n);
      // Backward-stable eigensolvers on both sides: eigenvalue errors are bounded by a small multiple of
      // N·ε·‖A‖_F; 64 covers the constants of Eigen's and the model's algorithms.
      const tol = (a: Float64Array) => 64 * n * EPS * Math.max(frobenius(a), 1);

      const symmetric = linalg.eigh(s, n).values;
      expect(Math.abs(r.stats[2 * b + 1] - symmetric[n - 1])).toBeLessThan(tol(s));

      const reduced = linalg.eigenvalues(Float64Array.from([wr[0] + eps, wr[1], wr[2], wr[3] + eps]), 2);
      expect(Math.abs(r.stats[2 * b] - reduced.re[0])).toBeLessThan(tol(wr));

      const full = linalg.eigenvalues(w, n);
      const byModulus = Array.from(full.re, (re, i) => ({ re, modulus: Math.hypot(re, full.im[i]) }))
        .sort((x, y) => y.modulus - x.modulus);
      const nonzero = n === 1 ? [byModulus[0].re, 0] : [byModulus[0].re, byModulus[1].re];
      expect(Math.abs(r.stats[2 * b] - (Math.max(...nonzero) + eps))).toBeLessThan(tol(w));
    });
    if (n > 2) expect(r.stats[7]).toBeLessThanOrEqual(64 * n * EPS * frobenius(matrices(rows[3], n).s));
  });

  // For N = 1, symLambda1 = u′·v′ exactly, with mean u·v and variance g²(|u|² + |v|²) + 2g⁴ over the noise.
  it('draws quenched noise of scale g (N = 1 moments)', async () => {
    const z = [0.6, -0.3, 0.8, 0.5];
    const g = 0.1;
    const sets = 4000;
    // Every row is its own parameter set and hence an independent noise draw.
    const r = await statistics('rnn2', Array.from({ length: sets }, () => z), { options: { N: 1, g }, seed: 11 });
    const samples = Array.from({ length: sets }, (_, b) => r.stats[2 * b + 1]);
    const mean = samples.reduce((a, x) => a + x, 0) / sets;
    const variance = samples.reduce((a, x) => a + (x - mean) ** 2, 0) / (sets - 1);
    const expectedVariance = g * g * (z[0] ** 2 + z[1] ** 2 + z[2] ** 2 + z[3] ** 2) + 2 * g ** 4;
    // 4 standard errors: of the mean, sd/√n; of the variance of a near-Gaussian sample, σ²·√(2/(n − 1)).
    expect(Math.abs(mean - (z[0] * z[2] + z[1] * z[3]))).toBeLessThan(4 * Math.sqrt(expectedVariance / sets));
    expect(Math.abs(variance - expectedVariance)).toBeLessThan(4 * expectedVariance * Math.sqrt(2 / (sets - 1)));
  });

  it('repeats for the same seed, changes with the seed or g = 0, and splits batches exactly', async () => {
    const n = 6;
    const rows = [0, 1, 2].map((k) => uniforms(77 + k, 4 * n));
    const options = { N: n, g: 0.01 };
    const a = await statistics('rnn2', rows, { options, seed: 5, trials: 3, grad: true });
    const b = await statistics('rnn2', rows, { options, seed: 5, trials: 3, grad: true });
    expect(Array.from(b.stats)).toEqual(Array.from(a.stats));
    expect(Array.from(b.grad!)).toEqual(Array.from(a.grad!));
    const other = await statistics('rnn2', rows, { options, seed: 6, trials: 3 });
    const exact = await statistics('rnn2', rows, { options: { N: n, g: 0 } });
    for (let k = 0; k < 6; ++k) {
      expect(other.stats[k]).not.toEqual(a.stats[k]);
      expect(exact.stats[k]).not.toEqual(a.stats[k]);
      // The perturbation is of order g times the entries' scale, not more.
      expect(Math.abs(exact.stats[k] - a.stats[k])).toBeLessThan(0.5);
    }
    const tail = await statistics('rnn2', rows.slice(1), { options, seed: 5, trials: 3, batchOffset: 1 });
    expect(Array.from(tail.stats)).toEqual(Array.from(a.stats.subarray(2)));
  });

  // Central differences with the same seed and set index (common random numbers). The truncation error of the
  // step-h difference D(h) is about |D(h) − D(2h)| / 3, which the tolerance allows three times over, plus
  // 1e-7 for rounding (ε·|f|/h ≈ 1e-10 here) — loose only where Re λ1 sits near its square-root branch point.
  it.each([1, 2, 3, 4, 5, 12])('has gradients equal to central finite differences for N = %i (g = 0.01)', async (n) => {
    const z = uniforms(500 + n, 4 * n);
    const options = { N: n, g: 0.01 };
    const opts = { options, seed: 3, trials: 2, batchOffset: 9 };
    const r = await statistics('rnn2', [z], { ...opts, grad: true });
    const p = 4 * n;
    // One call per row: as one batch, the rows would be different sets and so see different noise.
    const at = async (j: number, step: number) => {
      const plus = z.slice();
      const minus = z.slice();
      plus[j] += step;
      minus[j] -= step;
      const sp = await statistics('rnn2', [plus], { ...opts, checkBounds: false });
      const sm = await statistics('rnn2', [minus], { ...opts, checkBounds: false });
      return [0, 1].map((k) => (sp.stats[k] - sm.stats[k]) / (2 * step));
    };
    const h = 1e-6;
    for (let j = 0; j < p; ++j) {
      const [d1, d2] = [await at(j, h), await at(j, 2 * h)];
      for (let k = 0; k < 2; ++k) {
        expect(Math.abs(r.grad![k * p + j] - d1[k])).toBeLessThan(1e-7 + Math.abs(d1[k] - d2[k]));
      }
    }
  });

  // The kernel runs the same Rnn2::evaluate; only libdevice's log/sin/cos in the Box–Muller noise and FMA
  // contraction differ from the host, by a few ulp.
  (backends().cuda.available ? it.each([3, 100]) : it.skip.each([3, 100]))(
    'agrees between CPU and CUDA for N = %i',
    async (n) => {
      const rows = [0, 1, 2, 3].map((k) => uniforms(900 + k, 4 * n));
      const opts = { options: { N: n, g: 0.05 }, seed: 2, trials: 7, grad: true };
      const cpu = await statistics('rnn2', rows, { ...opts, device: 'cpu' });
      const gpu = await statistics('rnn2', rows, { ...opts, device: 'cuda' });
      expect(gpu.device).toBe('cuda');
      cpu.stats.forEach((x, k) => expect(Math.abs(gpu.stats[k] - x)).toBeLessThan(1e-12 * Math.max(1, Math.abs(x))));
      cpu.grad!.forEach((x, k) => expect(Math.abs(gpu.grad![k] - x)).toBeLessThan(1e-10 * Math.max(1, Math.abs(x))));
    },
  );
});
