// Fit chunks as sweep tasks: run in separate worker processes, out of order, they merge into exactly the
// ensemble one fitNetworks call makes with the same seed.
import * as path from 'node:path';

import { readNpy } from '../../lib/io/npy';
import { fitNetworks } from '../../lib/landscape/fit';
import { teacher } from '../../lib/landscape/teacher';
import { collectSweep, expandSweep, runSweep, sweepPaths } from '../../lib/sweep';
import { FIT_GROUP, tmpdir } from './helpers';

describe("the 'fit' task kind", () => {
  it('merges its chunks into the single-machine ensemble, bit for bit', async () => {
    const folder = path.join(await tmpdir(), 'fits');
    const r = await runSweep(folder, { description: { name: 'fits', groups: [FIT_GROUP] }, workers: 2 });
    expect(r.status.counts).toEqual({ done: 3, running: 0, failed: 0, pending: 0 });
    const c = await collectSweep(folder);
    expect(c.summary[0]).toMatch(/^fits-[0-9a-f]{12}: 24 fits in 3 chunks; \d+ reached loss < 1e-6/);
    const t = teacher();
    const whole = await fitNetworks(t.shape, t, { ...FIT_GROUP.settings, optimizer: 'adadelta', count: 24 });
    const dir = path.join(sweepPaths.collected(folder), 'fit', c.summary[0].split(':')[0]);
    const weights = await readNpy(path.join(dir, 'weights.npy'));
    expect(weights.shape).toEqual([24, 136]);
    expect(weights.data).toEqual(whole.params);
    expect((await readNpy(path.join(dir, 'curves.npy'))).data).toEqual(whole.curves);
    expect((await readNpy(path.join(dir, 'loss.npy'))).data).toEqual(whole.loss);
  }, 120000);

  it('refuses a fit group without chunks, and unknown settings, when planned', () => {
    expect(() => expandSweep({ groups: [{ kind: 'fit', settings: { steps: 10 } }] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => expandSweep({ groups: [{ kind: 'fit', settings: { stepz: 10 }, chunks: { total: 2, size: 1 } }] })).toThrow(
      expect.objectContaining({ code: 'ERR_UNKNOWN_OPTION' }),
    );
  });
});
