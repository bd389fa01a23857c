#!/usr/bin/env node
'use strict';
// `node bench/sweep.js`: what a sweep costs beyond its tasks' own work. (1) Per-task overhead of 100 tiny EPI tasks
// (one iteration each), on the local worker pool and, where sbatch and a controller answer, as a Slurm array: time
// from submission (the local spawn, or sbatch) to the start of the task's process, and from there to its done marker
// (node start, addon load, the tiny run, outputs, checksums, marker). (2) The wall time of a sweep of 8 small EPI
// runs against the same 8 runs one after another in one process with every thread. Prints the figures and writes
// bench/results/sweep-latest.json.
//   node bench/sweep.js [--tasks 100] [--epi 8] [--no-slurm] [--poll 200] [--workers N] [--out FILE]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { finish, loadSloppy, ROOT } = require('./lib/setup');
const { describeMachine } = require('./lib/machine');
const { fmt } = require('./lib/table');

function parseArgs(argv) {
  const args = { tasks: 100, epi: 8, slurm: true, poll: 200, workers: undefined,
    out: path.join(__dirname, 'results', 'sweep-latest.json') };
  for (let i = 0; i < argv.length; ++i) {
    const value = () => argv[++i];
    switch (argv[i]) {
      case '--tasks': args.tasks = Number(value()); break;
      case '--epi': args.epi = Number(value()); break;
      case '--no-slurm': args.slurm = false; break;
      case '--poll': args.poll = Number(value()); break;
      case '--workers': args.workers = Number(value()); break;
      case '--out': args.out = path.resolve(value()); break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return args;
}


function slurmReason() {
  try {
    execFileSync('sbatch', ['--version'], { stdio: 'ignore' });
    execFileSync('sinfo', ['-h'], { stdio: 'ignore', timeout: 15000 });
    return undefined;
  } catch {
    return 'no sbatch on PATH, or sinfo cannot reach a controller';
  }
}

// One iteration of everything: the least work an EPI task can do, so that what remains is overhead.
const TINY = { model: 'lds2d', batch: 8, epochs: 1, iterations: 1, initIterations: 0, samples: 8, flow: { units: 4 } };
// A small run of a few seconds on one core, with the paper's flow for lds2d.
const SMALL = { model: 'lds2d', batch: 200, epochs: 4, iterations: 250, initIterations: 250, c0: 10, samples: 1000,
  property: { stats: ['realLambda1'], mean: [0], std: [1] } };

function spread({ quantile }, values) {
  const s = [...values].sort((a, b) => a - b);
  return { min: s[0], median: quantile(s, 0.5), p90: quantile(s, 0.9), max: s[s.length - 1] };
}

async function timedSweep({ sweep, plots }, folder, description, opts) {
  const t0 = Date.now();
  const r = await sweep.runSweep(folder, { description, ...opts });
  const wall = (Date.now() - t0) / 1000;
  const done = r.status.tasks.filter((t) => t.done).map((t) => t.done);
  if (done.length !== r.status.tasks.length) {
    throw new Error(`${opts.backend ?? 'local'}: only ${done.length} of ${r.status.tasks.length} tasks done; see ${folder}`);
  }
  return {
    wall, tasks: done.length,
    queue: spread(plots, done.map((d) => (d.started - d.submitted) / 1000)),
    run: spread(plots, done.map((d) => (d.finished - d.started) / 1000)),
  };
}

function overheadLine(name, r) {
  return `${name.padEnd(6)} ${String(r.tasks).padStart(5)}  ${fmt(r.wall, 1).padStart(6)} s  ${fmt(r.tasks / r.wall, 1).padStart(7)}  ` +
    `${fmt(r.queue.min, 3).padStart(8)} ${fmt(r.queue.median, 3).padStart(8)} ${fmt(r.queue.p90, 3).padStart(8)}   ` +
    `${fmt(r.run.median, 3).padStart(8)} ${fmt(r.run.p90, 3).padStart(8)}`;
}

async function main() {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  const [api, sweep, cli, plots] = loadSloppy('sweep', 'cli/epi', 'io/plots');
  const loaded = { sweep, plots };
  const machine = describeMachine(ROOT, api);
  const notes = [];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sloppy-bench-sweep-'));
  const local = args.workers === undefined ? {} : { workers: args.workers };
  const unavailable = args.slurm ? slurmReason() : 'disabled by --no-slurm';
  if (unavailable) notes.push(`Slurm not measured: ${unavailable}`);

  const seeds = (n) => Array.from({ length: n }, (_, i) => i + 1);
  const tiny = { name: 'tiny', groups: [{ kind: 'epi', settings: TINY, grid: { seed: seeds(args.tasks) } }] };
  console.error(`${args.tasks} tiny tasks on the local pool ...`);
  const overhead = { local: await timedSweep(loaded, path.join(work, 'tiny-local'), tiny, local) };
  if (!unavailable) {
    console.error(`${args.tasks} tiny tasks as a Slurm array ...`);
    overhead.slurm = await timedSweep(loaded, path.join(work, 'tiny-slurm'), tiny, { backend: 'slurm', poll: args.poll });
  }

  const small = { name: 'small', groups: [{ kind: 'epi', settings: SMALL, grid: { seed: seeds(args.epi) } }] };
  console.error(`${args.epi} EPI runs one after another in this process ...`);
  const t0 = Date.now();
  for (const seed of seeds(args.epi)) {
    const { model, samples, ...opts } = SMALL;
    const r = await api.epi(model, { ...opts, seed });
    await cli.writeRunFolder(path.join(work, 'sequential', `seed-${seed}`), r, samples, r.settings.options);
  }
  const sequential = (Date.now() - t0) / 1000;
  console.error(`${args.epi} EPI runs as a sweep on the local pool ...`);
  const sweeps = { local: await timedSweep(loaded, path.join(work, 'small-local'), small, local) };
  if (!unavailable) {
    console.error(`${args.epi} EPI runs as a Slurm array ...`);
    sweeps.slurm = await timedSweep(loaded, path.join(work, 'small-slurm'), small, { backend: 'slurm', poll: args.poll });
  }
  machine.loadAverageAtEnd = os.loadavg().map((l) => +l.toFixed(2));

  console.log(`sloppy ${machine.sloppy} (${machine.commit}), node ${machine.node}; ${machine.cpuModel}, ${machine.cores} cores, ` +
    `load ${machine.loadAverageAtStart.join('/')} → ${machine.loadAverageAtEnd.join('/')}`);
  console.log(`\nPer-task overhead: ${args.tasks} tiny EPI tasks (one iteration each); seconds; queue = submission → process ` +
    'start (Slurm: sbatch → start, waiting for a free slot included), run = process start → done marker');
  console.log('backend tasks    wall   tasks/s  queue min   median      p90   run median      p90');
  for (const [name, r] of Object.entries(overhead)) console.log(overheadLine(name, r));
  console.log(`\n${args.epi} EPI runs (lds2d, batch 200, 4 epochs of 250 iterations; seeds 1–${args.epi}): wall seconds`);
  console.log(`one after another, one process, all threads: ${fmt(sequential, 1)} s`);
  for (const [name, r] of Object.entries(sweeps)) {
    console.log(`sweep, ${name.padEnd(5)}: ${fmt(r.wall, 1)} s (speed-up ${fmt(sequential / r.wall)}×; each run ${fmt(r.run.median, 2)} s median)`);
  }
  const head = { line: `${args.epi} EPI runs: sweep on the local pool ${fmt(sweeps.local.wall, 1)} s vs one after another ${fmt(sequential, 1)} s; ` +
    `per-task overhead (local) ${fmt(overhead.local.run.median, 3)} s median start → done for a one-iteration task` };
  fs.rmSync(work, { recursive: true, force: true });
  finish(args, started, head, notes, { machine, overhead, sequential, sweeps });
}

main().catch((err) => {
  console.error(err.stack ?? err);
  process.exit(1);
});
