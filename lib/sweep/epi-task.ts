/**
 * The 'epi' task kind: one run of {@link epi} on a built-in model (a model, a property, a seed, settings),
 * checkpointed in the task's state folder so that an interrupted task resumes where it stopped; the merge
 * makes Algorithm 1's last step across the runs of each property — the converged run of greatest entropy.
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { writeRunFolder } from '../cli/epi';
import { Distribution } from '../epi/distribution';
import { DEFAULT_SCHEDULE, MODEL_DEFAULTS } from '../epi/defaults';
import { PropertySpec, resolveProperty } from '../epi/property';
import { epi, EpiOptions, EpiResult } from '../epi/run';
import { maxEntropyRun, selectedEntropy } from '../epi/select';
import { SloppyError } from '../errors';
import { get } from '../models';
import { integer, knownKeys } from '../validate';
import { canonicalJson, exists, sha256 } from './files';
import type { CollectTask, KindCollection, TaskContext, TaskDirs, TaskKind } from './kinds';

/**
 * Settings of one 'epi' task: {@link epi}'s options that are part of a run's content, the model's name and
 * the number of samples written. Threads, checkpointing and cancellation come from the task's runner.
 */
export interface EpiTaskSettings extends Omit<EpiOptions, 'threads' | 'checkpoint' | 'resume' | 'signal' | 'onProgress'> {
  /** A built-in model. */
  model: string;
  /** Samples written to samples.npy (with logq.npy and statistics.npy). Default 10 000, as `sloppy epi`. */
  samples?: number;
}

const SETTINGS = ['model', 'samples', ...Object.keys(DEFAULT_SCHEDULE), 'property', 'options', 'trials', 'flow', 'seed', 'init', 'device'];
const DEFAULT_SAMPLES = 10000;
const OUTPUTS = ['distribution.json', 'samples.npy', 'logq.npy', 'statistics.npy', 'history.csv', 'summary.json', 'report.html'];

function propertyOf(s: EpiTaskSettings): PropertySpec {
  const property = s.property ?? MODEL_DEFAULTS[s.model]?.property;
  if (property === undefined) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `model ${s.model} has no published property; give the task a property`);
  }
  return property;
}

function validate(settings: Record<string, unknown>): void {
  knownKeys(settings, SETTINGS, 'epi task setting');
  if (settings.model === undefined) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'an epi task needs a model');
  const model = get(settings.model as string);
  resolveProperty(propertyOf(settings as unknown as EpiTaskSettings), model.stats);
  if (settings.seed !== undefined) integer(settings.seed, 'seed', 0, 2 ** 32 - 1);
  if (settings.samples !== undefined) integer(settings.samples, 'samples', 1, 2 ** 24);
}

async function run(dirs: TaskDirs, settings: Record<string, unknown>, ctx: TaskContext): Promise<string[]> {
  const { model, samples, ...opts } = settings as unknown as EpiTaskSettings;
  const checkpoint = path.join(dirs.state, 'checkpoint.json');
  if (await exists(checkpoint)) ctx.log('resuming from the checkpoint');
  let last = '';
  let r: EpiResult;
  try {
    r = await epi(model, {
      ...opts, threads: ctx.threads, checkpoint: dirs.state, resume: true, signal: ctx.signal,
      onProgress: (p) => {
        const line = p.phase === 'init' ? 'initialising' : `epoch ${p.epoch}`;
        if (line !== last) ctx.log(line);
        last = line;
      },
    });
  } catch (err) {
    // A damaged checkpoint would fail every retry the same way; without it the next attempt starts afresh.
    const code = (err as SloppyError).code;
    if (code === 'ERR_CHECKSUM' || code === 'ERR_FORMAT') await fs.rm(checkpoint, { force: true });
    throw err;
  }
  ctx.log(`${r.converged ? 'converged' : 'not converged'}; selected epoch ${r.epoch}, H = ${selectedEntropy(r).toFixed(4)} nats`);
  await writeRunFolder(dirs.out, r, samples ?? DEFAULT_SAMPLES, r.settings.options);
  return OUTPUTS;
}

interface Group {
  model: string;
  property: PropertySpec;
  key: string;
  tasks: CollectTask[];
}

function seedOf(t: CollectTask): number {
  return (t.task.settings.seed as number | undefined) ?? 1;
}

// Runs of one property, whatever their seeds and other settings, compete in one selection.
function groups(tasks: CollectTask[]): Group[] {
  const byKey = new Map<string, Group>();
  for (const t of tasks) {
    const s = t.task.settings as unknown as EpiTaskSettings;
    const property = JSON.parse(canonicalJson(propertyOf(s))) as PropertySpec;
    const key = sha256(canonicalJson([s.model, property])).slice(0, 12);
    const g = byKey.get(key) ?? { model: s.model, property, key, tasks: [] };
    g.tasks.push(t);
    byKey.set(key, g);
  }
  const list = [...byKey.values()];
  for (const g of list) g.tasks.sort((a, b) => seedOf(a) - seedOf(b) || a.task.index - b.task.index);
  return list.sort((a, b) => a.tasks[0].task.index - b.tasks[0].task.index);
}

async function loadRun(out: string, property: PropertySpec): Promise<EpiResult> {
  const summary = JSON.parse(await fs.readFile(path.join(out, 'summary.json'), 'utf8')) as {
    converged: boolean; epoch: number; settings: EpiResult['settings'];
  };
  const distribution = await Distribution.load(path.join(out, 'distribution.json'));
  return {
    distribution, converged: summary.converged, epoch: summary.epoch, history: distribution.info.history!,
    settings: { ...summary.settings, property },
  };
}

function describeProperty(p: PropertySpec): string {
  return p.stats.map((s, i) => `${s} = ${p.mean[i]} ± ${p.std[i]}`).join(', ');
}

async function collectGroup(g: Group, out: string): Promise<{ files: string[]; line: string }> {
  const folder = `${g.model}-${g.key}`;
  const dir = path.join(out, folder);
  await fs.mkdir(dir, { recursive: true });
  const rows = ['seed,task,state,converged,epoch,H'];
  const runs: { task: CollectTask; run: EpiResult }[] = [];
  for (const t of g.tasks) {
    if (t.out === undefined) {
      rows.push(`${seedOf(t)},${t.task.id},not done,,,`);
      continue;
    }
    const r = await loadRun(t.out, g.property);
    runs.push({ task: t, run: r });
    rows.push(`${seedOf(t)},${t.task.id},done,${r.converged},${r.epoch},${selectedEntropy(r)}`);
  }
  const best = maxEntropyRun(runs.map((x) => x.run));
  const chosen = runs.find((x) => x.run === best);
  const files = [`${folder}/seeds.csv`, `${folder}/selection.json`];
  await fs.writeFile(path.join(dir, 'seeds.csv'), rows.join('\n') + '\n');
  const selection = {
    model: g.model, property: g.property, tasks: g.tasks.length, done: runs.length, complete: runs.length === g.tasks.length,
    converged: runs.filter((x) => x.run.converged).length,
    selected: chosen && { task: chosen.task.task.id, seed: seedOf(chosen.task), epoch: chosen.run.epoch, H: selectedEntropy(chosen.run) },
  };
  await fs.writeFile(path.join(dir, 'selection.json'), JSON.stringify(selection, null, 2) + '\n');
  if (chosen) {
    // Byte copies of the chosen run's files, so the merged result is that run, bit for bit.
    for (const f of (await fs.readdir(chosen.task.out!)).sort()) {
      await fs.copyFile(path.join(chosen.task.out!, f), path.join(dir, f));
      files.push(`${folder}/${f}`);
    }
  }
  const head = `${g.model} ${describeProperty(g.property)}: ${runs.length} of ${g.tasks.length} runs done, ${selection.converged} converged`;
  const tailText = chosen
    ? `; seed ${selection.selected!.seed} selected (epoch ${chosen.run.epoch}, H = ${selectedEntropy(chosen.run).toFixed(4)} nats) → epi/${folder}`
    : '; none selected (no converged run)';
  return { files, line: head + tailText };
}

async function collect(tasks: CollectTask[], out: string): Promise<KindCollection> {
  const files: string[] = [];
  const summary: string[] = [];
  for (const g of groups(tasks)) {
    const r = await collectGroup(g, out);
    files.push(...r.files);
    summary.push(r.line);
  }
  return { files, summary };
}

/** The 'epi' kind of {@link TASK_KINDS}. */
export const epiKind: TaskKind = { validate, run, collect };
