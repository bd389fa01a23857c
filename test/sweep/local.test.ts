import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { Distribution, epi, maxEntropyRun } from '../../lib';
import { collectSweep, runSweep, runTask, sweepPaths, sweepStatus } from '../../lib/sweep';
import { taskPaths } from '../../lib/sweep/markers';
import { EPI_SETTINGS, longSeedsSweep, readJson, seedsSweep, tmpdir, tree, waitFor } from './helpers';

const run = promisify(execFile);

// The reference: the three-seed sweep run uninterrupted on the local pool, and collected.
let reference: string;
let referenceTree: Record<string, string>;

beforeAll(async () => {
  reference = path.join(await tmpdir(), 'seeds');
  const r = await runSweep(reference, { description: seedsSweep('seeds'), workers: 2 });
  expect(r.status.counts).toEqual({ done: 3, running: 0, failed: 0, pending: 0 });
  await collectSweep(reference);
  referenceTree = await tree(sweepPaths.collected(reference));
}, 120000);

async function copySweep(): Promise<string> {
  const copy = path.join(await tmpdir(), 'seeds');
  await fs.cp(reference, copy, { recursive: true });
  return copy;
}

describe('a sweep on the local worker pool', () => {
  it('merges the seeds into the converged run of greatest entropy, bit for bit the same as epi() in this process', async () => {
    const { model, samples, ...opts } = EPI_SETTINGS;
    expect(samples).toBe(200);
    const runs = [];
    for (const seed of [1, 2, 3]) runs.push(await epi(model, { ...opts, seed, threads: 1 }));
    const best = maxEntropyRun(runs)!;
    const group = (await fs.readdir(path.join(sweepPaths.collected(reference), 'epi')))[0];
    const dir = path.join(sweepPaths.collected(reference), 'epi', group);
    const selection = JSON.parse(await fs.readFile(path.join(dir, 'selection.json'), 'utf8'));
    expect(selection).toMatchObject({ model: 'lds2d', tasks: 3, done: 3, complete: true, selected: { seed: best.settings.seed, epoch: best.epoch } });
    expect(selection.converged).toBe(runs.filter((r) => r.converged).length);
    const merged = await Distribution.load(path.join(dir, 'distribution.json'));
    expect(Array.from(merged.flow.state().weights)).toEqual(Array.from(best.distribution.flow.state().weights));
    const table = (await fs.readFile(path.join(dir, 'seeds.csv'), 'utf8')).trim().split('\n');
    expect(table[0]).toBe('seed,task,state,converged,epoch,H');
    expect(table.slice(1).map((row) => row.split(',').slice(0, 1).concat(row.split(',').slice(2, 5)))).toEqual(
      runs.map((r) => [String(r.settings.seed), 'done', String(r.converged), String(r.epoch)]),
    );
    const report = await fs.readFile(sweepPaths.report(reference), 'utf8');
    expect(report).toMatch(/<h1>Sweep seeds<\/h1>/);
    expect(report).toMatch(/3 done/);
    expect(report).toMatch(/<svg/);
  }, 60000);

  it('skips done tasks on a second run, and collects the same bytes again', async () => {
    const r = await runSweep(reference);
    expect(r.started).toEqual([]);
    await collectSweep(reference);
    expect(await tree(sweepPaths.collected(reference))).toEqual(referenceTree);
  });

  it('after a worker is killed mid-task, the rerun completes only that task, from its checkpoint, to the same result', async () => {
    const uninterrupted = path.join(await tmpdir(), 'seeds');
    await runSweep(uninterrupted, { description: longSeedsSweep('seeds'), workers: 2 });
    await collectSweep(uninterrupted);
    const folder = path.join(await tmpdir(), 'seeds');
    const running = runSweep(folder, { description: longSeedsSweep('seeds'), workers: 1 });
    const plan = await waitFor(() => readJson<{ payload: { tasks: { id: string }[] } }>(sweepPaths.plan(folder)), 'the plan');
    const first = taskPaths(folder, plan.payload.tasks[0].id);
    await waitFor(async () => ((await fs.stat(path.join(first.state, 'checkpoint.json')).catch(() => undefined)) ? true : undefined), 'a checkpoint');
    const holder = await waitFor(() => readJson<{ pid: number }>(first.running), 'the running marker');
    process.kill(holder.pid, 'SIGKILL');
    const interrupted = await running;
    expect(interrupted.status.tasks[0]).toMatchObject({ state: 'pending', attempts: 1, note: expect.stringMatching(/interrupted/) });
    expect(interrupted.status.counts.done).toBe(2);
    const markers = await Promise.all([1, 2].map((i) => fs.readFile(taskPaths(folder, plan.payload.tasks[i].id).done, 'utf8')));

    const rerun = await runSweep(folder, { description: longSeedsSweep('seeds') });
    expect(rerun.started).toEqual([0]);
    expect(rerun.status.counts.done).toBe(3);
    expect(await fs.readFile(first.log, 'utf8')).toMatch(/attempt 2.*resuming from the checkpoint/);
    expect(await Promise.all([1, 2].map((i) => fs.readFile(taskPaths(folder, plan.payload.tasks[i].id).done, 'utf8')))).toEqual(markers);
    await collectSweep(folder);
    expect(await tree(sweepPaths.collected(folder))).toEqual(await tree(sweepPaths.collected(uninterrupted)));
  }, 180000);

  it('detects truncated and altered outputs by their checksums and reruns just those tasks', async () => {
    const folder = await copySweep();
    const plan = (await sweepStatus(folder)).plan;
    const [a, b] = [taskPaths(folder, plan.tasks[0].id), taskPaths(folder, plan.tasks[2].id)];
    const { size } = await fs.stat(path.join(a.out, 'samples.npy'));
    await fs.truncate(path.join(a.out, 'samples.npy'), 100);
    const logq = await fs.readFile(path.join(b.out, 'logq.npy'));
    logq[logq.length - 1] ^= 1;
    await fs.writeFile(path.join(b.out, 'logq.npy'), logq);
    // The cheap status check sees the truncation; the runner's full check sees both.
    const quick = await sweepStatus(folder);
    expect(quick.tasks[0]).toMatchObject({ state: 'pending', note: `output samples.npy has 100 bytes, not ${size}` });
    expect(quick.tasks[2].state).toBe('done');
    expect((await sweepStatus(folder, { verify: true })).tasks[2]).toMatchObject({ state: 'pending', note: 'output logq.npy does not match its checksum' });
    const r = await runSweep(folder, { retries: 0 });
    expect(r.started).toEqual([0, 2]);
    expect(r.status.counts.done).toBe(3);
    await collectSweep(folder);
    expect(await tree(sweepPaths.collected(folder))).toEqual(referenceTree);
  }, 60000);

  it('resumes an interrupted task whatever its attempt count: the retry limit is on failures', async () => {
    const folder = await copySweep();
    const p = taskPaths(folder, (await sweepStatus(folder)).plan.tasks[1].id);
    // What an attempt killed after counting itself leaves: no done marker, no failure marker.
    await fs.rm(p.done);
    expect((await sweepStatus(folder, { retries: 0 })).tasks[1]).toMatchObject({
      state: 'pending', attempts: 1, runnable: true, note: expect.stringMatching(/interrupted/),
    });
    const r = await runSweep(folder, { retries: 0 });
    expect(r.started).toEqual([1]);
    expect(r.status.counts.done).toBe(3);
    await collectSweep(folder);
    expect(await tree(sweepPaths.collected(folder))).toEqual(referenceTree);
  }, 60000);

  it('does not start again a failed task whose process ends before counting an attempt', async () => {
    const folder = await copySweep();
    const task = (await sweepStatus(folder)).plan.tasks[0];
    const p = taskPaths(folder, task.id);
    await fs.rm(p.done);
    await fs.writeFile(p.failed, JSON.stringify({ id: task.id, index: 0, attempt: 1, code: 'ERR_NONFINITE', message: 'earlier', logTail: '', at: 'then' }));
    // A broken environment: every worker process dies on start-up, before it reaches the task.
    const saved = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = `--require ${path.join(folder, 'missing.js')}`;
    const lines: string[] = [];
    try {
      const r = await runSweep(folder, { onProgress: (l) => lines.push(l) });
      expect(r.started).toEqual([0]);
      expect(r.status.tasks[0]).toMatchObject({ state: 'failed', attempts: 1, runnable: true, message: 'earlier' });
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
    }
    expect(lines).toContain('task 0: its process ended before starting an attempt; not retried (see the lines above)');
    expect(lines.some((l) => /^task 0 ended with exit code 1 /.test(l))).toBe(true);
  }, 60000);

  it('reports a task with bad settings with its code and log tail, retries it up to the limit, and never counts it done', async () => {
    const folder = path.join(await tmpdir(), 'bad');
    const description = {
      name: 'bad', retries: 1,
      groups: [{ kind: 'epi', settings: { ...EPI_SETTINGS, batch: 2 } }, { kind: 'epi', settings: { ...EPI_SETTINGS, epochs: 1, seed: 5 } }],
    };
    const lines: string[] = [];
    const r = await runSweep(folder, { description, onProgress: (l) => lines.push(l) });
    expect(r.started).toEqual([0, 1, 0]);
    expect(lines).toContain('retrying 1 failed task(s): 0');
    const bad = r.status.tasks[0];
    expect(bad).toMatchObject({ state: 'failed', code: 'ERR_INVALID_ARG_VALUE', attempts: 2, runnable: false, note: 'retry limit reached (2 attempts)' });
    expect(bad.message).toMatch(/batch must be an integer in \[4, /);
    expect(bad.logTail).toMatch(/attempt 2.*failed: batch must be.*\[ERR_INVALID_ARG_VALUE\]/);
    expect(r.status.tasks[1].state).toBe('done');
    const again = await runSweep(folder);
    expect(again.started).toEqual([]);
    expect(again.status.tasks[0].state).toBe('failed');
    const c = await collectSweep(folder);
    expect(c.complete).toBe(false);
    expect((await fs.readFile(path.join(c.collected, 'tasks.csv'), 'utf8')).split('\n')[1]).toMatch(/^0,[0-9a-f]{16},epi,failed$/);
    expect(await fs.readFile(c.report, 'utf8')).toMatch(/ERR_INVALID_ARG_VALUE/);
  }, 60000);
});

describe('a sweep refuses, with codes', () => {
  it('a folder made from another description', async () => {
    await expect(runSweep(reference, { description: seedsSweep('seeds', { retries: 5 }) })).rejects.toMatchObject({ code: 'ERR_SWEEP_MISMATCH' });
    const other = await tmpdir();
    await fs.writeFile(path.join(other, 'notes.txt'), 'mine');
    await expect(runSweep(other, { description: seedsSweep('seeds') })).rejects.toMatchObject({
      code: 'ERR_SWEEP_MISMATCH', message: expect.stringMatching(/not empty and is not a sweep folder/),
    });
  });

  it('a second runner while one holds the lock; a stale lock is taken over', async () => {
    const folder = await copySweep();
    await fs.writeFile(sweepPaths.lock(folder), JSON.stringify({ pid: process.pid, host: os.hostname(), started: 'now' }));
    await expect(runSweep(folder)).rejects.toMatchObject({ code: 'ERR_SWEEP_LOCKED', message: expect.stringMatching(new RegExp(`held by process ${process.pid}`)) });
    const gone = (await run(process.execPath, ['-e', 'console.log(process.pid)'])).stdout.trim();
    await fs.writeFile(sweepPaths.lock(folder), JSON.stringify({ pid: Number(gone), host: os.hostname(), started: 'then' }));
    await expect(runSweep(folder)).resolves.toMatchObject({ started: [] });
    await expect(fs.access(sweepPaths.lock(folder))).rejects.toThrow();
    // A task that a live process works on is not run twice.
    const p = taskPaths(folder, (await sweepStatus(folder)).plan.tasks[0].id);
    await fs.rm(p.done);
    await fs.writeFile(p.running, JSON.stringify({ pid: process.pid, host: os.hostname(), started: 'now' }));
    await expect(runTask(folder, 0)).rejects.toMatchObject({ code: 'ERR_SWEEP_LOCKED' });
    expect((await sweepStatus(folder)).tasks[0].state).toBe('running');
  });

  it('an unknown model in the grid, and the Slurm backend without sbatch, before writing anything', async () => {
    const folder = path.join(await tmpdir(), 'never');
    const description = seedsSweep('x');
    description.groups[0].grid = { model: ['lds2d', 'lds3d'] };
    await expect(runSweep(folder, { description })).rejects.toMatchObject({ code: 'ERR_UNKNOWN_MODEL', message: expect.stringMatching(/lds3d/) });
    const empty = await tmpdir('sloppy-nopath-');
    const saved = process.env.PATH;
    process.env.PATH = empty;
    try {
      await expect(runSweep(folder, { description: seedsSweep('x'), backend: 'slurm' })).rejects.toMatchObject({
        code: 'ERR_SLURM_UNAVAILABLE', message: expect.stringMatching(/needs sbatch, squeue, scancel on PATH/),
      });
    } finally {
      process.env.PATH = saved;
    }
    await expect(fs.access(folder)).rejects.toThrow();
  });
});
