// The landscape study at toy scale: every stage runs, its counts agree with direct recomputation from the
// files it wrote, and the report carries every figure.
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { readNpy } from '../../lib/io/npy';
import { networkLoss, networkOutputs } from '../../lib/landscape/network';
import { renderLandscapeReport } from '../../lib/landscape/report';
import { landscapeStudy } from '../../lib/landscape/study';
import { symmetrize } from '../../lib/landscape/symmetrize';

describe('the landscape study', () => {
  test('runs every stage at toy scale and writes what it reports', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'sloppy-landscape-'));
    const s = await landscapeStudy({ fits: 12, steps: 300, basin: 8, bands: 2, images: 6, nebSteps: 50, pairs: 50, out });
    const t = s.teacher;
    for (const e of s.ensembles) {
      const weights = await readNpy(path.join(out, `${e.optimizer}-weights.npy`));
      expect(weights.shape).toEqual([12, 136]);
      // Losses and the collapsed count recomputed from the saved weights.
      const loss = await networkLoss(weights.data, t.shape, t, { gradient: false });
      expect(loss.loss).toEqual(e.loss);
      const { outputs } = await networkOutputs(weights.data, t.shape, t.x);
      let collapsed = 0;
      for (let f = 0; f < 12; f++) {
        const row = outputs.subarray(f * 320, (f + 1) * 320);
        if (Math.max(...row) - Math.min(...row) <= 1e-9 * (1 + Math.abs(Math.max(...row)))) collapsed++;
      }
      expect(e.collapsed).toBe(collapsed);
      const minima = (await readNpy(path.join(out, `${e.optimizer}-minima.npy`))).data;
      const again = symmetrize(weights.data, t.shape, 12).params;
      expect(minima.every((v, k) => v === again[k])).toBe(true);
      expect(e.pairDistances.length).toBe(50);
      expect(e.teacherDistances.length).toBe(12);
      expect(e.basin.norms.length).toBe(8);
    }
    expect(s.bands.length).toBe(2);
    expect(s.bands[0].images[0].every((v, k) => v === s.globalMinimum[k])).toBe(true);
    expect(s.path?.angles.length).toBe(4);
    expect(s.globalCurvature.valid).toEqual([false]);
    const html = renderLandscapeReport(s);
    for (const fig of ['Fig. 3', 'Fig. 5', 'Fig. 6', 'Fig. 7', 'Fig. 8', 'Fig. 9', 'Fig. 10', 'Fig. 11', 'Fig. 12']) expect(html).toContain(fig);
    expect(html).not.toMatch(/NaN/);
    expect(s.files).toContain('global-eigenvalues.npy');
    expect(readFileSync(path.join(out, 'x.npy')).length).toBeGreaterThan(320 * 8);
  }, 60000);
});
