/**
 * Overdamped Langevin dynamics on parameters, dθ = −b·D∇U dt + b·T·∇·D dt + √(2bT·D) dW (D = I unless a diffusion
 * is given), by Euler–Maruyama, batched over paths, for any {@link Energy}: built-in energies run natively,
 * any other (a user's function, −log q of an EPI distribution) in a TypeScript loop with the same noise.
 *
 * Why the drift carries D: with a state-dependent D the Itô term b·T·∇·D is what keeps the stationary density
 * ∝ exp(−U/T), and the preconditioned force −b·D∇U is what makes the flux vanish there; with D = I both reduce to
 * the plain dθ = −b∇U dt + √(2bT) dW.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { Energy } from '../landscape/energy';
import { isBuiltinEnergy } from './energies';
import { LangevinOptions, parseLangevinOptions } from './options';
import { LangevinResult } from './result';
import { runNative } from './run-native';
import { runTypescript } from './run-ts';
import { locateStationary } from './stationary';

/**
 * Runs `paths` Langevin paths on `energy` for up to `steps` steps each. Path p at step k draws the Philox
 * normals keyed by (seed, firstPath + p, step k), so results are the same on any thread count, batch split or
 * engine (the TypeScript loop reproduces the native CPU path to the bit for a built-in energy; CUDA agrees to
 * rounding). A path with a passage test stops when it first passes it.
 *
 * @example
 * const r = await langevin(mullerBrownEnergy(), {
 *   start: [-0.05, 0.467], paths: 400, temperature: 1.2, dt: 5e-5, steps: 2_000_000,
 *   passage: { basin: [0.623, 0.028], radius: 0.1 },
 * });
 * console.log(r.passed, r.passageTime);
 */
export async function langevin(energy: Energy, opts: LangevinOptions): Promise<LangevinResult> {
  const s = parseLangevinOptions(energy, opts);
  const builtin = isBuiltinEnergy(energy);
  const callbacks = s.predicate !== undefined || (s.diffusion !== undefined && 'fn' in s.diffusion);
  if (s.engine === 'native' && (!builtin || callbacks)) {
    throw new SloppyError(
      'ERR_INVALID_ARG_VALUE',
      builtin ? "engine 'native' takes no callbacks (passage predicate, diffusion function)" : "engine 'native' needs a built-in energy",
    );
  }
  const useNative = s.engine === 'native' || (s.engine === 'auto' && builtin && !callbacks);
  let center: Float64Array | undefined;
  if (s.target !== undefined) {
    center = s.target.center;
    if (s.target.basin) {
      const m = await locateStationary(energy, s.target.center, { kind: 'minimum', signal: s.signal });
      if (!m.converged) throw new SloppyError('ERR_INVALID_ARG_VALUE', `no minimum found by descent from passage.basin (|∇U| = ${m.gradientNorm} after ${m.iterations} Newton steps)`);
      center = m.point;
    }
  }
  return useNative && isBuiltinEnergy(energy) ? runNative(energy, s, center) : runTypescript(energy, s, center);
}
