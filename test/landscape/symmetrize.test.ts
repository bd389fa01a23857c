import { SloppyError } from '../../lib/errors';
import { biasOffset, networkShape, parameterCount, parameterLayout, weightOffset } from '../../lib/landscape/layout';
import { symmetrize } from '../../lib/landscape/symmetrize';
import { normals } from '../../lib/rng';
import { maxRelative } from '../helpers/matrices';
import { expectCode } from '../helpers/errors';

interface Shape {
  layers: number;
  units: number;
  inputs: number;
  outputs: number;
}

/** A network as nested arrays, unpacked straight from the documented layout (no use of layout.ts). */
interface Net {
  w: number[][][];
  b: number[][];
}

function widthsOf(s: Shape): number[] {
  return [s.inputs, ...Array<number>(s.layers).fill(s.units), s.outputs];
}

function unpack(v: Float64Array, s: Shape, offset = 0): Net {
  const widths = widthsOf(s);
  const net: Net = { w: [], b: [] };
  let at = offset;
  for (let l = 0; l <= s.layers; l++) {
    const rows: number[][] = [];
    for (let i = 0; i < widths[l + 1]; i++) {
      rows.push(Array.from(v.subarray(at, at + widths[l])));
      at += widths[l];
    }
    net.w.push(rows);
    net.b.push(Array.from(v.subarray(at, at + widths[l + 1])));
    at += widths[l + 1];
  }
  return net;
}

function pack(net: Net): Float64Array {
  const out: number[] = [];
  net.w.forEach((rows, l) => {
    rows.forEach((row) => out.push(...row));
    out.push(...net.b[l]);
  });
  return Float64Array.from(out);
}

/** The reference ReLU MLP: relu after every hidden layer, linear output. */
function forward(net: Net, x: number[]): number[] {
  let h = x;
  net.w.forEach((rows, l) => {
    const z = rows.map((row, i) => row.reduce((acc, w, q) => acc + w * h[q], net.b[l][i]));
    h = l < net.w.length - 1 ? z.map((v) => Math.max(v, 0)) : z;
  });
  return h;
}

/** Outputs on the training grid x_i = i/320 (for more inputs, every input set to the same grid value shifted per input). */
function outputs(v: Float64Array, s: Shape, offset = 0): Float64Array {
  const net = unpack(v, s, offset);
  const ys: number[] = [];
  for (let i = 0; i < 320; i++) {
    const x = Array.from({ length: s.inputs }, (_, q) => ((i + 37 * q) % 320) / 320);
    ys.push(...forward(net, x));
  }
  return Float64Array.from(ys);
}

/**
 * Applies a random element of ℝ₊^{KN} ⋊ S_N^K: log-normal scales of spread σ, then a random permutation per layer
 * (the order that sorts a second set of seeded normals, which is uniform over S_N).
 */
function randomGroupElement(v: Float64Array, s: Shape, sigma: number, seed: number): Float64Array {
  const z = normals(2 * s.layers * s.units, { seed });
  const net = unpack(v, s);
  for (let l = 0; l < s.layers; l++) {
    for (let j = 0; j < s.units; j++) {
      const scale = Math.exp(sigma * z[2 * l * s.units + j]);
      net.w[l][j] = net.w[l][j].map((w) => w * scale);
      net.b[l][j] *= scale;
      net.w[l + 1].forEach((row) => {
        row[j] /= scale;
      });
    }
    const keys = z.subarray((2 * l + 1) * s.units, (2 * l + 2) * s.units);
    const perm = Array.from({ length: s.units }, (_, j) => j).sort((a, b) => keys[a] - keys[b]);
    net.w[l] = perm.map((p) => net.w[l][p]);
    net.b[l] = perm.map((p) => net.b[l][p]);
    net.w[l + 1] = net.w[l + 1].map((row) => perm.map((p) => row[p]));
  }
  return pack(net);
}

/** Normal weights with log-normal spreads of σ, so that networks arrive far from balance. */
function randomNetworks(s: Shape, count: number, sigma: number, seed: number): Float64Array {
  const z = normals(2 * count * parameterCount(s), { seed });
  return Float64Array.from({ length: z.length / 2 }, (_, i) => z[2 * i] * Math.exp(sigma * z[2 * i + 1]));
}

/** Squared norm of the whole vector after scaling hidden unit (l, j) by exp(u[l·N + j]). */
function normAtLogScales(v: Float64Array, s: Shape, u: number[]): number {
  const net = unpack(v, s);
  let f = 0;
  net.w.forEach((rows, l) => {
    rows.forEach((row, i) => {
      const up = l < s.layers ? u[l * s.units + i] : 0;
      row.forEach((w, q) => {
        const down = l > 0 ? u[(l - 1) * s.units + q] : 0;
        f += (w * Math.exp(up - down)) ** 2;
      });
      f += (net.b[l][i] * Math.exp(up)) ** 2;
    });
  });
  return f;
}

/** The 5 × (2+3) teacher of the seed notes: a sawtooth of 32 pieces plus a three-knot spline. */
function teacher(): Float64Array {
  const n = 5;
  const net: Net = { w: [], b: [] };
  const zeros = (r: number, c: number): number[][] => Array.from({ length: r }, () => Array<number>(c).fill(0));
  net.w.push([[1], [1], [-1], [1], [1]]);
  net.b.push([0, -0.5, 7 / 32, -14 / 32, -23 / 32]);
  for (let l = 1; l < 5; l++) {
    const w = zeros(n, n);
    w[0][0] = 2;
    w[0][1] = -4;
    w[1][0] = 2;
    w[1][1] = -4;
    for (let j = 2; j < n; j++) w[j][j] = 1;
    net.w.push(w);
    net.b.push([0, -0.5, 0, 0, 0]);
  }
  net.w.push([[0.5, -1, -3, -1.5, 2.5]]);
  net.b.push([0]);
  return pack(net);
}

const FIVE: Shape = { layers: 5, units: 5, inputs: 1, outputs: 1 };
const WIDE: Shape = { layers: 3, units: 4, inputs: 2, outputs: 3 };


describe('parameter layout', () => {
  test('5 × 5 with one input and one output has 136 parameters, W_l then b_l', () => {
    const s = networkShape({ layers: 5, units: 5 });
    expect(s).toEqual(FIVE);
    expect(parameterCount(s)).toBe(136);
    expect([1, 2, 3, 4, 5, 6].map((l) => weightOffset(s, l))).toEqual([0, 10, 40, 70, 100, 130]);
    expect([1, 2, 3, 4, 5, 6].map((l) => biasOffset(s, l))).toEqual([5, 35, 65, 95, 125, 135]);
  });

  test('general inputs and outputs', () => {
    const l = parameterLayout(WIDE);
    expect(l.widths).toEqual([2, 4, 4, 4, 3]);
    expect(l.count).toBe(4 * 3 + 2 * 4 * 5 + 3 * 5);
    expect(l.weightOffsets).toEqual([0, 12, 32, 52]);
    expect(l.biasOffsets).toEqual([8, 28, 48, 64]);
  });

  test('bad shapes and layer indices get coded errors', () => {
    expectCode(() => networkShape({ layers: 0, units: 5 }), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => networkShape({ layers: 2, units: 2.5 }), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => networkShape({ layers: 2, units: 3, inputs: -1 }), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => networkShape({ layers: 2, units: 3, width: 4 } as never), 'ERR_UNKNOWN_OPTION');
    expectCode(() => networkShape(null as never), 'ERR_INVALID_ARG_TYPE');
    expectCode(() => networkShape({ layers: 3, units: 100000 }), 'ERR_OUT_OF_BOUNDS');
    expectCode(() => weightOffset(FIVE, 7), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => biasOffset(FIVE, 0), 'ERR_INVALID_ARG_VALUE');
  });
});

describe('symmetrize', () => {
  const count = 40;
  const nets = randomNetworks(FIVE, count, 1, 1);
  const result = symmetrize(nets, FIVE);
  const p = 136;

  test('leaves the function unchanged on the 320-point grid to 1e-12 relative', () => {
    for (let i = 0; i < count; i++) {
      expect(maxRelative(outputs(result.params, FIVE, i * p), outputs(nets, FIVE, i * p))).toBeLessThan(1e-12);
    }
    const wide = randomNetworks(WIDE, 5, 1, 2);
    const r = symmetrize(wide, WIDE, 5);
    const q = parameterCount(WIDE);
    for (let i = 0; i < 5; i++) {
      expect(maxRelative(outputs(r.params, WIDE, i * q), outputs(wide, WIDE, i * q))).toBeLessThan(1e-12);
    }
  });

  test('balances to 1e-14 within a few sweeps and Newton steps', () => {
    expect(Math.max(...result.imbalance)).toBeLessThanOrEqual(1e-14);
    expect(Math.max(...result.sweeps)).toBeLessThan(30);
    expect(Math.max(...result.newtonSteps)).toBeLessThanOrEqual(6);
  });

  test('the output is the input with the returned scales and permutations applied', () => {
    const i = 3;
    const net = unpack(nets, FIVE, i * p);
    const scales = result.scales.subarray(i * 25, (i + 1) * 25);
    const perms = result.permutations.subarray(i * 25, (i + 1) * 25);
    const expected: Net = { w: [], b: [] };
    for (let l = 0; l <= 5; l++) {
      const rowsOrder = l < 5 ? Array.from(perms.subarray(l * 5, l * 5 + 5)) : [0];
      const colsOrder = l > 0 ? Array.from(perms.subarray((l - 1) * 5, l * 5)) : [0];
      expected.w.push(
        rowsOrder.map((r) =>
          colsOrder.map((c) => (net.w[l][r][c] * (l < 5 ? scales[l * 5 + r] : 1)) / (l > 0 ? scales[(l - 1) * 5 + c] : 1)),
        ),
      );
      expected.b.push(rowsOrder.map((r) => net.b[l][r] * (l < 5 ? scales[l * 5 + r] : 1)));
    }
    expect(maxRelative(result.params.subarray(i * p, (i + 1) * p), pack(expected))).toBeLessThan(1e-15);
  });

  test('every random group element gives the same representative to 1e-10', () => {
    for (const [shape, sigma] of [
      [FIVE, 1],
      [FIVE, 2],
      [WIDE, 1],
    ] as const) {
      const q = parameterCount(shape);
      const base = randomNetworks(shape, 8, 1, 3);
      const ref = symmetrize(base, shape).params;
      for (let i = 0; i < 8; i++) {
        const one = base.slice(i * q, (i + 1) * q);
        for (let trial = 0; trial < 4; trial++) {
          const moved = randomGroupElement(one, shape, sigma, 100 * i + trial);
          const again = symmetrize(moved, shape).params;
          expect(maxRelative(again, ref.subarray(i * q, (i + 1) * q))).toBeLessThan(1e-10);
        }
      }
    }
  });

  test('the teacher is symmetrized to the same point from any element of its orbit', () => {
    const t = teacher();
    const ref = symmetrize(t, FIVE);
    expect(maxRelative(outputs(ref.params, FIVE), outputs(t, FIVE))).toBeLessThan(1e-12);
    for (let trial = 0; trial < 10; trial++) {
      const moved = randomGroupElement(t, FIVE, 1, 7000 + trial);
      expect(maxRelative(symmetrize(moved, FIVE).params, ref.params)).toBeLessThan(1e-10);
    }
  });

  test('is idempotent', () => {
    const twice = symmetrize(result.params, FIVE);
    expect(maxRelative(twice.params, result.params)).toBeLessThan(1e-13);
    for (let i = 0; i < twice.scales.length; i++) expect(Math.abs(twice.scales[i] - 1)).toBeLessThan(1e-13);
    for (let i = 0; i < twice.permutations.length; i++) expect(twice.permutations[i]).toBe(i % 5);
  });

  test('sorts each layer ascending by incoming norm incl. bias, which equals the outgoing norm', () => {
    for (let i = 0; i < count; i++) {
      const net = unpack(result.params, FIVE, i * p);
      for (let l = 0; l < 5; l++) {
        const incoming = net.w[l].map((row, j) => row.reduce((a, w) => a + w * w, net.b[l][j] ** 2));
        const outgoing = incoming.map((_, j) => net.w[l + 1].reduce((a, row) => a + row[j] ** 2, 0));
        for (let j = 0; j < 5; j++) {
          expect(Math.abs(incoming[j] - outgoing[j])).toBeLessThan(1e-12 * incoming[j]);
          if (j > 0) expect(incoming[j]).toBeGreaterThanOrEqual(incoming[j - 1]);
        }
      }
    }
  });

  test('for one hidden layer the scales are the closed form (C/A)^(1/4)', () => {
    const shape: Shape = { layers: 1, units: 7, inputs: 3, outputs: 2 };
    const v = randomNetworks(shape, 1, 1, 4);
    const r = symmetrize(v, shape);
    const net = unpack(v, shape);
    for (let j = 0; j < 7; j++) {
      const a = net.w[0][j].reduce((acc, w) => acc + w * w, net.b[0][j] ** 2);
      const c = net.w[1].reduce((acc, row) => acc + row[j] ** 2, 0);
      expect(Math.abs(r.scales[j] / (c / a) ** 0.25 - 1)).toBeLessThan(1e-14);
    }
  });

  test('is a true minimum over the log-scales: zero gradient, and perturbations raise the norm', () => {
    for (const i of [0, 1, 2]) {
      const v = result.params.slice(i * p, (i + 1) * p);
      const u = Array<number>(25).fill(0);
      const f0 = normAtLogScales(v, FIVE, u);
      const h = 1e-5;
      for (let a = 0; a < 25; a++) {
        const up = u.slice();
        const down = u.slice();
        up[a] = h;
        down[a] = -h;
        const grad = (normAtLogScales(v, FIVE, up) - normAtLogScales(v, FIVE, down)) / (2 * h);
        expect(Math.abs(grad)).toBeLessThan(1e-8 * f0);
      }
      for (let trial = 0; trial < 50; trial++) {
        const du = Array.from(normals(25, { seed: 5, set: i, trial }), (z) => 1e-3 * z);
        expect(normAtLogScales(v, FIVE, du)).toBeGreaterThan(f0);
      }
    }
  });

  test('zeroes dead units, cascading, and leaves the function unchanged', () => {
    const shape: Shape = { layers: 3, units: 4, inputs: 1, outputs: 1 };
    const v = randomNetworks(shape, 1, 0.5, 6);
    const net = unpack(v, shape);
    // Layer 1 unit 0: no input and no bias. Layer 1 unit 2: never read. Layer 2 unit 1: fed only by layer 1's
    // unit 0, so it dies once that unit's outgoing weights are zeroed.
    net.w[0][0] = [0];
    net.b[0][0] = 0;
    net.w[1].forEach((row) => {
      row[2] = 0;
    });
    net.w[1][1] = [5, 0, 0, 0];
    net.b[1][1] = 0;
    const original = pack(net);
    const r = symmetrize(original, shape);
    expect(Array.from(r.dead)).toEqual([1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    for (const a of [0, 2, 5]) expect(r.scales[a]).toBe(1);
    expect(maxRelative(outputs(r.params, shape), outputs(original, shape))).toBeLessThan(1e-12);
    const out = unpack(r.params, shape);
    // Dead units carry zero norm, so they sort first in their layers and hold only zeros.
    for (const [l, j] of [
      [0, 0],
      [0, 1],
      [1, 0],
    ]) {
      expect(out.w[l][j].every((w) => w === 0) && out.b[l][j] === 0).toBe(true);
      expect(out.w[l + 1].every((row) => row[j] === 0)).toBe(true);
    }
    expect(r.imbalance[0]).toBeLessThanOrEqual(1e-14);
  });

  test('ties in norm are broken by the incoming weights, the same way from any orbit element', () => {
    // One hidden layer; units (w, b) = (3, 4), (4, 3), (−4, 3): all of norm 5 and balanced by outgoing ±5.
    const shape: Shape = { layers: 1, units: 3, inputs: 1, outputs: 1 };
    const v = Float64Array.from([4, -4, 3, 3, 3, 4, 5, -5, 5, 0.25]);
    const ref = symmetrize(v, shape);
    expect(Array.from(ref.params)).toEqual([-4, 3, 4, 3, 4, 3, -5, 5, 5, 0.25]);
    for (let trial = 0; trial < 20; trial++) {
      const moved = randomGroupElement(v, shape, 1, 900 + trial);
      expect(maxRelative(symmetrize(moved, shape).params, ref.params)).toBeLessThan(1e-13);
    }
  });

  test('batched equals one at a time, bit for bit', () => {
    for (const i of [0, 7, 39]) {
      const one = symmetrize(nets.slice(i * p, (i + 1) * p), FIVE, 1);
      expect(one.params).toEqual(result.params.slice(i * p, (i + 1) * p));
      expect(one.scales).toEqual(result.scales.slice(i * 25, (i + 1) * 25));
      expect(one.permutations).toEqual(result.permutations.slice(i * 25, (i + 1) * 25));
    }
  });

  test('networks of huge or tiny weights are handled without overflow', () => {
    const one = nets.slice(0, p);
    const ref = result.params.subarray(0, p);
    for (const factor of [1e200, 1e-200]) {
      const r = symmetrize(one.map((w) => w * factor), FIVE);
      expect(maxRelative(r.params, ref.map((w) => w * factor))).toBeLessThan(1e-13);
    }
  });

  test('does not modify its input', () => {
    const copy = nets.slice();
    symmetrize(nets, FIVE);
    expect(nets).toEqual(copy);
  });

  test('bad input gets coded errors', () => {
    expectCode(() => symmetrize(new Float64Array(135), FIVE), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => symmetrize(new Float64Array(0), FIVE), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => symmetrize(new Float64Array(272), FIVE, 3), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => symmetrize(new Float64Array(272), FIVE, 0), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => symmetrize(Array(136).fill(1) as never, FIVE), 'ERR_INVALID_ARG_TYPE');
    for (const bad of [NaN, Infinity, -Infinity]) {
      const v = new Float64Array(272).fill(1);
      v[200] = bad;
      let caught: unknown;
      try {
        symmetrize(v, FIVE);
      } catch (err) {
        caught = err;
      }
      expect((caught as SloppyError).code).toBe('ERR_INVALID_ARG_VALUE');
      expect((caught as SloppyError).details).toEqual({ row: 1, column: 64 });
    }
    expectCode(() => symmetrize(new Float64Array(136), { layers: 5, units: 0 }), 'ERR_INVALID_ARG_VALUE');
    expectCode(() => symmetrize(new Float64Array(136), { layers: 5, units: 5, depth: 3 } as never), 'ERR_UNKNOWN_OPTION');
  });
});
