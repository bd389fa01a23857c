// The tabulated V1 network (epi-reference §4.4, Hz scale), rows/columns E, P, S, V, at contrast 0.5, written
// out independently of the native model, and its noise-free fixed point by Newton's method.
export const W = [
  [0.218, -0.119, -0.0594, -0.0229],
  [0.166, -0.0651, -0.068, -0.0242],
  [0.0895, -5.22e-4, -1.51e-5, -0.0761],
  [0.334, -0.231, -0.0254, -2.52e-5],
];
const H = [4.16 + 0.5 * 3.59, 4.29 + 0.5 * 4.03, 4.91, 4.86];
export const N = 4;

const matVec = (A: number[][], v: number[]) => A.map((row) => row.reduce((s, a, j) => s + a * v[j], 0));

/** Solves A x = b by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const M = A.map((row, i) => [...row, b[i]]);
  const n = b.length;
  for (let c = 0; c < n; ++c) {
    const p = M.slice(c).reduce((best, row, k) => (Math.abs(row[c]) > Math.abs(M[best][c]) ? c + k : best), c);
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; ++r) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; ++k) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; --r) x[r] = (M[r][n] - M[r].slice(r + 1, n).reduce((s, a, k) => s + a * x[r + 1 + k], 0)) / M[r][r];
  return x;
}

/** Newton's method on F(x) = [W x + h]²₊ − x, from the rates the caution in §4.4 quotes. */
export function fixedPoint() {
  let x = [45.9, 54.0, 27.5, 49.3];
  for (let it = 0; it < 50; ++it) {
    const u = matVec(W, x).map((v, i) => Math.max(v + H[i], 0));
    const F = u.map((ui, i) => ui * ui - x[i]);
    const J = W.map((row, i) => row.map((w, j) => 2 * u[i] * w - (i === j ? 1 : 0)));
    const step = solve(J, F);
    x = x.map((xi, i) => xi - step[i]);
  }
  return { x, u: matVec(W, x).map((v, i) => v + H[i]) };
}

