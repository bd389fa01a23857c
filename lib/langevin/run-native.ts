/**
 * The native engine: a built-in energy stepped in C++ (W paths per SIMD instruction, all cores) or on CUDA
 * (one thread per path), off the event loop.
 * @packageDocumentation
 */
import { resolveDevice } from '../backends';
import { runJob } from '../job';
import { native, NativeLangevinArgs } from '../native';
import { BuiltinEnergy } from './energies';
import { LangevinSettings } from './options';
import { finishResult, LangevinResult } from './result';

/** Runs `s` natively; `center` is the passage ball's (already refined) centre. */
export async function runNative(energy: BuiltinEnergy, s: LangevinSettings, center?: Float64Array): Promise<LangevinResult> {
  const choice = resolveDevice(s.device);
  const diffusion = s.diffusion && 'form' in s.diffusion ? { form: s.diffusion.code, a: s.diffusion.form.a, c: s.diffusion.form.c } : undefined;
  const args: Omit<NativeLangevinArgs, 'token' | 'onProgress'> = {
    energy: energy.spec,
    start: s.start,
    paths: s.paths,
    seed: s.seed,
    firstPath: s.firstPath,
    steps: s.steps,
    stride: s.stride,
    step: s.constants,
    diffusion,
    lower: s.lower,
    upper: s.upper,
    center,
    radius: s.target?.radius,
    threads: s.threads,
    device: choice.device,
  };
  const r = await runJob('the Langevin run', s, (token, onProgress) => native.langevin.run({ ...args, token, onProgress }));
  return finishResult({
    paths: s.paths,
    dim: s.dim,
    dt: s.dt,
    final: r.final,
    energy: r.energy,
    passageStep: r.passage,
    trajectories: s.stride > 0 ? r.trajectory : undefined,
    recorded: r.recorded,
    steps: s.steps,
    stride: s.stride,
    engine: 'native',
    device: choice.device,
    deviceReason: choice.reason,
  });
}
