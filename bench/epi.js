#!/usr/bin/env node
'use strict';
// `node bench/epi.js`: iterations per second of one full EPI training step (Bittner et al. 2021, Algorithm 1, inner
// loop: sample the flow, simulate, augmented-Lagrangian gradient, Adam) in sloppy's native trainEpi, beside the same
// step written the way a JAX user would (bench/jax/epi_step.py: jit around the step, vmap over samples, jax.grad of a
// surrogate loss through the simulation), in the same run. Before timing, each case checks that the JAX step computes
// sloppy's numbers (same weights, same base noise, model noise off). Prints a table and writes
// bench/results/epi-latest.json.
//   node bench/epi.js [--cases lds2d,stg,rnn2-10,rnn2-50,rnn2-100] [--reps 3] [--max-steps 200] [--case-seconds 30]
//                     [--threads N] [--no-jax] [--convergence lds2d,stg] [--convergence-seconds 180] [--out FILE]
// --convergence (default lds2d; '' for none) also times sloppy's epi() to its first converged epoch, seeds 1, 2, 3 in
// turn until one converges; stg's 5 000-iteration epochs take minutes each, so it runs only when asked for.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { finish, setUp } = require('./lib/setup');
const { fmt } = require('./lib/table');

const PEER = path.join(__dirname, 'jax', 'epi_step.py');
const PYTHON = process.env.BENCH_PYTHON || 'python3';
const TARGET = 5;
const CHECK_BATCH = 8;
const SEED = 1;

// The issue's cases: the published EPI architectures and properties (lib/epi/defaults.ts) at the given batches.
// noiseOff: the model options that switch its noise off for the same-numbers check.
function rnn2Case(N) {
  return {
    model: 'rnn2', options: { N }, batch: 200, flow: { stages: 3, layers: 2, units: 100, postAffine: true },
    property: { stats: ['realLambda1', 'symLambda1'], mean: [0.5, 1.5], std: [0.25, 0.25] }, noiseOff: { g: 0 },
  };
}
const CASES = {
  lds2d: {
    model: 'lds2d', options: {}, batch: 500, flow: { stages: 3, layers: 2, units: 50, postAffine: true },
    property: { stats: ['realLambda1', 'freq'], mean: [0, 1], std: [0.25, 0.1] }, noiseOff: {},
  },
  stg: {
    model: 'stg', options: {}, batch: 400, flow: { stages: 3, layers: 2, units: 25, postAffine: false },
    property: { stats: ['hub'], mean: [0.55], std: [0.025] }, noiseOff: { sigmaI: 0 },
  },
  'rnn2-10': rnn2Case(10),
  'rnn2-50': rnn2Case(50),
  'rnn2-100': rnn2Case(100),
};

function parseArgs(argv) {
  const args = { cases: Object.keys(CASES), reps: 3, maxSteps: 200, caseSeconds: 30, threads: 0, jax: true,
    convergence: ['lds2d'], convergenceSeconds: 180, out: path.join(__dirname, 'results', 'epi-latest.json') };
  for (let i = 0; i < argv.length; ++i) {
    const value = () => argv[++i];
    switch (argv[i]) {
      case '--cases': args.cases = value().split(','); break;
      case '--reps': args.reps = Math.max(3, Number(value())); break;
      case '--max-steps': args.maxSteps = Math.max(2, Number(value())); break;
      case '--case-seconds': args.caseSeconds = Number(value()); break;
      case '--threads': args.threads = Number(value()); break;
      case '--no-jax': args.jax = false; break;
      case '--convergence': args.convergence = value().split(',').filter(Boolean); break;
      case '--convergence-seconds': args.convergenceSeconds = Number(value()); break;
      case '--out': args.out = path.resolve(value()); break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  for (const name of args.cases) if (!CASES[name]) throw new Error(`unknown case ${name}; cases: ${Object.keys(CASES).join(', ')}`);
  return args;
}


// Everything both sides need for one case: options (as sloppy's vector and by name), bounds, the property as
// statistic indices, the augmented-Lagrangian state, and a fresh flow from sloppy's seeded initialisation.
function caseSetup(sloppy, name, device) {
  const c = CASES[name];
  const descriptor = sloppy.models.get(c.model);
  const byName = (overrides) => Object.fromEntries(descriptor.options.map((o) => [o.name, overrides[o.name] ?? o.value]));
  const optionVector = sloppy.modelsLib.optionVector(descriptor, c.options);
  const info = sloppy.modelsLib.describeWith(c.model, optionVector);
  const stats = c.property.stats.map((s) => info.stats.indexOf(s));
  if (stats.includes(-1)) throw new Error(`${name}: statistics ${c.property.stats} not all in ${info.stats}`);
  const lower = info.params.map((p) => p.lower);
  const upper = info.params.map((p) => p.upper);
  const flow = new sloppy.Flow(sloppy.flowSpec(lower, upper, { ...c.flow, seed: SEED }), { device });
  return {
    name, device, ...c, dim: lower.length, lower, upper, optionVector, statNames: info.stats,
    optionsByName: byName(c.options), checkOptions: byName({ ...c.options, ...c.noiseOff }),
    stats, mean: c.property.mean, variance: c.property.std.map((s) => s * s),
    eta: new Array(2 * stats.length).fill(0), c: 1, flow,
  };
}

function trainArgs(setup, threads) {
  return { model: setup.model, options: setup.optionVector, trials: 1, stats: Float64Array.from(setup.stats),
    mean: Float64Array.from(setup.mean), variance: Float64Array.from(setup.variance),
    eta: Float64Array.from(setup.eta), c: setup.c, seed: SEED, batch: setup.batch, threads };
}

// Best-of-reps wall time of trainEpi running k iterations per call, after a warm-up call of k; each call
// continues the training (as an epoch would), so every call sees fresh noise.
async function timeSloppy(setup, k, reps, threads) {
  const base = trainArgs(setup, threads);
  let step = 0;
  const train = async (iterations) => {
    const r = await setup.flow.handle.trainEpi({ ...base, iterations, firstStep: step });
    step += iterations;
    if (r.failedAt >= 0) throw new Error(`${setup.name}: sloppy's cost became non-finite at iteration ${step - iterations + r.failedAt}`);
    return r;
  };
  await train(k);  // the first call allocates the training buffers, as JAX's first call compiles
  const times = [];
  let last;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < reps; ++i) {
    const start = process.hrtime.bigint();
    last = await train(k);
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  const cpu = process.cpuUsage(cpu0);
  const wall = times.reduce((a, b) => a + b, 0);
  return { steps: k, times, best: Math.min(...times) / k, coresUsed: (cpu.user + cpu.system) / 1e6 / wall,
    lastLog: Array.from(last.log.subarray((last.iterations - 1) * last.width)) };
}

// sloppy's side of the same-numbers check, from the untrained flow: trainBegin's batch, its base noise (the
// flow's own Philox normals), log q, the statistics with the model's noise off, and trainEnd's log row and weight
// gradient without an Adam step (apply: false), with a non-zero η so that every term of the gradient counts.
async function sloppyCheck(sloppy, setup, dir, threads) {
  const n = CHECK_BATCH;
  const eta = setup.eta.map((_, j) => 0.1 * (j + 1) * (j % 2 === 0 ? 1 : -1));
  const c = 2;
  const { z } = await setup.flow.handle.trainBegin({ batch: n, seed: SEED, step: 0, threads });
  const x = new Float64Array(n * setup.dim);
  for (let i = 0; i < n; ++i) {
    x.set(sloppy.normals(setup.dim, { seed: SEED, set: i, trial: 0, step: 0, stream: sloppy.Stream.Dynamics }), i * setup.dim);
  }
  const { logq } = await setup.flow.handle.logProb({ z });
  const sim = await sloppy.statistics(setup.model, z, { grad: true, seed: SEED, options: setup.checkOptions, device: 'cpu', threads });
  const r = await setup.flow.handle.trainEnd({ values: sim.stats, grad: sim.grad, statCount: setup.statNames.length,
    stats: Float64Array.from(setup.stats), mean: Float64Array.from(setup.mean), variance: Float64Array.from(setup.variance),
    eta: Float64Array.from(eta), c, apply: false, threads });
  const files = { xFile: x, zFile: z, logqFile: logq, logFile: r.log, gradFile: r.gradient };
  for (const [key, data] of Object.entries(files)) {
    files[key] = path.join(dir, `${key}.f64`);
    fs.writeFileSync(files[key], Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
  return { batch: n, eta, c, ...files };
}

// jaxlib runs LAPACK (rnn2's eigvalsh) through scipy's OpenBLAS, whose own thread pool, beside XLA's, oversubscribes
// the cores: on a busy 2-core machine that made the same eigvalsh gradient 10–50× slower and erratic. One OpenBLAS
// thread is the configuration that gives JAX its fair time; an OPENBLAS_NUM_THREADS already set is respected.
const JAX_BLAS_THREADS = process.env.OPENBLAS_NUM_THREADS ?? '1';

// platform: JAX's only platform for the job ('cpu' or 'cuda', as JAX_PLATFORMS takes it), so that a machine with a
// GPU still times the CPU case on the CPU; none: JAX's own choice (the versions query).
function runPeer(job, timeoutSeconds, platform) {
  const child = spawnSync(PYTHON, [PEER], {
    input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 26, timeout: timeoutSeconds * 1000,
    // PYTHONDONTWRITEBYTECODE: leave no __pycache__ in bench/jax.
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', OPENBLAS_NUM_THREADS: JAX_BLAS_THREADS,
      ...(platform ? { JAX_PLATFORMS: platform } : {}) },
  });
  if (child.error) throw new Error(`JAX EPI peer (${job.mode}): ${child.error.message}`);
  if (child.status !== 0) throw new Error(`JAX EPI peer (${job.mode}) exited with ${child.status}:\n${child.stderr.trim()}`);
  return JSON.parse(child.stdout);
}

// The JAX side of one case in one Python process: the check, then the timing. The flow starts from sloppy's
// initial weights and permutations.
function jaxCase(setup, check, dir, args) {
  const state = setup.flow.state();
  const weightsFile = path.join(dir, 'weights.f64');
  fs.writeFileSync(weightsFile, Buffer.from(state.weights.buffer, state.weights.byteOffset, state.weights.byteLength));
  return runPeer({
    mode: 'case', model: setup.model, options: setup.optionsByName, checkOptions: setup.checkOptions,
    shape: { dim: setup.dim, ...setup.flow.spec }, lower: setup.lower, upper: setup.upper,
    perm: Array.from(state.perm), weightsFile, property: { stats: setup.stats, mean: setup.mean, variance: setup.variance },
    eta: setup.eta, c: setup.c, batch: setup.batch, seed: SEED, check,
    timing: { reps: args.reps, maxSteps: args.maxSteps, caseSeconds: args.caseSeconds },
  }, 1800, setup.device);
}

// Whether JAX has a device of this kind (its devices as driver.py lists them, every platform's).
const jaxHas = (jax, device) => jax.available && jax.devices.some((d) => d.startsWith(device === 'cpu' ? 'cpu' : 'cuda'));

async function benchCase(sloppy, name, device, args, jax, notes) {
  const setup = caseSetup(sloppy, name, device);
  const row = { case: name, device, model: setup.model, options: setup.options, dim: setup.dim, batch: setup.batch,
    flow: setup.flow.spec, property: setup.property, weights: { sloppy: setup.flow.size } };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sloppy-epi-bench-'));
  try {
    let k = args.maxSteps;
    if (jax.available && !jaxHas(jax, device)) notes.push(`${name} on ${device}: JAX has no such device here (${jax.devices.join(', ')})`);
    if (jaxHas(jax, device)) {
      try {
        const check = await sloppyCheck(sloppy, setup, dir, args.threads);
        const theirs = jaxCase(setup, check, dir, args);
        row.check = { ...theirs.check, eta: check.eta, c: check.c, noiseOff: setup.noiseOff };
        row.weights.jax = theirs.weights.jax;
        row.weights.jaxInSloppyLayout = theirs.weights.sloppyLayout;
        row.jax = { compileAndFirst: theirs.compileAndFirst, probe: theirs.probe, steps: theirs.steps,
          times: theirs.times, best: theirs.best, coresUsed: theirs.coresUsed, lastLog: theirs.lastLog };
        k = theirs.steps;
        if (theirs.times.length < args.reps) {
          notes.push(`${name}: JAX ran ${theirs.times.length} of ${args.reps} runs of ${k} steps: they passed twice ` +
            `--case-seconds (its steps took ${fmt(theirs.best * 1e3)}–${fmt(Math.max(...theirs.times) / k * 1e3)} ms, ` +
            `${fmt(theirs.probe * 1e3)} ms in the probe that chose K)`);
        }
      } catch (err) {
        notes.push(`${name} on ${device}: the check or the JAX side failed, sloppy alone measured: ${err.message}`);
      }
    }
    row.sloppy = await timeSloppy(setup, k, args.reps, args.threads);
    if (row.jax) row.ratio = row.jax.best / row.sloppy.best;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return row;
}

// sloppy's time to convergence as a user gets it: epi() with sloppy's default settings for the model
// (lib/epi/defaults.ts), stopping at the first converged epoch, from seeds 1, 2, 3 in turn until one converges (a
// seed may end unconverged, or with a non-finite cost, as the paper's runs could), all cut off after `seconds`.
const CONVERGENCE_SEEDS = [1, 2, 3];
async function convergence(sloppy, model, device, seconds, threads) {
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  const tried = [];
  for (const seed of CONVERGENCE_SEEDS) {
    let epochs = 0;
    try {
      const r = await sloppy.epi(model, { stopEarly: true, seed, threads, device,
        signal: AbortSignal.timeout(Math.max(1, seconds - elapsed()) * 1000),
        onProgress: (p) => { if (p.phase === 'train') epochs = Math.max(epochs, p.epoch - 1); } });
      const last = r.history.epochs.at(-1);
      tried.push({ seed, converged: r.converged, epochs: r.history.epochs.length });
      if (r.converged) {
        return { model, device, seconds: elapsed(), converged: true, seed, epoch: r.epoch, epochs: r.history.epochs.length,
          iterations: r.history.epochs.length * r.settings.schedule.iterations,
          initIterations: r.settings.schedule.initIterations, H: last.H, p: last.p, tried };
      }
    } catch (err) {
      if (err.code === 'ABORT_ERR') return { model, device, seconds: elapsed(), converged: false, cutOff: true, epochs, tried };
      if (err.code !== 'ERR_NONFINITE') throw err;
      tried.push({ seed, failed: err.message });
    }
  }
  return { model, device, seconds: elapsed(), converged: false, tried };
}

function convergenceLine(c) {
  const before = c.tried.filter((t) => t.seed !== c.seed || !c.converged)
    .map((t) => `seed ${t.seed} ${t.failed ? `failed (${t.failed})` : `not converged in ${t.epochs} epochs`}`);
  const prior = before.length > 0 ? ` after ${before.join('; ')}` : '';
  if (c.cutOff) return `  ${c.model} (${c.device}): not converged when cut off at ${c.seconds.toFixed(0)} s (${c.epochs} epoch(s) of the last seed finished${prior})`;
  if (c.converged) {
    return `  ${c.model} (${c.device}): converged at epoch ${c.epoch} of seed ${c.seed} in ${c.seconds.toFixed(1)} s in all${prior} ` +
      `(that seed: ${c.iterations} SGD iterations after ${c.initIterations} of Gaussian initialisation; H = ${fmt(c.H)})`;
  }
  return `  ${c.model} (${c.device}): no seed of ${CONVERGENCE_SEEDS.join(', ')} converged, ${c.seconds.toFixed(1)} s${prior}`;
}

function renderTable(rows) {
  const header = ['case', 'device', 'D', 'B', 'weights sloppy/JAX', 'K', 'sloppy ms/it', 'it/s', 'cores', 'JAX ms/it', 'it/s',
    'cores', 'JAX compile s', 'sloppy/JAX'];
  const body = rows.map((r) => [
    r.case, r.device, String(r.dim), String(r.batch), `${r.weights.sloppy}/${r.weights.jax ?? '—'}`, String(r.sloppy.steps),
    fmt(r.sloppy.best * 1e3), fmt(1 / r.sloppy.best, 1), fmt(r.sloppy.coresUsed, 1),
    r.jax ? fmt(r.jax.best * 1e3) : '—', r.jax ? fmt(1 / r.jax.best, 1) : '—', r.jax ? fmt(r.jax.coresUsed, 1) : '—',
    r.jax ? fmt(r.jax.compileAndFirst, 1) : '—', r.ratio !== undefined ? `${fmt(r.ratio)}×` : '—',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function checkLines(rows) {
  return rows.filter((r) => r.check).map((r) => {
    const c = r.check;
    return `  ${r.case} (${r.device}): ${c.batch} samples, max |Δz| = ${fmt(c.maxAbsDiffZ)}, max |Δ log q| = ${fmt(c.maxAbsDiffLogq)}, ` +
      `max |Δ [H, cost, R]| = ${fmt(c.maxAbsDiffLog)} (max ${fmt(c.maxAbsLog)}), ` +
      `max |Δ weight gradient| = ${fmt(c.maxAbsDiffGrad)} (max |gradient| ${fmt(c.maxAbsGrad)})`;
  });
}

// The target is the CPU's; the GPU's ratios are reported beside it.
function headline(rows, args) {
  const gpu = rows.filter((r) => r.device === 'cuda' && r.ratio !== undefined);
  const gpuLine = gpu.length ? `; on the GPU (JAX on its GPU): ${gpu.map((r) => `${r.case} ${fmt(r.ratio)}×`).join(', ')}` : '';
  const measured = rows.filter((r) => r.device === 'cpu' && r.ratio !== undefined);
  const what = `EPI training step on the CPU, sloppy / JAX per iteration (target ≥ ${TARGET}× in every case)`;
  if (measured.length === 0) return { target: TARGET, verdict: 'NOT MEASURED', line: `${what}: not measured` };
  const worst = measured.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  const verdict = measured.every((r) => r.ratio >= TARGET) ? 'PASS' : 'FAIL';
  const each = measured.map((r) => `${r.case} ${fmt(r.ratio)}×`).join(', ');
  const partial = measured.length < Object.keys(CASES).length ? ' — not every case was measured' : '';
  const capped = args.threads > 0 ? ` — sloppy capped at ${args.threads} threads` : '';
  return { target: TARGET, verdict, worst: { case: worst.case, ratio: worst.ratio },
    line: `${what}: ${each}; worst ${worst.case} ${fmt(worst.ratio)}×: ${verdict}${partial}${capped}${gpuLine}` };
}

async function main() {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  const { loaded: [api, modelsLib, flowLib], machine, jax } = setUp(args,
    () => ({ ...runPeer({ mode: 'versions' }, 300).versions, openblasThreads: JAX_BLAS_THREADS }), 'models', 'flow/flow');
  const sloppy = { ...api, modelsLib, flowSpec: flowLib.flowSpec };
  const notes = [];

  const devices = ['cpu', ...(machine.cuda.available ? ['cuda'] : [])];
  if (!machine.cuda.available) notes.push(`CUDA not measured: ${machine.cuda.reason ?? 'not compiled'}`);
  const rows = [];
  for (const device of devices) {
    for (const name of args.cases) {
      console.error(`benchmarking the EPI step: ${name} on ${device} ...`);
      rows.push(await benchCase(sloppy, name, device, args, jax, notes));
    }
  }
  const converged = [];
  for (const device of devices) {
    for (const model of args.convergence) {
      console.error(`sloppy's time to convergence: ${model} on ${device} (cut off at ${args.convergenceSeconds} s) ...`);
      converged.push(await convergence(sloppy, model, device, args.convergenceSeconds, args.threads));
    }
  }
  const head = headline(rows, args);
  machine.loadAverageAtEnd = os.loadavg().map((l) => +l.toFixed(2));

  console.log(`\nsloppy ${machine.sloppy} (${machine.commit}, addon built ${machine.addonBuilt}), node ${machine.node}; ` +
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.simd}, ` +
    `load ${machine.loadAverageAtStart.join('/')} → ${machine.loadAverageAtEnd.join('/')}`);
  if (jax.available) {
    console.log(`JAX ${jax.jax} (jaxlib ${jax.jaxlib}, numpy ${jax.numpy}, Python ${jax.python}), float64, ` +
      `OPENBLAS_NUM_THREADS=${JAX_BLAS_THREADS} (LAPACK's threads)`);
  }
  console.log(`one EPI iteration = sample B, simulate (1 trial), augmented-Lagrangian gradient, Adam; K iterations per ` +
    `timed run, best of ${args.reps} runs after a warm-up (JAX: + compile); sloppy threads: ` +
    `${args.threads || `all (${machine.sloppyThreads})`}; cores = CPU seconds per wall second; ` +
    'sloppy/JAX = JAX time ÷ sloppy time\n');
  console.log(renderTable(rows));
  const checks = checkLines(rows);
  if (checks.length > 0) {
    console.log('\nSame numbers? (JAX step vs sloppy\'s trainBegin/trainEnd: same weights and base noise, model noise off)');
    checks.forEach((l) => console.log(l));
  }
  if (converged.length > 0) {
    console.log('\nsloppy\'s time to convergence (epi() with its default settings for the model, stopping at the first ' +
      'converged epoch, all included: Gaussian initialisation, epochs, convergence tests)');
    converged.forEach((c) => console.log(convergenceLine(c)));
  }
  finish(args, started, head, notes, { machine, jax, rows, convergence: converged });
}

main().catch((err) => {
  console.error(err.stack ?? err);
  process.exit(1);
});
