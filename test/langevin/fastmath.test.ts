import { fmExp } from '../../lib/langevin/fastmath';

// fm::exp is within 1 ulp of e^x for normal results (native/core/fastmath.h); Math.exp is another such, so the
// two differ by at most 2 ulp. Past the range it saturates as fm::exp does.
test('fmExp is e^x to within 2 ulp of Math.exp over the whole normal range, and saturates', () => {
  let worst = 0;
  for (let i = 0; i <= 200000; ++i) {
    const x = -708 + (1416 * i) / 200000 + 1e-3 * Math.sin(i);
    const e = Math.exp(x);
    const ulp = 2 ** (Math.floor(Math.log2(e)) - 52);
    worst = Math.max(worst, Math.abs(fmExp(x) - e) / ulp);
  }
  expect(worst).toBeLessThanOrEqual(2);
  expect(fmExp(0)).toBe(1);
  expect(fmExp(710)).toBe(Infinity);
  expect(fmExp(-746)).toBe(0);
  expect(fmExp(NaN)).toBeNaN();
});
