/**
 * `sloppy noise saddle`: a noise study written as .npy files and an HTML report:
 * escape over the Müller–Brown saddle against Kramers–Langer.
 * @packageDocumentation
 */
import * as path from 'node:path';

import { SloppyError } from '../errors';
import { saddleStudy } from '../langevin/saddle-study';
import { FlagSpec, Parsed } from './args';

export const noiseFlags: Record<string, FlagSpec> = {
  ratios: { type: 'string', help: 'barrier heights ΔU/T, comma-separated (default 3,4,5,6,7)' },
  paths: { type: 'number', help: 'paths per temperature (default 400)' },
  dt: { type: 'number', help: 'Euler–Maruyama step (default 5e-5)' },
  horizon: { type: 'number', help: 'each run\'s horizon in Kramers–Langer times 1/k (default 5)' },
  radius: { type: 'number', help: 'radius of the target basin\'s ball (default 0.1)' },
  seed: { type: 'number', help: 'random seed (default 1)' },
  threads: { type: 'number', help: 'CPU threads (default all)' },
  out: { type: 'string', help: 'output folder (default ./out/noise-<study>)' },
  help: { type: 'boolean', help: 'show this help' },
};

export async function runNoise(args: Parsed, log: (line: string) => void): Promise<void> {
  const study = args.positional[0];
  if (study !== 'saddle') throw new SloppyError('ERR_INVALID_ARG_VALUE', `unknown noise study '${String(study)}'; the studies are saddle, landscape and synaptic`);
  const f = args.flags;
  const r = await saddleStudy({
    ratios: f.ratios === undefined ? undefined : String(f.ratios).split(',').map(Number),
    paths: f.paths as number | undefined,
    dt: f.dt as number | undefined,
    horizon: f.horizon as number | undefined,
    radius: f.radius as number | undefined,
    seed: f.seed as number | undefined,
    threads: f.threads as number | undefined,
    out: (f.out as string | undefined) ?? path.join('out', `noise-${study}`),
    onProgress: log,
  });
  log(`strict-saddle property on ${r.stationary.points.length} stationary points: ${r.stationary.holds ? 'holds' : 'fails'}`);
  for (const file of r.files) log(`wrote ${file}`);
}
