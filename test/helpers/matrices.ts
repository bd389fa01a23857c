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
