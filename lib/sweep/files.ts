/**
 * File primitives a sweep's bookkeeping rests on: atomic writes, checksums, canonical JSON and process
 * liveness. Everything a sweep writes goes through a temporary name and a rename, so that a process killed
 * at any instant leaves either the old file or the new one, never half of one.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';

import { SloppyError } from '../errors';

/** JSON with every object's keys sorted, so that equal content gives equal text (and equal hashes). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value, '$'));
}

function sortKeys(value: unknown, where: string): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `${where} is ${value}; sweep descriptions hold finite numbers only`);
  }
  if (Array.isArray(value)) return value.map((v, i) => sortKeys(v, `${where}[${i}]`));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v, `${where}.${key}`);
  }
  return out;
}

/** SHA-256 of a string, hex. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** SHA-256 and size of a file, streamed so that large outputs are not held in memory. */
export async function fileDigest(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Reads a JSON file, or undefined when it does not exist or does not parse (a foreign or damaged file). */
export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Whether `file` exists (and this process may see it). */
export async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Whether a process of this machine is alive; EPERM means it exists but belongs to someone else. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The last `lines` lines of a text file (empty when it does not exist), reading at most its last 64 KiB. */
export async function tail(file: string, lines = 20): Promise<string> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 65536);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    return buf.toString('utf8').split('\n').filter((l) => l !== '').slice(-lines).join('\n');
  } finally {
    await handle.close();
  }
}
