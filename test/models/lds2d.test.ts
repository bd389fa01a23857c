import { simulate, statistics } from '../../lib';

// Eigenvalues of a real 2×2 matrix from its characteristic polynomial, written independently of the model.
function principal(a: number[]) {
  const [a11, a12, a21, a22] = a;
  const tr = a11 + a22;
  const det = a11 * a22 - a12 * a21;
  const disc = tr * tr - 4 * det;
  return disc >= 0
    ? { re: (tr + Math.sqrt(disc)) / 2, im: 0 }
    : { re: tr / 2, im: Math.sqrt(-disc) / 2 };
}

describe('lds2d', () => {
  const points = [
    [0, 2 * Math.PI, -2 * Math.PI, 0],
    [-1, 3, -5, 0.5],
    [2, 1, 1, -3],
    [-0.5, 9, -0.1, 1.2],
    [4, -7, 6, -4],
  ];

  it('has Re λ1 and Im λ1 / 2π equal to the closed form', async () => {
    const r = await statistics('lds2d', points);
    points.forEach((p, i) => {
      const e = principal(p);
      expect(r.stats[2 * i]).toBeCloseTo(e.re, 12);
      expect(r.stats[2 * i + 1]).toBeCloseTo(e.im / (2 * Math.PI), 12);
    });
  });

  it('has gradients equal to central finite differences', async () => {
    const r = await statistics('lds2d', points, { grad: true });
    const h = 1e-6;
    points.forEach((p, i) => {
      for (let j = 0; j < 4; ++j) {
        const plus = p.slice();
        const minus = p.slice();
        plus[j] += h;
        minus[j] -= h;
        const ep = principal(plus);
        const em = principal(minus);
        expect(r.grad![i * 8 + j]).toBeCloseTo((ep.re - em.re) / (2 * h), 6);
        expect(r.grad![i * 8 + 4 + j]).toBeCloseTo((ep.im - em.im) / (2 * h) / (2 * Math.PI), 6);
      }
    });
  });

  // A defective A (zero discriminant, a double eigenvalue): √disc has an unbounded derivative there, so Re λ1
  // takes the derivative of tr/2 (its value where disc < 0) and the frequency 0 (its value where disc > 0).
  it('has finite gradients at a zero discriminant: those of tr/2, and 0 for the frequency', async () => {
    const defective = [[1, 0, 0, 1], [10, -10, 10, -10], [2, 1, -1, 0]];
    const r = await statistics('lds2d', defective, { grad: true });
    defective.forEach((p, i) => {
      const [a11, a12, a21, a22] = p;
      expect((a11 + a22) ** 2 - 4 * (a11 * a22 - a12 * a21)).toBe(0);  // the discriminant, exactly
      expect(r.stats[2 * i]).toBeCloseTo((p[0] + p[3]) / 2, 12);
      [0.5, 0, 0, 0.5, 0, 0, 0, 0].forEach((g, k) => expect(Math.abs(r.grad![i * 8 + k] - g)).toBe(0));
    });
  });

  it('simulates the rotation x = (cos ωt, −sin ωt) for A = [[0, ω], [−ω, 0]]', async () => {
    const omega = 2 * Math.PI;
    const dt = 1e-4;
    const steps = 10000;
    const r = await simulate('lds2d', [[0, omega, -omega, 0]], { options: { dt, steps }, trajectories: { stride: 2500 } });
    const x = r.trajectories!;
    for (let k = 0; k < r.shape.recorded; ++k) {
      const t = k * 2500 * dt;
      // Forward Euler grows the radius by (1 + ω²dt²)^(n/2): the reference includes that factor exactly.
      const radius = (1 + (omega * dt) ** 2) ** ((k * 2500) / 2);
      const angle = Math.atan2(-x[2 * k + 1], x[2 * k]);
      expect(Math.hypot(x[2 * k], x[2 * k + 1])).toBeCloseTo(radius, 10);
      expect(Math.cos(angle - omega * t)).toBeCloseTo(1, 4);
    }
  });
});
