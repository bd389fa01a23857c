import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { Distribution } from '../../lib';
import { readNpy } from '../../lib/io/npy';

const run = promisify(execFile);
const MAIN = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

describe('sloppy epi', () => {
  it('writes a run folder: distribution, samples, statistics, history, summary and report', async () => {
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'sloppy-cli-'));
    const { stdout } = await run(process.execPath, [
      MAIN, 'epi', 'lds2d', '--epochs', '2', '--iterations', '30', '--init-iterations', '30', '--batch', '64',
      '--samples', '500', '--property', 'realLambda1=0,0.5', '--property', 'freq=1,0.2', '--out', out,
    ]);
    expect(stdout).toMatch(/lds2d: (converged|NOT converged); seed 1, selected epoch [12]/);
    const samples = await readNpy(path.join(out, 'samples.npy'));
    expect(samples.shape).toEqual([500, 4]);
    const q = await Distribution.load(path.join(out, 'distribution.json'));
    const logq = await readNpy(path.join(out, 'logq.npy'));
    const again = await q.logProb(samples.data);
    again.forEach((v, i) => expect(v).toBeCloseTo(logq.data[i], 10));
    const stats = await readNpy(path.join(out, 'statistics.npy'));
    expect(stats.shape).toEqual([500, 2]);
    const history = (await fs.readFile(path.join(out, 'history.csv'), 'utf8')).trim().split('\n');
    expect(history[0]).toBe('epoch,iteration,H,cost,R_E[realLambda1],R_E[freq],R_Var[realLambda1],R_Var[freq]');
    expect(history.length).toBe(1 + 2 * 2);  // iterations 0 and 29 of each epoch, logRate 50
    const summary = JSON.parse(await fs.readFile(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.settings.property).toEqual({ stats: ['realLambda1', 'freq'], mean: [0, 1], std: [0.5, 0.2] });
    const report = await fs.readFile(path.join(out, 'report.html'), 'utf8');
    expect(report).toMatch(/<html/);
    expect(report).toMatch(/Re λ1 = 0/);  // the closed-form contours of the 2D LDS
  }, 120000);

  it('exits non-zero with a coded message on a bad property', async () => {
    await expect(run(process.execPath, [MAIN, 'epi', 'lds2d', '--property', 'omega=1,0.1', '--out', os.tmpdir()]))
      .rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/unknown statistic 'omega'.*\[ERR_INVALID_ARG_VALUE\]/) });
  });
});
