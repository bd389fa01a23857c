#!/usr/bin/env node
'use strict';
// `node bench/gram.js`: Gram-product throughput on the CPU. sloppy's fisher.gram (G = A·Aᵀ, one triangle computed)
// against Eigen's general matrix product (the full square, bench/fisher/eigen_gemm_reference.cc, built for this
// machine) and numpy's A @ A.T (syrk), in the same run and on the same A: r rows, K columns, streamed in column
// chunks generated on the fly as a(i, j) = sin(i·K + j), so that no side ever holds all of A (15 000 × 10⁶ doubles
// would be 120 GB). The sides take turns chunk by chunk (sloppy, Eigen, numpy), so that on a shared machine all
// see about the same load; each side's time is the sum of its chunk products (generation untimed; sloppy and
// Eigen add into G inside the product, numpy's G += P is untimed), in wall and in CPU seconds: the machine this runs on is shared, and the CPU time a side's process
// spent is what the others' load disturbs least.
// sloppy and numpy are counted r(r+1)K flops (one triangle), the GEMM 2r²K (what it computes); the target
// is sloppy ≥ 80% of the best rate any peer reaches. A size runs its chunks until K, and passes over K again until
// sloppy's products reach `--min-seconds`, unless `--budget` seconds of them are spent first ("K timed": columns
// multiplied, all passes). Each size runs on float64 and on float32 A (`--dtypes`): Eigen and
// numpy compute a float32 product in float32, and so does sloppy (float32Accumulation), unless
// `--accumulate double` asks for its double accumulation of float32 input.
//   node bench/gram.js [--full] [--rows 1000,2000] [--cols 10000,100000] [--chunk 10000] [--budget 10] [--min-seconds 1]
//                      [--dtypes float64,float32] [--accumulate float|double] [--threads N] [--no-numpy] [--out FILE]
// The Eigen peer is built on request: npx cmake-js build --target eigen_gemm_reference
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const readline = require('node:readline');
const { finish, loadSloppy, ROOT } = require('./lib/setup');
const { describeMachine } = require('./lib/machine');
const { fmt } = require('./lib/table');

const PYTHON = process.env.BENCH_PYTHON || 'python3';
const NUMPY = path.join(__dirname, 'fisher', 'numpy_gram.py');
const EIGEN = path.join(ROOT, 'build', 'eigen_gemm_reference');
const TARGET = 0.8;

function parseArgs(argv) {
  const list = (v) => v.split(',').map(Number);
  const args = { rows: [1000, 2000, 4000], cols: [1e4, 1e5], chunk: 1e4, budget: 10, minSeconds: 1, threads: os.availableParallelism(),
    dtypes: ['float64', 'float32'], accumulate: 'float', numpy: true, out: path.join(__dirname, 'results', 'gram-latest.json') };
  for (let i = 0; i < argv.length; ++i) {
    const value = () => argv[++i];
    switch (argv[i]) {
      case '--full': Object.assign(args, { rows: [1000, 2000, 5000, 10000, 15000], cols: [1e4, 1e5, 1e6], budget: Infinity }); break;
      case '--rows': args.rows = list(value()); break;
      case '--cols': args.cols = list(value()); break;
      case '--chunk': args.chunk = Number(value()); break;
      case '--dtypes': args.dtypes = value().split(','); break;
      case '--accumulate': args.accumulate = value(); break;
      case '--budget': args.budget = Number(value()); break;
      case '--min-seconds': args.minSeconds = Number(value()); break;
      case '--threads': args.threads = Number(value()); break;
      case '--no-numpy': args.numpy = false; break;
      case '--out': args.out = path.resolve(value()); break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return args;
}

// Columns [first, first + width) of A, written into `into` when given (one buffer for all chunks keeps the
// garbage collector, whose threads count in sloppy's CPU time, out of the measurement).
function chunk(rows, cols, first, width, into, Type = Float64Array) {
  const a = into?.length === rows * width && into instanceof Type ? into : new Type(rows * width);
  for (let i = 0; i < rows; ++i) for (let k = 0; k < width; ++k) a[i * width + k] = Math.sin(i * cols + first + k);
  return a;
}

// A peer process: one chunk index per line in, one JSON line out per chunk, a last JSON line at end of input.
function startPeer(command, argv, threads) {
  // Passive OpenMP waiting: an idle peer's threads must not spin while the next side runs.
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), OMP_WAIT_POLICY: 'PASSIVE' };
  const child = spawn(command, argv, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const failed = new Promise((resolve) => child.on('error', (err) => resolve({ error: err.message })));
  const next = async () => {
    const line = await Promise.race([lines.next(), failed]);
    if (line.error || line.done) return { error: line.error ?? (stderr.trim().split('\n').pop() || 'exited') };
    return JSON.parse(line.value);
  };
  return {
    chunk: (c) => { child.stdin.write(`${c}\n`); return next(); },
    finish: () => { child.stdin.end(); return next(); },
  };
}

// One size: every chunk through sloppy, then each peer, until K or sloppy's budget is spent.
async function measure(sloppy, peers, rows, cols, width, budget, minSeconds, threads, Type, float32Accumulation) {
  const options = { rows, threads, float32Accumulation };
  // A narrow untimed product into G first, then G zeroed, as the Eigen peer does: the first writes to fresh
  // pages would otherwise fault inside the first timed product (all of it when K is one chunk).
  const g = new Float64Array(rows * rows);
  await sloppy.fisher.gram(chunk(rows, cols, 0, Math.min(width, 64), undefined, Type), { ...options, cols: Math.min(width, 64), into: g });
  g.fill(0);
  const seconds = { sloppy: 0 };
  const cpu = { sloppy: 0 };
  const failures = {};
  for (const name of Object.keys(peers)) [seconds[name], cpu[name]] = [0, 0];
  // Passes over A's K columns until sloppy has spent minSeconds in its products: a single pass at r = 1000,
  // K = 10⁴ is a tenth of a second, as long as one hiccup of a shared machine. Every side multiplies every pass.
  const perPass = Math.ceil(cols / width);
  let chunks = 0;
  let columns = 0;
  let a;
  while ((chunks < perPass || seconds.sloppy < minSeconds) && seconds.sloppy < budget) {
    const c = chunks % perPass;
    const w = Math.min(width, cols - c * width);
    a = chunk(rows, cols, c * width, w, a, Type);
    const [start, used] = [process.hrtime.bigint(), process.cpuUsage()];
    await sloppy.fisher.gram(a, { ...options, cols: w, into: g });
    seconds.sloppy += Number(process.hrtime.bigint() - start) / 1e9;
    const spent = process.cpuUsage(used);
    cpu.sloppy += (spent.user + spent.system) / 1e6;
    for (const [name, peer] of Object.entries(peers)) {
      if (failures[name]) continue;
      const answer = await peer.chunk(c);
      if (answer.error) failures[name] = answer.error;
      else [seconds[name], cpu[name]] = [seconds[name] + answer.seconds, cpu[name] + answer.cpu];
    }
    ++chunks;
    columns += w;
  }
  const sides = { sloppy: { seconds: seconds.sloppy, cpu: cpu.sloppy, trace: trace(g, rows), corner: g[(rows - 1) * rows] } };
  for (const [name, peer] of Object.entries(peers)) {
    const end = await peer.finish();
    sides[name] = failures[name] || end.error ? { error: failures[name] ?? end.error } : { ...end, seconds: seconds[name], cpu: cpu[name] };
  }
  return { columns, sides };
}

function trace(g, rows) {
  let t = 0;
  for (let i = 0; i < rows; ++i) t += g[i * rows + i];
  return t;
}

const relative = (x, y) => Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y), 1e-300);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const [sloppy] = loadSloppy();
  const machine = describeMachine(ROOT, sloppy);
  const notes = [];
  const eigen = fs.existsSync(EIGEN);
  if (!eigen) notes.push(`Eigen peer not built (${path.relative(ROOT, EIGEN)}): npx cmake-js build --target eigen_gemm_reference`);
  console.log(`Gram products G = A·Aᵀ on the CPU, ${args.threads} threads each, A streamed in chunks of ${args.chunk} columns`);
  console.log('GFLOP/s: sloppy and numpy (syrk) counted r(r+1)K, Eigen GEMM 2r²K; best = the fastest peer\'s rate');
  const header = ['dtype', 'r', 'K', 'K timed', 'sloppy GF/s', 'Eigen GF/s', 'numpy GF/s', 'sloppy/Eigen', 'sloppy/numpy', 'sloppy/best',
    'per CPU-s', 'max rel Δ'];
  const line = (cells) => console.log(cells.map((c) => String(c).padStart(13)).join(''));
  line(header);
  const rows = [];
  const types = { float64: Float64Array, float32: Float32Array };
  for (const dtype of args.dtypes) {
    if (!types[dtype]) throw new Error(`unknown dtype ${dtype}; float64 or float32`);
  }
  if (!['float', 'double'].includes(args.accumulate)) throw new Error(`unknown --accumulate ${args.accumulate}; float or double`);
  if (args.dtypes.includes('float32')) console.log(`sloppy accumulates float32 input in ${args.accumulate}`);
  for (const dtype of args.dtypes) for (const r of args.rows) {
    for (const K of args.cols) {
      const width = Math.min(K, args.chunk);
      const peers = {};
      if (eigen) peers.eigen = startPeer(EIGEN, [r, K, width, dtype].map(String), args.threads);
      if (args.numpy) peers.numpy = startPeer(PYTHON, [NUMPY, r, K, width, dtype].map(String), args.threads);
      const { columns: timed, sides } = await measure(sloppy, peers, r, K, width, args.budget, args.minSeconds, args.threads,
        types[dtype], dtype === 'float32' && args.accumulate === 'float');
      const gram = r * (r + 1) * timed;
      const side = (answer, flops) => (answer?.seconds
        ? { ...answer, rate: flops / answer.seconds / 1e9, cpuRate: flops / answer.cpu / 1e9 } : answer);
      const row = {
        dtype, accumulate: dtype === 'float32' ? args.accumulate : 'double', rows: r, cols: K, colsTimed: timed, chunk: width,
        sloppy: side(sides.sloppy, gram), eigen: side(sides.eigen, 2 * r * r * timed), numpy: side(sides.numpy, gram),
      };
      for (const name of ['eigen', 'numpy']) if (row[name]?.error) notes.push(`${name} at ${dtype}, r = ${r}, K = ${K}: ${row[name].error}`);
      const measured = [row.eigen, row.numpy].filter((p) => p?.rate);
      row.best = Math.max(...measured.map((p) => p.rate));
      row.bestCpu = Math.max(...measured.map((p) => p.cpuRate));
      row.deviation = Math.max(...measured.map((p) => Math.max(relative(p.trace, row.sloppy.trace), relative(p.corner, row.sloppy.corner))));
      rows.push(row);
      const ratio = (p) => (p?.rate ? `${(row.sloppy.rate / p.rate).toFixed(2)}×` : '—');
      line([dtype, r, K, timed, fmt(row.sloppy.rate, 1), fmt(row.eigen?.rate, 1), fmt(row.numpy?.rate, 1), ratio(row.eigen),
        ratio(row.numpy), measured.length ? `${(row.sloppy.rate / row.best).toFixed(2)}×` : '—',
        measured.length ? `${(row.sloppy.cpuRate / row.bestCpu).toFixed(2)}×` : '—', fmt(row.deviation)]);
    }
  }
  notes.push('per CPU-s: sloppy/best with each side\'s rate per CPU second of its process (all threads) instead of per wall second');
  notes.push('max rel Δ: the largest relative difference of trace(G) and G[r−1][0] between sloppy and a peer (float32: the peers\' float32 rounding)');
  const compared = rows.filter((row) => Number.isFinite(row.best));
  const worst = compared.length ? Math.min(...compared.map((row) => row.sloppy.rate / row.best)) : NaN;
  const worstCpu = compared.length ? Math.min(...compared.map((row) => row.sloppy.cpuRate / row.bestCpu)) : NaN;
  const verdict = Number.isFinite(worst)
    ? `sloppy Gram at ≥ ${TARGET * 100}% of the best peer rate at every size: ${worst >= TARGET ? 'PASS' : 'FAIL'} (worst ${(worst * 100).toFixed(0)}%; per CPU second ${(worstCpu * 100).toFixed(0)}%)`
    : 'no peer ran: nothing to compare';
  finish(args, started, { line: verdict, worst, worstCpu }, notes, { machine, rows });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
