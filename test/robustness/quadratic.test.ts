import { performanceProfile } from '../../lib/robustness';
import { randomMatrix } from '../helpers/matrices';

// H = Q diag(λ) Qᵀ with Q orthonormal (Gram–Schmidt of a fixed random matrix) and λ spread over five decades.
function quadratic(lambdas: number[], seed: number): { H: number[][]; Q: number[][] } {
  const D = lambdas.length;
  const a = randomMatrix(D, D, seed);
  const Q: number[][] = [];
  for (let k = 0; k < D; ++k) {
    const v = Array.from({ length: D }, (_, i) => a[k * D + i]);
    for (const q of Q) {
      const d = q.reduce((s, x, i) => s + x * v[i], 0);
      q.forEach((x, i) => (v[i] -= d * x));
    }
    const n = Math.hypot(...v);
    Q.push(v.map((x) => x / n));
  }
  const H = Array.from({ length: D }, (_, i) =>
    Array.from({ length: D }, (_, j) => Q.reduce((s, q, k) => s + lambdas[k] * q[i] * q[j], 0)),
  );
  return { H, Q };
}

describe('robustness profile of a quadratic performance', () => {
  const lambdas = [1e-3, 1e-2, 0.3, 1, 7, 100];
  const tolerance = 0.05;
  const { H, Q } = quadratic(lambdas, 11);
  const center = [0.3, -1, 2, 0, 0.5, 1];

  it('breaks every Hessian eigenvector at √(2·tolerance/λ) to 1%', async () => {
    const p = await performanceProfile({ hessian: H, center }, { tolerance, directions: 'hessian' });
    const expected = [...lambdas].sort((a, b) => b - a);
    expect(p.directions).toHaveLength(6);
    p.directions.forEach((d, k) => {
      expect(d.curvature).toBeCloseTo(expected[k], 8);
      expect(d.eigenvalue! / expected[k]).toBeCloseTo(1, 9);
      const exact = Math.sqrt((2 * tolerance) / expected[k]);
      expect(d.predicted / exact).toBeCloseTo(1, 9);
      for (const r of [d.plus, d.minus]) {
        expect(r.status).toBe('broken');
        expect(Math.abs(r.distance / exact - 1)).toBeLessThan(0.01);
        expect(r.distance).toBeLessThanOrEqual(exact);
        expect(r.brokenAt).toBeGreaterThan(exact);
      }
    });
  });

  it('breaks any direction at √(2·tolerance/uᵀHu), and finds the Hessian of a plain function', async () => {
    const f = (t: Float64Array) =>
      -0.5 * H.reduce((s, row, i) => s + (t[i] - center[i]) * row.reduce((r, h, j) => r + h * (t[j] - center[j]), 0), 0);
    const p = await performanceProfile(f, {
      tolerance, z: center, directions: ['hessian', { kind: 'random', count: 6, seed: 3 }, { kind: 'vectors', vectors: Q }],
    });
    expect(p.directions).toHaveLength(18);
    const sorted = [...lambdas].sort((a, b) => b - a);
    p.directions.slice(0, 6).forEach((d, k) => expect(Math.abs(d.curvature - sorted[k])).toBeLessThan(1e-4 * sorted[0]));
    for (const d of p.directions) {
      const exact = Math.sqrt((2 * tolerance) / d.curvature);
      expect(Math.abs(d.plus.distance / exact - 1)).toBeLessThan(0.01);
      expect(Math.abs(d.minus.distance / exact - 1)).toBeLessThan(0.01);
    }
  });

  it('reports a push that reaches the support edge as bounded, and a flat direction as unbroken', async () => {
    const p = await performanceProfile({ hessian: [[2, 0], [0, 0]] }, {
      tolerance: 1, lower: [-0.25, -5], upper: [3, 5], directions: 'axes', maxDistance: 1e3,
    });
    const [x, y] = p.directions;
    expect(x.plus).toMatchObject({ status: 'broken' });
    expect(Math.abs(x.plus.distance - 1)).toBeLessThan(1e-3);
    expect(x.minus).toMatchObject({ status: 'bounded', distance: 0.25, brokenAt: Infinity });
    expect(y.plus).toMatchObject({ status: 'bounded', distance: 5 });
    const open = await performanceProfile({ hessian: [[2, 0], [0, 0]] }, { tolerance: 1, directions: 'axes', maxDistance: 1e3 });
    expect(open.directions[1].plus).toMatchObject({ status: 'unbroken', distance: 1e3 });
    expect(open.directions[1].predicted).toBe(Infinity);
  });
});
