/**
 * Gauss–Legendre rules, for time integrals of filters built from decaying complex exponentials.
 * @packageDocumentation
 */

/** Nodes and weights of the `order`-point Gauss–Legendre rule on [−1, 1] (Newton on P_order). */
export function gaussLegendre(order: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(order);
  const weights = new Float64Array(order);
  for (let i = 0; i < order; ++i) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (order + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; ++iter) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= order; ++k) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k];
      dp = (order * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes[i] = x;
    weights[i] = 2 / ((1 - x * x) * dp * dp);
  }
  return { nodes, weights };
}
