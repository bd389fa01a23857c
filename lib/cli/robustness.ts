/**
 * `sloppy robustness <model>`: the robustness profile of a model's published property (or a saved EPI
 * distribution's property, from its mode and along its sensitivity directions), set against the curvature
 * spectrum, and springs-back return times where the model's state can be pushed; .npy files, a JSON
 * summary and an HTML report.
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { Device } from '../backends';
import { Distribution } from '../epi/distribution';
import { SloppyError } from '../errors';
import { writeNpy } from '../io/npy';
import { get } from '../models';
import { pushBlocker, statePush } from '../robustness/attractors';
import type { DirectionSource } from '../robustness/directions';
import { propertyProfile, PropertyProfile } from '../robustness/profiles';
import { writeRobustnessReport } from '../robustness/report';
import { springsBack, SpringsBackResult } from '../robustness/springs';
import { FlagSpec, Parsed } from './args';

export const robustnessFlags: Record<string, FlagSpec> = {
  z: { type: 'string', help: 'base point "v1,v2,…" (default: the published parameters, or the distribution\'s mode)' },
  distribution: { type: 'string', help: 'a saved EPI distribution: its mode, property and sensitivity directions' },
  directions: { type: 'list', help: 'fisher | hessian | axes | random | sensitivity (repeatable; default fisher, axes, random)' },
  random: { type: 'number', help: 'random directions (default 8)' },
  count: { type: 'number', help: 'eigen-directions of fisher / hessian, stiffest first (default all, at most 12)' },
  trials: { type: 'number', help: 'trials defining each statistic\'s mean (default the model\'s EPI setting, else 1)' },
  seed: { type: 'number', help: 'seed shared by every evaluation (default 0)' },
  set: { type: 'list', help: 'a model option "name=value" (repeatable)' },
  step: { type: 'number', help: 'first push (default 1e-3 × the narrowest bound width)' },
  rtol: { type: 'number', help: 'relative bisection tolerance (default 1e-4)' },
  amounts: { type: 'string', help: 'state push sizes "a,b,…" for springs-back (default on the model\'s scale: 0.1,1; stg 0.001,0.01)' },
  'state-tolerance': { type: 'number', help: 'distance to the attractor that counts as back (default 0.01; stg 1e-4)' },
  horizon: { type: 'number', help: 'simulated time of springs-back runs (default 40; stg 20 s, v1 0.1 s; sc: its cue epoch)' },
  dt: { type: 'number', help: 'time step of springs-back runs (default the model\'s dt / 10: forward Euler biases decay rates by O(dt))' },
  device: { type: 'string', help: "'auto' (default), 'cpu' or 'cuda'" },
  threads: { type: 'number', help: 'CPU threads (default all)' },
  out: { type: 'string', help: 'output folder (default ./out/robustness-<model>)' },
  help: { type: 'boolean', help: 'show this help' },
};

const STATUS_CODE = { broken: 0, bounded: 1, unbroken: 2 } as const;

function numbers(s: string, what: string): number[] {
  const v = s.split(',').map(Number);
  if (v.some((x) => !Number.isFinite(x))) throw new SloppyError('ERR_INVALID_ARG_VALUE', `--${what} takes numbers "a,b,…"; got ${s}`);
  return v;
}

/** The model options of `--set name=value` flags; undefined when there are none (the model's defaults). */
function modelOptions(list: string[] | undefined): Record<string, number> | undefined {
  if (list === undefined || list.length === 0) return undefined;
  return Object.fromEntries(list.map((kv) => {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', `--set takes name=value; got ${kv}`);
    const value = Number(kv.slice(eq + 1));
    if (!Number.isFinite(value)) throw new SloppyError('ERR_INVALID_ARG_VALUE', `--set takes a number after '='; got ${kv}`);
    return [kv.slice(0, eq), value];
  }));
}

function sources(f: Parsed['flags'], dim: number, q: Distribution | undefined): DirectionSource[] {
  const names = (f.directions as string[] | undefined) ?? (q ? ['sensitivity', 'fisher', 'random'] : ['fisher', 'axes', 'random']);
  const count = (f.count as number | undefined) ?? Math.min(dim, 12);
  return names.map((name): DirectionSource => {
    switch (name) {
      case 'fisher':
      case 'hessian':
        return { kind: name, count };
      case 'axes':
        return 'axes';
      case 'random':
        return { kind: 'random', count: (f.random as number | undefined) ?? 8, seed: (f.seed as number | undefined) ?? 0 };
      case 'sensitivity':
        if (!q) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'sensitivity directions need --distribution');
        return { kind: 'sensitivity', distribution: q };
      default:
        throw new SloppyError('ERR_INVALID_ARG_VALUE', `unknown direction source '${name}'; known: fisher, hessian, axes, random, sensitivity`);
    }
  });
}

/** Return times at the base point, and at each broken ray's break point (first amount, first state axis). */
async function springs(
  p: PropertyProfile, f: Parsed['flags'], device: Device | undefined,
): Promise<{ base: SpringsBackResult; atBreak: Float64Array }> {
  const scale = statePush(p.model).scale;
  const modelOptions = get(p.model).options;
  const dt = (f.dt as number | undefined) ?? (p.options.dt ?? modelOptions.find((o) => o.name === 'dt')!.value) / 10;
  const steps = Math.ceil(((f.horizon as number | undefined) ?? scale.horizon) / dt);
  // sc has no steps option: its trial length is fixed and its return is timed over the cue epoch.
  const options = { ...p.options, dt, ...(modelOptions.some((o) => o.name === 'steps') ? { steps } : {}) };
  const stride = Math.max(1, Math.floor(steps / 2000));
  const amounts = f.amounts === undefined ? scale.amounts : numbers(String(f.amounts), 'amounts');
  const tolerance = (f['state-tolerance'] as number | undefined) ?? scale.tolerance;
  const common = { amounts, tolerance, trials: 1, seed: p.seed, options, stride, device, threads: f.threads as number | undefined };
  const base = await springsBack(p.model, { ...common, z: p.z0 });
  const atBreak = new Float64Array(2 * p.directions.length).fill(NaN);
  await Promise.all(p.directions.flatMap((d, k) => [d.plus, d.minus].map(async (r, s) => {
    if (r.status !== 'broken') return;
    const z = Float64Array.from(p.z0, (v, i) => v + (s === 0 ? 1 : -1) * r.distance * d.vector[i]);
    const one = await springsBack(p.model, { ...common, amounts: [amounts[0]], directions: [base.directions[0]], z });
    atBreak[2 * k + s] = one.returns[0].returnTime;
  })));
  return { base, atBreak };
}

/** Runs `sloppy robustness <model>` from parsed flags, logging a summary with `log`. */
export async function runRobustness(args: Parsed, log: (line: string) => void): Promise<void> {
  const name = args.positional[0];
  if (name === undefined) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'robustness needs a model name, e.g. sloppy robustness lds2d');
  const model = get(name);
  const f = args.flags;
  const out = (f.out as string | undefined) ?? path.join('out', `robustness-${name}`);
  const device = f.device as Device | undefined;
  let q: Distribution | undefined;
  let z: number[] | undefined = f.z === undefined ? undefined : numbers(String(f.z), 'z');
  if (f.distribution !== undefined) {
    q = await Distribution.load(String(f.distribution));
    if (q.info.model !== name) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${f.distribution} is a distribution of ${q.info.model}, not ${name}`);
    z ??= Array.from((await q.mode()).z);
  }
  const dim = z?.length ?? model.params.length;
  const started = Date.now();
  const p = await propertyProfile(name, {
    z,
    property: q?.info.property,
    directions: sources(f, dim, q),
    trials: f.trials as number | undefined,
    seed: f.seed as number | undefined,
    options: modelOptions(f.set as string[] | undefined),
    step: f.step as number | undefined,
    rtol: f.rtol as number | undefined,
    device,
    threads: f.threads as number | undefined,
    onProgress: (x) => process.stderr.write(`\rrobustness ${name}: ${(100 * x).toFixed(0)}%`),
  });
  process.stderr.write('\n');
  const K = p.directions.length;
  const D = p.paramNames.length;
  await fs.mkdir(out, { recursive: true });
  const npy = (file: string, data: Float64Array, shape: number[]) => writeNpy(path.join(out, file), data, shape);
  await npy('z0.npy', Float64Array.from(p.z0), [D]);
  await npy('directions.npy', Float64Array.from(p.directions.flatMap((d) => Array.from(d.vector))), [K, D]);
  await npy('curvature.npy', Float64Array.from(p.directions, (d) => d.curvature), [K]);
  await npy('eigenvalues.npy', Float64Array.from(p.directions, (d) => d.eigenvalue ?? NaN), [K]);
  await npy('predicted.npy', Float64Array.from(p.directions, (d) => d.predicted), [K]);
  await npy('break.npy', Float64Array.from(p.directions.flatMap((d) => [d.plus.distance, d.minus.distance])), [K, 2]);
  await npy('status.npy', Float64Array.from(p.directions.flatMap((d) => [STATUS_CODE[d.plus.status], STATUS_CODE[d.minus.status]])), [K, 2]);

  let s: Awaited<ReturnType<typeof springs>> | undefined;
  let springsNote: string | undefined;
  const blocker = pushBlocker(name);
  if (blocker === undefined) {
    s = await springs(p, f, device);
    const A = s.base.returns.length / s.base.directions.length;
    await npy('return-times.npy', Float64Array.from(s.base.returns, (r) => r.returnTime), [s.base.directions.length, A]);
    await npy('amounts.npy', Float64Array.from(s.base.returns.slice(0, A), (r) => r.amount), [A]);
    await npy('distances.npy', s.base.distances, [s.base.returns.length, s.base.recorded]);
    await npy('break-return-times.npy', s.atBreak, [K, 2]);
    springsNote =
      `Return times at each broken ray's break point (push ${s.base.returns[0].amount} along ${s.base.stateNames[0]}; ` +
      `+ / −, ∞ = not back by ${s.base.horizon}): ` +
      p.directions.map((d, k) => `${d.name}: ${fmt(s!.atBreak[2 * k])} / ${fmt(s!.atBreak[2 * k + 1])}`).join('; ') + '.';
  } else {
    springsNote = `Not measured: ${blocker}`;
  }
  const summary = {
    model: name, z0: Array.from(p.z0), paramNames: p.paramNames, property: p.property, trials: p.trials, seed: p.seed,
    options: p.options, curvature: p.curvatureKind, threshold: p.threshold, settings: p.settings, evaluations: p.evaluations,
    directions: p.directions.map((d) => ({
      name: d.name, source: d.source, eigenvalue: d.eigenvalue ?? null, curvature: d.curvature, predicted: finite(d.predicted),
      plus: { distance: d.plus.distance, status: d.plus.status, breaks: d.plus.breaks ?? null },
      minus: { distance: d.minus.distance, status: d.minus.status, breaks: d.minus.breaks ?? null },
    })),
    springs: s ? { tolerance: s.base.tolerance, horizon: s.base.horizon, returns: s.base.returns.map((r) => ({ ...r, returnTime: finite(r.returnTime) })) } : null,
    springsNote: springsNote ?? null,
  };
  await fs.writeFile(path.join(out, 'profile.json'), JSON.stringify(summary, null, 2) + '\n');
  await writeRobustnessReport(path.join(out, 'report.html'), {
    title: `Robustness of ${name}'s emergent property`,
    profile: p,
    property: p.property,
    springs: s?.base,
    springsNote,
    settings: {
      trials: p.trials, seed: p.seed, 'common random numbers': 'every point at set index 0, one seed',
      curvature: p.curvatureKind, step: p.settings.step, rtol: p.settings.rtol, evaluations: p.evaluations,
      ...(q ? { distribution: String(f.distribution) } : {}),
    },
  });
  log(`robustness of ${name} at [${Array.from(p.z0, (v) => v.toPrecision(5)).join(', ')}] (${p.trials} trial(s) per statistic, seed ${p.seed}), ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  for (const d of p.directions) {
    log(`  ${d.name.padEnd(14)} λ = ${d.curvature.toPrecision(4).padStart(10)}  √(2τ/λ) = ${fmt(d.predicted).padStart(8)}  ` +
      `+ ${fmt(d.plus.distance)} (${d.plus.status})  − ${fmt(d.minus.distance)} (${d.minus.status})`);
  }
  if (s) log(`springs back at θ₀: ${s.base.returns.map((r) => `${fmt(r.returnTime)}`).join(', ')} (tolerance ${s.base.tolerance})`);
  else log(springsNote!);
  log(`wrote ${out}/report.html, profile.json and .npy files`);
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(4) : v === Infinity ? '∞' : String(v);
}

function finite(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}
