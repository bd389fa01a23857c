/**
 * What the spectra of the built-in systems share: seeded normal draws (Philox, so a seed gives
 * the same arrangement everywhere), and the stiffness spectrum of a Hessian.
 * @packageDocumentation
 */
import { eigh } from '../linalg';
import { normals, Stream } from '../rng';

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
