'use strict';
// Batched network fits: network-steps per second of sloppy's native fits (5 × 5 ReLU network, the default
// teacher's 320 points, full batch) against a JAX jit + vmap + fori_loop peer in the same run, for both
// optimizers and B = 1 000, 10 000, 100 000 fits. Both start from the same weights; the peer's final losses are
// checked against sloppy's first. JAX runs in float64 (as sloppy does) and, as a user's default, float32.
// Steps per case are scaled so each timed run takes seconds on a 2-core machine (--steps to change).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { setUp, finish, ROOT } = require('./lib/setup');

const PYTHON = process.env.BENCH_PYTHON || 'python3';
const args = {
  jax: !process.argv.includes('--no-jax'),
  sizes: (process.argv.find((a) => a.startsWith('--sizes=')) || '--sizes=1000,10000,100000').slice(8).split(',').map(Number),
  work: Number((process.argv.find((a) => a.startsWith('--work=')) || '--work=2e6').slice(7)),
  out: path.join(ROOT, 'bench', 'results', 'fit.json'),
};

function jaxVersions() {
  const r = spawnSync(PYTHON, ['-c', 'import jax, json; print(json.dumps({"jax": jax.__version__}))'], { encoding: 'utf8' });
  return r.status === 0 ? JSON.parse(r.stdout) : {};
}

function peer(job) {
  const child = spawnSync(PYTHON, [path.join(__dirname, 'jax', 'landscape', 'fit.py')], {
    input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env },
  });
  if (child.status !== 0) return { error: (child.stderr || String(child.error)).trim().split('\n').pop() };
  return JSON.parse(child.stdout);
}

async function main() {
  const started = Date.now();
  const { loaded, machine, jax } = setUp(args, jaxVersions, 'landscape/fit', 'landscape/teacher', 'io/npy');
  const [, { fitNetworks }, { teacher }, { writeNpy }] = loaded;
  const t = teacher();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sloppy-fit-bench-'));
  console.log(`machine: ${machine.cpuModel} (${machine.cores} cores, ${machine.simd})`);
  console.log('optimizer  B        steps  sloppy net-steps/s  JAX f64 net-steps/s  ratio  JAX f32 net-steps/s  ratio  |Δloss| vs f64');
  const rows = [];
  for (const optimizer of ['momentum', 'adadelta']) {
    for (const count of args.sizes) {
      const steps = Math.max(5, Math.round(args.work / count));
      const init = (await fitNetworks(t.shape, t, { count, steps: 0, seed: 1 })).params;
      await fitNetworks(t.shape, t, { count: Math.min(count, 64), steps: 2, init: init.subarray(0, Math.min(count, 64) * 136), optimizer });
      const t0 = process.hrtime.bigint();
      const ours = await fitNetworks(t.shape, t, { count, steps, init, optimizer });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const row = { optimizer, count, steps, sloppy: (count * steps) / seconds };
      if (jax.available) {
        const file = path.join(dir, `init-${count}.npy`);
        await writeNpy(file, init, [count, 136]);
        for (const dtype of ['float64', 'float32']) {
          const r = peer({ init: file, x: Array.from(t.x), y: Array.from(t.y), steps, optimizer, dtype, reps: 1 });
          if (r.error) {
            row[dtype] = { error: r.error };
            continue;
          }
          let worst = 0;
          for (let i = 0; i < count; i++) worst = Math.max(worst, Math.abs(r.loss[i] - ours.loss[i]));
          row[dtype] = { rate: (count * steps) / r.seconds, compile: r.compile_s, lossDiff: worst };
        }
      }
      rows.push(row);
      const cell = (p) => (p === undefined ? 'n/a'.padStart(19) : p.error ? `error: ${p.error}` : p.rate.toExponential(2).padStart(19));
      const ratio = (p) => (p && p.rate ? `${(row.sloppy / p.rate).toFixed(1)}×`.padStart(6) : '   n/a');
      console.log(`${optimizer.padEnd(9)}  ${String(count).padEnd(7)}  ${String(steps).padStart(5)}  ${row.sloppy.toExponential(2).padStart(18)}  ${cell(row.float64)}  ${ratio(row.float64)}  ${cell(row.float32)}  ${ratio(row.float32)}  ${row.float64 && row.float64.lossDiff !== undefined ? row.float64.lossDiff.toExponential(1) : ''}`);
    }
  }
  const f64 = rows.filter((r) => r.float64 && r.float64.rate).map((r) => r.sloppy / r.float64.rate);
  const head = {
    line: f64.length > 0
      ? `fits: sloppy / JAX float64 network-steps per second, min ${Math.min(...f64).toFixed(1)}×, max ${Math.max(...f64).toFixed(1)}× (target ≥ 5×)`
      : 'fits: no JAX comparison',
    minRatio: f64.length > 0 ? Math.min(...f64) : null,
  };
  finish(args, started, head, ['sloppy computes in float64; JAX compile time is excluded'], { machine, jax, rows });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
