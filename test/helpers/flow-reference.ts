import { FlowSpec } from '../../lib/flow/flow';

/**
 * The real NVP flow written again from its definition (native/flow/layout.h), one sample at a time in plain
 * numbers, as an independent reference for the native passes. The whole batch goes through each stage before
 * the next, so batch norm can take the batch's own statistics.
 */

/** Where each block of the flat weight vector starts. */
export function flowLayout(spec: FlowSpec) {
  const D = spec.dim;
  const d1 = Math.floor(D / 2);
  const d2 = D - d1;
  const layerShapes: [number, number][] = [];
  for (let l = 0; l <= spec.layers; ++l) {
    const rows = l === spec.layers ? 2 * d2 : spec.units;
    const cols = l === 0 ? d1 : spec.units;
    layerShapes.push([rows, cols]);
  }
  const mlp = layerShapes.reduce((n, [r, c]) => n + r * c + r, 0);
  const lu = spec.permutation === 'lu' ? D * D : 0;
  const bn = spec.batchNorm ? 2 * D : 0;
  const stage = (s: number) => (mlp + lu + bn) * s;
  const affine = stage(spec.stages - 1) + mlp;
  const moving = affine + (spec.postAffine ? 2 * D : 0);
  const bnLayers = spec.batchNorm ? spec.stages - 1 : 0;
  return {
    d1, d2, layerShapes, mlp, stage, lu: (s: number) => stage(s) + mlp, bn: (s: number) => stage(s) + mlp + lu,
    affine, moving, size: moving + 2 * D * bnLayers, bnLayers,
  };
}

/** Batch norm's statistics of one layer. */
export interface LayerStats {
  mean: number[];
  variance: number[];
}

const log2Pi = Math.log(2 * Math.PI);
const logSigmoid = (h: number) => Math.min(h, 0) - Math.log1p(Math.exp(-Math.abs(h)));
const softplus = (h: number) => Math.max(h, 0) + Math.log1p(Math.exp(-Math.abs(h)));

// The support bijector of coordinate i: [z, log dz/dh].
function support(spec: FlowSpec, i: number, h: number): [number, number] {
  const lb = spec.lower[i];
  const ub = spec.upper[i];
  const lo = Number.isFinite(lb);
  const hi = Number.isFinite(ub);
  if (lo && hi && spec.support === 'sigmoid') {
    return [lb + (ub - lb) / (1 + Math.exp(-h)), Math.log(ub - lb) + logSigmoid(h) + logSigmoid(-h)];
  }
  if (lo && hi) return [(ub + lb) / 2 + ((ub - lb) / 2) * Math.tanh(h), Math.log((ub - lb) / 2) + Math.log1p(-(Math.tanh(h) ** 2))];
  if (lo) return [lb + softplus(h), logSigmoid(h)];
  if (hi) return [ub - softplus(h), logSigmoid(h)];
  return [h, 0];
}

/**
 * Base points x (n rows of dim) through the flow with weights w and permutations perm: z, log q and the
 * statistics each batch-norm layer used — the batch's mean and biased variance with `bn: 'batch'`, the
 * moving ones stored at the end of w with `bn: 'moving'`.
 */
export function referenceForward(
  spec: FlowSpec,
  w: ArrayLike<number>,
  perm: ArrayLike<number>,
  x: number[][],
  bn: 'batch' | 'moving',
): { z: number[][]; logq: number[]; stats: LayerStats[] } {
  const D = spec.dim;
  const L = flowLayout(spec);
  const eps = spec.batchNormEpsilon;
  let h = x.map((r) => [...r]);
  const ldj = x.map(() => 0);
  const stats: LayerStats[] = [];
  for (let s = 0; s < spec.stages; ++s) {
    h = h.map((row, n) => {
      let a = row.slice(0, L.d1);
      let off = L.stage(s);
      L.layerShapes.forEach(([rows, cols], l) => {
        const out = Array.from({ length: rows }, (_, j) => {
          let acc = w[off + rows * cols + j];
          for (let k = 0; k < cols; ++k) acc += w[off + j * cols + k] * a[k];
          return l < spec.layers ? Math.max(acc, 0) : acc;
        });
        off += rows * cols + rows;
        a = out;
      });
      const y = [...row];
      for (let i = 0; i < L.d2; ++i) {
        y[L.d1 + i] = row[L.d1 + i] * Math.exp(a[L.d2 + i]) + a[i];
        ldj[n] += a[L.d2 + i];
      }
      if (s === spec.stages - 1) return y;
      let mixed = y;
      if (spec.permutation === 'lu') {
        const M = (i: number, j: number) => w[L.lu(s) + i * D + j];
        const u = y.map((_, i) => y.reduce((acc, v, j) => (j >= i ? acc + M(i, j) * v : acc), 0));
        mixed = u.map((_, i) => u.reduce((acc, v, j) => (j < i ? acc + M(i, j) * v : acc), u[i]));
        for (let i = 0; i < D; ++i) ldj[n] += Math.log(Math.abs(M(i, i)));
      }
      return mixed.map((_, i) => mixed[perm[s * D + i]]);
    });
    if (!spec.batchNorm || s === spec.stages - 1) continue;
    const N = h.length;
    const layer: LayerStats =
      bn === 'moving'
        ? {
            mean: Array.from({ length: D }, (_, i) => w[L.moving + 2 * D * s + i]),
            variance: Array.from({ length: D }, (_, i) => w[L.moving + 2 * D * s + D + i]),
          }
        : (() => {
            const mean = Array.from({ length: D }, (_, i) => h.reduce((acc, r) => acc + r[i], 0) / N);
            return { mean, variance: mean.map((m, i) => h.reduce((acc, r) => acc + (r[i] - m) ** 2, 0) / N) };
          })();
    stats.push(layer);
    const gamma = (i: number) => w[L.bn(s) + i];
    const beta = (i: number) => w[L.bn(s) + D + i];
    let layerLdj = 0;
    for (let i = 0; i < D; ++i) layerLdj += Math.log(Math.abs(gamma(i))) - 0.5 * Math.log(layer.variance[i] + eps);
    h = h.map((row, n) => {
      ldj[n] += layerLdj;
      return row.map((v, i) => (gamma(i) * (v - layer.mean[i])) / Math.sqrt(layer.variance[i] + eps) + beta(i));
    });
  }
  const z = h.map((row, n) =>
    row.map((v, i) => {
      let u = v;
      if (spec.postAffine) {
        u = w[L.affine + i] * v + w[L.affine + D + i];
        ldj[n] += Math.log(Math.abs(w[L.affine + i]));
      }
      const [zi, logd] = support(spec, i, u);
      ldj[n] += logd;
      return zi;
    }),
  );
  const logq = x.map((r, n) => r.reduce((acc, v) => acc - 0.5 * v * v - 0.5 * log2Pi, 0) - ldj[n]);
  return { z, logq, stats };
}
