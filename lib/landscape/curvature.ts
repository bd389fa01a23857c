/**
 * Hessian spectra of network losses at ReLU minima. The ReLU loss is piecewise quadratic in each weight region,
 * so its Hessian is taken from softplus_β (β = 5000, the landscape paper's choice) — but only where that is the
 * same thing: every pre-activation on the data must stay far from the kink (|z|·β large) and the two losses
 * must agree. Where they do not, the spectrum is still returned and marked with the reason.
 * @packageDocumentation
 */
import { eigh } from '../linalg';
import { finiteNumber } from '../validate';
import { NetworkShapeSpec } from './layout';
import { parameterBatch } from './layout';
import { DataSet, networkLoss, networkOutputs, NetworkOptions, prepareNetwork } from './network';

/** Options of {@link hessianSpectra}. */
export interface CurvatureOptions extends Pick<NetworkOptions, 'threads' | 'signal'> {
  /** Softplus sharpness; default 5000. */
  beta?: number;
  /** The smallest |z|·β accepted as clear of the kink; default 20 (softplus′ differs from the step by e^{−20}). */
  kinkClearance?: number;
  /** The largest |L_softplus − L_relu| accepted, relative to max(L_relu, 1e-6); default 1e-6. */
  lossTolerance?: number;
}

/** Spectra of a batch of networks. */
export interface Curvature {
  count: number;
  parameters: number;
  /** count × P eigenvalues of the softplus-β Hessian, ascending per network. */
  eigenvalues: Float64Array;
  /** Whether the spectrum stands for the ReLU loss's (both checks passed). */
  valid: boolean[];
  /** Why not, where not. */
  reasons: (string | undefined)[];
  /** Per network: min over data and hidden units of |z|. */
  kinkMargin: Float64Array;
  reluLoss: Float64Array;
  softplusLoss: Float64Array;
}

/**
 * The Hessian spectrum of the loss at each of `params.length / P` networks (typically minima found with ReLU),
 * computed with softplus_β after checking it may stand for ReLU's.
 */
export async function hessianSpectra(
  params: Float64Array,
  shape: NetworkShapeSpec,
  data: DataSet,
  opts: CurvatureOptions = {},
): Promise<Curvature> {
  const beta = finiteNumber(opts.beta ?? 5000, 'beta');
  const clearance = finiteNumber(opts.kinkClearance ?? 20, 'kinkClearance');
  const tolerance = finiteNumber(opts.lossTolerance ?? 1e-6, 'lossTolerance');
  const net = prepareNetwork(shape, data, { threads: opts.threads, signal: opts.signal, beta }, [], true);
  const count = parameterBatch(params, net.layout);
  const P = net.parameters;
  const control = { threads: opts.threads, signal: opts.signal };
  const { kinkMargin } = await networkOutputs(params, net.shape, data.x, control);
  const relu = await networkLoss(params, net.shape, data, { ...control, gradient: false });
  const soft = await networkLoss(params, net.shape, data, { ...control, activation: 'softplus', beta, hessian: true });
  const eigenvalues = new Float64Array(count * P);
  const valid: boolean[] = [];
  const reasons: (string | undefined)[] = [];
  for (let n = 0; n < count; n++) {
    eigenvalues.set(eigh((soft.hessian as Float64Array).subarray(n * P * P, (n + 1) * P * P), P).values, n * P);
    const gap = Math.abs(soft.loss[n] - relu.loss[n]);
    const reason = kinkMargin[n] * beta < clearance
      ? `data within ${kinkMargin[n].toExponential(2)} of a ReLU kink (|z|·β = ${(kinkMargin[n] * beta).toPrecision(3)} < ${clearance})`
      : gap > tolerance * Math.max(relu.loss[n], 1e-6)
        ? `softplus and ReLU losses differ by ${gap.toExponential(2)}`
        : undefined;
    valid.push(reason === undefined);
    reasons.push(reason);
  }
  return { count, parameters: P, eigenvalues, valid, reasons, kinkMargin, reluLoss: relu.loss, softplusLoss: soft.loss };
}
