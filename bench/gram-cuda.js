#!/usr/bin/env node
'use strict';
// `node bench/gram-cuda.js`: Gram-product throughput on the GPU against its FP32 roofline. sloppy's fisher.gram on
// device 'cuda' (G = A·Aᵀ, one triangle, A streamed through the device in column chunks) on float32 A accumulated in
// float (the roofline case) and in double, and on float64 A; each timed as a user calls it, one product of the
// whole of A from host memory, so the wall time includes staging A's chunks and the transfers both ways. Counted
// r(r+1)K flops. The FP32 peak is multiprocessors × FP32 lanes per multiprocessor × 2 × the peak clock, from
// backends(); the target is ≥ 70% of it on an H100. Where no GPU is usable it says so and measures nothing.
//   node bench/gram-cuda.js [--sizes 1000x100000,5000x40000,10000x20000] [--reps 3] [--out FILE]
const path = require('node:path');
const { finish, loadSloppy, ROOT } = require('./lib/setup');
const { describeMachine } = require('./lib/machine');
const { fmt } = require('./lib/table');

const TARGET = 0.7;

// FP32 lanes per multiprocessor by compute capability (the CUDA programming guide's arithmetic-throughput table).
function fp32Lanes(capability) {
  const [major, minor] = capability.split('.').map(Number);
  if (major === 8 && minor === 0) return 64;  // A100
  return major >= 8 ? 128 : 64;
}

function parseArgs(argv) {
  const args = { sizes: [[1000, 1e5], [5000, 4e4], [10000, 2e4]], reps: 3, out: path.join(__dirname, 'results', 'gram-cuda-latest.json') };
  for (let i = 0; i < argv.length; ++i) {
    const value = () => argv[++i];
    switch (argv[i]) {
      case '--sizes': args.sizes = value().split(',').map((s) => s.split('x').map(Number)); break;
      case '--reps': args.reps = Math.max(1, Number(value())); break;
      case '--out': args.out = path.resolve(value()); break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return args;
}

// a(i, k) = sin(i·K + k), as bench/gram.js generates it.
function matrix(rows, cols, Type) {
  const a = new Type(rows * cols);
  for (let i = 0; i < rows; ++i) for (let k = 0; k < cols; ++k) a[i * cols + k] = Math.sin(i * cols + k);
  return a;
}

async function timeGram(sloppy, a, rows, cols, float32Accumulation, reps) {
  const opts = { rows, cols, device: 'cuda', float32Accumulation };
  await sloppy.fisher.gram(a, opts);  // the first call creates the CUDA context and the device buffers
  const times = [];
  for (let r = 0; r < reps; ++r) {
    const start = process.hrtime.bigint();
    await sloppy.fisher.gram(a, opts);
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return { times, best: Math.min(...times) };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const [sloppy] = loadSloppy();
  const machine = describeMachine(ROOT, sloppy);
  const cuda = sloppy.backends().cuda;
  if (!cuda.available) {
    const why = `CUDA not measured: ${cuda.reason ?? 'not compiled'}`;
    console.log(why);
    finish(args, started, { line: `Gram products on the GPU: ${why}`, verdict: 'NOT MEASURED' }, [], { machine, rows: [] });
    return;
  }
  const device = cuda.devices[0];
  const peak = device.multiprocessors * fp32Lanes(device.computeCapability) * 2 * device.clockKHz * 1e3;
  console.log(`Gram products G = A·Aᵀ on ${device.name} (compute ${device.computeCapability}, ${device.multiprocessors} ` +
    `multiprocessors at ${fmt(device.clockKHz / 1e3)} MHz: FP32 peak ${fmt(peak / 1e12, 1)} TFLOP/s), one call per product, ` +
    `best of ${args.reps}; GFLOP/s counted r(r+1)K, wall time of the call (staging and transfers included)`);
  const header = ['input', 'sums in', 'r', 'K', 'seconds', 'GFLOP/s', 'of FP32 peak'];
  const line = (cells) => console.log(cells.map((c) => String(c).padStart(13)).join(''));
  line(header);
  const rows = [];
  for (const [r, K] of args.sizes) {
    for (const [input, Type, accumulations] of [['float32', Float32Array, [true, false]], ['float64', Float64Array, [false]]]) {
      const a = matrix(r, K, Type);
      for (const float32Accumulation of accumulations) {
        const t = await timeGram(sloppy, a, r, K, float32Accumulation, args.reps);
        const rate = (r * (r + 1) * K) / t.best;
        const row = { input, accumulate: float32Accumulation ? 'float' : 'double', rows: r, cols: K, ...t, rate,
          ofPeak: rate / peak };
        rows.push(row);
        line([input, row.accumulate, r, K, fmt(t.best), fmt(rate / 1e9, 1), `${(row.ofPeak * 100).toFixed(1)}%`]);
      }
    }
  }
  const roofline = rows.filter((row) => row.accumulate === 'float');
  const best = Math.max(...roofline.map((row) => row.ofPeak));
  const verdict = best >= TARGET ? 'PASS' : 'FAIL';
  const head = { target: TARGET, verdict, best,
    line: `Gram products on the GPU, float32 accumulated in float, best ${(best * 100).toFixed(1)}% of FP32 peak ` +
      `(target ≥ ${TARGET * 100}% on an H100): ${verdict}` };
  finish(args, started, head, [], { machine, device, fp32Peak: peak, rows });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
