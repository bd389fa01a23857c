'use strict';
// Langevin dynamics: path-steps per second of sloppy's native engine (CPU, float64) on Müller–Brown and on the
// 136-parameter 5 × 5 network loss (the default teacher's 320 points), 10 000 paths, against a numpy
// vectorised loop (Müller–Brown) and a JAX jit + vmap(grad) + fori_loop peer (both energies) in the same run.
// All start from the same point at the same temperature and step; the peers' mean final positions are printed
// beside sloppy's as a sanity check (different noise streams, so they agree only statistically).
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { setUp, finish, ROOT } = require('./lib/setup');

const PYTHON = process.env.BENCH_PYTHON || 'python3';
const flag = (name, fallback) => Number((process.argv.find((a) => a.startsWith(`--${name}=`)) || `--${name}=${fallback}`).split('=')[1]);
const args = {
  jax: !process.argv.includes('--no-jax'),
  paths: flag('paths', 10000),
  mbSteps: flag('mb-steps', 2000),
  netSteps: flag('net-steps', 10),
  out: path.join(ROOT, 'bench', 'results', 'langevin.json'),
};

function peer(job) {
  const child = spawnSync(PYTHON, [path.join(__dirname, 'jax', 'langevin', 'peers.py')], {
    input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env },
  });
  if (child.status !== 0) return { error: (child.stderr || String(child.error)).trim().split('\n').pop() };
  return JSON.parse(child.stdout);
}

function versions() {
  const r = spawnSync(PYTHON, ['-c', 'import jax, numpy, json; print(json.dumps({"jax": jax.__version__, "numpy": numpy.__version__}))'], { encoding: 'utf8' });
  return r.status === 0 ? JSON.parse(r.stdout) : {};
}

async function main() {
  const started = Date.now();
  const { loaded, machine, jax } = setUp(args, versions, 'langevin', 'landscape/teacher', 'landscape/fit');
  const [, L, { teacher }, { fitNetworks }] = loaded;
  const t = teacher();
  const start = Array.from((await fitNetworks(t.shape, t, { count: 1, steps: 0, seed: 1 })).params);
  const cases = [
    { name: 'muller-brown', energy: L.mullerBrownEnergy(), start: [-0.05, 0.467], T: 1.2, dt: 1e-4, steps: args.mbSteps, peers: ['numpy', 'jax'] },
    { name: 'network (136)', energy: L.networkLossEnergy(t.shape, t), start, T: 1e-4, dt: 1e-3, steps: args.netSteps, peers: ['jax'] },
  ];
  console.log(`machine: ${machine.cpuModel} (${machine.cores} cores, ${machine.simd})`);
  console.log('energy          paths   steps  sloppy path-steps/s  numpy path-steps/s  ratio  JAX path-steps/s  ratio');
  const rows = [];
  for (const c of cases) {
    await L.langevin(c.energy, { start: c.start, paths: 64, temperature: c.T, dt: c.dt, steps: 2, device: 'cpu' });
    const t0 = process.hrtime.bigint();
    const ours = await L.langevin(c.energy, { start: c.start, paths: args.paths, temperature: c.T, dt: c.dt, steps: c.steps, device: 'cpu' });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const work = args.paths * c.steps;
    const row = { energy: c.name, paths: args.paths, steps: c.steps, sloppy: work / seconds };
    const dim = c.start.length;
    row.sloppyMean = [0, 1].map((i) => ours.final.reduce((s, v, k) => (k % dim === i ? s + v : s), 0) / args.paths);
    for (const p of c.peers) {
      if (!jax.available) continue;
      const r = peer({ peer: p, energy: c.name.startsWith('network') ? 'network' : 'muller-brown', paths: args.paths, steps: c.steps,
        T: c.T, dt: c.dt, start: c.start, x: Array.from(t.x), y: Array.from(t.y) });
      row[p] = r.error ? { error: r.error } : { rate: work / r.seconds, compile: r.compile_s, mean: r.mean.slice(0, 2) };
    }
    rows.push(row);
    const cell = (p) => (p === undefined ? 'n/a'.padStart(18) : p.error ? `error: ${p.error}` : p.rate.toExponential(2).padStart(18));
    const ratio = (p) => (p && p.rate ? `${(row.sloppy / p.rate).toFixed(1)}×`.padStart(6) : '   n/a');
    console.log(`${c.name.padEnd(14)}  ${String(args.paths).padEnd(6)}  ${String(c.steps).padStart(5)}  ${row.sloppy.toExponential(2).padStart(19)}  ${cell(row.numpy)}  ${ratio(row.numpy)}  ${cell(row.jax)}  ${ratio(row.jax)}`);
    console.log(`  mean final θ[0..1]: sloppy ${row.sloppyMean.map((v) => v.toFixed(4)).join(', ')}` +
      c.peers.map((p) => (row[p] && row[p].mean ? `; ${p} ${row[p].mean.map((v) => v.toFixed(4)).join(', ')}` : '')).join(''));
  }
  const ratios = rows.flatMap((r) => ['numpy', 'jax'].filter((p) => r[p] && r[p].rate).map((p) => r.sloppy / r[p].rate));
  const head = {
    line: ratios.length > 0
      ? `langevin: sloppy / best peer path-steps per second, min ${Math.min(...rows.map((r) => r.sloppy / Math.max(...['numpy', 'jax'].map((p) => (r[p] && r[p].rate) || 0)))).toFixed(1)}× (target ≥ 10×)`
      : 'langevin: no peer comparison',
    minRatio: ratios.length > 0 ? Math.min(...ratios) : null,
  };
  finish(args, started, head, ['all float64, CPU; JAX compile time is excluded; numpy and JAX use their own normals'], { machine, jax, rows });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
