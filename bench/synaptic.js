'use strict';
// Synaptic sampling (seed 004): simulated seconds per wall second of sloppy's event-driven CPU backend for one
// run and for 100 runs batched over the thread pool, in each noise mode, at the paper's network size (1000
// inputs, 10 outputs, 0.2 s presentations). Each case trains for --samples presentations (default 1000 =
// 200 s simulated per run; four times as many for one run) with the held-out test (10 presentations) before
// and after; the figure counts training time only in the simulated seconds but all wall time. No peer: there
// is no vectorised reference a user would write for an event-driven spiking network of this kind.
const path = require('node:path');
const os = require('node:os');
const { setUp, finish, ROOT } = require('./lib/setup');

const args = {
  jax: false,
  samples: Number((process.argv.find((a) => a.startsWith('--samples=')) || '--samples=1000').slice(10)),
  out: path.join(ROOT, 'bench', 'results', 'synaptic.json'),
};

async function main() {
  const started = Date.now();
  const { loaded, machine } = setUp(args, () => ({}), 'synaptic');
  const synaptic = loaded[1];
  const rows = [];
  for (const runs of [1, 100]) {
    for (const noise of ['none', 'standard', 'weight']) {
      const samples = runs === 1 ? args.samples * 4 : args.samples;
      const t0 = process.hrtime.bigint();
      const r = await synaptic.synapticSampling({ runs, samples, curveEvery: samples, testPerClass: 1, noise, device: 'cpu' });
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const simulated = runs * r.curveTime[r.curveTime.length - 1];
      rows.push({ runs, noise, samples, wall, simulatedPerWall: simulated / wall });
      console.log(`${String(runs).padStart(3)} run(s), noise ${noise.padEnd(8)}: ${samples} presentations each in ${wall.toFixed(2)} s → ${(simulated / wall).toFixed(0)} simulated s per wall s`);
    }
  }
  const one = rows.find((r) => r.runs === 1 && r.noise === 'none');
  const batch = rows.find((r) => r.runs === 100 && r.noise === 'none');
  const head = { line: `synaptic sampling, no noise: ${one.simulatedPerWall.toFixed(0)} simulated s / wall s for one run, ${batch.simulatedPerWall.toFixed(0)} for 100 runs batched (${os.cpus().length} cores)` };
  finish(args, started, head, ['the simulated figure counts training presentations; the held-out tests (2 × 10 presentations) are in the wall time'], { machine, rows });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
