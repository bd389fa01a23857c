/**
 * What the spectra of the built-in systems share: seeded uniform and normal draws (Philox, so a seed gives
 * the same arrangement everywhere), and the stiffness spectrum of a Hessian.
 * @packageDocumentation
 */
import { eigh } from '../linalg';
import { normals, philox, Stream } from '../rng';
import { integer } from '../validate';

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

/**
 * The stiffness spectrum of a performance Hessian: the eigenvalues of −∂²F (positive at a maximum), descending.
 * `hessian` is ∂²F, k × k row-major.
 */
export function stiffness(hessian: Float64Array, k: number): Float64Array {
  const negated = Float64Array.from(hessian, (v) => -v);
  return Float64Array.from(eigh(negated, k).values).reverse();
}
