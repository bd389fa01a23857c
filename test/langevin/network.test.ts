import { networkLoss } from '../../lib/landscape/network';
import { teacher } from '../../lib/landscape/teacher';
import { fitNetworks } from '../../lib/landscape/fit';
import { langevin, networkLossEnergy } from '../../lib/langevin';

// The 136-parameter 5 × 5 network of the landscape study, on its teacher's data.
test('the network loss as a Langevin energy: the landscape jobs\' loss and gradient, identical native and TypeScript paths', async () => {
  const t = teacher();
  const energy = networkLossEnergy(t.shape, t);
  expect(energy.dim).toBe(136);
  const start = (await fitNetworks(t.shape, t, { count: 3, steps: 0, seed: 4 })).params!;
  const ours = await energy.evaluate(start, 3);
  const theirs = await networkLoss(start, t.shape, t, { device: 'cpu' });
  for (let i = 0; i < 3; ++i) expect(ours.energy[i]).toBeCloseTo(theirs.loss[i], 12);
  for (let k = 0; k < ours.gradient.length; ++k) expect(ours.gradient[k]).toBeCloseTo(theirs.gradient![k], 10);
  const opts = { start, temperature: 1e-4, dt: 1e-2, steps: 6, seed: 2, trajectories: { stride: 3 } };
  const native = await langevin(energy, opts);
  const ts = await langevin(energy, { ...opts, engine: 'typescript' });
  expect(Array.from(ts.trajectories!)).toEqual(Array.from(native.trajectories!));
});
