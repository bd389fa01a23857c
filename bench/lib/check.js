'use strict';
// Whether the JAX peer computes sloppy's numbers: both sides evaluate the same rows on the same noise (sloppy's
// Philox normals, handed to the peer), and we report the largest absolute differences of statistics and
// gradients next to the largest magnitudes, so the reader can judge them against double precision.
const { runJob } = require('./peer');

function noiseFor(sloppy, rows, steps, perStep, seed) {
  const xi = [];
  for (let set = 0; set < rows; ++set) {
    const path = [];
    for (let step = 0; step < steps; ++step) {
      path.push(perStep > 0 ? Array.from(sloppy.normals(perStep, { seed, set, trial: 0, step })) : []);
    }
    xi.push(path);
  }
  return xi;
}

function maxAbs(values) {
  return values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

function maxAbsDiff(a, b) {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

async function checkPeer(sloppy, model, z, rows, { options, describe, steps }) {
  const seed = 1;
  const params = sloppy.models.get(model).params.length;
  const zRows = z.subarray(0, rows * params);
  const ours = await sloppy.statistics(model, zRows, { grad: true, seed, options, device: 'cpu' });
  const xi = noiseFor(sloppy, rows, describe.statsNeedPath ? steps : 0, describe.noisePerStep, seed);
  const zList = Array.from({ length: rows }, (_, i) => Array.from(zRows.subarray(i * params, (i + 1) * params)));
  const theirs = runJob({ mode: 'check', model, options, z: zList, xi }, 600);
  const stats = theirs.stats.flat();
  const grad = theirs.grad.flat(2);
  return {
    rows,
    options,
    sharedNoise: describe.noisePerStep > 0,
    maxAbsStats: maxAbs(ours.stats),
    maxAbsDiffStats: maxAbsDiff(ours.stats, stats),
    maxAbsGrad: maxAbs(ours.grad),
    maxAbsDiffGrad: maxAbsDiff(ours.grad, grad),
  };
}

module.exports = { checkPeer };
