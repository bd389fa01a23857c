/**
 * Sweep descriptions: a typed object (or its JSON file) naming groups of tasks — a grid over any settings
 * of a task kind (models, properties, seeds, schedules), optionally split into chunks of a batched job —
 * and their expansion into tasks, each with an id derived from its content alone.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { integer, knownKeys } from '../validate';
import { canonicalJson, sha256 } from './files';
import { taskKind } from './kinds';
import { SlurmResources, slurmResources } from './resources';

/** One group of tasks of one kind. */
export interface SweepGroup {
  /** A key of {@link TASK_KINDS}, e.g. 'epi'. */
  kind: string;
  /** Settings every task of the group shares. */
  settings?: Record<string, unknown>;
  /**
   * Values per setting; the group's tasks are their Cartesian product (keys in sorted order, the last
   * varying fastest), each value overriding `settings`. E.g. `{ seed: [1, 2, 3], model: ['lds2d'] }`.
   */
  grid?: Record<string, readonly unknown[]>;
  /**
   * A batched job cut into tasks of `size` items out of `total`: each grid point becomes ⌈total/size⌉ tasks
   * whose settings gain `chunk: { index, offset, count }`.
   */
  chunks?: { total: number; size: number };
}

/** A sweep: its groups of tasks, and how they are run. */
export interface SweepDescription {
  /** Names the default sweep folder (out/sweep-<name>) and the Slurm job. Letters, digits, '.', '_', '-'. */
  name?: string;
  groups: SweepGroup[];
  /** Further attempts of a failing task, over all runs of the sweep. Default 2. */
  retries?: number;
  /** Per-task resources of the Slurm backend. */
  slurm?: SlurmResources;
}

/** One task of a planned sweep. */
export interface SweepTask {
  /** Position in the plan (the Slurm array index). */
  index: number;
  /** 16 hex digits of the SHA-256 of the task's kind and settings (canonical JSON). */
  id: string;
  kind: string;
  /** The task's settings, keys sorted. */
  settings: Record<string, unknown>;
}

/** A sweep description, checked and expanded. */
export interface SweepPlan {
  name: string;
  /** SHA-256 of the description (canonical JSON): what a sweep folder is matched against. */
  hash: string;
  retries: number;
  slurm: SlurmResources;
  description: SweepDescription;
  tasks: SweepTask[];
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// The Cartesian product of the grid, keys sorted so that the expansion depends on content, not key order.
function gridPoints(grid: Record<string, readonly unknown[]>, where: string): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const key of Object.keys(grid).sort()) {
    const values = grid[key];
    if (!Array.isArray(values) || values.length === 0) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `${where}.grid.${key} must be a non-empty array of values`);
    }
    points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  }
  return points;
}

function chunked(point: Record<string, unknown>, chunks: SweepGroup['chunks'], where: string): Record<string, unknown>[] {
  if (chunks === undefined) return [point];
  if (!isObject(chunks)) throw new SloppyError('ERR_INVALID_ARG_TYPE', `${where}.chunks must be { total, size }`);
  knownKeys(chunks, ['total', 'size'], `${where}.chunks key`);
  const total = integer(chunks.total, `${where}.chunks.total`, 1);
  const size = integer(chunks.size, `${where}.chunks.size`, 1);
  if ('chunk' in point) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${where}: 'chunk' is set by chunks; it cannot be a setting too`);
  return Array.from({ length: Math.ceil(total / size) }, (_, index) => ({
    ...point, chunk: { index, offset: index * size, count: Math.min(size, total - index * size) },
  }));
}

function groupTasks(group: unknown, g: number): { kind: string; settings: Record<string, unknown> }[] {
  const where = `groups[${g}]`;
  if (!isObject(group)) throw new SloppyError('ERR_INVALID_ARG_TYPE', `${where} must be an object`);
  knownKeys(group, ['kind', 'settings', 'grid', 'chunks'], `${where} key`);
  const kind = taskKind(group.kind);
  if (group.settings !== undefined && !isObject(group.settings)) throw new SloppyError('ERR_INVALID_ARG_TYPE', `${where}.settings must be an object`);
  if (group.grid !== undefined && !isObject(group.grid)) throw new SloppyError('ERR_INVALID_ARG_TYPE', `${where}.grid must be an object of arrays`);
  const points = gridPoints((group.grid ?? {}) as Record<string, unknown[]>, where);
  const tasks = points.flatMap((p) => chunked({ ...(group.settings as Record<string, unknown> | undefined), ...p }, group.chunks as SweepGroup['chunks'], where));
  return tasks.map((raw, i) => {
    const settings = JSON.parse(canonicalJson(raw)) as Record<string, unknown>;
    try {
      kind.validate(settings);
    } catch (err) {
      const e = err as SloppyError;
      throw new SloppyError(e.code ?? 'ERR_INVALID_ARG_VALUE', `${where}, task ${i} (${canonicalJson(settings)}): ${e.message}`);
    }
    return { kind: group.kind as string, settings };
  });
}

/**
 * Checks a description and expands it into tasks. Throws coded errors naming the offending group and task:
 * ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE for shapes and values, ERR_UNKNOWN_OPTION for unknown keys,
 * and whatever the kind's own check raises (ERR_UNKNOWN_MODEL for a model that is not built in).
 */
export function expandSweep(description: unknown): SweepPlan {
  if (!isObject(description)) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'a sweep description must be an object');
  knownKeys(description, ['name', 'groups', 'retries', 'slurm'], 'sweep description key');
  const d = description as unknown as SweepDescription;
  if (d.name !== undefined && (typeof d.name !== 'string' || !NAME.test(d.name))) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `name must match ${NAME}; got ${JSON.stringify(d.name)}`);
  }
  if (!Array.isArray(d.groups) || d.groups.length === 0) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', 'a sweep description needs a non-empty groups array');
  }
  const retries = integer(d.retries ?? 2, 'retries', 0, 1000);
  const slurm = slurmResources(d.slurm);
  const hash = sha256(canonicalJson(d));
  const seen = new Map<string, number>();
  const tasks = d.groups.flatMap((group, g) => groupTasks(group, g)).map(({ kind, settings }, index) => {
    const id = sha256(canonicalJson({ kind, settings })).slice(0, 16);
    const twin = seen.get(id);
    if (twin !== undefined) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `tasks ${twin} and ${index} are the same task (${kind} ${canonicalJson(settings)})`);
    }
    seen.set(id, index);
    return { index, id, kind, settings };
  });
  return { name: d.name ?? `sweep-${hash.slice(0, 8)}`, hash, retries, slurm, description: d, tasks };
}
