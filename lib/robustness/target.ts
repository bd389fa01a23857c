/**
 * What a robustness profile pushes against: a criterion on parameter vectors (an emergent property of a
 * model, or a performance function with a tolerance), expressed as a signed margin so that one bracketing
 * and bisection routine serves both.
 * @packageDocumentation
 */

/** The margin of each evaluated point: ≤ 0 where the criterion holds, > 0 (or NaN) where it breaks. */
export interface Evaluation {
  margin: Float64Array;
  /** Per point, the index into {@link Target.criteria} of the criterion closest to breaking (or broken). */
  worst: Int32Array;
}

/** Which curvature matrix a direction or a spectrum is taken from. */
export type CurvatureKind = 'fisher' | 'hessian';

/** A criterion on a box of parameter space, with its curvature at the base point. */
export interface Target {
  kind: 'property' | 'performance';
  dim: number;
  paramNames: string[];
  lower: Float64Array;
  upper: Float64Array;
  /** The point pushed from. */
  z0: Float64Array;
  /** Names of the criteria that {@link Evaluation.worst} indexes (statistics, or 'F'). */
  criteria: string[];
  /**
   * τ of the quadratic prediction √(2τ/λ): the performance's tolerance, or ½ for a property, whose curvature is
   * taken on the loss ½ Σ ((s − mean)/tolerance)² that reaches ½ where one statistic alone leaves its band.
   */
  threshold: number;
  /** The matrix curvatures come from when the directions do not name one. */
  defaultCurvature: CurvatureKind;
  evaluate(points: Float64Array[], signal?: AbortSignal): Promise<Evaluation>;
  /** The dim × dim curvature matrix at z0, row-major; computed once, on first request. */
  curvature(kind: CurvatureKind, signal?: AbortSignal): Promise<Float64Array>;
}

/** Memoises an async computation per key, so a curvature matrix is computed at most once per target. */
export function memo<K, V>(compute: (key: K) => Promise<V>): (key: K) => Promise<V> {
  const cache = new Map<K, Promise<V>>();
  return (key) => {
    let p = cache.get(key);
    if (p === undefined) {
      p = compute(key);
      cache.set(key, p);
      // A failed computation (e.g. an abort) must not be cached for later callers.
      p.catch(() => cache.delete(key));
    }
    return p;
  };
}
