/**
 * One Euler–Maruyama step of one coordinate, as the TypeScript loop takes it. The operations and their order are
 * those of `advance` in native/langevin/langevin.h, so that a path stepped here is the native path to the bit
 * (both round every operation in IEEE double; the native core is built without fused multiply-adds).
 * @packageDocumentation
 */

/** The constants of a step, computed once; the native engine is handed these very numbers. */
export interface StepConstants {
  /** b·dt */
  bdt: number;
  /** (b·T)·dt */
  btdt: number;
  /** ((2·b)·T)·dt, the noise variance per unit diffusion */
  var: number;
  /** √var */
  noise: number;
}

/** The step constants for mobility b, temperature T and step dt. */
export function stepConstants(b: number, T: number, dt: number): StepConstants {
  const v = 2 * b * T * dt;
  return { bdt: b * dt, btdt: b * T * dt, var: v, noise: Math.sqrt(v) };
}

/**
 * x after one step with gradient g and standard normal xi; `d` and `dd` are the diffusion d(θ) and its
 * derivative ∂d/∂θ at x (undefined: D = I), and [lo, hi] the reflecting walls (undefined: none).
 */
export function advance(
  s: StepConstants,
  x: number,
  g: number,
  xi: number,
  d: number | undefined,
  dd: number,
  lo: number | undefined,
  hi: number,
): number {
  let y = d === undefined ? x - s.bdt * g + s.noise * xi : x - s.bdt * (d * g) + s.btdt * dd + Math.sqrt(s.var * d) * xi;
  if (lo === undefined) return y;
  if (y < lo) y = lo + (lo - y);
  if (y > hi) y = hi - (y - hi);
  return Math.min(Math.max(y, lo), hi);
}
