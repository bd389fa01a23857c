import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

import { decodeNpy, encodeNpy, readNpy, writeNpy } from '../../lib/io/npy';

/**
 * A .npy file assembled by hand from a header dict and raw payload bytes, padded the way the format
 * specification asks, so the rejection tests can feed headers numpy itself writes for other dtypes.
 */
function npyFile(dict: string, payloadHex: string, version: 1 | 2 = 1): Buffer {
  const prefix = version === 1 ? 10 : 12;
  const pad = 64 - ((prefix + dict.length + 1) % 64);
  const header = Buffer.from(dict + ' '.repeat(pad) + '\n', 'latin1');
  const lengthField = Buffer.alloc(version === 1 ? 2 : 4);
  if (version === 1) lengthField.writeUInt16LE(header.length);
  else lengthField.writeUInt32LE(header.length);
  return Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]), lengthField, header, Buffer.from(payloadHex, 'hex')]);
}

describe('encodeNpy', () => {
  it('writes the bytes the format specification and numpy prescribe, byte by byte', () => {
    const bytes = encodeNpy(Float64Array.from([1, -2, 0.5]), [3]);
    // Magic string "\x93NUMPY", then format version 1.0.
    expect([...bytes.subarray(0, 6)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
    expect([bytes[6], bytes[7]]).toEqual([1, 0]);
    // Little-endian uint16 header length: 118 = 0x76, so magic + version + length + header = 128 bytes.
    expect([bytes[8], bytes[9]]).toEqual([0x76, 0x00]);
    const headerLength = bytes.readUInt16LE(8);
    expect((10 + headerLength) % 64).toBe(0);
    // The header exactly as numpy 2.4 `np.save` writes it for a float64 array of shape (3,): the dict, 21 − 1
    // spare spaces for the first axis to grow in place, padding spaces to the 64-byte boundary, then '\n'.
    const header = bytes.toString('latin1', 10, 10 + headerLength);
    expect(header).toBe(
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }" + ' '.repeat(60) + '\n',
    );
    // The whole file as numpy wrote it for np.array([1.0, -2.0, 0.5]) (hex of its bytes).
    const numpyFile =
      '934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c2027' +
      '7368617065273a2028332c292c207d' + '20'.repeat(60) + '0a' +
      '000000000000f03f' + '00000000000000c0' + '000000000000e03f';
    expect(bytes.toString('hex')).toBe(numpyFile);
    // The float64 payload, little-endian: 1.0 = 0x3ff0…, -2.0 = 0xc000…, 0.5 = 0x3fe0….
    expect(bytes.subarray(128).toString('hex')).toBe('000000000000f03f00000000000000c0000000000000e03f');
    expect(bytes.length).toBe(128 + 24);
  });

  it.each([
    // Header dicts (trailing spaces trimmed) as numpy 2.4 writes them; every one pads to 118 + 10 = 128 bytes.
    [[], "{'descr': '<f8', 'fortran_order': False, 'shape': (), }"],
    [[5], "{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }"],
    [[3, 4], "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }"],
    [[0, 2], "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 2), }"],
  ])('spells shape %j as numpy does', (shape, dict) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const bytes = encodeNpy(new Float64Array(n), shape);
    expect(bytes.readUInt16LE(8)).toBe(118);
    const header = bytes.toString('latin1', 10, 128);
    expect(header.endsWith('\n')).toBe(true);
    expect(header.trimEnd()).toBe(dict);
    expect(bytes.length).toBe(128 + 8 * n);
  });

  it('rejects a shape whose product is not the data length', () => {
    expect(() => encodeNpy(new Float64Array(6), [2, 2])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/\(2, 2\) holds 4 values; data has 6/) }),
    );
    expect(() => encodeNpy(new Float64Array(2), [])).toThrow(/\(\) holds 1 values/);
    expect(() => encodeNpy(new Float64Array(2), [-2, -1])).toThrow(/shape\[0\] must be an integer ≥ 0/);
    expect(() => encodeNpy(new Float64Array(2), [2.5])).toThrow(/shape\[0\]/);
  });
});

describe('decodeNpy', () => {
  it.each([
    [[], [Math.PI]],
    [[5], [1, -2, 0.5, 1e300, -0]],
    [[3, 4], Array.from({ length: 12 }, (_, k) => k * 1.37 - 3)],
    [[0, 2], []],
  ])('round-trips shape %j', (shape, values) => {
    const data = Float64Array.from(values);
    const back = decodeNpy(encodeNpy(data, shape));
    expect(back.shape).toEqual(shape);
    expect(Array.from(back.data)).toEqual(values);
  });

  it('keeps NaN and infinities', () => {
    const back = decodeNpy(encodeNpy(Float64Array.from([NaN, Infinity, -Infinity]), [3]));
    expect(Array.from(back.data)).toEqual([NaN, Infinity, -Infinity]);
  });

  it('reads a version 2.0 file as numpy writes it (write_array(..., version=(2, 0)))', () => {
    const numpyV2 = Buffer.from(
      '934e554d50590200740000007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20' +
        '277368617065273a2028322c2033292c207d' + '20'.repeat(56) + '0a' +
        '0000000000000000000000000000f03f0000000000000040000000000000084000000000000010400000000000001440',
      'hex',
    );
    expect(numpyV2.length).toBe(176);
    expect(decodeNpy(numpyV2)).toEqual({ data: Float64Array.from([0, 1, 2, 3, 4, 5]), shape: [2, 3] });
  });

  it('reads a payload that does not start on an 8-byte boundary of its buffer', () => {
    const bytes = encodeNpy(Float64Array.from([1, 2, 3]), [3]);
    const shifted = Buffer.alloc(bytes.length + 1);
    bytes.copy(shifted, 1);
    expect(Array.from(decodeNpy(shifted.subarray(1)).data)).toEqual([1, 2, 3]);
  });

  it('accepts headers from other writers: other key order, double quotes, no trailing comma', () => {
    const file = npyFile('{"shape": (2,), "fortran_order": False, "descr": "<f8"}', '000000000000f03f0000000000000040');
    expect(decodeNpy(file)).toEqual({ data: Float64Array.from([1, 2]), shape: [2] });
  });

  const invalid = (message: RegExp) => expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(message) });

  it.each([
    // The first three headers and payloads are what numpy writes for these arrays.
    ['big-endian float64', npyFile("{'descr': '>f8', 'fortran_order': False, 'shape': (3,), }", '3ff0000000000000c0000000000000003fe0000000000000'), /big-endian/],
    ['Fortran order', npyFile("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", '00000000000000000000000000000040000000000000f03f0000000000000840'), /Fortran order/],
    ['float32', npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", '0000803f000000c00000003f'), /dtype '<f4'/],
    ['a structured dtype', npyFile("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", '0000000000000000'), /structured dtype/],
    ['a missing key', npyFile("{'descr': '<f8', 'shape': (1,), }", '0000000000000000'), /exactly the keys/],
    ['an extra key', npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': True}", '0000000000000000'), /exactly the keys/],
    ['a shape that is an integer', npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': 1, }", '0000000000000000'), /cannot parse/],
    ['a shape (1) without the tuple comma', npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (1), }", '0000000000000000'), /not a tuple/],
    ['a negative dimension', npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", ''), /integers ≥ 0/],
    ['a header that is not a dict', npyFile("['descr', '<f8']", ''), /not a dict/],
    ['format version 3.0', Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 3, 0]), encodeNpy(new Float64Array(1), [1]).subarray(8)]), /version 3\.0/],
    ['a wrong magic string', Buffer.from('\x93NUMPZ\x01\x00\x00\x00', 'latin1'), /magic/],
    ['an empty buffer', Buffer.alloc(0), /magic/],
  ])('rejects %s', (_what, bytes, message) => {
    expect(() => decodeNpy(bytes)).toThrow(invalid(message));
  });

  it('rejects truncated data, a truncated header and trailing bytes', () => {
    const bytes = encodeNpy(Float64Array.from([1, 2, 3]), [3]);
    expect(() => decodeNpy(bytes.subarray(0, bytes.length - 1))).toThrow(invalid(/needs 24 bytes; the file has 23 \(truncated\)/));
    expect(() => decodeNpy(bytes.subarray(0, 128))).toThrow(invalid(/needs 24 bytes; the file has 0/));
    expect(() => decodeNpy(bytes.subarray(0, 60))).toThrow(invalid(/truncated: its header needs 118 bytes/));
    expect(() => decodeNpy(bytes.subarray(0, 9))).toThrow(invalid(/magic/));
    expect(() => decodeNpy(Buffer.concat([bytes, Buffer.alloc(8)]))).toThrow(invalid(/the file has 32/));
  });

  it('rejects what is not a byte array', () => {
    expect(() => decodeNpy('abc' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});

describe('writeNpy and readNpy', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sloppy-npy-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the encoded bytes, creating the folder, and leaves no temporary file behind', async () => {
    const file = path.join(dir, 'sub', 'samples.npy');
    const data = Float64Array.from({ length: 12 }, (_, k) => k / 7);
    await writeNpy(file, data, [4, 3]);
    expect(await readFile(file)).toEqual(encodeNpy(data, [4, 3]));
    expect(await readdir(path.join(dir, 'sub'))).toEqual(['samples.npy']);
    expect(await readNpy(file)).toEqual({ data, shape: [4, 3] });
  });

  it('replaces an existing file whole', async () => {
    const file = path.join(dir, 'a.npy');
    await writeFile(file, 'old contents that are longer than nothing');
    await writeNpy(file, new Float64Array(0), [0, 2]);
    expect(await readNpy(file)).toEqual({ data: new Float64Array(0), shape: [0, 2] });
  });

  it('leaves an existing file untouched when the arguments are invalid', async () => {
    const file = path.join(dir, 'a.npy');
    await writeNpy(file, Float64Array.from([1, 2]), [2]);
    await expect(writeNpy(file, Float64Array.from([1, 2, 3]), [2])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect((await readNpy(file)).data).toEqual(Float64Array.from([1, 2]));
    expect(await readdir(dir)).toEqual(['a.npy']);
  });
});
