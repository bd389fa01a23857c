#!/usr/bin/env node
'use strict';
// `npm run bench`: path-steps per second of every built-in model that has a JAX peer (bench/jax/<model>.py), at
// several batch sizes, with and without gradients, on the CPU (and CUDA when usable), beside the same model written
// in JAX; checks that both compute the same numbers; prints a table and writes bench/results/latest.json.
//   node bench/run.js [--models stg,ou] [--batches 100,400,10000] [--reps 3] [--min-seconds 2]
//                     [--case-budget 45] [--set option=value ...] [--threads N] [--no-jax] [--out FILE]
// --set overrides a model option on both sides, for every model that has it (e.g. --set fMax=0.01 shrinks stg's
// DFT grid to two bins, which shows how much of the time the frequency estimator takes). --threads caps sloppy's
// CPU worker threads (default 0: all cores), for a per-core comparison with JAX, whose 'cores' column shows its own.
const os = require('node:os');
const path = require('node:path');
const { hasPeer, runJob } = require('./lib/peer');
const { finish, setUp } = require('./lib/setup');
const { benchModel } = require('./lib/model-bench');
const { renderTable, fmt } = require('./lib/table');

const HEADLINE = { model: 'stg', device: 'cpu', batch: 400, grad: true, target: 10 };

function parseArgs(argv) {
  const args = { batches: [100, 400, 10000], reps: 3, minSeconds: 2, caseBudget: 45, jax: true, set: {}, threads: 0,
    out: path.join(__dirname, 'results', 'latest.json') };
  for (let i = 0; i < argv.length; ++i) {
    const value = () => argv[++i];
    switch (argv[i]) {
      case '--models': args.models = value().split(','); break;
      case '--batches': args.batches = value().split(',').map(Number); break;
      case '--reps': args.reps = Math.max(3, Number(value())); break;
      case '--min-seconds': args.minSeconds = Number(value()); break;
      case '--case-budget': args.caseBudget = Number(value()); break;
      case '--set': {
        const [name, number] = value().split('=');
        args.set[name] = Number(number);
        break;
      }
      case '--threads': args.threads = Number(value()); break;
      case '--no-jax': args.jax = false; break;
      case '--out': args.out = path.resolve(value()); break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  args.batches.sort((a, b) => a - b);
  return args;
}

function headline(rows, args) {
  const row = rows.find((r) => r.model === HEADLINE.model && r.device === HEADLINE.device &&
    r.batch === HEADLINE.batch && r.grad === HEADLINE.grad);
  const what = `${HEADLINE.model} on the CPU at B = ${HEADLINE.batch} with gradients: sloppy / JAX`;
  if (row?.ratio === undefined) return { ...HEADLINE, verdict: 'NOT MEASURED', line: `${what} not measured` };
  const verdict = row.ratio >= HEADLINE.target ? 'PASS' : 'FAIL';
  const nonDefault = Object.keys(args.set).length > 0 || args.threads > 0;
  return { ...HEADLINE, ratio: row.ratio, verdict, nonDefault,
    line: `${what} = ${fmt(row.ratio)}× (target ≥ ${HEADLINE.target}×): ${verdict}` +
      `${nonDefault ? ' — with non-default --set/--threads, so not the target\'s measure' : ''}` };
}

async function main() {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  const { loaded: [sloppy], machine, jax } = setUp(args, () => runJob({ mode: 'versions' }, 300).versions);
  const notes = [];
  const devices = ['cpu', ...(machine.cuda.available ? ['cuda'] : [])];
  if (!machine.cuda.available) notes.push(`CUDA not measured: ${machine.cuda.reason ?? 'not compiled'}`);

  const wanted = args.models ?? sloppy.models.list();
  const models = wanted.filter((m) => hasPeer(m));
  for (const m of wanted.filter((m) => !hasPeer(m))) notes.push(`${m}: skipped, no JAX peer bench/jax/${m}.py`);

  const rows = [];
  const checks = {};
  for (const model of models) {
    console.error(`benchmarking ${model} ...`);
    const result = await benchModel(sloppy, model, args, jax, devices, notes);
    rows.push(...result.rows);
    if (result.check) checks[model] = result.check;
  }
  const head = headline(rows, args);
  machine.loadAverageAtEnd = os.loadavg().map((l) => +l.toFixed(2));

  console.log(`\nsloppy ${machine.sloppy} (${machine.commit}, addon built ${machine.addonBuilt}), node ${machine.node}; ` +
    `${machine.cpuModel}, ` +
    `${machine.cores} cores, ${machine.simd}, load ${machine.loadAverageAtStart.join('/')} → ${machine.loadAverageAtEnd.join('/')}`);
  if (jax.available) console.log(`JAX ${jax.jax} (jaxlib ${jax.jaxlib}, numpy ${jax.numpy}, Python ${jax.python}), float64`);
  console.log(`trials 1; best of ≥ ${args.reps} runs after a warm-up; M/s = millions per second; ` +
    'cores = CPU seconds per wall second; sloppy/JAX = JAX time ÷ sloppy time');
  const overrides = Object.entries(args.set).map(([k, v]) => `${k}=${v}`).join(', ');
  console.log(`sloppy threads: ${args.threads || `all (${machine.sloppyThreads})`}` +
    `${overrides ? `; options overridden on both sides: ${overrides}` : ''}\n`);
  console.log(renderTable(rows));
  if (Object.keys(checks).length > 0) {
    console.log('\nSame numbers? (sloppy vs JAX at the first rows, on sloppy\'s own noise)');
    for (const [model, c] of Object.entries(checks)) {
      console.log(`  ${model}: ${c.rows} rows, max |Δ stats| = ${fmt(c.maxAbsDiffStats)} (max |stat| ${fmt(c.maxAbsStats)}), ` +
        `max |Δ grad| = ${fmt(c.maxAbsDiffGrad)} (max |grad| ${fmt(c.maxAbsGrad)})`);
    }
  }
  finish(args, started, head, notes, { machine, jax, checks, rows });
}

main().catch((err) => {
  console.error(err.stack ?? err);
  process.exit(1);
});
