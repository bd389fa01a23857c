/**
 * `sloppy sweep plan|run|status|collect <desc.json|folder>`: plan a sweep into its folder, run it on the
 * local worker pool or as a Slurm array (progress on stderr), show each task's state, merge the results.
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { SloppyError } from '../errors';
import { BackendName } from '../sweep/backend';
import { collectSweep } from '../sweep/collect';
import { expandSweep, SweepDescription } from '../sweep/description';
import { createSweep, openSweep } from '../sweep/folder';
import { runSweep } from '../sweep/runner';
import { SLURM_RESOURCE_KEYS, SlurmResources } from '../sweep/resources';
import { countsLine, formatStatus, sweepStatus } from '../sweep/status';
import { FlagSpec, Parsed } from './args';

/** The flags of `sloppy sweep`. */
export const sweepFlags: Record<string, FlagSpec> = {
  out: { type: 'string', help: 'sweep folder for a description file (default ./out/sweep-<name>)' },
  backend: { type: 'string', help: "run: 'local' (default) or 'slurm'" },
  workers: { type: 'number', help: 'local: tasks at once (default one per GPU where several, else per core)' },
  threads: { type: 'number', help: 'local: CPU threads per task (default cores / workers)' },
  retries: { type: 'number', help: "run: further attempts of a failing task (default the description's, else 2)" },
  partition: { type: 'string', help: 'slurm: --partition' },
  account: { type: 'string', help: 'slurm: --account' },
  time: { type: 'string', help: 'slurm: --time per task' },
  cpus: { type: 'number', help: 'slurm: --cpus-per-task, the task\'s threads (default 1)' },
  memory: { type: 'string', help: 'slurm: --mem per task, e.g. 4G' },
  gpus: { type: 'number', help: 'slurm: GPUs per task (--gres=gpu:N)' },
  throttle: { type: 'number', help: 'slurm: at most this many array elements at once' },
  poll: { type: 'number', help: 'slurm: seconds between squeue calls (default 2)' },
  all: { type: 'boolean', help: 'status: list done tasks too' },
  help: { type: 'boolean', help: 'show this help' },
};

async function readDescription(file: string): Promise<SweepDescription> {
  const text = await fs.readFile(file, 'utf8');
  try {
    return JSON.parse(text) as SweepDescription;
  } catch (err) {
    throw new SloppyError('ERR_FORMAT', `${file} is not JSON: ${(err as Error).message}`);
  }
}

// A folder is used as it is; a file is a description, planned into --out or out/sweep-<name>.
async function source(args: Parsed): Promise<{ folder: string; description?: SweepDescription }> {
  const given = args.positional[1];
  if (given === undefined) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'sweep needs a description file or a sweep folder');
  const stat = await fs.stat(given).catch(() => undefined);
  if (stat === undefined) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${given} does not exist`);
  if (stat.isDirectory()) return { folder: given };
  const description = await readDescription(given);
  const name = description.name ?? path.basename(given, path.extname(given));
  return { folder: (args.flags.out as string | undefined) ?? path.join('out', `sweep-${name}`), description };
}

function resources(f: Parsed['flags']): SlurmResources {
  return Object.fromEntries(SLURM_RESOURCE_KEYS.filter((k) => f[k] !== undefined).map((k) => [k, f[k]])) as SlurmResources;
}

/** Runs `sloppy sweep <subcommand> <desc.json|folder>`; results on stdout (`log`), progress on stderr. */
export async function runSweepCommand(args: Parsed, log: (line: string) => void): Promise<void> {
  const sub = args.positional[0];
  if (!['plan', 'run', 'status', 'collect'].includes(sub)) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `sweep takes plan, run, status or collect; got ${String(sub)}`);
  }
  const { folder, description } = await source(args);
  const f = args.flags;
  if (sub === 'plan') {
    if (description === undefined) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'sweep plan needs a description file');
    const plan = await createSweep(expandSweep(description), folder);
    for (const t of plan.tasks) log(`${String(t.index).padStart(4)} ${t.id} ${t.kind} ${JSON.stringify(t.settings)}`);
    return log(`${plan.name}: ${plan.tasks.length} tasks planned in ${folder}`);
  }
  if (sub === 'status' || sub === 'collect') {
    // Reading a sweep never plans one: the folder must exist, and hold this description.
    await openSweep(folder);
    if (description !== undefined) await createSweep(expandSweep(description), folder);
  }
  if (sub === 'status') return log(formatStatus(await sweepStatus(folder), f.all === true));
  if (sub === 'collect') {
    const r = await collectSweep(folder);
    for (const line of r.summary) log(line);
    return log(`${countsLine(r.status)}\ncollected: ${r.collected}\nreport: ${r.report}`);
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const r = await runSweep(folder, {
    description, backend: f.backend as BackendName | undefined, workers: f.workers as number | undefined,
    threads: f.threads as number | undefined, retries: f.retries as number | undefined, slurm: resources(f),
    poll: f.poll === undefined ? undefined : 1000 * (f.poll as number), signal: controller.signal,
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  log(formatStatus(r.status));
  const left = r.status.tasks.length - r.status.counts.done;
  if (left > 0) {
    throw new SloppyError('ERR_TASK_FAILED', `${left} of ${r.status.tasks.length} tasks are not done; ` +
      `\`sloppy sweep status ${folder}\` shows why, and \`sloppy sweep run ${folder}\` runs them again`);
  }
  log(`all done; \`sloppy sweep collect ${folder}\` merges the results`);
}
