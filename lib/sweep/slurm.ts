/**
 * The Slurm backend: one `sbatch --array` per run (per block of indices that Slurm's default MaxArraySize
 * admits), each element running `sloppy task <folder>` with its index from SLURM_ARRAY_TASK_ID; the array's
 * progress read with `squeue`, cancelled with `scancel`. Submitted job ids are recorded in
 * `slurm/jobs.json`, so that a later runner can tell whether any are still queued.
 * @packageDocumentation
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { SloppyError } from '../errors';
import { Backend, CLI_MAIN, SUBMITTED_ENV } from './backend';
import { writeFileAtomic } from '../io/atomic';
import { readJson } from './files';
import { sweepPaths } from './folder';
import { SlurmResources } from './resources';

const run = promisify(execFile);
const TOOLS = ['sbatch', 'squeue', 'scancel'];
// Slurm's MaxArraySize defaults to 1001, so array indices stay within 0..1000; larger sweeps are
// submitted in blocks, each with its offset.
const BLOCK = 1000;

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Whether sbatch, squeue and scancel are on PATH. */
export function slurmAvailable(): boolean {
  return TOOLS.every(onPath);
}

/** Throws ERR_SLURM_UNAVAILABLE unless sbatch, squeue and scancel are on PATH. */
export function requireSlurm(): void {
  const missing = TOOLS.filter((t) => !onPath(t));
  if (missing.length > 0) {
    throw new SloppyError('ERR_SLURM_UNAVAILABLE', `the Slurm backend needs ${missing.join(', ')} on PATH, and this machine ` +
      `has no ${missing[0]}; run on a Slurm login node, or use the local backend`);
  }
}

/** "0-3,5,7-9" for [0, 1, 2, 3, 5, 7, 8, 9]. */
export function arraySpec(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) ++j;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

async function writeScript(folder: string): Promise<string> {
  const file = path.join(sweepPaths.slurm(folder), 'task.sh');
  await writeFileAtomic(file, [
    '#!/bin/sh',
    '# One element of a sloppy sweep\'s Slurm array: task ($1 + SLURM_ARRAY_TASK_ID) of the sweep in this folder.',
    `exec ${quote(process.execPath)} ${quote(CLI_MAIN)} task ${quote(path.resolve(folder))} --offset "$1" --threads "\${SLURM_CPUS_PER_TASK:-1}"`,
    '',
  ].join('\n'));
  await fs.chmod(file, 0o755);
  return file;
}

function sbatchArgs(name: string, r: SlurmResources, folder: string, spec: string): string[] {
  const args = [
    '--parsable', `--array=${spec}${r.throttle ? `%${r.throttle}` : ''}`, `--job-name=sloppy-${name}`,
    `--output=${path.join(path.resolve(sweepPaths.slurm(folder)), '%A_%a.out')}`, `--cpus-per-task=${r.cpus ?? 1}`,
  ];
  if (r.partition) args.push(`--partition=${r.partition}`);
  if (r.account) args.push(`--account=${r.account}`);
  if (r.time) args.push(`--time=${r.time}`);
  if (r.memory) args.push(`--mem=${r.memory}`);
  if (r.gpus) args.push(`--gres=gpu:${r.gpus}`);
  return args;
}

/** A submitted array, as recorded in slurm/jobs.json. */
export interface SlurmJob {
  id: string;
  /** Task index of array element 0. */
  offset: number;
  indices: number[];
  submitted: number;
}

function jobsFile(folder: string): string {
  return path.join(sweepPaths.slurm(folder), 'jobs.json');
}

/** The element states ("123_4" → "RUNNING") of those jobs that squeue still lists. */
async function queue(ids: string[]): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  if (ids.length === 0) return states;
  try {
    const { stdout } = await run('squeue', ['-h', '-r', '-j', ids.join(','), '-o', '%i|%T']);
    for (const line of stdout.split('\n')) {
      const [id, state] = line.trim().split('|');
      if (id) states.set(id, state);
    }
  } catch (err) {
    // squeue refuses ids it has already forgotten: those jobs are over.
    const stderr = String((err as { stderr?: string }).stderr ?? '');
    if (!/Invalid job id/i.test(stderr)) throw new SloppyError('ERR_SLURM', `squeue failed: ${stderr.trim() || (err as Error).message}`);
  }
  return states;
}

/** The ids of this sweep's recorded jobs that Slurm still lists (queued, running or completing). */
export async function activeJobs(folder: string): Promise<string[]> {
  const jobs = (await readJson<SlurmJob[]>(jobsFile(folder))) ?? [];
  if (jobs.length === 0) return [];
  const states = await queue(jobs.map((j) => j.id));
  return jobs.map((j) => j.id).filter((id) => [...states.keys()].some((k) => k === id || k.startsWith(`${id}_`)));
}

async function submit(folder: string, name: string, r: SlurmResources, offset: number, indices: number[]): Promise<SlurmJob> {
  const script = await writeScript(folder);
  const submitted = Date.now();
  const spec = arraySpec(indices.map((i) => i - offset));
  let stdout: string;
  try {
    ({ stdout } = await run('sbatch', [...sbatchArgs(name, r, folder, spec), script, String(offset)], {
      env: { ...process.env, [SUBMITTED_ENV]: String(submitted) },
    }));
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '').trim();
    throw new SloppyError('ERR_SLURM', `sbatch refused the array: ${stderr || (err as Error).message}`);
  }
  const id = /^(\d+)/.exec(stdout.trim())?.[1];
  if (id === undefined) throw new SloppyError('ERR_SLURM', `sbatch printed no job id: ${stdout.trim()}`);
  const job: SlurmJob = { id, offset, indices, submitted };
  const jobs = (await readJson<SlurmJob[]>(jobsFile(folder))) ?? [];
  await writeFileAtomic(jobsFile(folder), JSON.stringify([...jobs, job], null, 1));
  return job;
}

/** The Slurm backend for the sweep in `folder`; `poll` is the time between squeue calls, in ms. */
export function slurmBackend(folder: string, name: string, resources: SlurmResources, poll = 2000): Backend {
  return {
    name: 'slurm',
    async run(indices, signal, progress) {
      const blocks = new Map<number, number[]>();
      for (const i of indices) {
        const offset = i - (i % BLOCK);
        if (!blocks.has(offset)) blocks.set(offset, []);
        blocks.get(offset)!.push(i);
      }
      const jobs: SlurmJob[] = [];
      for (const [offset, block] of blocks) {
        if (signal?.aborted) break;
        const job = await submit(folder, name, resources, offset, block);
        jobs.push(job);
        progress(`submitted Slurm array job ${job.id} (${block.length} tasks, --array=${arraySpec(block.map((i) => i - offset))})`);
      }
      const ids = jobs.map((j) => j.id);
      const cancel = () => void run('scancel', ids).catch((err: Error) => progress(`scancel failed: ${err.message}`));
      signal?.addEventListener('abort', cancel, { once: true });
      try {
        const seen = new Map<string, string>();
        for (;;) {
          const states = await queue(ids);
          for (const [element, state] of states) {
            if (seen.get(element) === state) continue;
            seen.set(element, state);
            const [job, k] = element.split('_');
            const offset = jobs.find((j) => j.id === job)?.offset ?? 0;
            if (k !== undefined && /^\d+$/.test(k)) progress(`task ${offset + Number(k)} (Slurm ${element}) ${state.toLowerCase()}`);
          }
          if (states.size === 0) break;
          await new Promise((resolve) => setTimeout(resolve, poll));
        }
      } finally {
        signal?.removeEventListener('abort', cancel);
      }
    },
  };
}
