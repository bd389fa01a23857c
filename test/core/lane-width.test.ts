import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { backends } from '../../lib';

const run = promisify(execFile);
const DIST = path.join(__dirname, '..', '..', 'dist', 'index.js');

// The CPU engines run four or eight paths per vector (eight where the AVX-512 clone runs); SLOPPY_LANES forces a
// width, read once per process, so each width runs in its own child. A path's numbers must not depend on the
// lanes it shares a vector with: every model's statistics, gradients and trajectories are compared bit for bit,
// for a batch (37 sets × 3 trials) that fills neither width's last vector (rnn2, a closed form, records no
// trajectory); so are Langevin paths on the built-in energies, the network fits of both optimizers and EPI
// training steps of a flow with and without batch norm.
const CHILD = `
const s = require(${JSON.stringify(DIST)});
const hex = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
(async () => {
  const out = { lanes: s.backends().cpu.lanes, models: {} };
  for (const name of s.models.list()) {
    const d = s.models.get(name);
    const P = d.params.length;
    const B = 37;
    const z = new Float64Array(B * P);
    for (let i = 0; i < B; ++i) {
      d.params.forEach((p, j) => {
        const lo = Math.max(p.lower, -5);
        const hi = Math.min(p.upper, 5);
        z[i * P + j] = lo + ((hi - lo) * (1 + ((i * 7 + j * 3) % 11))) / 12;
      });
    }
    const st = await s.statistics(name, z, { grad: true, seed: 3, trials: 3, device: 'cpu' });
    const sim = await s.simulate(name, z.subarray(0, 5 * P), { seed: 4, trials: 2, trajectories: { stride: 7 }, device: 'cpu' });
    out.models[name] = { stats: hex(st.stats), grad: hex(st.grad), trajectories: hex(sim.trajectories) };
  }
  const walk = { paths: 37, temperature: 2, dt: 1e-4, steps: 300, seed: 5, trajectories: { stride: 50 }, device: 'cpu' };
  const mb = await s.langevin(s.mullerBrownEnergy(), { ...walk, start: [-0.5, 1.5], passage: { center: [0.6, 0.0], radius: 0.3 } });
  const wells = await s.langevin(s.curvedDoubleWellEnergy(), { ...walk, start: [0, 0], diffusion: { form: 'quadratic', a: 1, c: 0.5 } });
  out.models.langevin = { mullerBrown: hex(mb.trajectories) + hex(mb.passageStep), doubleWell: hex(wells.trajectories) };
  const t = s.landscape.teacher();
  const net = await s.langevin(s.networkLossEnergy(t.shape, t), {
    start: (await s.landscape.fitNetworks(t.shape, t, { count: 13, steps: 0, seed: 4 })).params,
    temperature: 1e-4, dt: 1e-2, steps: 20, seed: 6, trajectories: { stride: 10 }, device: 'cpu',
  });
  out.models.networkLangevin = { trajectories: hex(net.trajectories) };
  for (const optimizer of ['momentum', 'adadelta']) {
    const fit = await s.landscape.fitNetworks(t.shape, t, { count: 13, steps: 60, optimizer, temperature: 1e-5, curveStride: 20, seed: 7, device: 'cpu' });
    out.models[optimizer] = { params: hex(fit.params), loss: hex(fit.loss), curves: hex(fit.curves) };
  }
  // EPI training steps reduce over the batch (the flow's weight gradient, batch norm's statistics): those sums run
  // in one order for either width. 38 samples leave both widths' last group part-filled; 600 are three of the
  // weight gradient's 256-sample chunks, the last part-filled too.
  const lds = s.models.describeWith('lds2d', s.models.optionVector(s.models.get('lds2d'), {}));
  for (const [batchNorm, batch] of [[false, 38], [true, 38], [false, 600]]) {
    const flow = new s.Flow(s.flowSpec(lds.params.map((q) => q.lower), lds.params.map((q) => q.upper),
      { stages: 3, layers: 2, units: 11, postAffine: true, batchNorm, seed: 2 }), { device: 'cpu' });
    const r = await flow.handle.trainEpi({ model: 'lds2d', options: s.models.optionVector(s.models.get('lds2d'), {}),
      trials: 1, stats: Float64Array.from([lds.stats.indexOf('realLambda1'), lds.stats.indexOf('freq')]),
      mean: Float64Array.from([0, 1]), variance: Float64Array.from([0.0625, 0.01]), eta: Float64Array.from([0.1, -0.2, 0.3, -0.4]),
      c: 2, seed: 3, batch, iterations: 25, firstStep: 0, threads: 2 });
    out.models['epi' + (batchNorm ? 'BatchNorm' : '') + batch] = { log: hex(r.log), weights: hex(flow.state().weights) };
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

async function runWith(lanes: number) {
  const { stdout } = await run(process.execPath, ['-e', CHILD], {
    env: { ...process.env, SLOPPY_LANES: String(lanes) },
    maxBuffer: 1 << 28,
  });
  return JSON.parse(stdout) as { lanes: number; models: Record<string, Record<string, string>> };
}

describe('CPU lane width', () => {
  it('is 4 or 8, as backends() reports it', () => {
    expect([4, 8]).toContain(backends().cpu.lanes);
  });

  it('changes no number: every model, Langevin energy, network fit and EPI step gives the same bits on four and on eight lanes', async () => {
    const [four, eight] = [await runWith(4), await runWith(8)];
    expect(four.lanes).toBe(4);
    expect(eight.lanes).toBe(8);
    expect(Object.keys(four.models).length).toBeGreaterThanOrEqual(6);
    for (const [name, result] of Object.entries(eight.models)) {
      for (const [what, bits] of Object.entries(result)) {
        expect({ name, what, bits: four.models[name][what] }).toEqual({ name, what, bits });
      }
    }
  }, 600000);
});
