/**
 * Algorithm 1's last step across runs: of runs of one property (random seeds, hyperparameters), the one that
 * converged with the greatest entropy.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import type { EpiResult } from './run';

/** The entropy of a run's selected epoch, as estimated on its convergence-test samples. */
export function selectedEntropy(r: EpiResult): number {
  const e = r.history.epochs.find((x) => x.epoch === r.epoch);
  return e?.H ?? Number.NaN;
}

/** The converged run of greatest entropy, or undefined when none converged. All runs must share a property. */
export function maxEntropyRun(runs: EpiResult[]): EpiResult | undefined {
  if (runs.length === 0) return undefined;
  const key = JSON.stringify([runs[0].settings.model, runs[0].settings.property]);
  for (const r of runs) {
    if (JSON.stringify([r.settings.model, r.settings.property]) !== key) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', 'runs compared for maximum entropy must share model and property');
    }
  }
  return runs
    .filter((r) => r.converged)
    .reduce<EpiResult | undefined>((best, r) => (best === undefined || selectedEntropy(r) > selectedEntropy(best) ? r : best), undefined);
}
