import { propertyProfile } from '../../lib/robustness';

// Re λ1 and Im λ1 / 2π of a 2 × 2 matrix from its characteristic polynomial, independent of the library.
function principal([a11, a12, a21, a22]: number[]): { re: number; freq: number } {
  const tr = a11 + a22;
  const disc = tr * tr - 4 * (a11 * a22 - a12 * a21);
  return disc >= 0 ? { re: (tr + Math.sqrt(disc)) / 2, freq: 0 } : { re: tr / 2, freq: Math.sqrt(-disc) / 2 / (2 * Math.PI) };
}

// The first push along u at which |Re λ1| > 0.25 or |freq − 1| > 0.1: a fine scan, then bisection.
function analyticBreak(z0: number[], u: Float64Array, sign: number): number {
  const breaks = (t: number) => {
    const e = principal(z0.map((v, i) => v + sign * t * u[i]));
    return Math.abs(e.re) > 0.25 || Math.abs(e.freq - 1) > 0.1;
  };
  let t = 0;
  while (!breaks(t + 1e-3)) t += 1e-3;
  let [lo, hi] = [t, t + 1e-3];
  for (let k = 0; k < 60; ++k) {
    const mid = (lo + hi) / 2;
    if (breaks(mid)) hi = mid;
    else lo = mid;
  }
  return lo;
}

describe('robustness profile of lds2d with its published property', () => {
  const z0 = [0, 2 * Math.PI, -2 * Math.PI, 0];

  it('breaks each direction where the analytic eigenvalues leave the property', async () => {
    const p = await propertyProfile('lds2d', {
      directions: ['axes', [[1, 0, 0, 1], [1, 1, -1, 0]], { kind: 'random', count: 6, seed: 5 }],
      rtol: 1e-6,
    });
    expect(Array.from(p.z0)).toEqual(z0);
    expect(p.property).toMatchObject({ stats: ['realLambda1', 'freq'], mean: [0, 1], tolerance: [0.25, 0.1] });
    for (const d of p.directions) {
      for (const [r, sign] of [[d.plus, 1], [d.minus, -1]] as const) {
        expect(r.status).toBe('broken');
        const exact = analyticBreak(z0, d.vector, sign);
        expect(Math.abs(r.distance / exact - 1)).toBeLessThan(1e-5);
      }
    }
    // By hand: a11 alone moves Re λ1 = a11/2 (break at 0.5); a12 stretches freq = √(1 + a12'/2π) (break at 0.21·2π).
    expect(p.directions[0].plus.distance).toBeCloseTo(0.5, 5);
    expect(p.directions[0].plus.breaks).toBe('realLambda1');
    expect(p.directions[1].plus.distance).toBeCloseTo(0.21 * 2 * Math.PI, 5);
    expect(p.directions[1].plus.breaks).toBe('freq');
  });

  it('gives the Fisher curvature of the statistics, (∂s/∂t)²/tol², and the matching quadratic prediction', async () => {
    const p = await propertyProfile('lds2d', { directions: [[1, 0, 0, 1], [1, 0, 0, 0]] });
    // Along the trace direction Re λ1 = t/√2: λ = (1/√2)² / 0.25² = 8; along a11 it is (1/2)²/0.25² = 4.
    expect(p.directions[0].curvature).toBeCloseTo(8, 9);
    expect(p.directions[1].curvature).toBeCloseTo(4, 9);
    // One statistic leaves first and it is linear in t there, so the prediction 1/√λ is exact.
    expect(p.directions[0].predicted).toBeCloseTo(p.directions[0].plus.distance, 3);
    expect(p.directions[1].predicted).toBeCloseTo(p.directions[1].minus.distance, 3);
  });

  it('finds the two stiff Fisher directions and reports pushes to the support edge as bounded', async () => {
    const fisher = await propertyProfile('lds2d', { directions: 'fisher' });
    expect(fisher.directions.map((d) => d.eigenvalue! > 1e-9)).toEqual([true, true, false, false]);
    const wide = await propertyProfile('lds2d', {
      property: { stats: ['realLambda1', 'freq'], mean: [0, 1], tolerance: [100, 100] },
      directions: 'axes',
    });
    expect(wide.directions[0].plus).toMatchObject({ status: 'bounded', distance: 10 });
    expect(wide.directions[1].minus).toMatchObject({ status: 'bounded', distance: 10 + 2 * Math.PI });
  });
});
