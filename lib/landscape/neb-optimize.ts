/**
 * The two optimizers NEB can drive a band with. Both act on one band's stacked movable images and their NEB
 * force (which is not the gradient of anything, so neither does a line search), and both cap each step so that
 * no image moves farther than `maxStep`, which keeps an early step from jumping the band into another valley.
 * @packageDocumentation
 */

/** Moves x (the stacked movable images) one step along the force f; `reset` forgets what it has learnt. */
export interface BandOptimizer {
  step(x: Float64Array, f: Float64Array): void;
  reset(): void;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; ++i) s += a[i] * b[i];
  return s;
}

/** The largest norm of one image's block (dim consecutive entries) of a stacked vector. */
function longestImage(v: Float64Array, dim: number): number {
  let longest = 0;
  for (let i = 0; i < v.length; i += dim) {
    let s = 0;
    for (let d = 0; d < dim; ++d) s += v[i + d] * v[i + d];
    longest = Math.max(longest, Math.sqrt(s));
  }
  return longest;
}

/** Scales p so that no image moves farther than maxStep. */
function capStep(p: Float64Array, dim: number, maxStep: number): void {
  const longest = longestImage(p, dim);
  if (longest > maxStep) for (let i = 0; i < p.length; ++i) p[i] *= maxStep / longest;
}

/**
 * Limited-memory BFGS on the NEB force taken as a negative gradient. Without curvature pairs yet (at the start,
 * after a reset, or when the quasi-Newton direction would go against the force) it steps along the force so that
 * the most-forced image moves maxStep: a first step in the energy's own units would need a curvature guess that
 * no default can know for an arbitrary energy.
 */
export function lbfgs(dim: number, memory: number, maxStep: number): BandOptimizer {
  // A ring of curvature pairs and the previous point, allocated once per band length (each slot when first
  // filled): with 100 bands of 18 × 136 coordinates, fresh arrays every step cost more than the arithmetic.
  let hasPrevious = false;
  let ring: ({ s: Float64Array; y: Float64Array; rho: number } | undefined)[] = [];
  let newest = -1;
  let stored = 0;
  let previousX = new Float64Array(0);
  let previousF = new Float64Array(0);
  let p = new Float64Array(0);
  const alpha = new Float64Array(memory);
  const pair = (j: number) => ring[(newest - j + memory) % memory]!;
  return {
    reset() {
      stored = 0;
      hasPrevious = false;
    },
    step(x, f) {
      if (x.length !== previousX.length) {
        ring = new Array(memory);
        [previousX, previousF, p] = [new Float64Array(x.length), new Float64Array(x.length), new Float64Array(x.length)];
        stored = 0;
      } else if (hasPrevious) {
        const slot = (ring[(newest + 1) % memory] ??= { s: new Float64Array(x.length), y: new Float64Array(x.length), rho: 0 });
        for (let i = 0; i < x.length; ++i) {
          slot.s[i] = x[i] - previousX[i];
          slot.y[i] = previousF[i] - f[i];
        }
        const sy = dot(slot.s, slot.y);
        // Non-positive curvature (the NEB force field is not conservative, and a climbing image walks uphill)
        // would make the inverse-Hessian model indefinite: drop the history instead.
        if (sy > 1e-12 * Math.sqrt(dot(slot.s, slot.s) * dot(slot.y, slot.y))) {
          slot.rho = 1 / sy;
          newest = (newest + 1) % memory;
          stored = Math.min(stored + 1, memory);
        } else stored = 0;
      }
      hasPrevious = true;
      p.set(f);
      if (stored > 0) {
        for (let j = 0; j < stored; ++j) {
          const { s, y, rho } = pair(j);
          alpha[j] = rho * dot(s, p);
          for (let i = 0; i < p.length; ++i) p[i] -= alpha[j] * y[i];
        }
        const last = pair(0);
        const gamma = 1 / (last.rho * dot(last.y, last.y));
        for (let i = 0; i < p.length; ++i) p[i] *= gamma;
        for (let j = stored - 1; j >= 0; --j) {
          const { s, y, rho } = pair(j);
          const beta = rho * dot(y, p);
          for (let i = 0; i < p.length; ++i) p[i] += (alpha[j] - beta) * s[i];
        }
      }
      if (stored === 0 || dot(p, f) <= 0) {
        stored = 0;
        const scale = maxStep / Math.max(longestImage(f, dim), Number.MIN_VALUE);
        for (let i = 0; i < p.length; ++i) p[i] = f[i] * scale;
      }
      capStep(p, dim, maxStep);
      previousX.set(x);
      previousF.set(f);
      for (let i = 0; i < x.length; ++i) x[i] += p[i];
    },
  };
}

/**
 * FIRE (Bitzek et al., Phys. Rev. Lett. 97, 170201, 2006) with its published constants and unit masses. The
 * time step is set on the first call from the force, so that the first move of the most-forced image is a tenth
 * of maxStep: FIRE's usual dt = 0.1 presumes forces of order one, which a network's loss or Müller–Brown's
 * hundreds do not give.
 */
export function fire(dim: number, maxStep: number): BandOptimizer {
  const N_MIN = 5;
  const F_INC = 1.1;
  const F_DEC = 0.5;
  const ALPHA_START = 0.1;
  const F_ALPHA = 0.99;
  // The step's scratch is allocated with the velocity, once per reset: as in lbfgs, fresh arrays every step would
  // cost more than the arithmetic.
  let v: Float64Array | null = null;
  let p = new Float64Array(0);
  let dt = 0;
  let dtMax = 0;
  let alpha = ALPHA_START;
  let uphillFree = 0;
  return {
    reset() {
      v = null;
    },
    step(x, f) {
      // The power test P = F·v starts from the second step: at rest P = 0 would count as uphill and halve dt
      // before the first move (ASE's FIRE skips it too).
      if (v === null) {
        v = new Float64Array(x.length);
        p = new Float64Array(x.length);
        dt = Math.sqrt((0.1 * maxStep) / Math.max(longestImage(f, dim), Number.MIN_VALUE));
        dtMax = 10 * dt;
        alpha = ALPHA_START;
        uphillFree = 0;
      } else if (dot(f, v) > 0) {
        const mix = (alpha * Math.sqrt(dot(v, v))) / Math.max(Math.sqrt(dot(f, f)), Number.MIN_VALUE);
        for (let i = 0; i < v.length; ++i) v[i] = (1 - alpha) * v[i] + mix * f[i];
        if (++uphillFree > N_MIN) {
          dt = Math.min(dt * F_INC, dtMax);
          alpha *= F_ALPHA;
        }
      } else {
        v.fill(0);
        dt *= F_DEC;
        alpha = ALPHA_START;
        uphillFree = 0;
      }
      for (let i = 0; i < v.length; ++i) {
        v[i] += dt * f[i];
        p[i] = dt * v[i];
      }
      capStep(p, dim, maxStep);
      for (let i = 0; i < x.length; ++i) x[i] += p[i];
    },
  };
}
