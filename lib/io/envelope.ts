/**
 * Versioned, checksummed JSON files (saved distributions, checkpoints): a payload wrapped with its format
 * name, version and SHA-256, written to a temporary name and renamed, so a killed process never leaves a
 * half-written file and a corrupted one is refused on reading. Float64Arrays travel as base64 of their
 * little-endian bytes, exactly.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';

import { SloppyError } from '../errors';
import { writeFileAtomic } from './atomic';

interface Envelope {
  format: string;
  version: number;
  sha256: string;
  payload: unknown;
}

function digest(payload: unknown): string {
  return createHash('sha256').update(JSON.stringify(payload)).digest('hex');
}

/** Float64Array → base64 (little-endian bytes, as every platform Node runs on stores them). */
export function packFloats(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function unpackFloats(s: string): Float64Array {
  const bytes = Buffer.from(s, 'base64');
  const out = new Float64Array(bytes.length / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Writes `payload` atomically as `format` version `version`. */
export async function writeEnvelope(file: string, format: string, version: number, payload: unknown): Promise<void> {
  const envelope: Envelope = { format, version, sha256: digest(payload), payload };
  await writeFileAtomic(file, JSON.stringify(envelope));
}

/** Reads a file written by writeEnvelope, checking its format, version and checksum. */
export async function readEnvelope(file: string, format: string, version: number): Promise<unknown> {
  let envelope: Envelope;
  try {
    envelope = JSON.parse(await fs.readFile(file, 'utf8')) as Envelope;
  } catch (err) {
    throw new SloppyError('ERR_FORMAT', `${file} is not a readable ${format} file: ${(err as Error).message}`);
  }
  if (envelope.format !== format) {
    throw new SloppyError('ERR_FORMAT', `${file} holds '${String(envelope.format)}', not '${format}'`);
  }
  if (envelope.version !== version) {
    throw new SloppyError('ERR_FORMAT', `${file} is ${format} version ${envelope.version}; this sloppy reads ${version}`);
  }
  if (digest(envelope.payload) !== envelope.sha256) {
    throw new SloppyError('ERR_CHECKSUM', `${file} is corrupted: its checksum does not match its contents`);
  }
  return envelope.payload;
}
