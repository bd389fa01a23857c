/**
 * The directions a robustness profile pushes along, from the sources users name: eigenvectors of the
 * target's Fisher information or Hessian, the sensitivity directions of an EPI distribution, random
 * directions from the Philox generator, the parameter axes, or the user's own vectors.
 * @packageDocumentation
 */
import type { Distribution } from '../epi/distribution';
import { SloppyError } from '../errors';
import { eigh } from '../linalg';
import { normals, Stream } from '../rng';
import { integer } from '../validate';
import { CurvatureKind, Target } from './target';
import { unitVector } from './vectors';

/** Where directions come from. A string is shorthand for `{ kind }` with that source's defaults. */
export type DirectionSource =
  | 'fisher'
  | 'hessian'
  | 'axes'
  | { kind: 'fisher' | 'hessian'; count?: number }
  | { kind: 'axes' }
  | { kind: 'random'; count: number; seed?: number }
  | { kind: 'sensitivity'; distribution: Distribution; at?: ArrayLike<number> }
  | { kind: 'vectors'; vectors: ArrayLike<number>[]; names?: string[] }
  | ArrayLike<number>[];

/** One direction: a unit vector in parameter space and where it came from. */
export interface Direction {
  name: string;
  /** 'fisher', 'hessian', 'sensitivity', 'random', 'axes' or 'vectors'. */
  source: string;
  vector: Float64Array;
  /** The eigenvalue it came with (of the Fisher matrix, the Hessian, or the Hessian of log q), if any. */
  eigenvalue?: number;
}

/** The curvature eigen-directions, stiffest first, with their eigenvalues. */
export async function eigenDirections(target: Target, kind: CurvatureKind, count: number, signal?: AbortSignal): Promise<Direction[]> {
  const D = target.dim;
  const { values, vectors } = eigh(await target.curvature(kind, signal), D, { vectors: true });
  return Array.from({ length: count }, (_, r) => {
    const col = D - 1 - r;
    return {
      name: `${kind} ${r + 1}`,
      source: kind,
      vector: Float64Array.from({ length: D }, (_, i) => vectors![i * D + col]),
      eigenvalue: values[col],
    };
  });
}

async function fromSource(target: Target, source: DirectionSource, signal?: AbortSignal): Promise<Direction[]> {
  const D = target.dim;
  // An array of vectors inside a list of sources is shorthand for user vectors.
  const s = typeof source === 'string' ? { kind: source } : Array.isArray(source) ? { kind: 'vectors' as const, vectors: source } : source;
  if (typeof s !== 'object' || s === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'a direction source must be a string or an object');
  switch (s.kind) {
    case 'fisher':
    case 'hessian': {
      const count = integer((s as { count?: number }).count ?? D, `${s.kind}.count`, 1, D);
      return eigenDirections(target, s.kind, count, signal);
    }
    case 'axes':
      return target.paramNames.map((name, i) => ({
        name, source: 'axes', vector: Float64Array.from({ length: D }, (_, j) => (i === j ? 1 : 0)),
      }));
    case 'random': {
      const r = s as { count: number; seed?: number };
      const count = integer(r.count, 'random.count', 1);
      const seed = integer(r.seed ?? 0, 'random.seed', 0);
      // The quenched stream at path 0, one counter step per direction: reproducible and independent of simulations.
      return Array.from({ length: count }, (_, k) => ({
        name: `random ${k + 1}`,
        source: 'random',
        vector: unitVector(normals(D, { seed, step: k, stream: Stream.Quenched }), D, `random direction ${k}`),
      }));
    }
    case 'sensitivity': {
      const q = (s as { distribution: Distribution }).distribution;
      if (typeof q !== 'object' || q === null || typeof q.sensitivity !== 'function') {
        throw new SloppyError('ERR_INVALID_ARG_TYPE', 'sensitivity directions need a Distribution');
      }
      if (q.dim !== D) throw new SloppyError('ERR_INVALID_ARG_VALUE', `the distribution has ${q.dim} parameters; the target ${D}`);
      const at = (s as { at?: ArrayLike<number> }).at ?? target.z0;
      const { values, vectors } = await q.sensitivity(Array.from(at));
      // eigh sorts ascending, so v1 (most negative eigenvalue of ∇² log q: the most sensitive) comes first.
      return Array.from({ length: D }, (_, k) => ({
        name: `sensitivity v${k + 1}`,
        source: 'sensitivity',
        vector: Float64Array.from({ length: D }, (_, i) => vectors[i * D + k]),
        eigenvalue: values[k],
      }));
    }
    case 'vectors': {
      const v = s as { vectors: ArrayLike<number>[]; names?: string[] };
      if (!Array.isArray(v.vectors) || v.vectors.length === 0) {
        throw new SloppyError('ERR_INVALID_ARG_VALUE', 'vectors must be a non-empty array of directions');
      }
      return v.vectors.map((vec, k) => ({
        name: v.names?.[k] ?? `direction ${k + 1}`,
        source: 'vectors',
        vector: unitVector(vec, D, `direction ${k}`),
      }));
    }
    default:
      throw new SloppyError('ERR_INVALID_ARG_VALUE', `unknown direction source '${String((s as { kind: unknown }).kind)}'; known: fisher, hessian, axes, random, sensitivity, vectors`);
  }
}

/**
 * Resolves direction sources into unit directions. A bare array of numeric vectors is taken as user vectors.
 * @throws SloppyError ERR_INVALID_ARG_VALUE for a direction of the wrong length, a zero or non-finite direction,
 *   or an unknown source.
 */
export async function resolveDirections(target: Target, sources: unknown, signal?: AbortSignal): Promise<Direction[]> {
  let list: DirectionSource[];
  if (Array.isArray(sources) && sources.length > 0 && sources.every((s) => Array.isArray(s) || ArrayBuffer.isView(s))) {
    list = [{ kind: 'vectors', vectors: sources as ArrayLike<number>[] }];
  } else if (Array.isArray(sources)) {
    if (sources.length === 0) throw new SloppyError('ERR_INVALID_ARG_VALUE', 'directions is empty');
    list = sources as DirectionSource[];
  } else {
    list = [sources as DirectionSource];
  }
  const out: Direction[] = [];
  for (const s of list) out.push(...(await fromSource(target, s, signal)));
  return out;
}
