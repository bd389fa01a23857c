import { normals, philox } from '../../lib';

const hex = (a: Uint32Array) => Array.from(a, (w) => w.toString(16).padStart(8, '0')).join(' ');

describe('Philox4x32-10', () => {
  // Known answers of the Random123 distribution (counter; key → output).
  it.each([
    [[0, 0, 0, 0], [0, 0], '6627e8d5 e169c58d bc57ac4c 9b00dbd8'],
    [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], '408f276d 41c83b0e a20bc7c6 6d5451fd'],
    [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], 'd16cfe09 94fdcceb 5001e420 24126ea1'],
  ])('counter %j key %j', (counter, key, expected) => {
    expect(hex(philox(counter as [number, number, number, number], key as [number, number]))).toBe(expected);
  });
});

describe('normals by Box–Muller', () => {
  const n = 1_000_000;
  const x = normals(n, { seed: 7, set: 3, trial: 1, step: 11 });
  const moment = (k: number) => x.reduce((s, v) => s + v ** k, 0) / n;

  // Standard errors of the sample moments of N(0,1): √(Var(x^k)/n) with Var = E x^{2k} − (E x^k)².
  it('has mean 0 within 5 standard errors', () => expect(Math.abs(moment(1))).toBeLessThan(5 * Math.sqrt(1 / n)));
  it('has variance 1', () => expect(Math.abs(moment(2) - 1)).toBeLessThan(5 * Math.sqrt(2 / n)));
  it('has skewness 0', () => expect(Math.abs(moment(3))).toBeLessThan(5 * Math.sqrt(15 / n)));
  it('has kurtosis 3', () => expect(Math.abs(moment(4) - 3)).toBeLessThan(5 * Math.sqrt(96 / n)));

  it('is a pure function of (seed, set, trial, step)', () => {
    expect(normals(8, { seed: 7, set: 3, trial: 1, step: 11 })).toEqual(x.subarray(0, 8));
    expect(normals(8, { seed: 8, set: 3, trial: 1, step: 11 })).not.toEqual(x.subarray(0, 8));
    expect(normals(8, { seed: 7, set: 4, trial: 1, step: 11 })).not.toEqual(x.subarray(0, 8));
    expect(normals(8, { seed: 7, set: 3, trial: 2, step: 11 })).not.toEqual(x.subarray(0, 8));
    expect(normals(8, { seed: 7, set: 3, trial: 1, step: 12 })).not.toEqual(x.subarray(0, 8));
  });

  it('draws neighbouring normals independently (lag-1 correlation ≈ 0)', () => {
    let c = 0;
    for (let i = 0; i + 1 < n; ++i) c += x[i] * x[i + 1];
    expect(Math.abs(c / (n - 1))).toBeLessThan(5 / Math.sqrt(n));
  });
});
