/**
 * The optimisation history of an EPI run: logged iterations and per-epoch summaries, and its CSV form.
 * @packageDocumentation
 */

/** One logged iteration. */
export interface HistoryRow {
  epoch: number;
  /** Global iteration index, counted from the first augmented-Lagrangian iteration. */
  iteration: number;
  H: number;
  cost: number;
  /** E_q[T] − μ for each constraint, on that iteration's batch. */
  R: number[];
}

/** What happened at the end of an epoch. */
export interface EpochSummary {
  epoch: number;
  /** Augmented-Lagrangian multipliers and penalty used during the epoch. */
  eta: number[];
  c: number;
  /** Entropy estimated on the convergence test's samples. */
  H: number;
  /** Convergence-test p-value per constraint, and whether all exceeded α/m. */
  p: number[];
  converged: boolean;
  /** The penalty's Welch test: t, p and whether c grew; NaN, NaN, false after the run's last epoch, which has none. */
  penalty: { t: number; p: number; grew: boolean };
  /**
   * Evaluation samples (convergence test and penalty norms) whose statistics were not finite. They are left out of
   * both tests, and an epoch with any does not count as converged: q does not meet the property everywhere.
   */
  nonFinite: number;
}

export interface EpiHistory {
  constraints: string[];
  rows: HistoryRow[];
  epochs: EpochSummary[];
}

/** The logged iterations as CSV: epoch, iteration, H, cost and one column per constraint. */
export function historyCsv(h: EpiHistory): string {
  const head = ['epoch', 'iteration', 'H', 'cost', ...h.constraints.map((c) => `R_${c}`)].join(',');
  const rows = h.rows.map((r) => [r.epoch, r.iteration, r.H, r.cost, ...r.R].join(','));
  return [head, ...rows].join('\n') + '\n';
}
