import { execFile, execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { collectSweep, runSweep, sweepPaths } from '../../lib/sweep';
import { DoneMarker, taskPaths } from '../../lib/sweep/markers';
import { longSeedsSweep, mixedSweep, readJson, seedsSweep, tmpdir, tree, waitFor } from './helpers';

// These run against a real Slurm cluster (CI installs a one-node one; see .ci/run). Without sbatch, or
// when sinfo cannot reach a controller, they are reported as skipped; SLOPPY_REQUIRE_SLURM=1 makes that a failure.
function slurmReason(): string | undefined {
  try {
    execFileSync('sbatch', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'sbatch is not on PATH';
  }
  try {
    execFileSync('sinfo', ['-h'], { stdio: 'ignore', timeout: 15000 });
  } catch {
    return 'sinfo fails (no Slurm controller reachable)';
  }
  return undefined;
}

const unavailable = slurmReason();
const describeSlurm = unavailable === undefined ? describe : describe.skip;
if (unavailable !== undefined) console.log(`Slurm tests skipped: ${unavailable}`);
if (process.env.SLOPPY_REQUIRE_SLURM === '1') {
  test('a Slurm cluster is reachable (SLOPPY_REQUIRE_SLURM=1)', () => expect(unavailable).toBeUndefined());
}

const run = promisify(execFile);
const POLL = 200;

describeSlurm('a sweep as a Slurm job array', () => {
  let localTree: Record<string, string>;

  beforeAll(async () => {
    const local = path.join(await tmpdir(), 'seeds');
    await runSweep(local, { description: seedsSweep('seeds'), workers: 2 });
    await collectSweep(local);
    localTree = await tree(sweepPaths.collected(local));
  }, 120000);

  it('runs every task through sbatch, and collects the same bytes as the local backend', async () => {
    const folder = path.join(await tmpdir(), 'seeds');
    const lines: string[] = [];
    const r = await runSweep(folder, { description: seedsSweep('seeds'), backend: 'slurm', poll: POLL, onProgress: (l) => lines.push(l) });
    expect(r.status.counts).toEqual({ done: 3, running: 0, failed: 0, pending: 0 });
    expect(lines.some((l) => /^submitted Slurm array job \d+ \(3 tasks, --array=0-2\)$/.test(l))).toBe(true);
    r.status.tasks.forEach((t) => expect(t.done!.slurmJob).toMatch(new RegExp(`^\\d+_${t.index}$`)));
    await collectSweep(folder);
    expect(await tree(sweepPaths.collected(folder))).toEqual(localTree);
  }, 120000);

  it('runs EPI and fit tasks in one array, collecting what the local backend collects', async () => {
    const local = path.join(await tmpdir(), 'mixed');
    await runSweep(local, { description: mixedSweep('mixed'), workers: 2 });
    await collectSweep(local);
    const folder = path.join(await tmpdir(), 'mixed');
    const r = await runSweep(folder, { description: mixedSweep('mixed'), backend: 'slurm', poll: POLL });
    expect(r.status.counts).toEqual({ done: 6, running: 0, failed: 0, pending: 0 });
    await collectSweep(folder);
    const merged = await tree(sweepPaths.collected(folder));
    expect(Object.keys(merged).some((f) => f.endsWith('weights.npy'))).toBe(true);
    expect(merged).toEqual(await tree(sweepPaths.collected(local)));
  }, 240000);

  it('after scancel of one running element, the rerun completes only that task, to the same result', async () => {
    const uninterrupted = path.join(await tmpdir(), 'seeds');
    await runSweep(uninterrupted, { description: longSeedsSweep('seeds'), workers: 2 });
    await collectSweep(uninterrupted);
    const folder = path.join(await tmpdir(), 'seeds');
    const running = runSweep(folder, { description: longSeedsSweep('seeds'), backend: 'slurm', poll: POLL, slurm: { throttle: 1 } });
    const plan = await waitFor(() => readJson<{ payload: { tasks: { id: string }[] } }>(sweepPaths.plan(folder)), 'the plan');
    const first = taskPaths(folder, plan.payload.tasks[0].id);
    await waitFor(async () => ((await fs.stat(path.join(first.state, 'checkpoint.json')).catch(() => undefined)) ? true : undefined), 'a checkpoint', 90000);
    const holder = await waitFor(() => readJson<{ slurmJob?: string }>(first.running), 'the running marker');
    await run('scancel', [holder.slurmJob!]);
    const cancelled = await running;
    expect(cancelled.status.tasks[0]).toMatchObject({ state: 'pending', attempts: 1 });
    expect(cancelled.status.counts.done).toBe(2);
    expect(await fs.readFile(first.log, 'utf8')).toMatch(/interrupted; the next run resumes from the checkpoint/);

    const rerun = await runSweep(folder, { backend: 'slurm', poll: POLL });
    expect(rerun.started).toEqual([0]);
    expect(rerun.status.counts.done).toBe(3);
    const marker = rerun.status.tasks[0].done as DoneMarker;
    expect(marker.attempt).toBe(2);
    expect(await fs.readFile(first.log, 'utf8')).toMatch(/attempt 2.*resuming from the checkpoint/);
    await collectSweep(folder);
    expect(await tree(sweepPaths.collected(folder))).toEqual(await tree(sweepPaths.collected(uninterrupted)));
  }, 240000);
});
