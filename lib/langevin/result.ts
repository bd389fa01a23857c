/**
 * What a Langevin run returns, whichever engine ran it.
 * @packageDocumentation
 */

/** Paths' end points, passage times and (on request) trajectories. */
export interface LangevinResult {
  paths: number;
  dim: number;
  /** The step every path took (its dt). */
  dt: number;
  /** The most steps a path took: steps · dt is the horizon of the passage test. */
  steps: number;
  /** paths × dim: where each path stopped (at its passage, or after the last step). */
  final: Float64Array;
  /** U at each final point. */
  energy: Float64Array;
  /** Per path, the number of steps after which it first met the passage test (0: at the start); −1: never. */
  passageStep: Float64Array;
  /** passageStep · dt; NaN for a path that never passed. */
  passageTime: Float64Array;
  /** How many paths passed. */
  passed: number;
  /** paths × recorded × dim, every `stride` steps from step 0; NaN once a path has stopped. */
  trajectories?: Float64Array;
  recorded: number;
  stride: number;
  /** Which engine ran: 'native' (built-in energy, C++ or CUDA) or 'typescript' (any Energy). */
  engine: 'native' | 'typescript';
  device: 'cpu' | 'cuda';
  /** Why 'auto' ran on the CPU, when it did. */
  deviceReason?: string;
}

/** Fills in the fields derived from the passage steps. */
export function finishResult(r: Omit<LangevinResult, 'passageTime' | 'passed'>): LangevinResult {
  const passageTime = r.passageStep.map((k) => (k >= 0 ? k * r.dt : NaN));
  const passed = r.passageStep.reduce((n, k) => n + (k >= 0 ? 1 : 0), 0);
  return { ...r, passageTime, passed };
}
