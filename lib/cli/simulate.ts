/**
 * `sloppy simulate <model>`: statistics (and optionally trajectories) of a built-in model, written as CSV.
 * @packageDocumentation
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { Device } from '../backends';
import { SloppyError } from '../errors';
import { get } from '../models';
import { simulate } from '../sde';
import { FlagSpec, Parsed } from './args';

export const simulateFlags: Record<string, FlagSpec> = {
  z: { type: 'list', help: 'a parameter set "v1,v2,…" (repeatable); default: the model\'s representative values' },
  trials: { type: 'number', help: 'trials per parameter set (default 1)' },
  seed: { type: 'number', help: 'Philox seed (default 0)' },
  set: { type: 'list', help: 'a model option "name=value" (repeatable)' },
  stride: { type: 'number', help: 'also write trajectories, every <stride> steps' },
  grad: { type: 'boolean', help: 'also write gradients of the statistics' },
  device: { type: 'string', help: "'auto' (default), 'cpu' or 'cuda'" },
  out: { type: 'string', help: 'output folder (default ./out)' },
  help: { type: 'boolean', help: 'show this help' },
};

function csv(header: string[], rows: ArrayLike<number>, width: number): string {
  const lines = [header.join(',')];
  for (let i = 0; i < rows.length / width; ++i) lines.push(Array.from({ length: width }, (_, j) => rows[i * width + j]).join(','));
  return lines.join('\n') + '\n';
}

export async function runSimulate(args: Parsed, log: (line: string) => void): Promise<void> {
  const name = args.positional[0];
  if (name === undefined) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'simulate needs a model name');
  const model = get(name);
  const f = args.flags;
  const z = ((f.z as string[] | undefined) ?? [model.params.map((p) => p.value).join(',')]).map((row) =>
    row.split(',').map(Number),
  );
  const options: Record<string, number> = {};
  for (const kv of (f.set as string[] | undefined) ?? []) {
    const [k, v] = kv.split('=');
    options[k] = Number(v);
  }
  const out = (f.out as string | undefined) ?? 'out';
  const stride = f.stride as number | undefined;
  const r = await simulate(name, z, {
    trials: (f.trials as number | undefined) ?? 1,
    seed: (f.seed as number | undefined) ?? 0,
    grad: Boolean(f.grad),
    options,
    device: (f.device as Device | undefined) ?? 'auto',
    trajectories: stride === undefined ? undefined : { stride },
    onProgress: (p) => process.stderr.write(`\r${name}: ${(100 * p).toFixed(0)}%`),
  });
  process.stderr.write('\n');
  fs.mkdirSync(out, { recursive: true });
  const statsFile = path.join(out, `${name}-stats.csv`);
  fs.writeFileSync(statsFile, csv(r.statNames, r.stats, r.shape.stats));
  log(`${name} on ${r.device}${r.deviceReason ? ` (${r.deviceReason})` : ''}: ${r.shape.batch} set(s) × ${r.shape.trials} trial(s)`);
  for (let i = 0; i < r.shape.batch; ++i) {
    log(`  z = [${z[i].join(', ')}]: ` + r.statNames.map((s, j) => `${s} = ${r.stats[i * r.shape.stats + j].toPrecision(6)}`).join(', '));
  }
  log(`wrote ${statsFile}`);
  if (r.grad) {
    const header = r.statNames.flatMap((s) => model.params.map((p) => `d${s}/d${p.name}`));
    const file = path.join(out, `${name}-grad.csv`);
    fs.writeFileSync(file, csv(header, r.grad, r.shape.stats * r.shape.params));
    log(`wrote ${file}`);
  }
  if (r.trajectories) {
    const file = path.join(out, `${name}-trajectories.csv`);
    const { batch, trials, recorded, state } = r.shape;
    const dt = r.sampleInterval ?? stride ?? 1;
    const lines = [['set', 'trial', 't', ...model.state].join(',')];
    for (let p = 0; p < batch * trials; ++p) {
      for (let k = 0; k < recorded; ++k) {
        const row = r.trajectories.subarray((p * recorded + k) * state, (p * recorded + k + 1) * state);
        lines.push([Math.floor(p / trials), p % trials, k * dt, ...row].join(','));
      }
    }
    fs.writeFileSync(file, lines.join('\n') + '\n');
    log(`wrote ${file} (${batch * trials} path(s) × ${recorded} samples, every ${dt} time units)`);
  }
}
