/**
 * Which built-in models can have their state pushed, how, and where their attractor is. A push sets the
 * initial state through model options (lds2d x0, y0; ou x0; stg, v1 and sc one `<state>_0` option per state
 * variable). rnn2 has no dynamics, so no state to push.
 *
 * lds2d and ou return on their trial-mean path, whose attractor is known in closed form. The others are
 * timed on their noise-free dynamics: the trial mean of a nonlinear circuit does not settle on the noise-free
 * attractor (a nonlinearity shifts it by O(σ²)), and a tolerance would then time the noise, not the return.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { meanPath, RunSettings, sample } from './mean-path';
import { onePeriod, orbitDistances } from './orbit';

/** Where a model's state settles. */
export interface Attractor {
  /** The state every push starts from: the fixed point, or a point on the limit cycle. */
  point: Float64Array;
  /**
   * For a limit cycle: its orbit from `point` over one period (samples × state, row-major), the distance of a
   * state being to the polyline through these samples. Absent for a fixed point.
   */
  orbit?: Float64Array;
  /**
   * The smallest distance the attractor resolves: for a cycle, the largest distance to the orbit's polyline of
   * the unpushed path over the periods after the first (the polyline cuts the corners of the sampled curve);
   * 0 for a fixed point.
   */
  resolution: number;
}

/** The parameters and options of a springs-back run. */
export interface PushRun {
  z: Float64Array;
  options: Record<string, number>;
}

/** What an attractor is found from besides the run. */
export interface PushContext {
  /** The model's state variable names, in state order. */
  state: string[];
  /** A model option's value in the run: as given, else the model's default. */
  option(name: string): number;
  settings: RunSettings;
}

/** How to push a model's state and what it should return to. */
export interface StatePush {
  /** The model options that set the initial state, one per state variable, in state order. */
  stateOptions(state: string[]): string[];
  /** Whether returns are timed on the noise-free dynamics (then one trial is run) rather than the trial mean. */
  noiseFree: boolean;
  /** The run that is timed, from the caller's z and options: the noise switched off where `noiseFree`. */
  timed(run: PushRun): PushRun;
  /** The attractor of the timed run. */
  attractor(run: PushRun, context: PushContext): Promise<Attractor>;
  /** The last sample (of those recorded every step) that the return is timed over; default all of them. */
  lastSample?(context: PushContext): number;
  /** What the attractor is, for reports. */
  description: string;
  /** Push sizes, tolerance and simulated time on the scale of this model's state and time: the CLI's defaults. */
  scale: { amounts: number[]; tolerance: number; horizon: number };
}

const suffixed = (state: string[]) => state.map((s) => `${s}_0`);
const unchanged = (run: PushRun) => run;

/** `options` with the state set to `x`. */
function startingAt(options: Record<string, number>, names: string[], x: ArrayLike<number>): Record<string, number> {
  return { ...options, ...Object.fromEntries(names.map((name, i) => [name, x[i]])) };
}

/**
 * The fixed point the noise-free dynamics run into from the model's own start: runs with `extra` options,
 * each restarted from sample `last` of the one before, until a run moves that sample by less than 1e-12 of
 * its size (converged to rounding).
 */
async function settle(
  model: string, run: PushRun, context: PushContext, extra: Record<string, number>, last: number,
): Promise<Float64Array> {
  const names = suffixed(context.state);
  let options = { ...run.options, ...extra };
  let previous: Float64Array | undefined;
  for (let round = 0; round < 200; ++round) {
    const p = await meanPath(model, run.z, options, 1, 1, context.settings);
    const x = sample(p, Math.min(last, p.recorded - 1));
    if (previous !== undefined) {
      const size = x.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
      if (x.every((v, i) => Math.abs(v - previous![i]) <= 1e-12 * size)) return x;
    }
    previous = x;
    options = startingAt(options, names, x);
  }
  throw new SloppyError('ERR_INVALID_ARG_VALUE', `${model} settles to no fixed point at these parameters and options`, {
    model, last: Array.from(previous!),
  });
}

/**
 * The last sample of sc's constant-input cue epoch: sample n is produced by the input at n·dt, and the rule
 * is on for t < 1.2 s; optogenetic silencing (γ > 0) changes the dynamics from optoStart on.
 */
function scCueEnd(context: PushContext): number {
  const dt = context.option('dt');
  const end = context.option('gamma') > 0 ? Math.min(1.2, context.option('optoStart')) : 1.2;
  let n = 0;
  while ((n + 1) * dt < end) ++n;
  return n;
}

const STG_BURN_IN = 300;   // s: the cycle attracts slowly (a transient of time constant ≈ 46 s at the mode)
const STG_CYCLE_SPAN = 40; // s: the longest period looked for (at the mode, 6 rhythm cycles make one period of ≈ 10 s)
const V1_SETTLE = 0.2;     // s per round: 28 time constants of the slowest mode (0.14/τ)

const PUSHABLE: Record<string, StatePush> = {
  lds2d: {
    stateOptions: () => ['x0', 'y0'],
    noiseFree: false,
    timed: unchanged,
    attractor: async () => ({ point: new Float64Array(2), resolution: 0 }),
    description:
      'the fixed point x = 0 of τ dx/dt = A x: an attractor when Re λ1 < 0, approached at rate −Re λ1/τ; ' +
      'at Re λ1 = 0 (the published oscillation) a centre, which a push never returns to',
    scale: { amounts: [0.1, 1], tolerance: 0.01, horizon: 40 },
  },
  ou: {
    stateOptions: () => ['x0'],
    noiseFree: false,
    timed: unchanged,
    attractor: async ({ z }) => ({ point: Float64Array.of(z[1]), resolution: 0 }),
    description: 'the mean-reversion level μ, which the trial-mean path approaches at rate θ',
    scale: { amounts: [0.1, 1], tolerance: 0.01, horizon: 40 },
  },
  stg: {
    stateOptions: suffixed,
    noiseFree: true,
    timed: ({ z, options }) => ({ z, options: { ...options, sigmaI: 0 } }),
    async attractor(run, context) {
      const dt = context.option('dt');
      const burnSteps = Math.ceil(STG_BURN_IN / dt);
      const burn = await meanPath('stg', run.z, { ...run.options, steps: burnSteps }, 1, burnSteps, context.settings);
      const point = sample(burn, burn.recorded - 1);
      const span = startingAt({ ...run.options, steps: Math.ceil(STG_CYCLE_SPAN / dt) }, suffixed(context.state), point);
      const cycle = await meanPath('stg', run.z, span, 1, 1, context.settings);
      const orbit = onePeriod(cycle.path, cycle.state);
      const rest = cycle.path.subarray(orbit.length - cycle.state);
      const resolution = orbitDistances(rest, rest.length / cycle.state, orbit, cycle.state).reduce((a, b) => Math.max(a, b), 0);
      return { point, orbit, resolution };
    },
    description:
      `the rhythm: the noise-free (σ_I = 0) limit cycle reached from EPI's initial state after ${STG_BURN_IN} s, ` +
      'sampled over one period; the distance is phase-free, to the closest point of that orbit, in the state\'s ' +
      'mixed units (V in volts, N and H fractions)',
    scale: { amounts: [0.002, 0.01], tolerance: 1e-3, horizon: 120 },
  },
  v1: {
    stateOptions: suffixed,
    noiseFree: true,
    timed: ({ z, options }) => ({ z: new Float64Array(z.length), options }),
    async attractor(run, context) {
      const steps = Math.ceil(V1_SETTLE / context.option('dt'));
      return { point: await settle('v1', run, context, { steps, window: 0 }, steps), resolution: 0 };
    },
    description:
      'the fixed point x* = [W x* + h]²₊, ε = 0 of the noise-free network (σ = 0), found by running the ' +
      'deterministic dynamics to convergence; z only scales the input noise, so the return does not depend on z ' +
      '(the noisy trial mean settles elsewhere: about 1 Hz above x* in xE, xP and xV at σ = 0.0025)',
    scale: { amounts: [0.1, 1], tolerance: 0.01, horizon: 0.1 },
  },
  sc: {
    stateOptions: suffixed,
    noiseFree: true,
    timed: ({ z, options }) => ({ z, options: { ...options, sigma: 0 } }),
    attractor: async (run, context) => ({ point: await settle('sc', run, context, {}, scCueEnd(context)), resolution: 0 }),
    lastSample: scCueEnd,
    description:
      'the noise-free (σ = 0) fixed point of the Pro and of the Anti trial under the cue-epoch input (rule on), ' +
      'found by restarting the deterministic cue epoch to convergence; the return is timed within that epoch ' +
      '(t < 1.2 s, and before optoStart when γ > 0), since the input changes after it',
    scale: { amounts: [0.1, 1], tolerance: 0.01, horizon: 1.2 },
  },
};

const WHY_NOT: Record<string, string> = {
  rnn2: 'it has no dynamics: its statistics are eigenvalues of the connectivity',
};

/** Why `model`'s state cannot be pushed, or undefined when it can. */
export function pushBlocker(model: string): string | undefined {
  if (PUSHABLE[model] !== undefined) return undefined;
  return (
    `springs-back needs a settable initial state; ${model} has none${WHY_NOT[model] ? `: ${WHY_NOT[model]}` : ''}. ` +
    `Models with one: ${Object.keys(PUSHABLE).join(', ')}`
  );
}

/** The push description of `model`; throws ERR_INVALID_ARG_VALUE, saying why, for a model without one. */
export function statePush(model: string): StatePush {
  const why = pushBlocker(model);
  if (why !== undefined) throw new SloppyError('ERR_INVALID_ARG_VALUE', why, { model });
  return PUSHABLE[model];
}
