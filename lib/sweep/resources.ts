/**
 * What each Slurm array element asks for. Kept apart from the backend so that a description can be
 * checked (and a sweep planned) on a machine without Slurm.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { integer, knownKeys } from '../validate';

/** Per-task resources of the Slurm backend; each maps onto the sbatch option of the same meaning. */
export interface SlurmResources {
  /** --partition. */
  partition?: string;
  /** --account. */
  account?: string;
  /** --time, in any form sbatch takes ("30", "01:00:00", "1-00:00:00"). */
  time?: string;
  /** --cpus-per-task, and the task's thread count. Default 1. */
  cpus?: number;
  /** --mem ("4G", "500M"). */
  memory?: string;
  /** GPUs per task: --gres=gpu:N. Default 0 (none asked for). */
  gpus?: number;
  /** At most this many array elements at once (the array's %throttle). Default: no limit. */
  throttle?: number;
}

/** The keys of {@link SlurmResources}: the description's `slurm` object and the CLI's flags of the same names. */
export const SLURM_RESOURCE_KEYS = ['partition', 'account', 'time', 'cpus', 'memory', 'gpus', 'throttle'] as const;
// Values reach sbatch as single arguments, never through a shell, but a newline or a comma would still
// change what Slurm reads; these patterns admit what real partitions, accounts and limits look like.
const NAME = /^[A-Za-z0-9_.+-]{1,128}$/;
const TIME = /^[0-9:-]{1,20}$/;
const MEMORY = /^[0-9]+[KMGT]?$/;

function text(value: unknown, key: string, pattern: RegExp): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `slurm.${key} must match ${pattern}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Checks per-task Slurm resources, throwing coded errors that name the offending key. */
export function slurmResources(value: unknown): SlurmResources {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'slurm must be an object of per-task resources');
  }
  knownKeys(value, SLURM_RESOURCE_KEYS, 'slurm resource');
  const v = value as Record<string, unknown>;
  const out: SlurmResources = {
    partition: text(v.partition, 'partition', NAME),
    account: text(v.account, 'account', NAME),
    time: text(v.time, 'time', TIME),
    memory: text(v.memory, 'memory', MEMORY),
    cpus: v.cpus === undefined ? undefined : integer(v.cpus, 'slurm.cpus', 1, 4096),
    gpus: v.gpus === undefined ? undefined : integer(v.gpus, 'slurm.gpus', 0, 64),
    throttle: v.throttle === undefined ? undefined : integer(v.throttle, 'slurm.throttle', 1, 1e6),
  };
  return Object.fromEntries(Object.entries(out).filter(([, x]) => x !== undefined)) as SlurmResources;
}
