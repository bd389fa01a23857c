/**
 * What lies between a band's images: energies on the straight segments joining them, and new images where those
 * segments rise above both of their ends. On a network's loss the straight segments cut through the walls of
 * sharply curved valleys (the seed's "interpolated points have much larger loss"), so the images alone can make a
 * path look lower than any path through those points really is.
 * @packageDocumentation
 */
import { checkBatch, Energy } from './energy';
import { BandState, distance } from './neb-forces';

/** The energy along a band at its images and at `perSegment` evenly spaced points inside every segment. */
export interface DenseProfile {
  /** Distance along the polygon through the images, from the start: (n − 1)(perSegment + 1) + 1 points. */
  s: Float64Array;
  /** The energy at each of those points; the images sit at every (perSegment + 1)-th entry. */
  energy: Float64Array;
  /** Segments (j joins images j and j + 1) with an inner point above both of their images. */
  risesAbove: number[];
}

/** Evaluates the dense profiles of all bands in one energy call, counted in `counter`. */
export async function denseProfiles(
  energy: Energy,
  bands: BandState[],
  perSegment: number,
  counter: { points: number; calls: number },
  signal?: AbortSignal,
): Promise<DenseProfile[]> {
  const dim = energy.dim;
  const inner = bands.reduce((sum, b) => sum + (b.n - 1) * perSegment, 0);
  const points = new Float64Array(inner * dim);
  let row = 0;
  for (const b of bands) {
    for (let j = 0; j + 1 < b.n; ++j) {
      for (let q = 1; q <= perSegment; ++q) {
        const w = q / (perSegment + 1);
        for (let d = 0; d < dim; ++d) points[row * dim + d] = (1 - w) * b.x[j * dim + d] + w * b.x[(j + 1) * dim + d];
        ++row;
      }
    }
  }
  const batch = await energy.evaluate(points, inner, signal);
  checkBatch(batch, inner, dim);
  counter.points += inner;
  counter.calls += 1;
  row = 0;
  return bands.map((b) => {
    const total = (b.n - 1) * (perSegment + 1) + 1;
    const s = new Float64Array(total);
    const e = new Float64Array(total);
    const risesAbove: number[] = [];
    for (let j = 0; j + 1 < b.n; ++j) {
      const segment = distance(b.x, j + 1, j, dim);
      const at = j * (perSegment + 1);
      e[at] = b.energy[j];
      let rises = false;
      for (let q = 1; q <= perSegment; ++q) {
        s[at + q] = s[at] + (segment * q) / (perSegment + 1);
        e[at + q] = batch.energy[row++];
        rises ||= e[at + q] > Math.max(b.energy[j], b.energy[j + 1]);
      }
      s[at + perSegment + 1] = s[at] + segment;
      if (rises) risesAbove.push(j);
    }
    e[total - 1] = b.energy[b.n - 1];
    return { s, energy: e, risesAbove };
  });
}

/**
 * Puts a new image at the highest inner point of every segment whose profile rises more than `tolerance` above
 * both of its images; a split spring's constant goes to both halves. Returns how many images were added.
 * The new images' energies are not known yet: the next relaxation evaluates them first.
 */
export function insertImages(b: BandState, profile: DenseProfile, perSegment: number, dim: number, tolerance: number): number {
  const added: { after: number; w: number }[] = [];
  for (const j of profile.risesAbove) {
    let best = -Infinity;
    let at = 0;
    for (let q = 1; q <= perSegment; ++q) {
      const e = profile.energy[j * (perSegment + 1) + q];
      if (e > best) [best, at] = [e, q];
    }
    if (best > Math.max(b.energy[j], b.energy[j + 1]) + tolerance) added.push({ after: j, w: at / (perSegment + 1) });
  }
  if (added.length === 0) return 0;
  const n = b.n + added.length;
  const x = new Float64Array(n * dim);
  const energy = new Float64Array(n);
  const springs = b.springs === null ? null : new Float64Array(n - 1);
  let row = 0;
  let next = 0;
  for (let j = 0; j < b.n; ++j) {
    x.set(b.x.subarray(j * dim, (j + 1) * dim), row * dim);
    energy[row] = b.energy[j];
    if (springs !== null && j + 1 < b.n) springs[row] = b.springs![j];
    ++row;
    if (next < added.length && added[next].after === j) {
      const { w } = added[next++];
      for (let d = 0; d < dim; ++d) x[row * dim + d] = (1 - w) * b.x[j * dim + d] + w * b.x[(j + 1) * dim + d];
      if (springs !== null) springs[row] = b.springs![j];
      ++row;
    }
  }
  Object.assign(b, { n, x, energy, springs, gradient: new Float64Array(n * dim), force: new Float64Array(n * dim), climb: -1 });
  return added.length;
}
