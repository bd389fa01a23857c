/**
 * Float64 arrays in NumPy's .npy format, so samples and histories can be opened with `numpy.load`
 * without a converter. Only what sloppy produces is supported: little-endian float64 in C order.
 * Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 * @packageDocumentation
 */
import { FileHandle, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { endianness } from 'node:os';
import * as path from 'node:path';

import { SloppyError } from '../errors';
import { isFloat64Array } from '../validate';
import { tempName, writeFileAtomic } from './atomic';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // "\x93NUMPY"
const ALIGN = 64;
/** NumPy leaves room for the first axis to grow to this many digits, so a header can be rewritten in place. */
const GROWTH_AXIS_MAX_DIGITS = 21;
const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** A decoded array: the values in C order and the shape they fill. */
export interface NpyArray {
  data: Float64Array;
  shape: number[];
}

function invalid(message: string): SloppyError {
  return new SloppyError('ERR_INVALID_ARG_VALUE', message);
}

/** Python's repr of a shape tuple: `()`, `(5,)`, `(3, 4)`. */
function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function checkShape(shape: unknown, length: number): number[] {
  if (!Array.isArray(shape)) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'shape must be an array of integers');
  shape.forEach((d, k) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw invalid(`shape[${k}] must be an integer ≥ 0; got ${String(d)}`);
    }
  });
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (size !== length) {
    throw invalid(`shape ${shapeRepr(shape)} holds ${size} values; data has ${length}`);
  }
  return shape as number[];
}

/** The header of a version 1.0 .npy file of float64 values with `shape` (C order), as `numpy.save` writes it. */
function npyHeader(shape: readonly number[]): Buffer {
  let dict = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  // NumPy always pads (1 to 64 spaces, then '\n'), even when the text already ends on a boundary.
  const pad = ALIGN - ((MAGIC.length + 2 + 2 + dict.length + 1) % ALIGN);
  const header = dict + ' '.repeat(pad) + '\n';
  if (header.length > 0xffff) throw invalid(`shape ${shapeRepr(shape)} needs a header too long for .npy 1.0`);
  const out = Buffer.alloc(10 + header.length);
  MAGIC.copy(out, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  return out;
}

function littleEndianBytes(data: Float64Array): Buffer {
  if (LITTLE_ENDIAN_HOST) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out = Buffer.alloc(8 * data.length);
  for (let k = 0; k < data.length; k++) out.writeDoubleLE(data[k], 8 * k);
  return out;
}

/**
 * The bytes of a version 1.0 .npy file holding `data` with `shape` (C order), byte for byte what
 * `numpy.save` writes for a float64 array of that shape.
 * @throws SloppyError ERR_INVALID_ARG_VALUE when the shape's product is not `data.length`.
 */
export function encodeNpy(data: Float64Array, shape: number[]): Buffer {
  if (!isFloat64Array(data)) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'npy data must be a Float64Array');
  checkShape(shape, data.length);
  return Buffer.concat([npyHeader(shape), littleEndianBytes(data)]);
}

/**
 * A .npy file written in chunks along its first axis, so an array larger than memory (e.g. the weights of
 * 320 000 fits) streams to disk. The file appears under its name only when every row has arrived.
 */
export class NpyWriter {
  private written = 0;
  private readonly rowSize: number;

  private constructor(
    private readonly target: string,
    private readonly temp: string,
    private readonly handle: FileHandle,
    private readonly shape: readonly number[],
  ) {
    this.rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
  }

  /** Opens `file` for an array of `shape`; rows then arrive in order through {@link NpyWriter.append}. */
  static async open(file: string, shape: number[]): Promise<NpyWriter> {
    checkShape(shape, shape.reduce((a, b) => a * b, 1));
    if (shape.length === 0) throw invalid('a streamed .npy needs at least one axis');
    const target = path.resolve(file);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = tempName(target);
    const handle = await open(temp, 'wx');
    await handle.write(npyHeader(shape));
    return new NpyWriter(target, temp, handle, shape);
  }

  /** Appends whole rows (a multiple of the row size) after those already written. */
  async append(rows: Float64Array): Promise<void> {
    if (rows.length % this.rowSize !== 0 || this.written + rows.length / this.rowSize > this.shape[0]) {
      throw invalid(`${rows.length} values are not whole rows of ${this.rowSize} within shape ${shapeRepr(this.shape)}`);
    }
    await this.handle.write(littleEndianBytes(rows));
    this.written += rows.length / this.rowSize;
  }

  /** Flushes and renames into place; rejects (leaving no file) if rows are missing. */
  async close(): Promise<void> {
    try {
      if (this.written !== this.shape[0]) throw invalid(`${this.written} of ${this.shape[0]} rows were written`);
      await this.handle.sync();
      await this.handle.close();
      await rename(this.temp, this.target);
    } catch (err) {
      await this.discard();
      throw err;
    }
  }

  /** Removes the partial file, e.g. after a failed or aborted run. */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await unlink(this.temp).catch(() => undefined);
  }
}

interface Header {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/**
 * Parses the header's Python dict literal. Keys may come in any order with any spacing, as writers other
 * than numpy (and numpy under Python 2, with its `3L` integers) produce; anything unexpected is refused.
 */
function parseHeader(text: string): Header {
  const body = text.trim().match(/^\{(.*)\}$/s);
  if (!body) throw invalid(`.npy header is not a dict: ${JSON.stringify(text.trim())}`);
  const entries = body[1];
  const entry = /\s*(['"])(\w+)\1\s*:\s*('[^']*'|"[^"]*"|True|False|\([^)]*\)|\[[^\]]*\])\s*(?:,|(?=\s*$))/y;
  const found = new Map<string, string>();
  for (let at = 0; entries.slice(at).trim() !== ''; at = entry.lastIndex) {
    entry.lastIndex = at;
    const m = entry.exec(entries);
    if (!m) throw invalid(`cannot parse the .npy header near ${JSON.stringify(entries.slice(at).trim())}`);
    if (found.has(m[2])) throw invalid(`.npy header repeats the key '${m[2]}'`);
    found.set(m[2], m[3]);
  }
  const keys = [...found.keys()].sort();
  if (keys.join() !== 'descr,fortran_order,shape') {
    throw invalid(`.npy header must have exactly the keys descr, fortran_order and shape; has ${keys.join(', ')}`);
  }

  const descr = found.get('descr')!;
  const order = found.get('fortran_order')!;
  const shapeText = found.get('shape')!;
  if (!/^['"]/.test(descr)) throw invalid(`.npy data has a structured dtype ${descr}; only '<f8' is supported`);
  if (!/^\(/.test(shapeText)) throw invalid(`.npy shape must be a tuple; got ${shapeText}`);
  if (order !== 'True' && order !== 'False') throw invalid(`.npy fortran_order must be True or False; got ${order}`);
  const inner = shapeText.slice(1, -1).trim();
  const dims = inner === '' ? [] : inner.replace(/,\s*$/, '').split(',').map((s) => s.trim());
  // A one-element tuple needs its trailing comma in Python; `(5)` would be the integer 5.
  if (dims.length === 1 && !/,\s*$/.test(inner)) throw invalid(`.npy shape ${shapeText} is not a tuple`);
  const shape = dims.map((d) => {
    if (!/^\d+L?$/.test(d)) throw invalid(`.npy shape ${shapeText} is not a tuple of integers ≥ 0`);
    const value = Number(d.replace(/L$/, ''));
    if (!Number.isSafeInteger(value)) throw invalid(`.npy shape ${shapeText} has a dimension too large`);
    return value;
  });
  return { descr: descr.slice(1, -1), fortranOrder: order === 'True', shape };
}

/**
 * Decodes a .npy file (format version 1.0 or 2.0) holding little-endian float64 data in C order.
 * @throws SloppyError ERR_INVALID_ARG_VALUE naming the problem for anything else: a bad magic string, another
 *   version, dtype, byte order or memory order, a malformed header, or data that is short or too long.
 */
export function decodeNpy(buf: Buffer): NpyArray {
  // Tag test, not instanceof, so buffers from another realm (a jest sandbox, a worker) pass.
  if (!ArrayBuffer.isView(buf) || Object.prototype.toString.call(buf) !== '[object Uint8Array]') {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'decodeNpy expects a Buffer or Uint8Array');
  }
  buf = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) throw invalid('not a .npy file: the magic string is missing');
  const [major, minor] = [buf[6], buf[7]];
  if ((major !== 1 && major !== 2) || minor !== 0) {
    throw invalid(`.npy format version ${major}.${minor} is not supported (only 1.0 and 2.0)`);
  }
  // Version 2.0 differs only in a 4-byte header length, for headers past 64 KiB.
  const lengthBytes = major === 1 ? 2 : 4;
  if (buf.length < 8 + lengthBytes) throw invalid('.npy file is truncated inside its header length');
  const headerLength = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = 8 + lengthBytes + headerLength;
  if (buf.length < start) {
    throw invalid(`.npy file is truncated: its header needs ${headerLength} bytes; ${buf.length - 8 - lengthBytes} remain`);
  }
  const header = parseHeader(buf.toString('latin1', 8 + lengthBytes, start));
  if (header.descr !== '<f8') {
    const why = header.descr === '>f8' ? 'big-endian float64' : `dtype '${header.descr}'`;
    throw invalid(`.npy data is ${why}; only little-endian float64 ('<f8') is supported`);
  }
  if (header.fortranOrder) throw invalid('.npy data is in Fortran order; only C order is supported');

  const count = header.shape.reduce((a, b) => a * b, 1);
  const expected = 8 * count;
  const have = buf.length - start;
  if (have !== expected) {
    throw invalid(
      `.npy data of shape ${shapeRepr(header.shape)} needs ${expected} bytes; the file has ${have}` +
        (have < expected ? ' (truncated)' : ''),
    );
  }
  const data = new Float64Array(count);
  if (LITTLE_ENDIAN_HOST) {
    // Copy bytewise: the payload's offset inside `buf` need not be 8-byte aligned.
    new Uint8Array(data.buffer).set(buf.subarray(start));
  } else {
    for (let k = 0; k < count; k++) data[k] = buf.readDoubleLE(start + 8 * k);
  }
  return { data, shape: header.shape };
}

/**
 * Writes `data` with `shape` as a .npy file. The bytes go to a temporary file in the same folder, which is
 * flushed and then renamed over `file`, so a process killed midway never leaves a half-written array.
 * Creates the folder if needed.
 */
export async function writeNpy(file: string, data: Float64Array, shape: number[]): Promise<void> {
  await writeFileAtomic(file, encodeNpy(data, shape));
}

/** Reads a .npy file written by {@link writeNpy} or by numpy (little-endian float64, C order). */
export async function readNpy(file: string): Promise<NpyArray> {
  return decodeNpy(await readFile(file));
}
