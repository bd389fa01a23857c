import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { Distribution } from '../../lib/epi/distribution';
import { Flow, flowSpec } from '../../lib/flow/flow';
import { parseArgs } from '../../lib/cli/args';
import { robustnessFlags, runRobustness } from '../../lib/cli/robustness';
import { readNpy } from '../../lib/io/npy';
import { propertyProfile, springsBack } from '../../lib/robustness';

describe('sloppy robustness', () => {
  it('writes the profile as .npy files, a JSON summary and an HTML report with return times', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'sloppy-robustness-'));
    const lines: string[] = [];
    await runRobustness(
      parseArgs(['lds2d', '--random', '2', '--horizon', '12', '--amounts', '0.1', '--out', out], robustnessFlags),
      (l) => lines.push(l),
    );
    const K = 4 + 4 + 2;
    expect((await readNpy(path.join(out, 'directions.npy'))).shape).toEqual([K, 4]);
    expect((await readNpy(path.join(out, 'break.npy'))).shape).toEqual([K, 2]);
    expect((await readNpy(path.join(out, 'curvature.npy'))).data[0]).toBeCloseTo(8, 9);
    const rt = await readNpy(path.join(out, 'return-times.npy'));
    expect(rt.shape).toEqual([2, 1]);
    // At the published point Re λ1 = 0: a centre, so a push never comes back.
    expect(Array.from(rt.data)).toEqual([Infinity, Infinity]);
    const atBreak = await readNpy(path.join(out, 'break-return-times.npy'));
    // The stiffest direction's − break point has Re λ1 = −0.25: back from 0.1 to 0.01 in about ln 10 / 0.25.
    expect(Math.abs(atBreak.data[1] / (Math.log(10) / 0.25) - 1)).toBeLessThan(0.02);
    const summary = JSON.parse(await readFile(path.join(out, 'profile.json'), 'utf8'));
    expect(summary.directions).toHaveLength(K);
    const html = await readFile(path.join(out, 'report.html'), 'utf8');
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).toContain('Springs back');
    expect(lines.at(-1)).toContain('report.html');
  });

  it('explains in the report why a model without a settable state has no return times', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'sloppy-robustness-'));
    await runRobustness(parseArgs(['rnn2', '--directions', 'axes', '--out', out], robustnessFlags), () => undefined);
    const html = await readFile(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('settable initial state');
  });

  it('times v1\'s return to its noise-free fixed point, as springsBack does at the same settings', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'sloppy-robustness-'));
    const z = [0.0033, 0.0033, 0.0033, 0.0033];
    await runRobustness(
      parseArgs(['v1', '--z', z.join(','), '--directions', 'axes', '--amounts', '0.1', '--out', out], robustnessFlags),
      () => undefined,
    );
    const rt = await readNpy(path.join(out, 'return-times.npy'));
    expect(rt.shape).toEqual([8, 1]);
    // The CLI's defaults for v1: dt = 5e-4 / 10, a 0.1 s horizon, tolerance 0.01.
    const direct = await springsBack('v1', {
      z, amounts: [0.1], tolerance: 0.01, directions: [[1, 0, 0, 0, 0, 0, 0, 0]], options: { dt: 5e-5, steps: 2000 },
    });
    expect(direct.returns[0].returned).toBe(true);
    expect(rt.data[0]).toBe(direct.returns[0].returnTime);
    expect(await readFile(path.join(out, 'report.html'), 'utf8')).toContain('noise-free network');
  });

  it('pushes along the sensitivity directions of an EPI distribution', async () => {
    const flow = new Flow(flowSpec([-10, -10, -10, -10], [10, 10, 10, 10], { seed: 3 }));
    const q = new Distribution(flow, { model: 'lds2d', paramNames: ['a11', 'a12', 'a21', 'a22'], units: ['1', '1', '1', '1'] });
    const z = [0, 2 * Math.PI, -2 * Math.PI, 0];
    const p = await propertyProfile('lds2d', { z, directions: { kind: 'sensitivity', distribution: q } });
    const s = await q.sensitivity(z);
    expect(p.directions[0].name).toBe('sensitivity v1');
    s.v1.forEach((v, i) => expect(p.directions[0].vector[i]).toBeCloseTo(v, 12));
    expect(p.directions.map((d) => d.eigenvalue)).toEqual(Array.from(s.values));
  });
});
