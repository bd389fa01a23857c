/**
 * The reference's "abc" initialisation: rejection sampling of parameters uniform on their bounds, keeping
 * those whose statistics fall within mean ± 2 std of every constrained statistic; the Gaussian
 * initialisation then targets the accepted samples' mean with unit variance (the reference's code), or with
 * their own standard deviations (the paper's "gaussian approximation" of the accepted samples).
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { philox } from '../rng';
import type { Property } from './property';
import type { StatisticSource } from './source';

const CANDIDATES = 2000;  // parameter sets simulated per round
const MAX_ROUNDS = 100;

/** Uniform draw k of round r in [0, 1), 53 bits from one Philox block (keyed by the seed, its own stream). */
function uniform(seed: number, round: number, k: number): number {
  const w = philox([round, Math.floor(k / 2), 0xabc, 0], [seed, 0xabc0abc]);
  const [hi, lo] = k % 2 === 0 ? [w[0], w[1]] : [w[2], w[3]];
  return ((hi >>> 5) * 67108864 + (lo >>> 6)) / 9007199254740992;
}

/** The mean and per-coordinate standard deviation of `accept` accepted samples. */
export async function abcMoments(
  source: StatisticSource,
  p: Property,
  accept: number,
  seed: number,
  signal?: AbortSignal,
): Promise<{ mean: number[]; std: number[] }> {
  const D = source.params.length;
  source.params.forEach((q) => {
    if (!Number.isFinite(q.lower) || !Number.isFinite(q.upper)) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `abc initialisation needs finite bounds; ${q.name} has none`);
    }
  });
  const S = source.statNames.length;
  const sum = new Array(D).fill(0);
  const sq = new Array(D).fill(0);
  let accepted = 0;
  for (let round = 0; round < MAX_ROUNDS && accepted < accept; ++round) {
    const z = Float64Array.from({ length: CANDIDATES * D }, (_, k) => {
      const q = source.params[k % D];
      return q.lower + (q.upper - q.lower) * uniform(seed, round, k);
    });
    const { values } = await source.evaluate(z, CANDIDATES, seed + round, false, signal);
    for (let i = 0; i < CANDIDATES && accepted < accept; ++i) {
      const ok = p.index.every((s, k) => Math.abs(values[i * S + s] - p.mean[k]) <= 2 * p.std[k]);
      if (!ok) continue;
      accepted += 1;
      for (let d = 0; d < D; ++d) {
        sum[d] += z[i * D + d];
        sq[d] += z[i * D + d] ** 2;
      }
    }
  }
  if (accepted === 0) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `abc initialisation accepted no sample in ${MAX_ROUNDS * CANDIDATES} draws`);
  }
  const mean = sum.map((v) => v / accepted);
  return { mean, std: sq.map((v, d) => Math.sqrt(Math.max(v / accepted - mean[d] ** 2, 0) * accepted / Math.max(accepted - 1, 1))) };
}
