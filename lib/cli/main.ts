#!/usr/bin/env node
/**
 * The `sloppy` command line: the main jobs, with progress on stderr and results in files.
 * @packageDocumentation
 */
import * as path from 'node:path';

import { backends } from '../backends';
import { SloppyError } from '../errors';
import { get, list } from '../models';
import { FlagSpec, helpText, Parsed, parseArgs } from './args';
import { epiFlags, runEpi } from './epi';
import { landscapeFlags, runLandscape } from './landscape';
import { robustnessFlags, runRobustness } from './robustness';
import { noiseFlags, runNoise } from './noise';
import { noiseLandscapeFlags, runNoiseLandscape } from './noise-landscape';
import { noiseSynapticFlags, runNoiseSynaptic } from './noise-synaptic';
import { runSimulate, simulateFlags } from './simulate';
import { runSpectrum, spectrumFlags } from './spectrum';
import { stgDemo } from './stg-demo';
import { runSweepCommand, sweepFlags } from './sweep';
import { runTaskCommand, taskFlags } from './task';

const demoFlags: Record<string, FlagSpec> = {
  'g-el': { type: 'number', help: 'electrical coupling g_el (nS), default 6.1071167' },
  'g-syn-a': { type: 'number', help: 'synaptic inhibition g_synA (nS), default 1.3093035' },
  device: { type: 'string', help: "'auto' (default), 'cpu' or 'cuda'" },
  out: { type: 'string', help: 'output folder (default ./out)' },
  help: { type: 'boolean', help: 'show this help' },
};

type Run = (args: Parsed, log: (line: string) => void) => Promise<void | number>;

async function runDemo(args: Parsed, log: (line: string) => void): Promise<void> {
  if (args.positional[0] !== 'stg') throw new SloppyError('ERR_INVALID_ARG_VALUE', 'the demo is `sloppy demo stg`');
  const out = (args.flags.out as string | undefined) ?? 'out';
  const r = await stgDemo({
    gEl: args.flags['g-el'] as number | undefined,
    gSynA: args.flags['g-syn-a'] as number | undefined,
    device: args.flags.device as 'auto' | 'cpu' | 'cuda' | undefined,
    out: path.join(out, 'stg-voltages.svg'),
  });
  log('STG rhythm frequencies (Hz), soft-argmax of the DFT of each voltage:');
  for (const [neuron, f] of Object.entries(r.frequencies)) log(`  ${neuron.padEnd(4)} ${f.toFixed(3)}`);
  log(`voltages plotted to ${r.plot}`);
}

/** Every command that takes flags, by the words that name it (`noise` names its study too). */
const COMMANDS: Record<string, { flags: Record<string, FlagSpec>; run: Run }> = {
  epi: { flags: epiFlags, run: runEpi },
  'demo stg': { flags: demoFlags, run: runDemo },
  simulate: { flags: simulateFlags, run: runSimulate },
  'noise saddle': { flags: noiseFlags, run: runNoise },
  'noise landscape': { flags: noiseLandscapeFlags, run: runNoiseLandscape },
  'noise synaptic': { flags: noiseSynapticFlags, run: runNoiseSynaptic },
  landscape: { flags: landscapeFlags, run: runLandscape },
  sweep: { flags: sweepFlags, run: runSweepCommand },
  robustness: { flags: robustnessFlags, run: runRobustness },
  spectrum: { flags: spectrumFlags, run: runSpectrum },
  task: { flags: taskFlags, run: runTaskCommand },
};

const COMMAND_FLAGS = Object.entries(COMMANDS)
  .map(([name, c]) => `${name} flags:\n${helpText(c.flags)}`)
  .join('\n\n');

const USAGE = `sloppy — simulation and inference of neural-circuit models

Usage:
  sloppy epi <model> [flags]     emergent property inference (published property and settings by default):
                                 a run folder with the distribution, samples.npy, history.csv, report.html
  sloppy demo stg [flags]        the STG circuit: each neuron's rhythm frequency, voltages plotted to SVG
  sloppy simulate <model> [flags] statistics of a built-in model, written as CSV
  sloppy noise saddle [flags]    Müller–Brown saddle escape times against temperature beside Kramers–Langer:
                                 .npy files, summary.json, report.html
  sloppy noise landscape [flags] the landscape networks fitted with annealed gradient noise at several
                                 temperatures beside noiseless fits from the same starts: .npy, report.html
  sloppy noise synaptic [flags]  synaptic sampling (seed 004): the three noise modes on paired runs, learning
                                 curves and paired differences with CIs: .npy files, summary.json, report.html
  sloppy landscape [flags]       the energy-landscape study of a 5 × 5 ReLU network: fits, symmetrized minima,
                                 NEB paths, Hessian spectra, basin; .npy files and report.html
  sloppy sweep plan|run|status|collect <desc.json|folder> [flags]
                                 a resumable sweep of tasks (EPI over models, properties, seeds) on a local
                                 worker pool or a Slurm array; status per task; merged results and report.html
  sloppy robustness <model> [flags]
                                 how far the published property survives parameter pushes, against the
                                 curvature spectrum, and springs-back return times: .npy files, report.html
  sloppy spectrum <system>       Hessian spectrum of receptor | gapgene | stg | linearnet, or the Fisher
                                 spectrum of a classifier (true and permuted labels): eigenvalues .npy,
                                 report.html with the seed's figure
  sloppy task <folder> [index]   one task of a sweep (index from SLURM_ARRAY_TASK_ID when omitted)
  sloppy models [<model>]        the built-in models, or one model's parameters, statistics and options
  sloppy backends                the compute backends of this build and machine

${COMMAND_FLAGS}
`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const log = (line: string): void => {
    process.stdout.write(line + '\n');
  };
  const key = command === 'noise' || command === 'demo' ? `${command} ${rest[0]}` : command;
  const entry = key === undefined ? undefined : COMMANDS[key];
  if (entry !== undefined) {
    const args = parseArgs(rest, entry.flags);
    if (args.flags.help) return log(USAGE);
    const code = await entry.run(args, log);
    if (typeof code === 'number') process.exitCode = code;
    return;
  }
  switch (command) {
    case 'models': {
      if (rest[0] === undefined) {
        for (const name of list()) log(`${name.padEnd(6)} ${get(name).summary}`);
        return;
      }
      return log(JSON.stringify(get(rest[0]), null, 2));
    }
    case 'backends':
      return log(JSON.stringify(backends(), null, 2));
    case undefined:
    case '--help':
    case 'help':
      return log(USAGE);
    case 'noise':
    case 'demo': {
      const known = Object.keys(COMMANDS).filter((k) => k.startsWith(`${command} `)).map((k) => k.split(' ')[1]);
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `unknown ${command} '${String(rest[0])}'; known: ${known.join(', ')}`);
    }
    default:
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `unknown command '${command}'; see sloppy --help`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const e = err as { code?: string; message?: string };
  process.stderr.write(`sloppy: ${e.message ?? String(err)}${e.code ? ` [${e.code}]` : ''}\n`);
  process.exit(1);
});
