/**
 * A small, strict argument parser for the CLI: --flag value, --flag=value and boolean --flag; unknown flags
 * are errors, so a typo never runs a different job.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';

export interface FlagSpec {
  /** 'string' and 'number' take a value; 'boolean' does not; 'list' may repeat. */
  type: 'string' | 'number' | 'boolean' | 'list';
  help: string;
}

export type Parsed = { positional: string[]; flags: Record<string, string | number | boolean | string[]> };

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>): Parsed {
  const out: Parsed = { positional: [], flags: {} };
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      out.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const s = spec[name];
    if (s === undefined) {
      throw new SloppyError('ERR_UNKNOWN_OPTION', `unknown flag --${name}; known: ${Object.keys(spec).map((k) => `--${k}`).join(' ')}`);
    }
    if (s.type === 'boolean') {
      out.flags[name] = true;
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined) throw new SloppyError('ERR_INVALID_ARG_VALUE', `--${name} needs a value`);
    if (s.type === 'number') {
      const v = Number(raw);
      if (!Number.isFinite(v)) throw new SloppyError('ERR_INVALID_ARG_VALUE', `--${name} must be a number; got ${raw}`);
      out.flags[name] = v;
    } else if (s.type === 'list') {
      out.flags[name] = [...((out.flags[name] as string[] | undefined) ?? []), raw];
    } else {
      out.flags[name] = raw;
    }
  }
  return out;
}

export function helpText(spec: Record<string, FlagSpec>): string {
  return Object.entries(spec)
    .map(([k, s]) => `  --${k}${s.type === 'boolean' ? '' : ' <' + s.type + '>'}`.padEnd(26) + s.help)
    .join('\n');
}
