/**
 * The one typed view of the native addon. Everything else in lib/ goes through this file.
 * @packageDocumentation
 */
import * as path from 'node:path';

/** A parameter as the native model describes it. */
export interface NativeParam {
  name: string;
  unit: string;
  lower: number;
  upper: number;
  value: number;
}

/** What values an option accepts (see OptionInfo in native/core/model_info.h). */
export type OptionKind = 'real' | 'positive' | 'nonnegative' | 'count' | 'positiveCount' | 'flag' | 'sign';

/** A model option with its default. */
export interface NativeOption {
  name: string;
  value: number;
  doc: string;
  kind: OptionKind;
}

export interface NativeModelInfo {
  name: string;
  summary: string;
  params: NativeParam[];
  stats: string[];
  state: string[];
  options: NativeOption[];
  steps: number;
  traceSize: number;
  /** Why the given options contradict each other; empty when they are consistent. */
  optionError: string;
}

export interface NativeCudaDevice {
  name: string;
  computeCapability: string;
  memoryBytes: number;
  multiprocessors: number;
  /** The multiprocessors' peak clock, kHz (0 where the driver does not say). */
  clockKHz: number;
}

export interface NativeBackends {
  /**
   * threads: hardware threads; lanes: paths per vector in the CPU engines (8 with AVX-512, else 4; the
   * environment's SLOPPY_LANES=4 or 8 overrides it). A path's numbers never depend on the lane width.
   */
  cpu: { compiled: true; available: true; threads: number; lanes: 4 | 8 };
  cuda: {
    compiled: boolean;
    available: boolean;
    reason?: string;
    runtimeVersion: number;
    driverVersion: number;
    devices: NativeCudaDevice[];
  };
}

export interface NativeCancelToken {
  cancel(): void;
  readonly cancelled: boolean;
}

export interface NativeSimulateArgs {
  model: string;
  z: Float64Array;
  batch: number;
  trials: number;
  options: Float64Array;
  seed: number;
  batchOffset: number;
  grad: boolean;
  stride: number;
  threads: number;
  device: 'cpu' | 'cuda';
  token?: NativeCancelToken;
  onProgress?: (fraction: number) => void;
}

export interface NativeFault {
  set: number;
  trial: number;
  step: number;
  state: number;
  count: number;
}

export interface NativeSimulateResult {
  stats: Float64Array;
  grad: Float64Array;
  trajectory: Float64Array;
  recorded: number;
  fault?: NativeFault;
}

/** Rows of [H, cost, R…] per iteration of a native training call. */
export interface NativeTrainResult {
  iterations: number;
  width: number;
  log: Float64Array;
  /** Index within the call of the first iteration whose cost was not finite; −1 when none. */
  failedAt: number;
  fault?: NativeFault;
  /** The weights' gradient (trainEnd only). */
  gradient?: Float64Array;
}

export interface NativeFlowArgs {
  dim: number;
  stages: number;
  layers: number;
  units: number;
  lu: boolean;
  postAffine: boolean;
  batchNorm: boolean;
  batchNormMomentum: number;
  batchNormEpsilon: number;
  kind: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  seed: number;
  lr: number;
  device: 'cpu' | 'cuda';
}

interface NativeJobArgs {
  threads?: number;
  token?: NativeCancelToken;
  onProgress?: (fraction: number) => void;
}

interface NativeTrainControl extends NativeJobArgs {
  iterations: number;
  firstStep: number;
  seed: number;
  batch: number;
}

export interface NativeFlowState {
  weights: Float64Array;
  m1: Float64Array;
  m2: Float64Array;
  adamStep: number;
  perm: Int32Array;
}

/** A flow whose weights and Adam state live natively (see native/napi/flow.cc). */
export interface NativeFlow {
  readonly size: number;
  sample(args: { n: number; seed: number; step: number; stream: 0 | 1 } & NativeJobArgs): Promise<{
    z: Float64Array;
    logq: Float64Array;
  }>;
  logProb(args: { z: Float64Array } & NativeJobArgs): Promise<{ logq: Float64Array }>;
  inverse(args: { z: Float64Array } & NativeJobArgs): Promise<{ logq: Float64Array; x: Float64Array }>;
  gradLogProb(args: { z: Float64Array } & NativeJobArgs): Promise<{ logq: Float64Array; grad: Float64Array }>;
  hessianLogProb(args: { z: Float64Array } & NativeJobArgs): Promise<{ hessian: Float64Array }>;
  trainEpi(
    args: {
      model: string;
      options: Float64Array;
      trials: number;
      stats: Float64Array;
      mean: Float64Array;
      variance: Float64Array;
      eta: Float64Array;
      c: number;
    } & NativeTrainControl,
  ): Promise<NativeTrainResult>;
  trainGaussian(args: { mean: Float64Array; precision: Float64Array } & NativeTrainControl): Promise<NativeTrainResult>;
  trainBegin(args: { batch: number; seed: number; step: number } & NativeJobArgs): Promise<{ z: Float64Array }>;
  trainEnd(
    args: {
      values: Float64Array;
      grad: Float64Array;
      statCount: number;
      stats: Float64Array;
      mean: Float64Array;
      variance: Float64Array;
      eta: Float64Array;
      c: number;
      /** Take the Adam step (default true); false only returns the gradient. */
      apply?: boolean;
    } & NativeJobArgs,
  ): Promise<NativeTrainResult>;
  getState(): NativeFlowState;
  setState(state: Omit<NativeFlowState, 'perm'>): void;
  resetAdam(): void;
}

/** What every network job takes (see native/landscape/network.h). */
export interface NativeNetArgs {
  shape: { layers: number; units: number; inputs: number; outputs: number };
  activation: 'relu' | 'softplus';
  beta: number;
  x: Float64Array;
  y: Float64Array;
  count: number;
  threads: number;
  device: 'cpu' | 'cuda';
  token?: NativeCancelToken;
  onProgress?: (fraction: number) => void;
}

export interface NativeFitArgs extends NativeNetArgs {
  optimizer: {
    kind: 'momentum' | 'adadelta'; rate: number; momentum: number; rho: number; epsilon: number; temperature: number; anneal: number;
  };
  steps: number;
  curveStride: number;
  seed: number;
  firstFit: number;
  init?: Float64Array;
}

/** A built-in Langevin energy (see native/langevin/energies.h): kind 0 Müller–Brown, 1 curved double well, 2 quadratic, 3 network. */
export interface NativeLangevinEnergy {
  kind: 0 | 1 | 2 | 3;
  dim: number;
  mu?: Float64Array;
  A?: Float64Array;
  shape?: { layers: number; units: number; inputs: number; outputs: number };
  activation?: 'relu' | 'softplus';
  beta?: number;
  x?: Float64Array;
  y?: Float64Array;
}

/** What langevin.run takes (see native/langevin/langevin.h). */
export interface NativeLangevinArgs extends NativeJobArgs {
  energy: NativeLangevinEnergy;
  start: Float64Array;
  paths: number;
  seed: number;
  firstPath: number;
  steps: number;
  stride: number;
  step: { bdt: number; btdt: number; var: number; noise: number };
  diffusion?: { form: 0 | 1 | 2; a: number; c: number };
  lower?: Float64Array;
  upper?: Float64Array;
  center?: Float64Array;
  radius?: number;
  device: 'cpu' | 'cuda';
}

/** The Fisher classifier's network: layer sizes (d_in, h…, C) and hidden activation. */
export interface NativeClassifierNet {
  sizes: Float64Array;
  activation: 'relu' | 'tanh' | 'softplus';
}

/** A network, its flat parameters and inputs x (n × d_in, row-major). */
export interface NativeClassifierData extends NativeClassifierNet {
  params: Float64Array;
  x: Float64Array;
  threads: number;
  token?: NativeCancelToken;
  onProgress?: (fraction: number) => void;
}

/** Training arguments; `batch` 0 is full batch, `checkpoints` ascending step counts. */
export interface NativeClassifierTrainArgs extends NativeClassifierData {
  labels: Int32Array;
  adam: boolean;
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  batch: number;
  steps: number;
  stopWhenPerfect: boolean;
  seed: number;
  checkpoints: Float64Array;
}

/** `history` rows (step, loss, accuracy); `checkpointParams` one parameter vector per reached checkpoint. */
export interface NativeClassifierTrainResult {
  params: Float64Array;
  steps: number;
  history: Float64Array;
  checkpointSteps: Float64Array;
  checkpointParams: Float64Array;
}

export interface NativeBinding {
  CancelToken: new () => NativeCancelToken;
  Flow: new (args: NativeFlowArgs) => NativeFlow;
  backends(): NativeBackends;
  models(): NativeModelInfo[];
  modelInfo(name: string, options: Float64Array): NativeModelInfo;
  simulate(args: NativeSimulateArgs): Promise<NativeSimulateResult>;
  fisher: {
    gram(args: {
      a: Float32Array | Float64Array;
      rows: number;
      cols: number;
      scale: number;
      transposed: boolean;
      f32Accumulate: boolean;
      into?: Float64Array;
      threads: number;
      device: 'cpu' | 'cuda';
      token?: NativeCancelToken;
      onProgress?: (fraction: number) => void;
    }): Promise<Float64Array>;
    classifierInit(args: NativeClassifierNet & { seed: number }): Float64Array;
    classifierTrain(args: NativeClassifierTrainArgs): Promise<NativeClassifierTrainResult>;
    classifierEvaluate(args: NativeClassifierData & { labels: Int32Array }): Promise<{
      loss: number;
      accuracy: number;
      prob: Float64Array;
    }>;
    classifierScores(args: NativeClassifierData & { f32: boolean }): Promise<Float32Array | Float64Array>;
  };
  landscape: {
    /** The largest network the kernels take (their per-point scratch lives on the stack). */
    limits: { layers: number; units: number; inputs: number; outputs: number };
    evaluate(args: NativeNetArgs & { params: Float64Array; gradient: boolean; hessian: boolean }): Promise<{
      loss: Float64Array;
      gradient?: Float64Array;
      hessian?: Float64Array;
    }>;
    predict(args: NativeNetArgs & { params: Float64Array }): Promise<{ outputs: Float64Array; kinkMargin: Float64Array }>;
    fit(args: NativeFitArgs): Promise<{ params: Float64Array; loss: Float64Array; curves: Float64Array; curvePoints: number }>;
  };
  linalg: {
    eigenvalues(matrix: Float64Array, n: number): { re: Float64Array; im: Float64Array };
    eigh(matrix: Float64Array, n: number, vectors: boolean): { values: Float64Array; vectors?: Float64Array };
  };
  langevin: {
    run(args: NativeLangevinArgs): Promise<{ final: Float64Array; passage: Float64Array; energy: Float64Array; trajectory: Float64Array; recorded: number }>;
    evaluate(args: { energy: NativeLangevinEnergy; points: Float64Array; count: number; hessian: boolean } & NativeJobArgs): Promise<{
      energy: Float64Array;
      gradient: Float64Array;
      hessian?: Float64Array;
    }>;
    noise(seed: number, paths: Float64Array, step: number, dim: number): Float64Array;
  };
  spectra: import('./spectra/binding').NativeSpectra;
  synaptic: import('./synaptic/binding').NativeSynaptic;
  rng: {
    philox(counter: number[], key: number[]): Uint32Array;
    normals(seed: number, set: number, trial: number, step: number, n: number, stream: number): Float64Array;
  };
}

// node-gyp-build ships no types; it resolves build/Release first, then prebuilds/<platform>-<arch>/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load: (dir: string) => unknown = require('node-gyp-build');

/** The loaded addon. `path.join(__dirname, '..')` is the package root from both lib/ and dist/. */
export const native = load(path.join(__dirname, '..')) as NativeBinding;
