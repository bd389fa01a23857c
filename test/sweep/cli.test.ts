import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { EPI_SETTINGS, seedsSweep, tmpdir } from './helpers';

const run = promisify(execFile);
const MAIN = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const sloppy = (args: string[], env: NodeJS.ProcessEnv = {}) => run(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env } });

describe('sloppy sweep and sloppy task', () => {
  it('plan, one task from SLURM_ARRAY_TASK_ID, status, run and collect', async () => {
    const dir = await tmpdir();
    const file = path.join(dir, 'seeds.json');
    await fs.writeFile(file, JSON.stringify(seedsSweep('seeds')));
    const folder = path.join(dir, 'sweep');
    const plan = await sloppy(['sweep', 'plan', file, '--out', folder]);
    expect(plan.stdout).toMatch(/^ {3}0 [0-9a-f]{16} epi \{.*"seed":1\}$/m);
    expect(plan.stdout).toMatch(/seeds: 3 tasks planned in /);

    const task = await sloppy(['task', folder, '--threads', '1'], { SLURM_ARRAY_TASK_ID: '1' });
    expect(task.stdout).toBe('task 1: done\n');
    expect(task.stderr).toMatch(/task 1: epoch 4/);
    const status = await sloppy(['sweep', 'status', folder]);
    expect(status.stdout).toMatch(/^seeds: 3 tasks — 1 done, 0 running, 0 failed, 2 pending$/m);
    expect(status.stdout).not.toMatch(/^ +1 /m);

    const r = await sloppy(['sweep', 'run', file, '--out', folder, '--workers', '2']);
    expect(r.stderr).toMatch(/1 of 3 tasks done; running 2 on the local backend/);
    expect(r.stdout).toMatch(/3 done/);
    const c = await sloppy(['sweep', 'collect', folder]);
    // The selection is the converged run of greatest entropy in the per-seed table collect writes.
    const collected = path.join(folder, 'collected', 'epi');
    const [group] = (await fs.readdir(collected)).filter((f) => f.startsWith('lds2d-'));
    const rows = (await fs.readFile(path.join(collected, group, 'seeds.csv'), 'utf8')).trim().split('\n').slice(1)
      .map((line) => line.split(',')).filter((f) => f[3] === 'true');
    const best = rows.reduce((a, b) => (Number(b[5]) > Number(a[5]) ? b : a));
    expect(c.stdout).toMatch(new RegExp(`lds2d realLambda1 = 0 ± 1: 3 of 3 runs done, 2 converged; seed ${best[0]} selected`));
    expect(c.stdout).toMatch(/report: .*report.html/);
  }, 60000);

  it('exit non-zero with coded messages: a failing task, a missing sbatch, a folder that is no sweep', async () => {
    const dir = await tmpdir();
    const file = path.join(dir, 'bad.json');
    await fs.writeFile(file, JSON.stringify({ name: 'bad', retries: 0, groups: [{ kind: 'epi', settings: { ...EPI_SETTINGS, alpha: 2 } }] }));
    const folder = path.join(dir, 'sweep');
    await expect(sloppy(['sweep', 'run', file, '--out', folder])).rejects.toMatchObject({
      code: 1, stdout: expect.stringMatching(/failed +attempts 1 ERR_INVALID_ARG_VALUE: alpha must be in \(0, 1\)/),
      stderr: expect.stringMatching(/1 of 1 tasks are not done.*\[ERR_TASK_FAILED\]/),
    });
    await expect(sloppy(['sweep', 'status', folder])).resolves.toMatchObject({ stdout: expect.stringMatching(/\| .*failed: alpha must be/) });
    await expect(sloppy(['task', folder, '0'])).rejects.toMatchObject({ code: 1, stdout: 'task 0: failed\n' });
    await expect(sloppy(['sweep', 'run', file, '--out', path.join(dir, 'other'), '--backend', 'slurm'], { PATH: dir })).rejects.toMatchObject({
      code: 1, stderr: expect.stringMatching(/needs sbatch, squeue, scancel on PATH.*\[ERR_SLURM_UNAVAILABLE\]/),
    });
    await expect(fs.access(path.join(dir, 'other'))).rejects.toThrow();
    await expect(sloppy(['sweep', 'status', dir])).rejects.toMatchObject({ stderr: expect.stringMatching(/not a sweep folder.*\[ERR_INVALID_ARG_VALUE\]/) });
    await expect(sloppy(['task', folder])).rejects.toMatchObject({ stderr: expect.stringMatching(/SLURM_ARRAY_TASK_ID/) });
  }, 60000);
});
