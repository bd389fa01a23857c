import { statistics, SimulateOptions } from '../../lib';

/**
 * Central differences (f(z + h·e_j) − f(z − h·e_j)) / 2h of every statistic with respect to every parameter,
 * with common random numbers: each evaluation is one parameter set at the same set index and seed, so it
 * sees the same noise. Returned stats × params, row-major, like a result's `grad`.
 */
export async function centralDifferences(
  model: string,
  z: number[],
  h: number,
  opts: Omit<SimulateOptions, 'grad' | 'trajectories' | 'batchOffset'>,
): Promise<Float64Array> {
  const shifted = (j: number, sign: number) => z.map((v, i) => (i === j ? v + sign * h : v));
  const runs = await Promise.all(
    z.flatMap((_, j) => [statistics(model, [shifted(j, 1)], opts), statistics(model, [shifted(j, -1)], opts)]),
  );
  const stats = runs[0].shape.stats;
  const fd = new Float64Array(stats * z.length);
  for (let j = 0; j < z.length; ++j) {
    for (let s = 0; s < stats; ++s) fd[s * z.length + j] = (runs[2 * j].stats[s] - runs[2 * j + 1].stats[s]) / (2 * h);
  }
  return fd;
}

/**
 * Central differences of any function against its exact derivatives (rows: one per coordinate of `point`): the
 * largest deviation relative to the largest exact entry.
 */
export async function maxRelativeError(
  exact: ArrayLike<number>,
  point: Float64Array,
  evaluate: (x: Float64Array) => Promise<ArrayLike<number>> | ArrayLike<number>,
  step: (i: number) => number,
): Promise<number> {
  const width = exact.length / point.length;
  let err = 0;
  let scale = 0;
  for (let i = 0; i < point.length; ++i) {
    const h = step(i);
    const up = Float64Array.from(point);
    const down = Float64Array.from(point);
    up[i] += h;
    down[i] -= h;
    const [a, b] = [await evaluate(up), await evaluate(down)];
    for (let j = 0; j < width; ++j) {
      err = Math.max(err, Math.abs((a[j] - b[j]) / (2 * h) - exact[i * width + j]));
      scale = Math.max(scale, Math.abs(exact[i * width + j]));
    }
  }
  return err / scale;
}
