'use strict';
// Gram-product throughput: sloppy's fisher.gram against numpy's A @ A.T (BLAS syrk) in the same run, in
// GFLOP/s counted as r(r+1)K (one triangle, multiply and add). Sizes are kept to what a 2-core machine runs
// in about a minute; pass --large for r up to 8 000 and K up to 10⁵.
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const sloppy = require('../dist');

const PYTHON = process.env.BENCH_PYTHON || 'python3';
const large = process.argv.includes('--large');
const sizes = large
  ? [[1000, 10000], [2000, 20000], [4000, 50000], [8000, 100000]]
  : [[500, 10000], [1000, 10000], [2000, 20000]];

function numpySeconds(rows, cols, dtype) {
  const child = spawnSync(PYTHON, [path.join(__dirname, 'fisher', 'numpy_gram.py')], {
    input: JSON.stringify({ rows, cols, reps: 3, dtype }),
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) return { error: (child.stderr || String(child.error)).trim().split('\n').pop() };
  return JSON.parse(child.stdout);
}

async function sloppySeconds(a, rows, cols) {
  await sloppy.fisher.gram(a, { rows, cols });
  let best = Infinity;
  for (let i = 0; i < 3; ++i) {
    const t = process.hrtime.bigint();
    await sloppy.fisher.gram(a, { rows, cols });
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return best;
}

async function main() {
  console.log('Gram products G = A·Aᵀ (CPU, all threads), GFLOP/s counted as r(r+1)K');
  console.log('type     r      K        sloppy GFLOP/s   numpy GFLOP/s   sloppy/numpy');
  for (const [rows, cols] of sizes) {
    for (const [label, Type, dtype] of [['float64', Float64Array, 'float64'], ['float32', Float32Array, 'float32']]) {
      const a = Type.from({ length: rows * cols }, (_, i) => Math.sin(i));
      const flops = rows * (rows + 1) * cols;
      const ours = flops / (await sloppySeconds(a, rows, cols)) / 1e9;
      const peer = numpySeconds(rows, cols, dtype);
      const theirs = peer.seconds ? flops / peer.seconds / 1e9 : NaN;
      const ratio = peer.seconds ? `${(ours / theirs).toFixed(2)}×` : `numpy unavailable: ${peer.error}`;
      console.log(`${label}  ${String(rows).padStart(5)}  ${String(cols).padStart(7)}  ${ours.toFixed(1).padStart(14)}  ${theirs.toFixed(1).padStart(14)}   ${ratio}`);
    }
  }
  console.log('(sloppy accumulates float32 input in double; numpy computes float32 products in float32)');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
