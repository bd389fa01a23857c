'use strict';
// The parameter sets every case runs on: uniform in a box of ±10 % of each parameter's range around the model's
// representative value (clipped to the bounds), from a fixed generator, so both sides and every run see the same
// rows. The box keeps every model in its well-behaved regime (e.g. ou's θ·dt < 2) while still varying the rows.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function sampleRows(params, rows, seed = 12345) {
  const next = mulberry32(seed);
  const z = new Float64Array(rows * params.length);
  for (let i = 0; i < rows; ++i) {
    params.forEach((p, j) => {
      const half = 0.1 * (p.upper - p.lower);
      const lo = Math.max(p.lower, p.value - half);
      const hi = Math.min(p.upper, p.value + half);
      z[i * params.length + j] = lo + (hi - lo) * next();
    });
  }
  return z;
}

module.exports = { sampleRows };
