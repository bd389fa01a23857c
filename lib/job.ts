/**
 * Running a native job from a public function: its AbortSignal wired to the job's cancel flag, an abort
 * (before or during the run) surfacing as ABORT_ERR, and the progress callback checked.
 * @packageDocumentation
 */
import { SloppyError } from './errors';
import { native, NativeCancelToken } from './native';

/** What every long-running call accepts. */
export interface JobControl {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/** Runs `start(token, onProgress)`; `what` names the work in the abort message. */
export async function runJob<T>(
  what: string,
  control: JobControl,
  start: (token: NativeCancelToken, onProgress?: (fraction: number) => void) => Promise<T>,
): Promise<T> {
  if (control.onProgress !== undefined && typeof control.onProgress !== 'function') {
    throw new SloppyError('ERR_INVALID_ARG_TYPE', 'onProgress must be a function');
  }
  const aborted = () => new SloppyError('ABORT_ERR', `${what} was aborted`);
  const { signal } = control;
  if (signal?.aborted) throw aborted();
  const token = new native.CancelToken();
  const onAbort = () => token.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await start(token, control.onProgress);
  } catch (err) {
    if ((err as { code?: string }).code === 'ABORT_ERR') throw aborted();
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
