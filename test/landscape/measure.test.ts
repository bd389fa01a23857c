import { directionCosines, distancesTo, pairwiseDistances } from '../../lib/landscape/measure';
import { randomMatrix } from '../helpers/matrices';
import { expectCode } from '../helpers/errors';

/** Points as plain arrays, for the direct computations the tests compare against. */
function rows(flat: Float64Array, d: number): number[][] {
  return Array.from({ length: flat.length / d }, (_, i) => Array.from(flat.subarray(i * d, (i + 1) * d)));
}

const dot = (a: number[], b: number[]): number => a.reduce((s, x, k) => s + x * b[k], 0);
const minus = (a: number[], b: number[]): number[] => a.map((x, k) => x - b[k]);
const length = (a: number[]): number => Math.hypot(...a);


const shape = { layers: 5, units: 5 };
const n = 9;
const points = randomMatrix(n, 136, 11);
const teacher = randomMatrix(1, 136, 12).map((x) => x + 3);
const pts = rows(points, 136);
const t = Array.from(teacher);

describe('pairwiseDistances', () => {
  test('condensed form follows SciPy pdist order', () => {
    const got = pairwiseDistances(points, shape);
    expect(got.length).toBe((n * (n - 1)) / 2);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const at = n * i - (i * (i + 1)) / 2 + j - i - 1;
        expect(got[at]).toBeCloseTo(length(minus(pts[i], pts[j])), 12);
      }
    }
  });

  test('full form is symmetric with a zero diagonal; dimension may be a number', () => {
    const full = pairwiseDistances(points, 136, { form: 'full' });
    expect(full.length).toBe(n * n);
    for (let i = 0; i < n; i++) {
      expect(full[i * n + i]).toBe(0);
      for (let j = 0; j < n; j++) {
        expect(full[i * n + j]).toBe(full[j * n + i]);
        expect(full[i * n + j]).toBeCloseTo(length(minus(pts[i], pts[j])), 12);
      }
    }
  });

  test('chosen pairs give one distance each, in order', () => {
    const got = pairwiseDistances(points, shape, { pairs: [3, 5, 5, 3, 0, 8, 2, 2] });
    const want = [length(minus(pts[3], pts[5])), length(minus(pts[3], pts[5])), length(minus(pts[0], pts[8])), 0];
    expect(got.length).toBe(4);
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 12));
  });

  test('keeps the digits of near-duplicates', () => {
    const a = Float64Array.from([1e8, 1, 1e8 + 1e-6, 1]);
    // A Gram-matrix formula ‖a‖² + ‖b‖² − 2a·b would lose all of these digits to cancellation.
    expect(pairwiseDistances(a, 2)[0]).toBe(a[2] - a[0]);
  });
});

describe('distancesTo', () => {
  test('matches direct computation', () => {
    const got = distancesTo(points, teacher, shape);
    expect(got.length).toBe(n);
    pts.forEach((p, i) => expect(got[i]).toBeCloseTo(length(minus(p, t)), 12));
  });
});

describe('directionCosines', () => {
  test('matches dot products of normalised directions from the origin', () => {
    const got = directionCosines(points, teacher, shape);
    const full = directionCosines(points, teacher, shape, { form: 'full' });
    let at = 0;
    for (let i = 0; i < n; i++) {
      const u = minus(pts[i], t);
      expect(full[i * n + i]).toBeCloseTo(1, 14);
      for (let j = i + 1; j < n; j++) {
        const v = minus(pts[j], t);
        const want = dot(u, v) / (length(u) * length(v));
        expect(got[at++]).toBeCloseTo(want, 13);
        expect(full[i * n + j]).toBe(full[j * n + i]);
        expect(full[i * n + j]).toBeCloseTo(want, 13);
      }
    }
    // Every point sits on the same side of an origin shifted by 3 in each coordinate, as the paper found.
    expect(Math.min(...got)).toBeGreaterThan(0.5);
  });

  test('parallel, opposite and missing directions', () => {
    const o = Float64Array.from([1, 1, 1]);
    const p = Float64Array.from([2, 3, 4, 3, 5, 7, 0, -1, -2, 1, 1, 1]);
    const got = directionCosines(p, o, 3, { pairs: [0, 1, 0, 2, 0, 3] });
    expect(got[0]).toBe(1);
    expect(got[1]).toBe(-1);
    expect(got[2]).toBeNaN();
  });
});

describe('bad input', () => {
  test('gets coded errors', () => {
    expectCode(() => pairwiseDistances(new Float64Array(135), shape), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => pairwiseDistances(new Float64Array(0), 3), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => pairwiseDistances([1, 2, 3] as never, 3), 'ERR_INVALID_ARG_TYPE');
    expectCode(() => pairwiseDistances(new Float64Array(6), 0), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => pairwiseDistances(new Float64Array(6), 1.5), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => pairwiseDistances(new Float64Array(6), { layers: 0, units: 5 }), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => pairwiseDistances(Float64Array.from([1, NaN, 3]), 1), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => pairwiseDistances(new Float64Array(6), 3, { form: 'square' as never }), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => pairwiseDistances(new Float64Array(6), 3, { pairs: [0] }), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => pairwiseDistances(new Float64Array(6), 3, { pairs: [0, 2] }), 'ERR_OUT_OF_BOUNDS');
    expectCode(() => pairwiseDistances(new Float64Array(6), 3, { pairs: [0, -1] }), 'ERR_OUT_OF_BOUNDS');
    expectCode(() => pairwiseDistances(new Float64Array(6), 3, { full: true } as never), 'ERR_UNKNOWN_OPTION');
    expectCode(() => pairwiseDistances(new Float64Array(50000), 1), 'ERR_OUT_OF_BOUNDS');
    expectCode(() => distancesTo(new Float64Array(6), new Float64Array(6), 3), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => distancesTo(new Float64Array(6), Float64Array.from([1, Infinity, 0]), 3), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => directionCosines(new Float64Array(6), new Float64Array(2), 3), 'ERR_INVALID_ARG_VALUE');
  });
});
