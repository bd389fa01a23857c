/**
 * The addon's synaptic-sampling entry points (native/napi/synaptic.cc), typed for lib/native.ts.
 * @packageDocumentation
 */
import type { NativeCancelToken } from '../native';

/** The model's constants as the native side reads them (see native/synaptic/params.h). */
export interface NativeSynapticParams {
  classes: number;
  inputs: number;
  presentation: number;
  meanCentre: number;
  meanSpread: number;
  clusterSpread: number;
  clusterSkew: number;
  baseRate: number;
  peakRate: number;
  width: number;
  tauDecay: number;
  tauRise: number;
  outputRate: number;
  potential: 'normalised' | 'literal';
  theta0: number;
  b: number;
  mu: number;
  sigma: number;
  alpha: number;
  n: number;
  dMax: number;
  thetaMin: number;
  thetaMax: number;
  likelihood: boolean;
  prior: boolean;
  noise: 'none' | 'standard' | 'weight';
  prefactor: 'sqrt2b' | 'b';
  update: 'sample' | 'event';
}

/** What synaptic.run returns (see SynResult in native/synaptic/synaptic.h). */
export interface NativeSynapticResult {
  curvePoints: number;
  curveSamples: Float64Array;
  trainAccuracy: Float64Array;
  testAccuracy: Float64Array;
  outputRate: Float64Array;
  confusion: Float64Array;
  thetaInitial?: Float64Array;
  theta?: Float64Array;
}

/** The `synaptic` object of the addon. */
export interface NativeSynaptic {
  run(args: {
    params: NativeSynapticParams;
    seed: number;
    runs: number;
    firstRun: number;
    samples: number;
    curveEvery: number;
    testPerClass: number;
    means?: Float64Array;
    weights: boolean;
    threads: number;
    device: 'cpu' | 'cuda';
    token?: NativeCancelToken;
    onProgress?: (fraction: number) => void;
  }): Promise<NativeSynapticResult>;
  probe(args: {
    params: NativeSynapticParams;
    seed: number;
    run: number;
    stimulus: Float64Array;
    presentations: number;
    means?: Float64Array;
  }): { centres: Float64Array; rates: Float64Array; counts: Float64Array; means: Float64Array; shapes: Float64Array };
}
