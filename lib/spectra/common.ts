/**
 * What the spectra of the built-in systems share: seeded uniform and normal draws (Philox, so a seed gives
 * the same arrangement everywhere), option checks, and the stiffness spectrum of a Hessian.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { eigh } from '../linalg';
import { normals, philox, Stream } from '../rng';
import { finiteNumber, integer } from '../validate';

/** `count` uniforms in [0, 1) from Philox words keyed by (seed, stream). */
export function uniforms(count: number, seed: number, stream = 0): Float64Array {
  integer(seed, 'seed', 0, 0xffffffff);
  const out = new Float64Array(count);
  for (let block = 0; block * 4 < count; ++block) {
    const words = philox([block, stream, 0x5eed, 0], [seed, 0xa11ce]);
    for (let w = 0; w < 4 && block * 4 + w < count; ++w) out[block * 4 + w] = words[w] / 2 ** 32;
  }
  return out;
}

/** `count` standard normals keyed by (seed, set). */
export function gaussians(count: number, seed: number, set = 0): Float64Array {
  return normals(count, { seed, set, stream: Stream.Quenched });
}

/** A positive finite number, or the default when undefined. */
export function positiveOr(value: unknown, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  const v = finiteNumber(value, what);
  if (v <= 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} must be positive; got ${v}`);
  return v;
}

/**
 * The stiffness spectrum of a performance Hessian: the eigenvalues of −∂²F (positive at a maximum), descending.
 * `hessian` is ∂²F, k × k row-major.
 */
export function stiffness(hessian: Float64Array, k: number): Float64Array {
  const negated = Float64Array.from(hessian, (v) => -v);
  return Float64Array.from(eigh(negated, k).values).reverse();
}
