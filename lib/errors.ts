/**
 * Errors with machine-readable codes, so callers can branch on `err.code` rather than on messages.
 * @packageDocumentation
 */

/** Codes that sloppy's own errors carry. Native errors add ERR_CUDA and ERR_NATIVE. */
export type SloppyErrorCode =
  | 'ERR_INVALID_ARG_TYPE'
  | 'ERR_INVALID_ARG_VALUE'
  | 'ERR_OUT_OF_BOUNDS'
  | 'ERR_UNKNOWN_OPTION'
  | 'ERR_UNKNOWN_MODEL'
  | 'ERR_CUDA_UNAVAILABLE'
  | 'ERR_NONFINITE'
  | 'ERR_FLOW_BUSY'
  | 'ERR_CHECKSUM'
  | 'ERR_FORMAT'
  | 'ERR_SWEEP_MISMATCH'
  | 'ERR_SWEEP_LOCKED'
  | 'ERR_SLURM_UNAVAILABLE'
  | 'ERR_SLURM'
  | 'ERR_TASK_FAILED'
  | 'ERR_CALLBACK'
  | 'ABORT_ERR';

/** An error raised by sloppy; `code` says what kind, `details` holds structured context where useful. */
export class SloppyError extends Error {
  readonly code: SloppyErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: SloppyErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'SloppyError';
    this.code = code;
    this.details = details;
  }
}
