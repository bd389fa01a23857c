/**
 * What happens along a path through weight space (a relaxed NEB band): the angles between successive
 * difference vectors (how much the path twists; Fig. 10 of the landscape paper), the network's output at
 * every image (Fig. 9), and the loss at the images.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { isFloat64Array } from '../validate';
import { NetworkShapeSpec } from './layout';
import { DataSet, networkLoss, networkOutputs, NetworkOptions, prepareNetwork } from './network';

/** A path's geometry and what the network does along it. */
export interface PathAnalysis {
  /** Arc length at each image, from the first. */
  s: Float64Array;
  /** Angle (radians) between segments j−1→j and j→j+1, at inner image j (n − 2 values, at s[1 … n−2]). */
  angles: Float64Array;
  /** images × grid points: the output at each image. */
  outputs: Float64Array;
  /** The loss at each image. */
  loss: Float64Array;
}

/**
 * Analyses a path given as its images (each a parameter vector) on `data`, with outputs on `grid`
 * (default: the data's inputs).
 */
export async function analysePath(
  images: readonly Float64Array[],
  shape: NetworkShapeSpec,
  data: DataSet,
  opts: Pick<NetworkOptions, 'threads' | 'signal'> & { grid?: Float64Array } = {},
): Promise<PathAnalysis> {
  const net = prepareNetwork(shape, data, {}, [], true);
  const P = net.parameters;
  if (!Array.isArray(images) || images.length < 3) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', 'a path needs at least 3 images');
  }
  const stacked = new Float64Array(images.length * P);
  images.forEach((im, i) => {
    if (!isFloat64Array(im) || im.length !== P) {
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `image ${i} must be a Float64Array of ${P} parameters`);
    }
    stacked.set(im, i * P);
  });
  const n = images.length;
  const s = new Float64Array(n);
  const diff = (i: number) => Float64Array.from({ length: P }, (_, k) => stacked[(i + 1) * P + k] - stacked[i * P + k]);
  const norm = (v: Float64Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));
  for (let i = 1; i < n; i++) s[i] = s[i - 1] + norm(diff(i - 1));
  const angles = new Float64Array(n - 2);
  for (let j = 1; j < n - 1; j++) {
    const a = diff(j - 1), b = diff(j);
    let dot = 0;
    for (let k = 0; k < P; k++) dot += a[k] * b[k];
    angles[j - 1] = Math.acos(Math.max(-1, Math.min(1, dot / (norm(a) * norm(b)))));
  }
  const control = { threads: opts.threads, signal: opts.signal };
  const { outputs } = await networkOutputs(stacked, net.shape, opts.grid ?? data.x, control);
  const { loss } = await networkLoss(stacked, net.shape, data, { ...control, gradient: false });
  return { s, angles, outputs, loss };
}
