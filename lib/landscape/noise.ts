/**
 * Noise in training the landscape networks: the same Glorot starts fitted at several gradient-noise
 * temperatures (annealed to zero before the end), so each temperature is compared with the noiseless fits
 * start by start. Does noise help a network find the global minimum?
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { quantile } from '../io/plots';
import { finiteNumber } from '../validate';
import { fitNetworks, FitOptions } from './fit';
import { NetworkShapeSpec } from './layout';
import { DataSet } from './network';

/** Options of {@link noisyTraining}. */
export interface NoisyTrainingOptions extends Omit<FitOptions, 'temperature' | 'init' | 'out' | 'curveStride'> {
  /** Temperatures to compare; 0 (noiseless) is always included. */
  temperatures: number[];
  /** Final loss that counts as the global minimum. Default 1e-6. */
  threshold?: number;
}

/** One temperature's fits. */
export interface TemperatureOutcome {
  temperature: number;
  loss: Float64Array;
  /** Fraction with loss below the threshold. */
  pGlobal: number;
  /** Quantiles 0.1, 0.5, 0.9 of the final loss. */
  quantiles: [number, number, number];
  /** Fraction of starts whose noisy fit ends lower than the noiseless fit from the same start. */
  betterThanNoiseless: number;
}

/** Fits the same starts at every temperature; the outcomes in ascending temperature, 0 first. */
export async function noisyTraining(shape: NetworkShapeSpec, data: DataSet, opts: NoisyTrainingOptions): Promise<TemperatureOutcome[]> {
  if (!Array.isArray(opts.temperatures)) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'temperatures must be an array of numbers');
  const { temperatures, threshold: thresholdOpt, ...fit } = opts;
  const threshold = finiteNumber(thresholdOpt ?? 1e-6, 'threshold');
  const list = [...new Set([0, ...temperatures.map((t, i) => finiteNumber(t, `temperatures[${i}]`))])].sort((a, b) => a - b);
  if (list[0] < 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'temperatures must be ≥ 0');
  const outcomes: TemperatureOutcome[] = [];
  let noiseless: Float64Array | undefined;
  for (const temperature of list) {
    const { loss } = await fitNetworks(shape, data, { ...fit, temperature });
    noiseless ??= loss;
    const sorted = Float64Array.from(loss).sort();
    let better = 0;
    loss.forEach((l, i) => {
      if (l < (noiseless as Float64Array)[i]) better++;
    });
    outcomes.push({
      temperature, loss,
      pGlobal: loss.filter((l) => l < threshold).length / loss.length,
      quantiles: [quantile(sorted, 0.1), quantile(sorted, 0.5), quantile(sorted, 0.9)],
      betterThanNoiseless: better / loss.length,
    });
  }
  return outcomes;
}
