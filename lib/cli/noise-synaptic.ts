/**
 * `sloppy noise synaptic`: the three noise modes of the synaptic-sampling network (seed 004) on the same
 * runs, for each variant of the options that matter (potential, noise prefactor, N): learning curves and
 * confusion matrices as .npy, the paired comparison in summary.json, and report.html.
 * @packageDocumentation
 */
import { writeFile, mkdir } from 'node:fs/promises';
import * as path from 'node:path';

import { Device } from '../backends';
import { SloppyError } from '../errors';
import { writeNpy } from '../io/npy';
import { compareNoise, NoiseComparison } from '../synaptic/compare';
import { MODEL_KEYS, NoiseMode, SynapticModelOptions } from '../synaptic/options';
import { pct, ReportVariant, writeNoiseReport } from '../synaptic/report';
import { FlagSpec, Parsed } from './args';

/** The flags of `sloppy noise synaptic`. */
export const noiseSynapticFlags: Record<string, FlagSpec> = {
  runs: { type: 'number', help: 'paired runs per mode (default 10)' },
  samples: { type: 'number', help: 'training presentations (default 43200 = 2.4 h)' },
  seed: { type: 'number', help: 'random seed (default 1)' },
  inputs: { type: 'number', help: 'input neurons (default 1000)' },
  'curve-every': { type: 'number', help: 'presentations between curve points (default samples/20)' },
  'test-per-class': { type: 'number', help: 'held-out presentations per class (default 20)' },
  modes: { type: 'string', help: 'noise modes, comma-separated (default none,standard,weight)' },
  potential: { type: 'string', help: 'normalised and/or literal, comma-separated: one variant each (default normalised)' },
  prefactor: { type: 'string', help: 'sqrt2b and/or b, comma-separated: one variant each (default sqrt2b)' },
  n: { type: 'string', help: 'values of N, comma-separated: one variant each (default 100)' },
  update: { type: 'string', help: "'sample' (default) or 'event'" },
  set: { type: 'list', help: 'any numeric model option "name=value" (repeatable), e.g. b=2e-4' },
  threads: { type: 'number', help: 'CPU threads (default all)' },
  device: { type: 'string', help: "'auto' (default), 'cpu' or 'cuda'" },
  out: { type: 'string', help: 'output folder (default ./out/noise-synaptic)' },
  help: { type: 'boolean', help: 'show this help' },
};

function list(value: unknown, fallback: string): string[] {
  return String(value ?? fallback).split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function setOptions(pairs: string[]): Partial<SynapticModelOptions> {
  const out: Record<string, number> = {};
  for (const kv of pairs) {
    const [key, raw] = kv.split('=');
    if (!(MODEL_KEYS as readonly string[]).includes(key) || raw === undefined || !Number.isFinite(Number(raw))) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `--set expects name=number with a model option name; got '${kv}'`);
    }
    out[key] = Number(raw);
  }
  return out as Partial<SynapticModelOptions>;
}

interface Variant {
  label: string;
  slug: string;
  options: Partial<SynapticModelOptions>;
}

function variants(f: Parsed['flags']): Variant[] {
  const out: Variant[] = [];
  for (const potential of list(f.potential, 'normalised')) {
    for (const prefactor of list(f.prefactor, 'sqrt2b')) {
      for (const n of list(f.n, '100')) {
        out.push({
          label: `potential ${potential}, prefactor ${prefactor === 'b' ? 'b' : '√(2b)'}, N = ${n}`,
          slug: `${potential}-${prefactor}-n${n}`,
          options: { potential: potential as SynapticModelOptions['potential'], prefactor: prefactor as SynapticModelOptions['prefactor'], n: Number(n) },
        });
      }
    }
  }
  return out;
}

async function writeVariant(dir: string, c: NoiseComparison): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const mode of c.modes) {
    const r = c.results[mode];
    if (r === undefined) continue;
    const points = r.curveSamples.length;
    const C = r.model.params.classes;
    const write = async (name: string, data: Float64Array, shape: number[]) => {
      const file = path.join(dir, `${mode}-${name}.npy`);
      await writeNpy(file, data, shape);
      files.push(file);
    };
    await write('test', r.testAccuracy, [r.runs, points]);
    await write('train', r.trainAccuracy, [r.runs, points]);
    await write('events', r.outputEvents, [r.runs, points]);
    await write('confusion', r.confusion, [r.runs, C, C + 1]);
  }
  const first = c.results[c.modes[0]];
  if (first !== undefined) {
    const file = path.join(dir, 'curve-time.npy');
    await writeNpy(file, first.curveTime, [first.curveTime.length]);
    files.push(file);
  }
  return files;
}

/** Runs `sloppy noise synaptic` with parsed flags, logging progress and the files written. */
export async function runNoiseSynaptic(args: Parsed, log: (line: string) => void): Promise<void> {
  const f = args.flags;
  const out = (f.out as string | undefined) ?? path.join('out', 'noise-synaptic');
  const modes = list(f.modes, 'none,standard,weight') as NoiseMode[];
  const base: SynapticModelOptions = setOptions((f.set as string[] | undefined) ?? []);
  const all = variants(f);
  const reports: ReportVariant[] = [];
  const summary: unknown[] = [];
  for (const [k, v] of all.entries()) {
    const started = Date.now();
    const c = await compareNoise({
      ...base,
      ...v.options,
      modes,
      runs: f.runs as number | undefined,
      samples: f.samples as number | undefined,
      seed: f.seed as number | undefined,
      inputs: f.inputs as number | undefined,
      curveEvery: f['curve-every'] as number | undefined,
      testPerClass: f['test-per-class'] as number | undefined,
      update: f.update as SynapticModelOptions['update'],
      threads: f.threads as number | undefined,
      device: f.device as Device | undefined,
      onProgress: (p) => process.stderr.write(`\rvariant ${k + 1}/${all.length} (${v.slug}): ${(100 * p).toFixed(0)}%`),
    });
    process.stderr.write('\n');
    log(`${v.label} (${((Date.now() - started) / 1000).toFixed(0)} s):`);
    for (const s of c.summary) log(`  ${s.mode.padEnd(8)} test ${pct(s.test.mean)} ± ${pct(s.test.sd)} %, train ${pct(s.train.mean)} ± ${pct(s.train.sd)} %`);
    for (const p of c.paired) {
      const ci = (m: typeof p.test) => `${pct(m.mean)} points, ${Math.round(100 * m.level)}% CI [${pct(m.ci[0])}, ${pct(m.ci[1])}]`;
      log(`  ${p.a} − ${p.b}: test ${ci(p.test)}; train ${ci(p.train)}`);
    }
    for (const file of await writeVariant(path.join(out, v.slug), c)) log(`wrote ${file}`);
    reports.push({ label: v.label, comparison: c });
    summary.push({ variant: v.slug, options: { ...base, ...v.options }, summary: c.summary, paired: c.paired });
  }
  await writeFile(path.join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  await writeNoiseReport(path.join(out, 'report.html'), 'Synaptic sampling: does noise help?', reports, [
    'Each variant trains the same runs (same seed: the same clusters, tuning curves, stimuli and input spikes) under each noise mode; differences are paired over runs, with Student-t intervals.',
  ]);
  log(`wrote ${path.join(out, 'summary.json')}`);
  log(`wrote ${path.join(out, 'report.html')}`);
}
