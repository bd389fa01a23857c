/** Central differences for checking exact derivatives: the largest deviation relative to the largest entry. */
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
