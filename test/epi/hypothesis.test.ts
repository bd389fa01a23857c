import {
  convergenceTest,
  penaltyUpdate,
  regularizedIncompleteBeta,
  studentTCdf,
  welchTTest,
} from '../../lib/epi/hypothesis';

/** |actual − expected| relative to |expected|, or absolute where expected is 0. */
function relative(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

/** Expects fn to throw a SloppyError with this code whose message mentions `mention`. */
function expectError(fn: () => unknown, code: string, mention?: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toMatchObject({ name: 'SloppyError', code });
  if (mention !== undefined) expect((caught as Error).message).toContain(mention);
}

/**
 * Closed forms of the Student t CDF, each written for the lower tail F(−|t|) in a form without cancellation so that
 * it keeps full relative accuracy far out, and mirrored by F(t) = 1 − F(−t).
 */
const closedForms: Record<number, (negAbs: number) => number> = {
  // Cauchy: F(t) = 1/2 + atan(t)/π, which for t < 0 is atan(1/|t|)/π.
  1: (t) => (t === 0 ? 0.5 : Math.atan(-1 / t) / Math.PI),
  // F(t) = 1/2 + t/(2√(2+t²)); for t < 0 that is q/2 with q = 1 − |t|/√(2+t²) = 2/(√(2+t²)(√(2+t²)+|t|)).
  2: (t) => {
    const r = Math.sqrt(2 + t * t);
    return 1 / (r * (r - t));
  },
  // F(t) = 1/2 + (3/8)·(t/√(1+t²/4))·(1 − (1/12)·t²/(1+t²/4)); with s = t/√(4+t²) that is 1/2 + (3/4)s − (1/4)s³,
  // and with q = 1 + s = 4/(√(4+t²)(√(4+t²)+|t|)) for t < 0 it is q²(3 − q)/4.
  4: (t) => {
    const r = Math.sqrt(4 + t * t);
    const q = 4 / (r * (r - t));
    return (q * q * (3 - q)) / 4;
  },
};

function closedCdf(t: number, df: number): number {
  const lower = closedForms[df];
  return t <= 0 ? lower(t) : 1 - lower(-t);
}

const tGrid = [-50, -20, -7.5, -3, -1.3, -1, -0.25, -1e-9, 0, 1e-9, 0.25, 1, 1.3, 3, 7.5, 20, 50];

describe('studentTCdf', () => {
  it.each([1, 2, 4])('matches the closed form at df = %i, t from −50 to 50', (df) => {
    for (const t of tGrid) {
      const v = studentTCdf(t, df);
      const ref = closedCdf(t, df);
      // Relative to the smaller tail: the lower tail keeps its digits; 1 − tail is as good as rounding allows.
      expect(Math.abs(v - ref) / Math.min(ref, 1 - ref)).toBeLessThan(1e-13);
    }
  });

  it('keeps relative accuracy deep in the lower tail', () => {
    // Cauchy tail atan(1/|t|)/π ≈ 1/(π|t|); df = 4 tail ≈ 6/t⁴ (closed form above).
    expect(relative(studentTCdf(-1e6, 1), Math.atan(1e-6) / Math.PI)).toBeLessThan(1e-14);
    expect(relative(studentTCdf(-1e150, 1), Math.atan(1e-150) / Math.PI)).toBeLessThan(1e-14);
    expect(relative(studentTCdf(-1e3, 4), closedCdf(-1e3, 4))).toBeLessThan(1e-13);
    expect(studentTCdf(-Infinity, 3)).toBe(0);
    expect(studentTCdf(Infinity, 3)).toBe(1);
    expect(studentTCdf(1e300, 0.7)).toBe(1);
  });

  it('is symmetric: F(t) + F(−t) = 1 for real df', () => {
    for (const df of [0.3, 1.5, 7.25, 33.3, 1e4]) {
      for (const t of [0.1, 1, 2.5, 9]) expect(Math.abs(studentTCdf(t, df) + studentTCdf(-t, df) - 1)).toBeLessThan(2e-16);
    }
  });

  it('gives the tabulated critical values', () => {
    // t quantiles from scipy.stats.t.ppf (scipy 1.17.1), each confirmed to 16 digits by root-finding on mpmath's
    // 40-digit betainc: t_{0.975,10}, t_{0.975,3}, t_{0.995,30}, t_{0.95,1}, t_{0.975,2}, t_{0.999,4}, t_{0.9,7.5}.
    const table: [number, number, number][] = [
      [0.975, 10, 2.228138851986274],
      [0.975, 3, 3.1824463052837078],
      [0.995, 30, 2.7499956535672254],
      [0.95, 1, 6.313751514675037],
      [0.975, 2, 4.302652729749462],
      [0.999, 4, 7.173182219782307],
      [0.9, 7.5, 1.4052118464159533],
      [0.975, 0.5, 164.55767348048818],
    ];
    for (const [q, df, t] of table) {
      expect(Math.abs(studentTCdf(t, df) - q)).toBeLessThan(1e-14);
      expect(relative(studentTCdf(-t, df), 1 - q)).toBeLessThan(1e-12);
    }
  });

  it('tends to the normal CDF as df grows', () => {
    // Standard normal quantiles Φ⁻¹(q) (scipy.stats.norm.ppf); at df = 1e12 the t CDF differs from Φ by O(1/df).
    const normal: [number, number][] = [
      [0.95, 1.6448536269514722],
      [0.975, 1.959963984540054],
      [0.995, 2.5758293035489004],
      [0.999, 3.090232306167813],
      [0.9999, 3.719016485455709],
    ];
    for (const [q, z] of normal) {
      expect(Math.abs(studentTCdf(z, 1e12) - q)).toBeLessThan(1e-12);
      expect(relative(studentTCdf(-z, 1e12), 1 - q)).toBeLessThan(1e-9);
    }
  });

  it('keeps its digits at very large df, where the tail is a near-normal probability', () => {
    // scipy.special.stdtr (scipy 1.17.1), each agreeing with mpmath's 40-digit betainc to 1e-14 relative.
    const table: [number, number, number][] = [
      [-5, 1e6, 2.8669989354453723e-7],
      [-2.5, 1e6, 0.006209744751081627],
      [-20, 1e8, 2.7547312883288845e-89],
      [-2.5, 1e8, 0.006209666120027275],
      [-5, 1e10, 2.8665157671103264e-7],
      [-2.5, 1e10, 0.006209665333718646],
    ];
    for (const [t, df, ref] of table) expect(relative(studentTCdf(t, df), ref)).toBeLessThan(1e-12);
  });

  it('rejects NaN t and df that is not positive and finite', () => {
    expectError(() => studentTCdf(NaN, 3), 'ERR_INVALID_ARG_VALUE', 't');
    expectError(() => studentTCdf(1, 0), 'ERR_INVALID_ARG_VALUE', 'df');
    expectError(() => studentTCdf(1, -2), 'ERR_INVALID_ARG_VALUE', 'df');
    expectError(() => studentTCdf(1, Infinity), 'ERR_INVALID_ARG_VALUE', 'df');
  });
});

/** P(Binomial(n, x) ≥ a) with n = a + b − 1, which equals I_x(a, b) for integer a, b: a sum of positive terms. */
function binomialUpperTail(x: number, a: number, b: number): number {
  const n = a + b - 1;
  let sum = 0;
  let logChoose = 0;
  for (let j = 1; j <= n; ++j) {
    logChoose += Math.log((n - j + 1) / j);
    if (j >= a) sum += Math.exp(logChoose + j * Math.log(x) + (n - j) * Math.log1p(-x));
  }
  return sum;
}

describe('regularizedIncompleteBeta', () => {
  const xs = [1e-12, 1e-6, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999999];

  it('matches I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a', () => {
    for (const x of xs) {
      for (const p of [0.05, 0.5, 1, 2.5, 17, 300]) {
        expect(relative(regularizedIncompleteBeta(x, 1, p), -Math.expm1(p * Math.log1p(-x)))).toBeLessThan(1e-13);
        expect(relative(regularizedIncompleteBeta(x, p, 1), x ** p)).toBeLessThan(1e-13);
      }
    }
  });

  it('matches I_x(½, ½) = (2/π)·asin √x', () => {
    for (const x of xs) {
      expect(relative(regularizedIncompleteBeta(x, 0.5, 0.5), (2 / Math.PI) * Math.asin(Math.sqrt(x)))).toBeLessThan(1e-13);
    }
  });

  it('matches binomial tail sums for integer a, b', () => {
    // Both orders of (a, b), so that the tails on both sides of the symmetry switch are held to relative accuracy.
    for (const [a, b] of [[2, 3], [3, 2], [5, 5], [30, 45], [45, 30], [80, 7], [7, 80], [3, 120], [120, 3]]) {
      for (const x of [0.02, 0.2, 0.4, 0.6, 0.8, 0.95]) {
        const ref = binomialUpperTail(x, a, b);
        if (ref < 1e-280) continue;
        expect(relative(regularizedIncompleteBeta(x, a, b), ref)).toBeLessThan(1e-12);
      }
    }
  });

  it('satisfies I_x(a, b) = 1 − I_{1−x}(b, a)', () => {
    for (const x of [0.125, 0.375, 0.5, 0.625, 0.875]) {
      for (const [a, b] of [[0.3, 4], [2.5, 2.5], [7, 1.5], [40, 60], [1000, 3]]) {
        const sum = regularizedIncompleteBeta(x, a, b) + regularizedIncompleteBeta(1 - x, b, a);
        expect(Math.abs(sum - 1)).toBeLessThan(1e-14);
      }
    }
  });

  it('gives I_½(a, a) = ½ for large a, where the front factor must not lose a·ε', () => {
    for (const a of [12.5, 1e3, 1e6, 1e8, 1e10]) expect(Math.abs(regularizedIncompleteBeta(0.5, a, a) - 0.5)).toBeLessThan(1e-14);
  });

  it('is 0 at x = 0 and 1 at x = 1', () => {
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });

  it('rejects x outside [0, 1] and non-positive a, b', () => {
    expectError(() => regularizedIncompleteBeta(-0.1, 1, 1), 'ERR_INVALID_ARG_VALUE', 'x');
    expectError(() => regularizedIncompleteBeta(1.5, 1, 1), 'ERR_INVALID_ARG_VALUE', 'x');
    expectError(() => regularizedIncompleteBeta(NaN, 1, 1), 'ERR_INVALID_ARG_VALUE', 'x');
    expectError(() => regularizedIncompleteBeta(0.5, 0, 1), 'ERR_INVALID_ARG_VALUE', 'a');
    expectError(() => regularizedIncompleteBeta(0.5, 1, -1), 'ERR_INVALID_ARG_VALUE', 'b');
  });
});

describe('welchTTest', () => {
  // scipy.stats.ttest_ind(a, b, equal_var=False) from scipy 1.17.1 (numpy 2.4.6) on these data: [t, df, p].
  const cases: [string, number[], number[], [number, number, number]][] = [
    ['small, unequal sizes', [1.2, 3.4, 2.2, 5.1, 4.0], [2.9, 7.7, 6.1, 8.8, 5.5, 9.9, 7.2],
      [-3.3355887016694585, 9.981975496443004, 0.007564869783436518]],
    ['very unequal variances', [0.5, -0.3, 0.8, 0.1], [10, -4, 7, 2, -9, 15, 3, 1, -6],
      [-0.7074375684751252, 8.136238045810348, 0.4990538371145596]],
    ['far apart (tiny p)', [100.1, 100.2, 100.15, 100.05, 100.12], [0.1, 0.2, 0.3, 0.15],
      [2019.4687259205407, 4.974264834740157, 6.662239427261496e-16]],
    ['one constant sample', [3, 3, 3, 3], [1, 2, 4, 8, 16], [-1.1731769201708262, 4.0, 0.30581680803983724]],
    ['two values against three', [1.0, 2.0], [1.5, 4.5, 2.5], [-1.3151918984428586, 2.8942917547568703, 0.282934976949557]],
    ['longer samples',
      [0.0, 0.9414709848078965, 1.1092974268256817, 0.4411200080598673, -0.3568024953079282, -0.45892427466313845,
        0.32058450180107423, 1.3569865987187892, 1.7893582466233817, 1.3121184852417567, 0.4559788891106302,
        0.10000979344929661],
      [5.0, 3.6209069176044193, 0.7515594903585727, -0.9699774898013365, 0.03906913740916407, 2.850986556389679,
        4.880510859951098, 4.261706763029913, 1.5634998985741593, -0.7333907856540307, -0.5172145872293572,
        2.0132770939641524, 4.531561876197476, 4.722340344350588, 2.4102116546235006, -0.2790637385764638,
        -0.872978440970154, 1.1745099858452093, 3.9809501247322405, 4.966113854560008],
      [-2.9403545285019885, 24.835664368561513, 0.006994050412412702]],
  ];

  it.each(cases)('matches scipy: %s', (_name, a, b, [t, df, p]) => {
    const r = welchTTest(a, b);
    expect(relative(r.t, t)).toBeLessThan(1e-13);
    expect(relative(r.df, df)).toBeLessThan(1e-13);
    expect(relative(r.p, p)).toBeLessThan(1e-11);
    // Swapping the samples flips t and keeps df and p.
    const s = welchTTest(Float64Array.from(b), Float64Array.from(a));
    expect(s.t).toBe(-r.t);
    expect(s.df).toBe(r.df);
    expect(s.p).toBe(r.p);
  });

  it('follows scipy when both samples are constant', () => {
    expect(welchTTest([1, 1, 1], [2, 2, 2])).toEqual({ t: -Infinity, df: 1, p: 0 });
    expect(welchTTest([5, 5], [2, 2, 2])).toEqual({ t: Infinity, df: 1, p: 0 });
    expect(welchTTest([1, 1, 1], [1, 1])).toEqual({ t: NaN, df: 1, p: NaN });
    // Exactly constant samples count as constant even where the two-pass variance would leave a rounding residue.
    expect(welchTTest([0.1, 0.1, 0.1], [0.1, 0.1, 0.1])).toEqual({ t: NaN, df: 1, p: NaN });
    expect(welchTTest([0.1, 0.1, 0.1], [0.2, 0.2, 0.2])).toEqual({ t: -Infinity, df: 1, p: 0 });
  });

  it('rejects samples with fewer than 2 values or non-finite values, naming the argument', () => {
    expectError(() => welchTTest([1], [1, 2]), 'ERR_INVALID_ARG_VALUE', 'a has 1');
    expectError(() => welchTTest([1, 2], []), 'ERR_INVALID_ARG_VALUE', 'b has 0');
    expectError(() => welchTTest([1, NaN], [1, 2]), 'ERR_INVALID_ARG_VALUE', 'a[1]');
    expectError(() => welchTTest([1, 2], [3, Infinity, 4]), 'ERR_INVALID_ARG_VALUE', 'b[1]');
    expectError(() => welchTTest(5 as unknown as number[], [1, 2]), 'ERR_INVALID_ARG_TYPE', 'a');
  });
});

/** groups × constraints means, row-major, where column i has `above[i]` positive and `below[i]` negative entries. */
function signedMeans(groups: number, above: number[], below: number[]): Float64Array {
  const m = above.length;
  const out = new Float64Array(groups * m);
  for (let i = 0; i < m; ++i) {
    for (let g = 0; g < groups; ++g) {
      // Varied magnitudes: only the signs may matter.
      out[g * m + i] = g < above[i] ? 0.5 + g : g < above[i] + below[i] ? -1e-3 * (g + 1) : 0;
    }
  }
  return out;
}

describe('convergenceTest', () => {
  it('computes p = 2·min(#positive, #negative)/groups per constraint', () => {
    // 200 groups. Column 0: an even split, p = 1. Column 1: 190 up, 8 down, 2 zeros, p = 16/200 = 0.08.
    // Column 2: 199 up, 1 down, p = 0.01 < 0.05/3, so the loop has not converged.
    const r = convergenceTest(signedMeans(200, [100, 190, 199], [100, 8, 1]), 200, 3, 0.05);
    expect(Array.from(r.p)).toEqual([1, 0.08, 0.01]);
    expect(r.threshold).toBe(0.05 / 3);
    expect(r.converged).toBe(false);
    // Without column 2 every p exceeds 0.05/2.
    const ok = convergenceTest(signedMeans(200, [100, 190], [100, 8]), 200, 2, 0.05);
    expect(ok.converged).toBe(true);
  });

  it('uses the strict Bonferroni boundary p > α/m', () => {
    // α = 0.1, m = 2: threshold 0.05. Five negatives of 200 give p = 0.05 exactly, not above it; six give 0.06.
    const at = convergenceTest(signedMeans(200, [195, 100], [5, 100]), 200, 2, 0.1);
    expect(at.p[0]).toBe(0.05);
    expect(at.threshold).toBe(0.05);
    expect(at.converged).toBe(false);
    const above = convergenceTest(signedMeans(200, [194, 100], [6, 100]), 200, 2, 0.1);
    expect(above.p[0]).toBe(0.06);
    expect(above.converged).toBe(true);
  });

  it('divides α among the constraints', () => {
    // p = 0.04 fails an uncorrected test at α = 0.05, but passes once α is shared by two constraints (0.025).
    expect(convergenceTest(signedMeans(200, [196], [4]), 200, 1, 0.05).converged).toBe(false);
    expect(convergenceTest(signedMeans(200, [196, 100], [4, 100]), 200, 2, 0.05).converged).toBe(true);
    // The sign of a one-sided column does not matter: 4 up and 196 down is the same p.
    expect(convergenceTest(signedMeans(200, [4], [196]), 200, 1, 0.05).p[0]).toBe(0.04);
  });

  it('counts zeros on neither side, as the reference does', () => {
    // 50 positive and 150 exact zeros: no negative entry, so p = 0.
    expect(convergenceTest(signedMeans(200, [50], [0]), 200, 1, 0.05).p[0]).toBe(0);
    expect(convergenceTest(new Float64Array(10), 10, 1, 0.05).p[0]).toBe(0);
  });

  it('rejects bad shapes, levels and entries', () => {
    const means = signedMeans(10, [5, 5], [5, 5]);
    expectError(() => convergenceTest(means, 10, 3, 0.05), 'ERR_INVALID_ARG_VALUE', 'groupMeans has 20');
    expectError(() => convergenceTest(means, 0, 2, 0.05), 'ERR_INVALID_ARG_VALUE', 'groups');
    expectError(() => convergenceTest(means, 10, 2.5, 0.05), 'ERR_INVALID_ARG_VALUE', 'constraints');
    for (const alpha of [0, 1, -0.1, 1.5, NaN]) expectError(() => convergenceTest(means, 10, 2, alpha), 'ERR_INVALID_ARG_VALUE', 'alpha');
    expectError(() => convergenceTest([1, -1] as unknown as Float64Array, 2, 1, 0.05), 'ERR_INVALID_ARG_TYPE', 'groupMeans');
    const bad = Float64Array.from(means);
    bad[7] = NaN;
    expectError(() => convergenceTest(bad, 10, 2, 0.05), 'ERR_INVALID_ARG_VALUE', 'groupMeans[7]');
  });
});

describe('penaltyUpdate', () => {
  const base = { gamma: 0.25, beta: 4, c: 10 };

  it('grows c when the norms did not fall to γ times their previous value', () => {
    // 5..8 against 0.25·(5..8): scipy gives t = 7.32682420569625, p = 0.003488838445625756, so any u < 0.998 grows c.
    const r = penaltyUpdate({ ...base, norms: [5, 6, 7, 8], previousNorms: [5, 6, 7, 8], u: 0.5 });
    expect(r.grew).toBe(true);
    expect(r.c).toBe(40);
    expect(relative(r.t, 7.32682420569625)).toBeLessThan(1e-13);
    expect(relative(r.p, 0.003488838445625756)).toBeLessThan(1e-11);
    expect(penaltyUpdate({ ...base, norms: [5, 6, 7, 8], previousNorms: [5, 6, 7, 8], u: 0.999 }).grew).toBe(false);
  });

  it('leaves c alone when the norms fell well below γ times their previous value', () => {
    // scipy: t = −9.104420304526824 < 0, so not even u = 0 grows c.
    const r = penaltyUpdate({ ...base, norms: [0.1, 0.2, 0.15, 0.12], previousNorms: [5, 6, 7, 8], u: 0 });
    expect(r).toMatchObject({ c: 10, grew: false });
    expect(relative(r.t, -9.104420304526824)).toBeLessThan(1e-13);
  });

  it('grows c iff u < 1 − p/2 when t > 0', () => {
    // scipy: t = 0.5202048710098874, p = 0.6234950273524016, so the boundary is u = 0.6882524863237992.
    const opts = { ...base, norms: [1.1, 0.9, 1.3, 1.0, 1.2], previousNorms: [4.2, 3.9, 4.6, 4.1, 4.4] };
    const boundary = 1 - 0.6234950273524016 / 2;
    const below = penaltyUpdate({ ...opts, u: boundary - 1e-9 });
    expect(below).toMatchObject({ c: 40, grew: true });
    expect(relative(below.p, 0.6234950273524016)).toBeLessThan(1e-11);
    expect(penaltyUpdate({ ...opts, u: boundary + 1e-9 })).toMatchObject({ c: 10, grew: false });
  });

  it('handles constant norms: ±Infinity decides, NaN leaves c unchanged', () => {
    // 2,2,2 against 0.25·4 = 1,1,1: t = +Infinity, p = 0, so c grows for every u in [0, 1).
    expect(penaltyUpdate({ ...base, norms: [2, 2, 2], previousNorms: [4, 4, 4], u: 0.9999 })).toEqual({
      c: 40, t: Infinity, p: 0, grew: true,
    });
    expect(penaltyUpdate({ ...base, norms: [0.5, 0.5], previousNorms: [4, 4, 4], u: 0 })).toEqual({
      c: 10, t: -Infinity, p: 0, grew: false,
    });
    // 1,1,1 against 0.25·4: the samples are equal constants, t = p = NaN.
    expect(penaltyUpdate({ ...base, norms: [1, 1, 1], previousNorms: [4, 4, 4], u: 0 })).toEqual({
      c: 10, t: NaN, p: NaN, grew: false,
    });
  });

  it('rejects bad inputs with their codes, naming the argument', () => {
    const ok = { ...base, norms: [1, 2, 3], previousNorms: [4, 5, 6], u: 0.5 };
    expect(() => penaltyUpdate(ok)).not.toThrow();
    expectError(() => penaltyUpdate({ ...ok, norms: [1] }), 'ERR_INVALID_ARG_VALUE', 'norms has 1');
    expectError(() => penaltyUpdate({ ...ok, previousNorms: [1, Infinity] }), 'ERR_INVALID_ARG_VALUE', 'previousNorms[1]');
    expectError(() => penaltyUpdate({ ...ok, gamma: 0 }), 'ERR_INVALID_ARG_VALUE', 'gamma');
    expectError(() => penaltyUpdate({ ...ok, beta: 0.5 }), 'ERR_INVALID_ARG_VALUE', 'beta');
    expectError(() => penaltyUpdate({ ...ok, c: -1 }), 'ERR_INVALID_ARG_VALUE', 'c');
    expectError(() => penaltyUpdate({ ...ok, u: 1 }), 'ERR_INVALID_ARG_VALUE', 'u');
    expectError(() => penaltyUpdate({ ...ok, u: NaN }), 'ERR_INVALID_ARG_VALUE', 'u');
    expectError(() => penaltyUpdate({ ...ok, seed: 1 } as typeof ok), 'ERR_UNKNOWN_OPTION', 'seed');
    expectError(() => penaltyUpdate(null as unknown as typeof ok), 'ERR_INVALID_ARG_TYPE');
  });
});
