#!/usr/bin/env node
'use strict';
// `node bench/neb.js`: force calls for the Müller–Brown CI-NEB of issue 6 (from the minimum near (−0.558, 1.442) to
// the one near (0.623, 0.028), 10 images, linear start, fmax 1e-3) with sloppy's default settings, beside ASE's NEB
// (bench/ase/neb.py, same tangent: method='improvedtangent') in the same run, at the three settings the issue
// reports. A force call is one point evaluated: endpoints once, inner images once per evaluation, on both sides.
// Then band-steps per second (one band-step: its inner images evaluated, forces, one optimizer step) for 100 bands ×
// 20 images on the 136-dimensional loss of the paper's 5 × 5 network on its default teacher's data.
//   node bench/neb.js [--no-ase] [--ase-steps 5000] [--bands 100] [--images 20] [--network-steps 20] [--out FILE]
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { finish, ROOT } = require('./lib/setup');
const { describeMachine } = require('./lib/machine');
const { fmt } = require('./lib/table');

const PYTHON = process.env.BENCH_PYTHON || 'python3';
const PEER = path.join(__dirname, 'ase', 'neb.py');
const TARGET = 298;
const SADDLE = [-0.8220015587, 0.6243128028];
const PROBLEM = { images: 10, fmax: 1e-3 };

function parseArgs(argv) {
  const args = { ase: true, aseSteps: 5000, bands: 100, images: 20, networkSteps: 20,
    out: path.join(__dirname, 'results', 'neb-latest.json') };
  for (let i = 0; i < argv.length; ++i) {
    const value = () => argv[++i];
    switch (argv[i]) {
      case '--no-ase': args.ase = false; break;
      case '--ase-steps': args.aseSteps = Number(value()); break;
      case '--bands': args.bands = Number(value()); break;
      case '--images': args.images = Number(value()); break;
      case '--network-steps': args.networkSteps = Number(value()); break;
      case '--out': args.out = path.resolve(value()); break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return args;
}

// Both sides start from the same endpoints: Newton on the exact gradient (Hessian by central differences).
async function minimum(energy, guess) {
  let p = [...guess];
  const grad = async (q) => Array.from((await energy.evaluate(Float64Array.from(q), 1)).gradient);
  for (let it = 0; it < 50; ++it) {
    const g = await grad(p);
    if (Math.hypot(...g) < 1e-11) return p;
    const h = 1e-6;
    const cols = [];
    for (let j = 0; j < 2; ++j) {
      const [plus, minus] = [[...p], [...p]];
      plus[j] += h;
      minus[j] -= h;
      const [a, b] = [await grad(plus), await grad(minus)];
      cols.push([(a[0] - b[0]) / (2 * h), (a[1] - b[1]) / (2 * h)]);
    }
    const det = cols[0][0] * cols[1][1] - cols[1][0] * cols[0][1];
    p = [p[0] - (cols[1][1] * g[0] - cols[1][0] * g[1]) / det, p[1] - (-cols[0][1] * g[0] + cols[0][0] * g[1]) / det];
  }
  throw new Error(`no minimum found near ${guess}`);
}

async function sloppySide(neb, energy, band) {
  let best = Infinity;
  let r;
  for (let rep = 0; rep < 5; ++rep) {
    const t = process.hrtime.bigint();
    r = await neb(energy, band, PROBLEM);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  const ci = r.bands[0].climbing;
  return { side: 'sloppy', name: 'defaults (L-BFGS, k = ∞, climbing from the start)', calls: r.forceCalls, steps: r.steps,
    converged: r.converged, seconds: best, climbing: Array.from(ci.position), energy: ci.energy };
}

function aseSide(band, args, notes) {
  if (!args.ase) return [];
  const settings = [
    { name: "ASE's default k = 0.1, FIRE", optimizer: 'FIRE', steps: args.aseSteps },
    { name: 'FIRE, k = 100', optimizer: 'FIRE', k: 100, steps: args.aseSteps },
    { name: 'BFGS, α = 1000, maxstep 0.05, k = 300', optimizer: 'BFGS', k: 300, alpha: 1000, maxstep: 0.05, steps: args.aseSteps },
  ].map((s) => ({ ...s, method: 'improvedtangent' }));
  const child = spawnSync(PYTHON, [PEER], {
    input: JSON.stringify({ ...band, ...PROBLEM, settings }), encoding: 'utf8', timeout: 900000,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (child.error || child.status !== 0) {
    const why = child.error?.message ?? child.stderr.trim().split('\n').pop();
    notes.push(`ASE peer unavailable (${why}); install it with: ${PYTHON} -m pip install ase`);
    return [];
  }
  const answer = JSON.parse(child.stdout);
  return answer.runs.map((r) => ({ side: `ASE ${answer.version}`, ...r }));
}

// Fig. 8's setting: bands from the default teacher (the global minimum of its own loss, 136 parameters) to 100
// other points; random ones here (sloppy's seeded normals at the Glorot scale of 5-wide layers, the size of the
// paper's initialisations), as the figure is throughput, not the paths.
async function networkSide(sloppy, args) {
  const { neb, networkEnergy, teacher } = sloppy.landscape;
  const t = teacher();
  const energy = networkEnergy(t.shape, t);
  const bands = Array.from({ length: args.bands }, (_, set) =>
    ({ start: t.params, end: sloppy.normals(energy.dim, { seed: 1, set }).map((z) => z * Math.sqrt(2 / 10)) }));
  const started = process.hrtime.bigint();
  // fmax far below reach: every band takes every step, so the figure is throughput, not convergence.
  const r = await neb(energy, { bands }, { images: args.images, fmax: 1e-300, maxSteps: args.networkSteps });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const bandSteps = r.bands.reduce((sum, b) => sum + b.steps, 0);
  return { dim: energy.dim, bands: args.bands, images: args.images, steps: args.networkSteps, seconds,
    bandStepsPerSecond: bandSteps / seconds, pointsPerSecond: r.forceCalls / seconds };
}

function table(rows) {
  const header = ['side', 'setting', 'converged', 'steps', 'force calls', 'saddle error', 'ms'];
  const body = rows.map((r) => [r.side, r.name, r.converged ? 'yes' : 'no', String(r.steps), String(r.calls),
    fmt(Math.hypot(r.climbing[0] - SADDLE[0], r.climbing[1] - SADDLE[1])), fmt(r.seconds * 1e3)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const sloppy = require(path.join(ROOT, 'dist'));
  const { neb, mullerBrown } = sloppy.landscape;
  const notes = [];
  const energy = mullerBrown();
  const band = { start: await minimum(energy, [-0.558, 1.442]), end: await minimum(energy, [0.623, 0.028]) };
  console.log(`Müller–Brown CI-NEB, ${PROBLEM.images} images, linear start, fmax ${PROBLEM.fmax}; endpoints ` +
    `(${band.start.map((v) => v.toFixed(6))}) → (${band.end.map((v) => v.toFixed(6))})`);
  const rows = [await sloppySide(neb, energy, band), ...aseSide(band, args, notes)];
  console.log(table(rows));
  const net = await networkSide(sloppy, args);
  console.log(`\n${net.bands} bands × ${net.images} images on the ${net.dim}-dimensional loss, ${net.steps} steps: ` +
    `${fmt(net.bandStepsPerSecond)} band-steps/s (${fmt(net.pointsPerSecond)} points/s, ${fmt(net.seconds)} s)`);
  const ours = rows[0].calls;
  const head = { sloppyForceCalls: ours, target: TARGET, pass: ours < TARGET,
    line: `sloppy's defaults: ${ours} force calls; target < ${TARGET} (ASE's best hand-tuned setting): ${ours < TARGET ? 'PASS' : 'FAIL'}` };
  finish(args, started, head, notes, { machine: describeMachine(ROOT, sloppy), rows, network: net });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
