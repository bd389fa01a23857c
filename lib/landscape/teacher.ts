/**
 * Teachers of the landscape study: K × (N₁ + N₂) ReLU networks whose output a network of the same size
 * represents exactly but training never finds. N₁ units per layer compose a zigzag map into a sawtooth of
 * N₁^K linear pieces; N₂ units carry a low-frequency linear spline built in the first layer and passed on by
 * the identity (ReLU of a non-negative value); the output is their sum, with zero weights between the blocks.
 *
 * The zigzag of N₁ teeth on [0, 1] is Z(t) = Σⱼ cⱼ·relu(t − j/N₁) with c₀ = N₁ and cⱼ = ±2N₁ alternating, so
 * it rises and falls with slope ±N₁ between 0 and 1; for N₁ = 2 it is the tent map T(t) = 2·relu(t) − 4·relu(t − ½).
 * The default is the 5 × (2+3) network of the reference notes: A·T⁵(x) with A = 0.25 (32 pieces, knots at
 * k/32) plus relu(7/32 − x), relu(x − 14/32), relu(x − 23/32) weighted −3, −1.5, 2.5 (slopes +3, 0, −1.5, +1).
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { finiteNumber, integer, knownKeys } from '../validate';
import { NetworkShape, parameterLayout } from './layout';

/** One spline unit: relu(direction·(x − knot)), entering the output with `weight`. */
export interface SplineUnit {
  knot: number;
  direction: 1 | -1;
  weight: number;
}

/** Options of {@link teacher}. */
export interface TeacherOptions {
  /** Hidden layers K. Default 5. */
  layers?: number;
  /** Sawtooth units per layer N₁ ≥ 2 (teeth of the zigzag). Default 2. */
  sawtooth?: number;
  /** Sawtooth amplitude A. Default 0.25. */
  amplitude?: number;
  /** The spline block's units; knots must lie in (0, 1). Default: the 5 × (2+3) spline when N₁ = 2, else none. */
  spline?: SplineUnit[];
}

/** A teacher network and its training set. */
export interface Teacher {
  shape: NetworkShape;
  /** The network's parameters (the layout of {@link parameterLayout}). */
  params: Float64Array;
  /** Every knot of the teacher's output in [0, 1), ascending (the sawtooth's k/N₁^K and the spline's). */
  knots: Float64Array;
  /** The training set: each knot's segment's left end plus 9 equally spaced interior points, with the teacher's outputs. */
  x: Float64Array;
  y: Float64Array;
  /** Linear pieces of the sawtooth alone on [0, 1]: N₁^K. */
  sawtoothPieces: number;
}

/** The spline of the reference 5 × (2+3) teacher. */
export const DEFAULT_SPLINE: readonly SplineUnit[] = Object.freeze([
  { knot: 7 / 32, direction: -1, weight: -3 },
  { knot: 14 / 32, direction: 1, weight: -1.5 },
  { knot: 23 / 32, direction: 1, weight: 2.5 },
]);

/** The spline this package chose for the 5 × (3+2) teacher of Fig. 13, whose weights the paper does not give. */
export const SPLINE_3_2: readonly SplineUnit[] = Object.freeze([
  { knot: 1 / 3, direction: -1, weight: -2 },
  { knot: 2 / 3, direction: 1, weight: 2 },
]);

/** Points on each segment between knots: its left end and this many interior points minus one. */
const POINTS_PER_SEGMENT = 10;

function zigzagCoefficient(j: number, teeth: number): number {
  return j === 0 ? teeth : (j % 2 === 1 ? -2 : 2) * teeth;
}

/**
 * Builds a K × (N₁ + N₂) teacher: `teacher()` is the default 5 × (2+3) network (320 training points),
 * `teacher({ sawtooth: 5 })` the 5 × (5+0) sawtooth of 3125 pieces, `teacher({ sawtooth: 3, spline: SPLINE_3_2 })`
 * a 5 × (3+2) model.
 */
export function teacher(opts: TeacherOptions = {}): Teacher {
  knownKeys(opts, ['layers', 'sawtooth', 'amplitude', 'spline'], 'teacher option');
  const layers = integer(opts.layers ?? 5, 'layers', 1, 16);
  const teeth = integer(opts.sawtooth ?? 2, 'sawtooth', 2, 64);
  const amplitude = finiteNumber(opts.amplitude ?? 0.25, 'amplitude');
  const spline = opts.spline ?? (teeth === 2 ? DEFAULT_SPLINE : []);
  spline.forEach((u, k) => {
    if (!(u.knot > 0 && u.knot < 1) || (u.direction !== 1 && u.direction !== -1) || !Number.isFinite(u.weight)) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `spline[${k}] needs a knot in (0, 1), direction ±1 and a finite weight`);
    }
  });
  const units = teeth + spline.length;
  if (units > 64) throw new SloppyError('ERR_OUT_OF_BOUNDS', `${units} units per layer; at most 64`);
  const layout = parameterLayout({ layers, units });
  const { shape } = layout;
  const params = new Float64Array(layout.count);
  const w = (l: number, i: number, j: number, v: number): void => {
    params[layout.weightOffsets[l] + i * layout.widths[l] + j] = v;
  };
  const b = (l: number, i: number, v: number): void => {
    params[layout.biasOffsets[l] + i] = v;
  };
  for (let l = 0; l < layers; l++) {
    for (let i = 0; i < teeth; i++) {
      // Unit i of layer l computes relu(Z(previous) − i/N₁), Z the zigzag of the previous layer's units.
      if (l === 0) w(0, i, 0, 1);
      else for (let j = 0; j < teeth; j++) w(l, i, j, zigzagCoefficient(j, teeth));
      b(l, i, -i / teeth);
    }
    spline.forEach((u, k) => {
      const i = teeth + k;
      if (l === 0) {
        w(0, i, 0, u.direction);
        b(0, i, -u.direction * u.knot);
      } else {
        w(l, i, i, 1);
      }
    });
  }
  for (let j = 0; j < teeth; j++) w(layers, 0, j, amplitude * zigzagCoefficient(j, teeth));
  spline.forEach((u, k) => w(layers, 0, teeth + k, u.weight));

  const sawtoothPieces = teeth ** layers;
  const knotSet = new Set<number>();
  for (let k = 0; k < sawtoothPieces; k++) knotSet.add(k / sawtoothPieces);
  for (const u of spline) knotSet.add(u.knot);
  const knots = Float64Array.from([...knotSet].sort((p, q) => p - q));
  const x = new Float64Array(knots.length * POINTS_PER_SEGMENT);
  knots.forEach((left, k) => {
    const right = k + 1 < knots.length ? knots[k + 1] : 1;
    for (let i = 0; i < POINTS_PER_SEGMENT; i++) x[k * POINTS_PER_SEGMENT + i] = left + ((right - left) * i) / POINTS_PER_SEGMENT;
  });
  const y = x.map((xi) => teacherOutput(xi, layers, teeth, amplitude, spline));
  return { shape, params, knots, x, y, sawtoothPieces };
}

/** The teacher's function in closed form (zigzag composed K times plus the spline), independent of its weights. */
function teacherOutput(x: number, layers: number, teeth: number, amplitude: number, spline: readonly SplineUnit[]): number {
  let t = x;
  for (let l = 0; l < layers; l++) {
    // Z on [0, 1]: N₁ teeth of slope ±N₁, rising first.
    const u = t * teeth;
    const k = Math.min(Math.floor(u), teeth - 1);
    const frac = u - k;
    t = k % 2 === 0 ? frac : 1 - frac;
  }
  let y = 0;
  for (const s of spline) y += s.weight * Math.max(0, s.direction * (x - s.knot));
  return amplitude * t + y;
}
