/**
 * Which compute backends exist, and the choice of one for a job.
 * @packageDocumentation
 */
import { SloppyError } from './errors';
import { native, NativeBackends } from './native';

/** Where a job runs: 'auto' takes CUDA when a GPU is usable, otherwise the CPU. */
export type Device = 'auto' | 'cpu' | 'cuda';

/** What was compiled into this build, what this machine can run, and why not. */
export type Backends = NativeBackends;

let cached: Backends | undefined;

/** Reports the CPU and CUDA backends. CUDA is probed once, lazily, never at module load. */
export function backends(): Backends {
  cached ??= native.backends();
  return cached;
}

/** The backend a job runs on, and why 'auto' chose the CPU when it did. */
export interface DeviceChoice {
  device: 'cpu' | 'cuda';
  reason?: string;
}

/** Resolves a Device option; 'cuda' without a usable GPU throws ERR_CUDA_UNAVAILABLE with the cause. */
export function resolveDevice(device: unknown = 'auto'): DeviceChoice {
  if (device !== 'auto' && device !== 'cpu' && device !== 'cuda') {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `device must be 'auto', 'cpu' or 'cuda'; got ${String(device)}`);
  }
  if (device === 'cpu') return { device: 'cpu' };
  const cuda = backends().cuda;
  if (cuda.available) return { device: 'cuda' };
  const reason = cuda.compiled ? `no usable GPU (${cuda.reason ?? 'unknown'})` : (cuda.reason ?? 'CUDA not compiled');
  if (device === 'cuda') throw new SloppyError('ERR_CUDA_UNAVAILABLE', `device 'cuda' requested but ${reason}`);
  return { device: 'cpu', reason };
}
