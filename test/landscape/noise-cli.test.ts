// `sloppy noise landscape` at toy scale: the files it writes hold what its summary says.
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { parseArgs } from '../../lib/cli/args';
import { noiseLandscapeFlags, runNoiseLandscape } from '../../lib/cli/noise-landscape';
import { readNpy } from '../../lib/io/npy';

test('sloppy noise landscape writes one loss file per temperature, a summary and a report', async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'sloppy-noise-landscape-'));
  const lines: string[] = [];
  await runNoiseLandscape(parseArgs(['landscape', '--fits', '6', '--steps', '100', '--temperatures', '1e-5', '--out', out], noiseLandscapeFlags), (l) => lines.push(l));
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
  expect(summary.outcomes.map((o: { temperature: number }) => o.temperature)).toEqual([0, 1e-5]);
  for (const o of summary.outcomes) {
    const loss = (await readNpy(path.join(out, `loss-T${o.temperature}.npy`))).data;
    expect(loss.length).toBe(6);
    expect(o.pGlobal).toBe(Array.from(loss).filter((l) => l < 1e-6).length / 6);
  }
  expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('Does gradient noise help');
  expect(lines.at(-1)).toMatch(/written to/);
});
