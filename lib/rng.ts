/**
 * The Philox4x32-10 generator that drives every simulation, exposed for inspection and reproducibility
 * checks: the same (seed, set, trial, step) gives the same draws on every backend.
 * @packageDocumentation
 */
import { native } from './native';
import { integer } from './validate';

/** Which counter space a draw comes from. */
export enum Stream {
  Dynamics = 0,
  Initial = 1,
  Quenched = 2,
}

/** One Philox4x32-10 block: four 32-bit words for a 128-bit counter and a 64-bit key. */
export function philox(counter: [number, number, number, number], key: [number, number]): Uint32Array {
  [...counter, ...key].forEach((w, i) => integer(w, `word ${i}`, 0, 0xffffffff));
  return native.rng.philox(counter, key);
}

/** The n standard normals a model sees at `step` of path (set, trial) under `seed`. */
export function normals(
  n: number,
  where: { seed?: number; set?: number; trial?: number; step?: number; stream?: Stream } = {},
): Float64Array {
  return native.rng.normals(
    integer(where.seed ?? 0, 'seed', 0),
    integer(where.set ?? 0, 'set', 0, 0xffffffff),
    integer(where.trial ?? 0, 'trial', 0, 2 ** 30 - 1),
    integer(where.step ?? 0, 'step', 0, 0xffffffff),
    integer(n, 'n', 0, 2 ** 31 - 1),
    where.stream ?? Stream.Dynamics,
  );
}

/**
 * `count` uniforms in [0, 1), four per Philox block, keyed by (seed, stream): seeded choices made in TypeScript
 * (random arrangements, pairs, jitter sizes) that the same seed reproduces everywhere. The seed may use 53 bits.
 */
export function uniforms(count: number, seed: number, stream = 0): Float64Array {
  integer(seed, 'seed', 0);
  integer(stream, 'stream', 0, 0xffffffff);
  const lo = seed % 2 ** 32;
  const hi = Math.floor(seed / 2 ** 32);
  const out = new Float64Array(integer(count, 'count', 0));
  for (let block = 0; block * 4 < count; ++block) {
    const words = philox([block, stream, 0x5eed, 0], [lo, (0xa11ce ^ hi) >>> 0]);
    for (let w = 0; w < 4 && block * 4 + w < count; ++w) out[block * 4 + w] = words[w] / 2 ** 32;
  }
  return out;
}

