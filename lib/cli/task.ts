/**
 * `sloppy task <sweep folder> [index]`: one attempt at one task of a sweep — what every local worker and
 * every Slurm array element runs. Without an index, the index is --offset + SLURM_ARRAY_TASK_ID. Exit
 * status: 0 done (or already done), 1 failed (recorded in the task's folder), 143 interrupted by a signal.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { SUBMITTED_ENV } from '../sweep/backend';
import { runTask } from '../sweep/task';
import { FlagSpec, Parsed } from './args';

/** The flags of `sloppy task`. */
export const taskFlags: Record<string, FlagSpec> = {
  threads: { type: 'number', help: 'CPU threads (default SLURM_CPUS_PER_TASK, else all)' },
  offset: { type: 'number', help: 'added to SLURM_ARRAY_TASK_ID when no index is given (default 0)' },
  help: { type: 'boolean', help: 'show this help' },
};

function taskIndex(args: Parsed): number {
  if (args.positional[1] !== undefined) return Number(args.positional[1]);
  const element = process.env.SLURM_ARRAY_TASK_ID;
  if (element === undefined) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', 'task needs an index, or SLURM_ARRAY_TASK_ID in the environment (as in a Slurm array)');
  }
  return ((args.flags.offset as number | undefined) ?? 0) + Number(element);
}

/** Runs the command; resolves to the process's exit status. */
export async function runTaskCommand(args: Parsed, log: (line: string) => void): Promise<number> {
  const folder = args.positional[0];
  if (folder === undefined) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'task needs a sweep folder: sloppy task <folder> [index]');
  const index = taskIndex(args);
  const env = process.env;
  // scancel and the local runner stop a task with SIGTERM: the attempt ends cleanly, keeping its checkpoint.
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const outcome = await runTask(folder, index, {
    threads: (args.flags.threads as number | undefined) ?? (env.SLURM_CPUS_PER_TASK ? Number(env.SLURM_CPUS_PER_TASK) : 0),
    signal: controller.signal,
    started: Math.round(performance.timeOrigin),
    submitted: env[SUBMITTED_ENV] ? Number(env[SUBMITTED_ENV]) : undefined,
    slurmJob: env.SLURM_ARRAY_JOB_ID && env.SLURM_ARRAY_TASK_ID ? `${env.SLURM_ARRAY_JOB_ID}_${env.SLURM_ARRAY_TASK_ID}` : env.SLURM_JOB_ID,
    echo: (line) => process.stderr.write(`task ${index}: ${line}\n`),
  });
  log(`task ${index}: ${outcome}`);
  return outcome === 'failed' ? 1 : outcome === 'interrupted' ? 143 : 0;
}
