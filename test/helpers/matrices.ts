/** Deterministic uniform(−1, 1) numbers from a 32-bit LCG, so shapes and values are reproducible. */
export function randomMatrix(rows: number, cols: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: rows * cols }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** max |a − b| relative to max |b|. */
export function maxRelative(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  let norm = 0;
  for (let i = 0; i < b.length; ++i) norm = Math.max(norm, Math.abs(b[i]));
  for (let i = 0; i < a.length; ++i) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / Math.max(norm, 1e-300);
}

/**
 * Eigenvalues of a small dense matrix (rows), as roots of its characteristic polynomial: coefficients by
 * Faddeev–LeVerrier, roots by Durand–Kerner iteration. Fine for the 4 × 4 Jacobians of the tests, where the
 * eigenvalues are well separated; not for large or defective matrices.
 */
export function eigenvalues(a: number[][]): { re: number; im: number }[] {
  const n = a.length;
  const mul = (x: number[][], y: number[][]) => x.map((row) => y[0].map((_, j) => row.reduce((s, v, k) => s + v * y[k][j], 0)));
  // det(λI − A) = λⁿ + c[1]λⁿ⁻¹ + … + c[n]: M_k = A M_{k−1} + c_{k−1} I, c_k = −tr(A M_k)/k.
  const c = [1];
  let m: number[][] = a.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
  for (let k = 1; k <= n; ++k) {
    const am = mul(a, m);
    c.push(-am.reduce((s, row, i) => s + row[i], 0) / k);
    m = am.map((row, i) => row.map((v, j) => v + (i === j ? c[k] : 0)));
  }
  type C = [number, number];
  const times = ([p, q]: C, [r, s]: C): C => [p * r - q * s, p * s + q * r];
  const over = ([p, q]: C, [r, s]: C): C => [(p * r + q * s) / (r * r + s * s), (q * r - p * s) / (r * r + s * s)];
  const poly = (x: C): C => c.reduce<C>((acc, ck) => {
    const t = times(acc, x);
    return [t[0] + ck, t[1]];
  }, [0, 0]);
  const scale = 1 + Math.max(...c.slice(1).map(Math.abs));
  let roots: C[] = Array.from({ length: n }, (_, k) => [scale * 0.9 * Math.cos(0.4 + (2 * Math.PI * k) / n), scale * 0.9 * Math.sin(0.4 + (2 * Math.PI * k) / n)]);
  for (let it = 0; it < 2000; ++it) {
    roots = roots.map((r, i) => {
      const denominator = roots.reduce<C>((acc, s, j) => (j === i ? acc : times(acc, [r[0] - s[0], r[1] - s[1]])), [1, 0]);
      const step = over(poly(r), denominator);
      return [r[0] - step[0], r[1] - step[1]];
    });
  }
  return roots.map(([re, im]) => ({ re, im }));
}

/**
 * A Float32 matrix of terms in [1, 1.5): positive products over a long row, where a float sum over the whole
 * row drifts well past the error of float sums over short pieces added in double.
 */
export function positiveFloat32(rows: number, cols: number): Float32Array {
  return Float32Array.from({ length: rows * cols }, (_, k) => 1 + ((Math.imul(k, 2654435761) >>> 0) % 1000) / 2000);
}

/** Σ_k a[k]² in float, each product and each sum rounded to float: a float accumulator over the whole row. */
export function floatSumOfSquares(a: ArrayLike<number>, length: number): number {
  let s = 0;
  for (let k = 0; k < length; ++k) s = Math.fround(s + Math.fround(a[k] * a[k]));
  return s;
}
