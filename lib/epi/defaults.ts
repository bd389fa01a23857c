/**
 * The published emergent properties and run settings of each built-in model (Bittner et al. 2021, and
 * its reference code where the two differ; see each entry). Every value is overridable.
 * @packageDocumentation
 */
import type { FlowOptions } from '../flow/flow';
import type { PropertySpec } from './property';

/** Settings of the augmented-Lagrangian schedule (Algorithm 1). */
export interface Schedule {
  /** Samples per iteration, N. */
  batch: number;
  /** Augmented-Lagrangian epochs, K. */
  epochs: number;
  /** SGD iterations per epoch. */
  iterations: number;
  /** Initial penalty c₀. */
  c0: number;
  /** c grows by β when E‖R‖² did not fall below γ times its previous value. */
  beta: number;
  gamma: number;
  /** Significance of the convergence test (Bonferroni over constraints). */
  alpha: number;
  /** N_test = ν·N samples per group of the convergence test. */
  nu: number;
  /** Iterations of the Gaussian initialisation fit. */
  initIterations: number;
  /** Reset Adam's moments after every epoch (the paper's text; the reference code never resets). */
  resetAdam: boolean;
  /** Stop after the first converged epoch. */
  stopEarly: boolean;
  /** Keep every logRate-th iteration in the history. */
  logRate: number;
}

export const DEFAULT_SCHEDULE: Schedule = {
  batch: 500,
  epochs: 10,
  iterations: 1000,
  c0: 1,
  beta: 4,
  gamma: 0.25,
  alpha: 0.05,
  nu: 1,
  initIterations: 10000,
  resetAdam: false,
  stopEarly: false,
  logRate: 50,
};

export interface ModelDefaults {
  property: PropertySpec;
  flow: FlowOptions;
  schedule: Partial<Schedule>;
  /** Model options the published runs used, where they differ from the simulator's defaults. */
  options?: Record<string, number>;
  /** The initialisation the published run used, where it is not the default Gaussian from the bounds. */
  init?: { abc?: number };
  trials?: number;
}

/** Published settings per built-in model. */
export const MODEL_DEFAULTS: Record<string, ModelDefaults> = {
  // Paper: Re λ1 mean 0, std 0.25; Im λ1 mean 2π, std π/5 (freq = Im λ1/2π: 1 Hz, 0.1 Hz); 3 stages 2×50,
  // 2000 iterations per epoch. The paper gives no c0 for this example; the script's c0 = 1e-3 (K = 10, 2500
  // iterations) goes with its looser property (Re λ1 std 0.5). With the paper's property and c0 = 1e-3, ten
  // epochs of 2500 end unconverged (Var[freq] p = 0 throughout; measured, seed 1), so c0 = 10 here: converged
  // at epoch 10 (seed 1). Pass c0 to choose otherwise.
  lds2d: {
    property: { stats: ['realLambda1', 'freq'], mean: [0, 1], std: [0.25, 0.1] },
    flow: { stages: 3, layers: 2, units: 50, postAffine: true },
    schedule: { epochs: 15, iterations: 2000, batch: 500, c0: 10, beta: 4 },
  },
  // Paper: 3 stages 2×25, c0 = 1e5, β = 2, N = 400, 5000 iterations, N_test = 100 (ν = 0.25), initialised
  // from a preliminary ABC search (the script: 500 accepted samples, K = 6). Measured with these settings
  // (seed 1): not converged after 6 epochs; see the README.
  stg: {
    property: { stats: ['hub'], mean: [0.55], std: [0.025] },
    flow: { stages: 3, layers: 2, units: 25 },
    schedule: { epochs: 6, iterations: 5000, batch: 400, c0: 1e5, beta: 2, nu: 0.25 },
    init: { abc: 500 },
  },
  // Paper: 3 stages 2×100, post-affine, c0 = 1e3, β = 4, N = 200, 500 iterations, N_test = 200.
  rnn2: {
    property: { stats: ['realLambda1', 'symLambda1'], mean: [0.5, 1.5], std: [0.25, 0.25] },
    flow: { stages: 3, layers: 2, units: 100, postAffine: true },
    schedule: { epochs: 20, iterations: 500, batch: 200, c0: 1e3, beta: 4, nu: 1 },
  },
  // Paper: 3 stages 2×50, c0 = 1e2, β = 2, N = 100, 2000 iterations, N_test = 25; P = 0.75, std 0.075.
  sc: {
    property: { stats: ['pro', 'anti'], mean: [0.75, 0.75], std: [0.075, 0.075] },
    flow: { stages: 3, layers: 2, units: 50 },
    schedule: { epochs: 10, iterations: 2000, batch: 100, c0: 1e2, beta: 2, nu: 0.25 },
    trials: 200,
  },
  // Paper: 3 stages 2×50, c0 = 0.1, β = 2, N = 100, 2000 iterations, N_test = 100; s_E mean 10 Hz, var 1.
  v1: {
    property: { stats: ['sE'], mean: [10], std: [1] },
    flow: { stages: 3, layers: 2, units: 50 },
    schedule: { epochs: 10, iterations: 2000, batch: 100, c0: 0.1, beta: 2, nu: 1 },
    trials: 100,
  },
};
