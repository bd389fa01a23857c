/**
 * The TypeScript engine: the scheme of the native one as a loop over `energy.evaluate` (one call per step for
 * all paths still moving), for energies that only JavaScript can evaluate and for user callbacks (a passage
 * predicate, a diffusion function). The noise is sloppy's Philox stream keyed by (seed, path, step), and
 * {@link advance} mirrors the native arithmetic, so a built-in energy run here follows the native path exactly.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { checkBatch, Energy } from '../landscape/energy';
import { native } from '../native';
import { fmExp } from './fastmath';
import { LangevinSettings } from './options';
import { finishResult, LangevinResult } from './result';
import { advance } from './step';

function callbackError(what: string, path: number, step: number, err: unknown): SloppyError {
  const message = err instanceof Error ? err.message : String(err);
  return new SloppyError('ERR_CALLBACK', `the ${what} threw at path ${path}, step ${step}: ${message}`, { path, step, cause: err });
}

/**
 * Writes d(θ) and ∂d/∂θ for every coordinate of `theta`, from the closed form (as `advance` in
 * native/langevin/langevin.h computes it) or from the user's function, which gets a copy of θ.
 */
function diffusionAt(s: LangevinSettings, theta: Float64Array, d: Float64Array, dd: Float64Array, path: number, step: number): void {
  const spec = s.diffusion!;
  if ('form' in spec) {
    const { a, c } = spec.form;
    for (let i = 0; i < theta.length; ++i) {
      const x = theta[i];
      if (spec.code === 1) {
        d[i] = a + c * (x * x);
        dd[i] = 2 * c * x;
      } else {
        d[i] = a * fmExp(c * x);
        dd[i] = c * d[i];
      }
    }
    return;
  }
  try {
    spec.fn(theta.slice(), d, dd);
  } catch (err) {
    throw callbackError('diffusion function', path, step, err);
  }
  for (let i = 0; i < theta.length; ++i) {
    if (!(d[i] > 0) || !Number.isFinite(d[i]) || !Number.isFinite(dd[i])) {
      throw new SloppyError('ERR_NONFINITE', `the diffusion function gave d = ${d[i]}, ∂d = ${dd[i]} for coordinate ${i} at path ${path}, step ${step}; d must be finite and > 0`);
    }
  }
}

/** Runs `s` in TypeScript; `center` is the passage ball's (already refined) centre. */
export async function runTypescript(energy: Energy, s: LangevinSettings, center?: Float64Array): Promise<LangevinResult> {
  const { dim, paths } = s;
  const x = Float64Array.from(s.start);
  const passage = new Float64Array(paths).fill(-1);
  const recorded = s.stride > 0 ? Math.floor(s.steps / s.stride) + 1 : 0;
  const trajectories = recorded > 0 ? new Float64Array(paths * recorded * dim).fill(NaN) : undefined;
  const radius2 = s.target ? s.target.radius * s.target.radius : 0;

  const arrived = (p: number, step: number): boolean => {
    if (center !== undefined) {
      let r2 = 0;
      for (let i = 0; i < dim; ++i) {
        const d = x[p * dim + i] - center[i];
        r2 += d * d;
      }
      return r2 <= radius2;
    }
    if (s.predicate === undefined) return false;
    try {
      return Boolean(s.predicate(x.slice(p * dim, (p + 1) * dim), p, step));
    } catch (err) {
      throw callbackError('passage predicate', p, step, err);
    }
  };
  const visit = (active: number[], step: number): number[] => {
    if (trajectories !== undefined && step % s.stride === 0) {
      const k = step / s.stride;
      for (const p of active) trajectories.set(x.subarray(p * dim, (p + 1) * dim), (p * recorded + k) * dim);
    }
    return active.filter((p) => {
      if (!arrived(p, step)) return true;
      passage[p] = step;
      return false;
    });
  };

  let active = visit(Array.from({ length: paths }, (_, p) => p), 0);
  const d = new Float64Array(dim);
  const dd = new Float64Array(dim);
  const progressEvery = Math.max(1, Math.floor(s.steps / 100));
  const c = s.constants;
  for (let step = 0; step < s.steps && active.length > 0; ++step) {
    if (s.signal?.aborted) throw new SloppyError('ABORT_ERR', 'the Langevin run was aborted');
    const n = active.length;
    const batch = new Float64Array(n * dim);
    active.forEach((p, k) => batch.set(x.subarray(p * dim, (p + 1) * dim), k * dim));
    const r = await energy.evaluate(batch, n, s.signal);
    checkBatch(r, n, dim);
    const xi = native.langevin.noise(s.seed, Float64Array.from(active, (p) => s.firstPath + p), step, dim);
    active.forEach((p, k) => {
      const theta = x.subarray(p * dim, (p + 1) * dim);
      if (s.diffusion !== undefined) diffusionAt(s, theta, d, dd, p, step);
      for (let i = 0; i < dim; ++i) {
        theta[i] = advance(c, theta[i], r.gradient[k * dim + i], xi[k * dim + i], s.diffusion ? d[i] : undefined, dd[i], s.lower?.[i], s.upper?.[i] ?? 0);
      }
    });
    active = visit(active, step + 1);
    if (s.onProgress && ((step + 1) % progressEvery === 0 || step + 1 === s.steps)) s.onProgress((step + 1) / s.steps);
  }
  const end = await energy.evaluate(x, paths, s.signal);
  checkBatch(end, paths, dim);
  return finishResult({
    paths,
    dim,
    dt: s.dt,
    final: x,
    energy: Float64Array.from(end.energy),
    passageStep: passage,
    trajectories,
    recorded,
    steps: s.steps,
    stride: s.stride,
    engine: 'typescript',
    device: 'cpu',
  });
}
