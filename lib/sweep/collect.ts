/**
 * `sweep collect`: merges the done tasks of a sweep into `collected/` — each kind's merge in its own
 * folder, a table of every task's state and the merged results' summary — and writes the HTML report.
 * The merge reads only tasks' settings and verified outputs, in plan order, and replaces `collected/` as a
 * whole, so collecting is idempotent and independent of the order in which tasks finished.
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { sweepPaths } from './folder';
import { taskKind } from './kinds';
import { taskPaths } from './markers';
import { writeSweepReport } from './report';
import { sweepStatus, SweepStatus } from './status';

/** What {@link collectSweep} wrote. */
export interface CollectResult {
  /** The collected folder. */
  collected: string;
  /** The HTML report. */
  report: string;
  /** One line per merged result. */
  summary: string[];
  /** Whether every task was done. */
  complete: boolean;
  status: SweepStatus;
}

/** Merges the sweep in `folder` (done tasks only; outputs whose checksums fail are left out, as not done). */
export async function collectSweep(folder: string): Promise<CollectResult> {
  const status = await sweepStatus(folder, { verify: true });
  const { plan } = status;
  const target = sweepPaths.collected(folder);
  const staging = `${target}.${process.pid}.tmp`;
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(staging, { recursive: true });
  const summary: string[] = [];
  for (const kind of [...new Set(plan.tasks.map((t) => t.kind))].sort()) {
    const out = path.join(staging, kind);
    await fs.mkdir(out, { recursive: true });
    const tasks = status.tasks.filter((t) => t.kind === kind).map((t) => ({
      task: plan.tasks[t.index], out: t.state === 'done' ? taskPaths(folder, t.id).out : undefined,
    }));
    summary.push(...(await taskKind(kind).collect(tasks, out)).summary);
  }
  const table = ['index,id,kind,state', ...status.tasks.map((t) => `${t.index},${t.id},${t.kind},${t.state}`)];
  await fs.writeFile(path.join(staging, 'tasks.csv'), table.join('\n') + '\n');
  await fs.writeFile(path.join(staging, 'summary.txt'), summary.join('\n') + '\n');
  await fs.rm(target, { recursive: true, force: true });
  await fs.rename(staging, target);
  const report = sweepPaths.report(folder);
  await writeSweepReport(report, status, summary);
  return { collected: target, report, summary, complete: status.counts.done === plan.tasks.length, status };
}
