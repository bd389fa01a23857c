/**
 * Which built-in models can have their state pushed, how, and where their attractor is. A push needs model
 * options that set the initial state; only lds2d (x0, y0) and ou (x0) have them. The others start from a
 * state fixed natively (stg: EPI's point on the rhythm; v1: its own start; sc: 0.1 plus initial noise) or
 * have no dynamics (rnn2), so a state push there needs an initial-state option in native/models.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';

/** How to push a model's state and what it should return to. */
export interface StatePush {
  /** The model options that set the initial state, one per state variable, in state order. */
  stateOptions: string[];
  /** The attractor for parameters z. */
  attractor(z: Float64Array): Float64Array;
  /** What the attractor is, for reports. */
  description: string;
}

const PUSHABLE: Record<string, StatePush> = {
  lds2d: {
    stateOptions: ['x0', 'y0'],
    attractor: () => new Float64Array(2),
    description:
      'the fixed point x = 0 of τ dx/dt = A x: an attractor when Re λ1 < 0, approached at rate −Re λ1/τ; ' +
      'at Re λ1 = 0 (the published oscillation) a centre, which a push never returns to',
  },
  ou: {
    stateOptions: ['x0'],
    attractor: (z) => Float64Array.of(z[1]),
    description: 'the mean-reversion level μ, which the trial-mean path approaches at rate θ',
  },
};

const WHY_NOT: Record<string, string> = {
  stg: 'its initial state is fixed natively (EPI\'s point on the rhythm, native/models/stg.h) and no option sets it',
  v1: 'its initial state is fixed natively and no option sets it',
  sc: 'its initial state is 0.1 plus initial noise (option initNoise), not a settable state',
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
