import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { collectSweep, createSweep, expandSweep, runTask, sweepStatus, TASK_KINDS, TaskKind } from '../../lib/sweep';
import { tmpdir } from './helpers';

// A kind as a later one (chunks of a batched fit) would plug in: one registry entry. It writes its chunk's
// item numbers; the merge concatenates the chunks in item order.
const chunked: TaskKind = {
  validate(settings) {
    if (typeof settings.chunk !== 'object') throw Object.assign(new Error('chunked tasks need chunks'), { code: 'ERR_INVALID_ARG_VALUE' });
  },
  async run(dirs, settings) {
    const { offset, count } = settings.chunk as { offset: number; count: number };
    if (settings.failAt === offset) throw Object.assign(new Error(`chunk at ${offset} fails`), { code: 'ERR_NONFINITE' });
    await fs.writeFile(path.join(dirs.out, 'items.txt'), Array.from({ length: count }, (_, i) => offset + i).join('\n') + '\n');
    return ['items.txt'];
  },
  async collect(tasks, out) {
    const done = tasks.filter((t) => t.out).sort((a, b) => (a.task.settings.chunk as { offset: number }).offset - (b.task.settings.chunk as { offset: number }).offset);
    const parts = await Promise.all(done.map((t) => fs.readFile(path.join(t.out!, 'items.txt'), 'utf8')));
    await fs.writeFile(path.join(out, 'items.txt'), parts.join(''));
    return { files: ['items.txt'], summary: [`${done.length} of ${tasks.length} chunks`] };
  },
};

beforeAll(() => {
  (TASK_KINDS as Record<string, TaskKind>).chunked = chunked;
});
afterAll(() => {
  delete (TASK_KINDS as Record<string, TaskKind>).chunked;
});

describe('task kinds', () => {
  it('plug in with one registry entry: chunks expand, run one by one, and merge in item order', async () => {
    const plan = expandSweep({ name: 'chunks', groups: [{ kind: 'chunked', chunks: { total: 25, size: 10 } }] });
    expect(plan.tasks.map((t) => t.settings.chunk)).toEqual([
      { index: 0, offset: 0, count: 10 }, { index: 1, offset: 10, count: 10 }, { index: 2, offset: 20, count: 5 },
    ]);
    const folder = await tmpdir();
    await createSweep(plan, folder);
    // Finishing out of order changes nothing in the merge.
    for (const i of [2, 0, 1]) await expect(runTask(folder, i)).resolves.toBe('done');
    await expect(runTask(folder, 1)).resolves.toBe('already done');
    const r = await collectSweep(folder);
    expect(r.complete).toBe(true);
    expect(r.summary).toEqual(['3 of 3 chunks']);
    const items = (await fs.readFile(path.join(r.collected, 'chunked', 'items.txt'), 'utf8')).trim().split('\n').map(Number);
    expect(items).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect((await sweepStatus(folder)).counts).toEqual({ done: 3, running: 0, failed: 0, pending: 0 });
  });

  it('record a failing task with its code and log tail, and never as done', async () => {
    const folder = await tmpdir();
    await createSweep(expandSweep({ groups: [{ kind: 'chunked', settings: { failAt: 10 }, chunks: { total: 20, size: 10 } }] }), folder);
    await expect(runTask(folder, 1)).resolves.toBe('failed');
    await expect(runTask(folder, 1)).resolves.toBe('failed');
    const s = await sweepStatus(folder);
    expect(s.tasks[1]).toMatchObject({ state: 'failed', code: 'ERR_NONFINITE', message: 'chunk at 10 fails', attempts: 2, runnable: true });
    expect(s.tasks[1].logTail).toMatch(/attempt 2.*failed: chunk at 10 fails \[ERR_NONFINITE\]/);
    expect(s.tasks[0]).toMatchObject({ state: 'pending', attempts: 0 });
    await expect(runTask(folder, 1)).resolves.toBe('failed');
    expect((await sweepStatus(folder)).tasks[1]).toMatchObject({ attempts: 3, runnable: false, note: 'retry limit reached (3 attempts)' });
  });
});
