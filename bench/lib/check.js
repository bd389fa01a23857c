'use strict';
// Whether the JAX peer computes sloppy's numbers: both sides evaluate the same rows on the same noise (sloppy's
// Philox draws, handed to the peer), and we report the largest absolute differences of statistics and
// gradients next to the largest magnitudes, so the reader can judge them against double precision.
const { runJob } = require('./peer');

// sloppy's uniform_open0 (native/core/philox.h) of the Philox blocks PathRng::uniforms draws (native/core/rng.h):
// the public API exposes the generator but not its uniforms.
function uniforms(sloppy, n, { seed, set, trial, step, stream }) {
  const out = [];
  for (let i = 0; i < n; i += 2) {
    const r = sloppy.philox([step, i / 2, (trial << 2) | stream, Math.floor(seed / 2 ** 32)], [seed >>> 0, set]);
    out.push((r[0] * 2 ** 21 + (r[1] >>> 11) + 1) / 2 ** 53, (r[2] * 2 ** 21 + (r[3] >>> 11) + 1) / 2 ** 53);
  }
  return out.slice(0, n);
}

// rows × steps × n draws of one stream, trial 0, as the model sees them at each counter step.
function drawsFor(sloppy, rows, { stream = 'dynamics', kind = 'normals', steps, n }, seed) {
  const where = { seed, trial: 0, stream: sloppy.Stream[stream[0].toUpperCase() + stream.slice(1)] };
  const draw = kind === 'uniforms' ? (set, step) => uniforms(sloppy, n, { ...where, set, step })
    : (set, step) => Array.from(sloppy.normals(n, { ...where, set, step }));
  return Array.from({ length: rows }, (_, set) =>
    Array.from({ length: steps }, (__, step) => (n > 0 ? draw(set, step) : [])));
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
  const xi = drawsFor(sloppy, rows, { steps: describe.statsNeedPath ? steps : 0, n: describe.noisePerStep }, seed);
  const draws = Object.fromEntries(Object.entries(describe.draws ?? {}).map(([name, d]) => [name,
    drawsFor(sloppy, rows, d, seed)]));
  const zList = Array.from({ length: rows }, (_, i) => Array.from(zRows.subarray(i * params, (i + 1) * params)));
  const theirs = runJob({ mode: 'check', model, options, z: zList, xi, draws }, 600);
  const stats = theirs.stats.flat();
  const grad = theirs.grad.flat(2);
  return {
    rows,
    options,
    sharedNoise: describe.noisePerStep > 0 || Object.keys(draws).length > 0,
    maxAbsStats: maxAbs(ours.stats),
    maxAbsDiffStats: maxAbsDiff(ours.stats, stats),
    maxAbsGrad: maxAbs(ours.grad),
    maxAbsDiffGrad: maxAbsDiff(ours.grad, grad),
  };
}

module.exports = { checkPeer };
