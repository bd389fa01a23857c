/**
 * The local backend: a pool of worker slots on this machine, each running one task at a time as a child
 * process (`sloppy task <folder> <index>`, the same code path as a Slurm array element). With several GPUs,
 * one slot per GPU, each bound to its device by CUDA_VISIBLE_DEVICES; otherwise one slot per core.
 * @packageDocumentation
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as os from 'node:os';

import { backends } from '../backends';
import { integer } from '../validate';
import { Backend, CLI_MAIN, SUBMITTED_ENV } from './backend';

/** Options of the local backend. */
export interface LocalOptions {
  /** Tasks at once. Default: one per GPU where there are several, otherwise one per core. */
  workers?: number;
  /** CPU threads per task. Default: the cores shared among the workers, at least 1. */
  threads?: number;
}

// The GPUs a child may be bound to, as CUDA_VISIBLE_DEVICES names them: where this process is itself
// restricted, the i-th device it sees is the i-th entry of its own list.
function visibleGpus(): string[] {
  const cuda = backends().cuda;
  if (!cuda.available) return [];
  const listed = process.env.CUDA_VISIBLE_DEVICES?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return cuda.devices.map((_, i) => listed?.[i] ?? String(i));
}

/** The local backend for the sweep in `folder`. */
export function localBackend(folder: string, opts: LocalOptions = {}): Backend {
  const cores = os.availableParallelism();
  const gpus = visibleGpus();
  const workers = integer(opts.workers ?? (gpus.length >= 2 ? gpus.length : cores), 'workers', 1, 4096);
  const threads = integer(opts.threads ?? Math.max(1, Math.floor(cores / workers)), 'threads', 1, 4096);
  const bind = gpus.length >= 2;
  return {
    name: 'local',
    async run(indices, signal, progress) {
      const queue = [...indices];
      const children = new Set<ChildProcess>();
      const cancel = () => {
        for (const c of children) c.kill('SIGTERM');
      };
      signal?.addEventListener('abort', cancel, { once: true });
      const slot = async (k: number): Promise<void> => {
        while (queue.length > 0 && !signal?.aborted) {
          const index = queue.shift()!;
          const env = { ...process.env, [SUBMITTED_ENV]: String(Date.now()), ...(bind ? { CUDA_VISIBLE_DEVICES: gpus[k % gpus.length] } : {}) };
          await child(index, env);
        }
      };
      const child = (index: number, env: NodeJS.ProcessEnv) => new Promise<void>((resolve) => {
        const started = Date.now();
        const c = spawn(process.execPath, [CLI_MAIN, 'task', folder, String(index), '--threads', String(threads)], {
          env, stdio: ['ignore', 'ignore', 'pipe'],
        });
        children.add(c);
        // The task writes its own log; only the end of its stderr is kept, to say why it stopped.
        let stderr = '';
        c.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
        progress(`task ${index} started (pid ${c.pid}${bind ? `, GPU ${env.CUDA_VISIBLE_DEVICES}` : ''})`);
        c.on('error', (err) => progress(`task ${index} could not start: ${err.message}`));
        c.on('close', (code, sig) => {
          children.delete(c);
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          const last = stderr.trim().split('\n').pop() ?? '';
          if (code === 0) progress(`task ${index} done (${seconds} s)`);
          else if (sig !== null) progress(`task ${index} ended by ${sig} after ${seconds} s; the next run resumes it`);
          else progress(`task ${index} ended with exit code ${code} after ${seconds} s: ${last}`);
          resolve();
        });
      });
      try {
        await Promise.all(Array.from({ length: Math.min(workers, queue.length) }, (_, k) => slot(k)));
      } finally {
        signal?.removeEventListener('abort', cancel);
      }
    },
  };
}
