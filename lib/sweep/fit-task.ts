/**
 * The 'fit' task kind: one chunk of a batched ensemble of network fits to a teacher (the landscape study's
 * 320 000 fits in chunks of 10 000). A chunk's fits are keyed by their global index, so the merge — the chunks
 * concatenated in fit order — is exactly the ensemble one machine would fit with the same seed.
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { SloppyError } from '../errors';
import { NpyWriter, readNpy } from '../io/npy';
import { fitNetworks, FitOptions } from '../landscape/fit';
import { teacher, TeacherOptions } from '../landscape/teacher';
import { integer, knownKeys } from '../validate';
import { canonicalJson, sha256 } from './files';
import type { CollectTask, KindCollection, TaskContext, TaskDirs, TaskKind } from './kinds';

/** Settings of one 'fit' task: the teacher, the fit options that are part of the result, and its chunk. */
export interface FitTaskSettings extends Pick<FitOptions, 'optimizer' | 'rate' | 'momentum' | 'rho' | 'epsilon' | 'steps' | 'curveStride' | 'seed'> {
  /** The teacher whose training set the networks fit (its own shape); default the 5 × (2+3) teacher. */
  teacher?: TeacherOptions;
  /** Which fits: set by the sweep's `chunks`. */
  chunk: { index: number; offset: number; count: number };
}

const SETTINGS = ['teacher', 'optimizer', 'rate', 'momentum', 'rho', 'epsilon', 'steps', 'curveStride', 'seed', 'chunk'];

function chunkOf(settings: Record<string, unknown>): FitTaskSettings['chunk'] {
  const c = settings.chunk as FitTaskSettings['chunk'] | undefined;
  if (typeof c !== 'object' || c === null) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', "a fit task needs chunks: give its group `chunks: { total, size }`");
  }
  integer(c.offset, 'chunk.offset', 0);
  integer(c.count, 'chunk.count', 1);
  return c;
}

function validate(settings: Record<string, unknown>): void {
  knownKeys(settings, SETTINGS, 'fit task setting');
  chunkOf(settings);
  teacher((settings.teacher ?? {}) as TeacherOptions);
}

async function run(dirs: TaskDirs, settings: Record<string, unknown>, ctx: TaskContext): Promise<string[]> {
  const { teacher: teacherOpts, chunk, ...fit } = settings as unknown as FitTaskSettings;
  const t = teacher(teacherOpts ?? {});
  ctx.log(`fits ${chunk.offset} … ${chunk.offset + chunk.count - 1}`);
  const r = await fitNetworks(t.shape, t, {
    ...fit, count: chunk.count, firstFit: chunk.offset, out: dirs.out, threads: ctx.threads, signal: ctx.signal,
  });
  return Object.values(r.files ?? {}).map((f) => path.basename(f));
}

interface Ensemble {
  key: string;
  tasks: CollectTask[];
}

// Chunks of one ensemble share every setting but their chunk.
function ensembles(tasks: CollectTask[]): Ensemble[] {
  const byKey = new Map<string, Ensemble>();
  for (const t of tasks) {
    const { chunk: _chunk, ...rest } = t.task.settings;
    const key = sha256(canonicalJson(rest)).slice(0, 12);
    const e = byKey.get(key) ?? { key, tasks: [] };
    e.tasks.push(t);
    byKey.set(key, e);
  }
  const offset = (t: CollectTask) => chunkOf(t.task.settings).offset;
  for (const e of byKey.values()) e.tasks.sort((a, b) => offset(a) - offset(b));
  return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** Concatenates one array of every chunk, in fit order, into `file` of `total` rows. */
async function concatenate(e: Ensemble, name: string, file: string, total: number): Promise<void> {
  let writer: NpyWriter | undefined;
  try {
    for (const t of e.tasks) {
      const part = await readNpy(path.join(t.out!, name));
      writer ??= await NpyWriter.open(file, [total, ...part.shape.slice(1)]);
      await writer.append(part.data);
    }
    await writer!.close();
  } catch (err) {
    await writer?.discard();
    throw err;
  }
}

async function collect(tasks: CollectTask[], out: string): Promise<KindCollection> {
  const files: string[] = [];
  const summary: string[] = [];
  for (const e of ensembles(tasks)) {
    const folder = `fits-${e.key}`;
    await fs.mkdir(path.join(out, folder), { recursive: true });
    const done = e.tasks.filter((t) => t.out !== undefined);
    const rows = ['chunk,offset,count,task,state', ...e.tasks.map((t) => {
      const c = chunkOf(t.task.settings);
      return `${c.index},${c.offset},${c.count},${t.task.id},${t.out === undefined ? 'not done' : 'done'}`;
    })];
    await fs.writeFile(path.join(out, folder, 'chunks.csv'), rows.join('\n') + '\n');
    files.push(`${folder}/chunks.csv`);
    const fits = e.tasks.reduce((n, t) => n + chunkOf(t.task.settings).count, 0);
    if (done.length < e.tasks.length) {
      summary.push(`${folder}: ${done.length} of ${e.tasks.length} chunks done; not merged`);
      continue;
    }
    const names = (await fs.readdir(e.tasks[0].out!)).filter((f) => f.endsWith('.npy')).sort();
    for (const name of names) {
      await concatenate(e, name, path.join(out, folder, name), fits);
      files.push(`${folder}/${name}`);
    }
    const loss = (await readNpy(path.join(out, folder, 'loss.npy'))).data;
    const global = loss.filter((v) => v < 1e-6).length;
    summary.push(`${folder}: ${fits} fits in ${e.tasks.length} chunks; ${global} reached loss < 1e-6 → fit/${folder}`);
  }
  return { files, summary };
}

/** The 'fit' kind of {@link TASK_KINDS}. */
export const fitKind: TaskKind = { validate, run, collect };
