/**
 * The geometry of one band: the improved tangent of Henkelman & Jónsson (J. Chem. Phys. 113, 9978, 2000), the NEB
 * force with its climbing image, and the equal-arc-length re-spacing that replaces springs when k = ∞.
 * @packageDocumentation
 */

/** One band's state: n images (endpoints included) of dim coordinates, row-major, and what was computed there. */
export interface BandState {
  n: number;
  x: Float64Array;
  energy: Float64Array;
  gradient: Float64Array;
  /** Spring constants, n − 1 of them (springs[j] joins images j and j + 1); null when k = ∞. */
  springs: Float64Array | null;
  /** The climbing image's index, or −1 while no image climbs. */
  climb: number;
  /** The NEB force, n × dim; the endpoint rows stay zero so that the movable rows are one contiguous view. */
  force: Float64Array;
  /** The largest NEB force norm over the movable images. */
  maxForce: number;
}

// The improved tangent: along the uphill neighbour, so that kinks do not form where the energy varies fast
// along the path; at extrema of the energy, a blend weighted by the energy differences, so the tangent turns
// smoothly as an image passes an extremum.
function tangent(b: BandState, i: number, dim: number, t: Float64Array): void {
  const { x, energy: e } = b;
  const up = e[i + 1] - e[i];
  const down = e[i - 1] - e[i];
  let wPlus: number;
  let wMinus: number;
  if (up > 0 && down < 0) [wPlus, wMinus] = [1, 0];
  else if (up < 0 && down > 0) [wPlus, wMinus] = [0, 1];
  else {
    const big = Math.max(Math.abs(up), Math.abs(down));
    const small = Math.min(Math.abs(up), Math.abs(down));
    [wPlus, wMinus] = e[i + 1] > e[i - 1] ? [big, small] : [small, big];
  }
  let norm = 0;
  for (let d = 0; d < dim; ++d) {
    const plus = x[(i + 1) * dim + d] - x[i * dim + d];
    const minus = x[i * dim + d] - x[(i - 1) * dim + d];
    t[d] = wPlus * plus + wMinus * minus;
    norm += t[d] * t[d];
  }
  // A flat stretch with equal energies gives no weights; the chord of the neighbours is the natural tangent.
  if (norm === 0) {
    for (let d = 0; d < dim; ++d) {
      t[d] = x[(i + 1) * dim + d] - x[(i - 1) * dim + d];
      norm += t[d] * t[d];
    }
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let d = 0; d < dim; ++d) t[d] *= scale;
}

/** The distance between images i and j of the stacked images x. */
export function distance(x: Float64Array, i: number, j: number, dim: number): number {
  let s = 0;
  for (let d = 0; d < dim; ++d) s += (x[i * dim + d] - x[j * dim + d]) ** 2;
  return Math.sqrt(s);
}

/** Fills `b.force` and `b.maxForce` from the energies and gradients at the current images. */
export function nebForces(b: BandState, dim: number): void {
  const t = new Float64Array(dim);
  const { gradient: g, force: f, springs } = b;
  b.maxForce = 0;
  for (let i = 1; i < b.n - 1; ++i) {
    tangent(b, i, dim, t);
    let gt = 0;
    for (let d = 0; d < dim; ++d) gt += g[i * dim + d] * t[d];
    // The climbing image feels the true force with its component along the path reversed and no springs;
    // the others feel the true force across the path and the springs along it.
    let along = gt;
    if (i === b.climb) along = 2 * gt;
    else if (springs !== null) along += springs[i] * distance(b.x, i + 1, i, dim) - springs[i - 1] * distance(b.x, i, i - 1, dim);
    let norm = 0;
    for (let d = 0; d < dim; ++d) {
      const v = -g[i * dim + d] + along * t[d];
      f[i * dim + d] = v;
      norm += v * v;
    }
    b.maxForce = Math.max(b.maxForce, Math.sqrt(norm));
  }
}

/**
 * k = ∞: moves the images to equal arc length along the polygon through them, string-method style, keeping the
 * climbing image fixed and spacing each side of it on its own (the climbing string method), so that the
 * climbing image may sit anywhere along the path. An already evenly spaced polygon is left exactly as it is.
 */
export function respace(b: BandState, dim: number): void {
  const cuts = b.climb > 0 ? [0, b.climb, b.n - 1] : [0, b.n - 1];
  const old = Float64Array.from(b.x);
  for (let p = 0; p + 1 < cuts.length; ++p) {
    const [first, last] = [cuts[p], cuts[p + 1]];
    const length = [0];
    for (let j = first + 1; j <= last; ++j) length.push(length[length.length - 1] + distance(old, j, j - 1, dim));
    const total = length[length.length - 1];
    let seg = 0;
    for (let i = first + 1; i < last; ++i) {
      const target = (total * (i - first)) / (last - first);
      while (seg < length.length - 2 && length[seg + 1] < target) ++seg;
      const span = length[seg + 1] - length[seg];
      const w = span > 0 ? (target - length[seg]) / span : 0;
      const [from, to] = [first + seg, first + seg + 1];
      for (let d = 0; d < dim; ++d) b.x[i * dim + d] = (1 - w) * old[from * dim + d] + w * old[to * dim + d];
    }
  }
}
