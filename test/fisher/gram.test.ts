import { fisher, linalg } from '../../lib';
import { floatSumOfSquares, maxRelative, positiveFloat32, randomMatrix } from '../helpers/matrices';

/** The textbook triple loop, transposed on request: the independent reference. */
function naive(a: ArrayLike<number>, rows: number, cols: number, transposed: boolean, scale = 1): Float64Array {
  const n = transposed ? cols : rows;
  const depth = transposed ? rows : cols;
  const at = (i: number, k: number) => (transposed ? a[k * cols + i] : a[i * cols + k]);
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; ++i) {
    for (let j = 0; j < n; ++j) {
      let s = 0;
      for (let k = 0; k < depth; ++k) s += at(i, k) * at(j, k);
      g[i * n + j] = s * scale;
    }
  }
  return g;
}

describe('Gram products', () => {
  // Odd shapes: single rows and columns, sizes off the 64-row tiles, 4-row blocks, 8-lane groups and
  // 512-column chunks.
  const shapes: [number, number][] = [[1, 1], [1, 9], [7, 1], [3, 5], [70, 131], [130, 600], [65, 1030]];

  it.each(shapes)('A·Aᵀ of a %i × %i Float64 matrix equals the triple loop to 1e-13', async (rows, cols) => {
    const a = randomMatrix(rows, cols, rows * 1000 + cols);
    const g = await fisher.gram(a, { rows, cols, scale: 0.5 });
    expect(g).toMatchObject({ order: rows, product: 'AAt', device: 'cpu' });
    // Both sides sum ≤ 1030 products of magnitude ≤ 1 in double: rounding ~ depth·ε ≈ 2e-13 at worst.
    expect(maxRelative(g.matrix, naive(a, rows, cols, false, 0.5))).toBeLessThan(1e-13 * Math.max(1, cols / 100));
  });

  it.each(shapes)('Aᵀ·A of a %i × %i matrix equals the triple loop', async (rows, cols) => {
    const a = randomMatrix(rows, cols, rows + cols);
    const g = await fisher.gram(a, { rows, cols, product: 'AtA' });
    expect(g.order).toBe(cols);
    expect(maxRelative(g.matrix, naive(a, rows, cols, true))).toBeLessThan(1e-13 * Math.max(1, rows / 100));
  });

  it('accumulates Float32 input in double: exact for the float values, ~1e-7 from the double matrix', async () => {
    const [rows, cols] = [40, 700];
    const a64 = randomMatrix(rows, cols, 5);
    const a32 = Float32Array.from(a64);
    const g = await fisher.gram(a32, { rows, cols });
    expect(maxRelative(g.matrix, naive(a32, rows, cols, false))).toBeLessThan(1e-13 * 7);
    // Rounding the inputs to float (relative 6e-8 each) is the only error left.
    expect(maxRelative(g.matrix, naive(a64, rows, cols, false))).toBeLessThan(1e-6);
    expect(maxRelative(g.matrix, naive(a64, rows, cols, false))).toBeGreaterThan(1e-10);
  });

  // Summing n products in float, each multiply-add rounded once, errs by at most γ_n·Σ|a_ik·a_jk|, γ_n = n·u/(1 − n·u),
  // u = 2⁻²⁴; the CPU sums each 1 024-column chunk in float and the chunks in double, so n ≤ 1 024. Each shape
  // runs the products of order ≤ 100 (the bound's check is cubic), both sums crossing a chunk for some shape.
  it.each([[1, 1], [33, 5], [70, 1100], [1100, 9]])('accumulates a %i × %i Float32 matrix in float on request, within the float-summation bound', async (rows, cols) => {
    const a = Float32Array.from(randomMatrix(rows, cols, 11 + rows));
    const products = (['AAt', 'AtA'] as const).filter((p) => (p === 'AAt' ? rows : cols) <= 100);
    for (const product of products) {
      const exact = naive(a, rows, cols, product === 'AtA');
      const g = await fisher.gram(a, { rows, cols, product, float32Accumulation: true });
      const [order, depth] = product === 'AtA' ? [cols, rows] : [rows, cols];
      const at = (i: number, k: number) => Math.abs(product === 'AtA' ? a[k * cols + i] : a[i * cols + k]);
      const n = Math.min(depth, 1024);
      const gamma = (n * 2 ** -24) / (1 - n * 2 ** -24);
      let worst = 0;
      for (let i = 0; i < order; ++i) {
        for (let j = 0; j < order; ++j) {
          let magnitude = 0;
          for (let k = 0; k < depth; ++k) magnitude += at(i, k) * at(j, k);
          worst = Math.max(worst, Math.abs(g.matrix[i * order + j] - exact[i * order + j]) / (gamma * magnitude));
        }
      }
      expect(worst).toBeLessThanOrEqual(1);
      // Rounded in float, not in double: past a few terms some entry must differ from the exact sum.
      if (depth > 4) expect(maxRelative(g.matrix, exact)).toBeGreaterThan(1e-10);
    }
  });

  // A streamed through in column chunks (row chunks for Aᵀ·A), each product added into one matrix, equals the
  // one-shot product; the chunk widths are odd, so every chunk ends off the tiles and the 512-column passes.
  it.each(['AAt', 'AtA'] as const)('adds %s products of chunks into one matrix, equal to the one-shot product', async (product) => {
    const [rows, cols] = product === 'AAt' ? [70, 1500] : [1500, 70];
    const a = randomMatrix(rows, cols, 21);
    const scale = 1 / 3;
    const whole = await fisher.gram(a, { rows, cols, scale, product });
    const into = new Float64Array(70 * 70);
    for (const [first, width] of [[0, 333], [333, 700], [1033, 467]]) {
      const piece = product === 'AAt'
        ? Float64Array.from({ length: rows * width }, (_, e) => a[Math.floor(e / width) * cols + first + (e % width)])
        : a.slice(first * cols, (first + width) * cols);
      const dims = product === 'AAt' ? { rows, cols: width } : { rows: width, cols };
      const g = await fisher.gram(piece, { ...dims, scale, product, into });
      expect(g.matrix).toBe(into);
      expect(g.order).toBe(70);
    }
    expect(maxRelative(into, whole.matrix)).toBeLessThan(1e-14);
    expect(maxRelative(into, naive(a, rows, cols, product === 'AtA', scale))).toBeLessThan(1e-13);
  });

  it('reads only the upper triangle of into and mirrors the sum', async () => {
    const a = randomMatrix(20, 50, 4);
    const once = await fisher.gram(a, { rows: 20, cols: 50 });
    const into = Float64Array.from(once.matrix);
    for (let i = 0; i < 20; ++i) for (let j = 0; j < i; ++j) into[i * 20 + j] = Number.NaN;
    await fisher.gram(a, { rows: 20, cols: 50, into });
    expect(maxRelative(into, once.matrix.map((v) => 2 * v))).toBeLessThan(1e-15);
  });

  it('keeps the float accumulation error of a long row at that of one 1 024-column chunk', async () => {
    const [rows, cols] = [8, 300000];
    const a = positiveFloat32(rows, cols);
    const exact = await fisher.gram(a, { rows, cols });
    const g = await fisher.gram(a, { rows, cols, float32Accumulation: true });
    // A float sum over all 300 000 terms drifts past the bound (measured 1.4e-5 of G(0, 0)); chunks stay below it.
    expect(Math.abs(floatSumOfSquares(a, cols) - exact.matrix[0]) / exact.matrix[0]).toBeGreaterThan(2e-6);
    expect(maxRelative(g.matrix, exact.matrix)).toBeLessThan(2e-6);
  });

  it('ignores float32Accumulation for Float64 input', async () => {
    const a = randomMatrix(40, 300, 13);
    const plain = await fisher.gram(a, { rows: 40, cols: 300 });
    const asked = await fisher.gram(a, { rows: 40, cols: 300, float32Accumulation: true });
    expect(asked.matrix).toEqual(plain.matrix);
  });

  it("picks the smaller product with 'auto', and both share their nonzero spectrum", async () => {
    const [rows, cols] = [12, 5];
    const a = randomMatrix(rows, cols, 9);
    const small = await fisher.gram(a, { rows, cols, product: 'auto' });
    expect(small).toMatchObject({ product: 'AtA', order: cols });
    const big = await fisher.gram(a, { rows, cols });
    const nonzero = Array.from(linalg.eigh(big.matrix, rows).values).slice(rows - cols);
    const fromSmall = Array.from(linalg.eigh(small.matrix, cols).values);
    nonzero.forEach((v, i) => expect(v).toBeCloseTo(fromSmall[i], 11));
    // The other rows − cols eigenvalues of the rank-5 product vanish to rounding.
    Array.from(linalg.eigh(big.matrix, rows).values).slice(0, rows - cols).forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-12));
  });

  it('gives the same result on 1 and 2 threads, bit for bit', async () => {
    const a = randomMatrix(150, 300, 3);
    const one = await fisher.gram(a, { rows: 150, cols: 300, threads: 1 });
    const two = await fisher.gram(a, { rows: 150, cols: 300, threads: 2 });
    expect(two.matrix).toEqual(one.matrix);
  });

  it('rejects bad input with codes, and aborts', async () => {
    const a = randomMatrix(4, 4, 1);
    await expect(fisher.gram(a, { rows: 3, cols: 4 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(fisher.gram([1, 2] as never, { rows: 1, cols: 2 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(fisher.gram(a, { rows: 4, cols: 4, product: 'AB' as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(fisher.gram(a, { rows: 2, cols: 8, into: new Float64Array(16) })).rejects.toThrow(/2 × 2 numbers/);
    await expect(fisher.gram(a, { rows: 4, cols: 4, into: new Float32Array(16) as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    const shared = new Float64Array(32);
    await expect(fisher.gram(shared.subarray(0, 16), { rows: 4, cols: 4, into: shared.subarray(8, 24) })).rejects.toThrow(/share memory/);
    await fisher.gram(shared.subarray(0, 16), { rows: 4, cols: 4, into: shared.subarray(16) });
    await expect(fisher.gram(a, { rows: 4, cols: 4, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORT_ERR' });
    const big = randomMatrix(1500, 2000, 2);
    const controller = new AbortController();
    const run = fisher.gram(big, { rows: 1500, cols: 2000, signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await expect(run).rejects.toMatchObject({ code: 'ABORT_ERR' });
  });
});

describe('Fisher information of softmax regression from score rows', () => {
  // Q(c|x) = softmax(Wx)_c with W of C × D. Rows A(i,c) = √Q(c|xᵢ) ∇_W log Q(c|xᵢ), so F = AᵀA/n, and the
  // closed form is F = (1/n) Σᵢ (diag(qᵢ) − qᵢqᵢᵀ) ⊗ xᵢxᵢᵀ.
  const [n, C, D] = [30, 3, 4];
  const x = randomMatrix(n, D, 17);
  const w = randomMatrix(C, D, 23);
  const q = Array.from({ length: n }, (_, i) => {
    const logits = Array.from({ length: C }, (_, c) => w.slice(c * D, (c + 1) * D).reduce((s, v, d) => s + v * x[i * D + d], 0));
    const m = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - m));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / z);
  });
  const K = C * D;
  const a = new Float64Array(n * C * K);
  for (let i = 0; i < n; ++i) {
    for (let c = 0; c < C; ++c) {
      for (let k = 0; k < C; ++k) {
        for (let d = 0; d < D; ++d) {
          // ∂ log Q(c|x) / ∂W[k][d] = (δ_ck − q_k) x_d
          a[(i * C + c) * K + k * D + d] = Math.sqrt(q[i][c]) * ((c === k ? 1 : 0) - q[i][k]) * x[i * D + d];
        }
      }
    }
  }

  it('equals the closed-form Fisher, and the spectrum maps back to unit eigenvectors of it', async () => {
    const closed = new Float64Array(K * K);
    for (let i = 0; i < n; ++i) {
      for (let k = 0; k < C; ++k)
        for (let l = 0; l < C; ++l)
          for (let d = 0; d < D; ++d)
            for (let e = 0; e < D; ++e)
              closed[(k * D + d) * K + l * D + e] += (((k === l ? q[i][k] : 0) - q[i][k] * q[i][l]) * x[i * D + d] * x[i * D + e]) / n;
    }
    const f = await fisher.gram(a, { rows: n * C, cols: K, scale: 1 / n, product: 'AtA' });
    expect(maxRelative(f.matrix, closed)).toBeLessThan(1e-13);

    const s = await fisher.spectrum(a, { rows: n * C, cols: K, scale: 1 / n, vectors: 3 });
    const direct = Array.from(linalg.eigh(closed, K).values).reverse();
    direct.forEach((v, i) => expect(s.values[i]).toBeCloseTo(v, 12));
    for (let i = 0; i < 3; ++i) {
      const v = s.vectors!.subarray(i * K, (i + 1) * K);
      expect(Math.hypot(...v)).toBeCloseTo(1, 12);
      for (let r = 0; r < K; ++r) {
        const fv = closed.subarray(r * K, (r + 1) * K).reduce((acc, fr, c) => acc + fr * v[c], 0);
        expect(fv).toBeCloseTo(s.values[i] * v[r], 12);
      }
    }
  });
});
