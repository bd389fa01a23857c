// `sloppy noise synaptic` end to end at a tiny size: the run folder's .npy files, summary.json and report.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { parseArgs } from '../../lib/cli/args';
import { noiseSynapticFlags, runNoiseSynaptic } from '../../lib/cli/noise-synaptic';
import { readNpy } from '../../lib/io/npy';

describe('sloppy noise synaptic', () => {
  it('writes learning curves, confusion matrices, the paired summary and the report for each variant', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'syn-cli-'));
    const argv = ['synaptic', '--runs', '2', '--samples', '60', '--curve-every', '30', '--inputs', '100', '--test-per-class', '1',
      '--prefactor', 'sqrt2b,b', '--set', 'b=1e-3', '--threads', '2', '--out', out];
    const lines: string[] = [];
    await runNoiseSynaptic(parseArgs(argv, noiseSynapticFlags), (l) => lines.push(l));
    expect(readdirSync(out).sort()).toEqual(['normalised-b-n100', 'normalised-sqrt2b-n100', 'report.html', 'summary.json']);
    const test = await readNpy(path.join(out, 'normalised-b-n100', 'weight-test.npy'));
    expect(test.shape).toEqual([2, 3]);
    expect((await readNpy(path.join(out, 'normalised-sqrt2b-n100', 'none-confusion.npy'))).shape).toEqual([2, 10, 11]);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary).toHaveLength(2);
    expect(summary[0].options).toMatchObject({ b: 1e-3, prefactor: 'sqrt2b' });
    expect(summary[0].paired).toHaveLength(3);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).toContain('weight − none');
    expect(lines.some((l) => l.includes('standard − none'))).toBe(true);
    expect(() => parseArgs(['synaptic', '--bogus', '1'], noiseSynapticFlags)).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_OPTION' }));
  });
});
