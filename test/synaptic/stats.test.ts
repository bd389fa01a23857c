// The t-intervals of the noise comparison against the closed-form Student t quantiles of 1 and 2 degrees of
// freedom: tan(π(p − ½)) (Cauchy) and (2p − 1)/√(2p(1 − p)).
import { meanCi, pairedDifference } from '../../lib/synaptic';

const cauchyQuantile = (p: number) => Math.tan(Math.PI * (p - 0.5));
const t2Quantile = (p: number) => (2 * p - 1) / Math.sqrt(2 * p * (1 - p));

const relative = (a: number, b: number) => Math.abs(a / b - 1);

describe('synaptic sampling: t-intervals', () => {
  it.each([0.95, 0.9999])('two values (1 degree of freedom) at level %p', (level) => {
    // [0, 1]: mean ½, sd √½, standard error ½. At 0.9999 the quantile is 6366, far in the tail.
    const m = meanCi([0, 1], level);
    const half = 0.5 * cauchyQuantile(0.5 + level / 2);
    expect(m.mean).toBe(0.5);
    expect(m.sd).toBeCloseTo(Math.SQRT1_2, 15);
    expect(relative(m.ci[1] - m.mean, half)).toBeLessThan(1e-9);
    expect(relative(m.mean - m.ci[0], half)).toBeLessThan(1e-9);
  });

  it('paired differences (2 degrees of freedom), leaving out pairs with a non-finite member', () => {
    // Differences 2, 3, 1: mean 2, sd 1, standard error 1/√3.
    const d = pairedDifference([3, 5, 4, NaN], [1, 2, 3, 0], 0.9);
    expect(d.n).toBe(3);
    expect(d.mean).toBe(2);
    expect(d.sd).toBe(1);
    expect(relative(d.ci[1] - 2, t2Quantile(0.95) / Math.sqrt(3))).toBeLessThan(1e-9);
    expect(d.level).toBe(0.9);
  });

  it('gives NaN intervals below two values and rejects bad input with coded errors', () => {
    const one = meanCi([0.7]);
    expect(one.mean).toBe(0.7);
    expect(one.ci.every(Number.isNaN)).toBe(true);
    for (const level of [0, 1, 1.5, NaN]) {
      expect(() => meanCi([1, 2], level)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    }
    expect(() => pairedDifference([1, 2], [1])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });
});
