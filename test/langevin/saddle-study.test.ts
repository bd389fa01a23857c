import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { readNpy } from '../../lib/io/npy';
import { saddleStudy } from '../../lib/langevin/saddle-study';

// What `sloppy noise saddle` writes, at settings small enough for a unit test (high temperatures, few paths).
test('the saddle study writes escape.npy, times.npy, summary.json and a self-contained report', async () => {
  const out = await mkdtemp(path.join(tmpdir(), 'sloppy-noise-'));
  const r = await saddleStudy({ out, ratios: [2, 3], paths: 60, dt: 1e-4, horizon: 4, seed: 3 });
  expect(r.stationary.holds).toBe(true);
  expect(r.stationary.points.map((p) => p.kind)).toEqual(['minimum', 'minimum', 'strict-saddle', 'strict-saddle']);
  const escape = await readNpy(path.join(out, 'escape.npy'));
  expect(escape.shape).toEqual([2, 8]);
  expect(Array.from(escape.data.subarray(0, 2))).toEqual([2, r.escape.kramers.barrier / 2]);
  expect((await readNpy(path.join(out, 'times.npy'))).shape).toEqual([2, 60]);
  const summary = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8'));
  expect(summary.barrier).toBeCloseTo(8.518878, 6);
  const html = await readFile(path.join(out, 'report.html'), 'utf8');
  expect(html).toMatch(/Escape time against temperature/);
  expect(html).not.toMatch(/NaN|<script|https?:\/\/(?!www\.w3\.org)/);
});
