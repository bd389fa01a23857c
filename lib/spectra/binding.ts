/**
 * The typed view of the addon's `spectra` namespace (native/napi/spectra.cc), referenced from lib/native.ts.
 * @packageDocumentation
 */
import type { NativeCancelToken } from '../native';

interface Job {
  threads?: number;
  token?: NativeCancelToken;
  onProgress?: (fraction: number) => void;
}

/** The native functions behind lib/spectra. */
export interface NativeSpectra {
  receptor(args: {
    positions: Float64Array;
    snr: Float64Array;
    eta: number;
    periodic: boolean;
    torus?: Float64Array;
    gradient: boolean;
    hessian: boolean;
  } & Job): Promise<{ value: Float64Array; gradient?: Float64Array; hessian?: Float64Array }>;
  receptorKernel(r2: Float64Array, eta: number): Float64Array;
  linearNet(args: {
    n: number;
    j: Float64Array;
    m: Float64Array;
    readout: Float64Array;
    tau0: number;
    times: Float64Array;
    jacobian: boolean;
  } & Job): Promise<{ f: Float64Array; dfdn: Float64Array; dfdj?: Float64Array }>;
  linearNetGramian(n: number, j: Float64Array, m: Float64Array, tau0: number): Float64Array;
  stgChannels(args: {
    theta: Float64Array;
    options: Float64Array;
    stat: number;
    target: number;
    gradient: boolean;
    hessian: boolean;
  } & Job): Promise<{
    frequency: number;
    value: number;
    frequencyGradient?: Float64Array;
    gradient?: Float64Array;
    hessian?: Float64Array;
  }>;
  stgChannelDefaults(): Float64Array;
}
