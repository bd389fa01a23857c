/**
 * The three noise modes of synaptic sampling compared on the same runs: one batch per mode with the same seed,
 * so run r sees the same clusters, tuning curves, stimuli and spikes in each, and the modes' accuracies are
 * compared as paired differences with t-intervals.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { NoiseMode } from './options';
import { synapticSampling, SynapticOptions, SynapticResult } from './run';
import { checkLevel, meanCi, MeanCi, pairedDifference } from './stats';

/** Options of {@link compareNoise}: those of {@link synapticSampling} (its `noise` is set per mode). */
export interface CompareOptions extends Omit<SynapticOptions, 'noise'> {
  /** The modes to run. Default all three. */
  modes?: NoiseMode[];
  /** Confidence level of the intervals. Default 0.95. */
  level?: number;
}

/** One mode's accuracies over runs. */
export interface ModeSummary {
  mode: NoiseMode;
  /** Held-out accuracy at the end of training. */
  test: MeanCi;
  /** Online training accuracy over the last curve interval. */
  train: MeanCi;
}

/** a − b over the shared runs. */
export interface PairedComparison {
  a: NoiseMode;
  b: NoiseMode;
  test: MeanCi;
  train: MeanCi;
}

/** Everything {@link compareNoise} measured. */
export interface NoiseComparison {
  modes: NoiseMode[];
  results: Partial<Record<NoiseMode, SynapticResult>>;
  summary: ModeSummary[];
  /** Every later mode against every earlier one in `modes` (by default standard − none, weight − none, weight − standard). */
  paired: PairedComparison[];
}

const ALL_MODES: NoiseMode[] = ['none', 'standard', 'weight'];

/**
 * Runs each noise mode on the same runs and compares them.
 * @throws SloppyError as {@link synapticSampling}, and ERR_INVALID_ARG_VALUE for an empty or repeated mode list.
 */
export async function compareNoise(opts: CompareOptions = {}): Promise<NoiseComparison> {
  const { modes = ALL_MODES, level = 0.95, onProgress, ...rest } = opts;
  if (!Array.isArray(modes) || modes.length === 0 || new Set(modes).size !== modes.length || modes.some((m) => !ALL_MODES.includes(m))) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `modes must be distinct entries of ${ALL_MODES.join(', ')}`);
  }
  checkLevel(level);
  if ('noise' in rest) throw new SloppyError('ERR_UNKNOWN_OPTION', 'compareNoise sets noise per mode; pass modes instead');
  const results: Partial<Record<NoiseMode, SynapticResult>> = {};
  for (const [k, mode] of modes.entries()) {
    results[mode] = await synapticSampling({
      ...rest,
      noise: mode,
      onProgress: onProgress && ((f: number) => onProgress((k + f) / modes.length)),
    });
  }
  const get = (m: NoiseMode) => results[m] as SynapticResult;
  const summary = modes.map((mode) => ({ mode, test: meanCi(get(mode).finalTest, level), train: meanCi(get(mode).finalTrain, level) }));
  const paired: PairedComparison[] = [];
  for (let j = 1; j < modes.length; j++) {
    for (let i = 0; i < j; i++) {
      const a = modes[j], b = modes[i];
      paired.push({
        a,
        b,
        test: pairedDifference(get(a).finalTest, get(b).finalTest, level),
        train: pairedDifference(get(a).finalTrain, get(b).finalTrain, level),
      });
    }
  }
  return { modes, results, summary, paired };
}
