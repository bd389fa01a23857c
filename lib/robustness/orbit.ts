/**
 * Distances to a limit cycle known by a sampled orbit. The distance of a state to the cycle is taken to the
 * polyline through the samples, not to the nearest sample: a pushed path comes back onto the cycle at any
 * phase, in general between two samples, where the nearest sample is up to half a step's travel away.
 * @packageDocumentation
 */

function gap(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, dim: number): number {
  let s2 = 0;
  for (let c = 0; c < dim; ++c) s2 += (a[i + c] - b[j + c]) ** 2;
  return Math.sqrt(s2);
}

/**
 * The first `period + 2` samples of `path` (samples × dim, row-major), so that the polyline through them
 * closes one period; the whole path when it has no period of at most half its length. The period is the
 * first shift k by which the path matches itself for a whole period, every sample within its own travel of a
 * step (the period falls between samples, so a shifted sample lags or leads by less than one step).
 */
export function onePeriod(path: Float64Array, dim: number): Float64Array {
  const n = path.length / dim;
  const step = Float64Array.from({ length: n }, (_, j) =>
    Math.max(j > 0 ? gap(path, j * dim, path, (j - 1) * dim, dim) : 0, j + 1 < n ? gap(path, (j + 1) * dim, path, j * dim, dim) : 0));
  const matches = (k: number) => {
    for (let j = 0; j <= k; ++j) if (gap(path, (j + k) * dim, path, j * dim, dim) > step[j]) return false;
    return true;
  };
  for (let k = 2; 2 * k < n; ++k) {
    if (gap(path, k * dim, path, 0, dim) <= step[0] && matches(k)) return path.slice(0, (k + 2) * dim);
  }
  return path;
}

/** Distance of the point at `x[i..]` to the segment from orbit sample k to k + 1. */
function segmentDistance(x: ArrayLike<number>, i: number, orbit: Float64Array, k: number, dim: number): number {
  const a = k * dim;
  const b = a + dim;
  let along = 0;
  let length2 = 0;
  for (let c = 0; c < dim; ++c) {
    const seg = orbit[b + c] - orbit[a + c];
    along += (x[i + c] - orbit[a + c]) * seg;
    length2 += seg * seg;
  }
  const t = length2 > 0 ? Math.min(1, Math.max(0, along / length2)) : 0;
  let d2 = 0;
  for (let c = 0; c < dim; ++c) d2 += (x[i + c] - orbit[a + c] - t * (orbit[b + c] - orbit[a + c])) ** 2;
  return Math.sqrt(d2);
}

/**
 * The distance of each of the first `count` samples of `path` (samples × dim) to the polyline through the
 * samples of `orbit`. Exact; fast because a segment is skipped while a lower bound on its distance (its last
 * computed distance less the path's travel since, the distance being 1-Lipschitz) exceeds the best so far.
 */
export function orbitDistances(path: Float64Array, count: number, orbit: Float64Array, dim: number): Float64Array {
  const segments = orbit.length / dim - 1;
  const out = new Float64Array(count);
  if (segments < 1) {
    for (let k = 0; k < count; ++k) out[k] = gap(path, k * dim, orbit, 0, dim);
    return out;
  }
  const bound = new Float64Array(segments);
  let nearest = 0;
  for (let k = 0; k < count; ++k) {
    const i = k * dim;
    if (k > 0) {
      const travel = gap(path, i, path, i - dim, dim);
      for (let s = 0; s < segments; ++s) bound[s] -= travel;
    }
    let best = segmentDistance(path, i, orbit, nearest, dim);
    bound[nearest] = best;
    for (let s = 0; s < segments; ++s) {
      if (bound[s] >= best) continue;
      const d = segmentDistance(path, i, orbit, s, dim);
      bound[s] = d;
      if (d < best) {
        best = d;
        nearest = s;
      }
    }
    out[k] = best;
  }
  return out;
}
