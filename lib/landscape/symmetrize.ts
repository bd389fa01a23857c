/**
 * Canonical representatives of ReLU networks under their symmetry group ℝ₊^{KN} ⋊ S_N^K: scaling hidden
 * unit j of layer l by s > 0 (its incoming weights and bias × s, its outgoing weights × 1/s) and permuting
 * the units of a layer leave the function unchanged. The representative is the orbit's element of least L2
 * norm, with each layer's units sorted by norm (section 3 of "The energy landscape of a simple neural network").
 * @packageDocumentation
 */
import { parameterBatch, parameterLayout, type NetworkShapeSpec, type ParameterLayout } from './layout';

/** What {@link symmetrize} returns for `count` networks. Per-unit arrays are indexed network, layer, unit. */
export interface SymmetrizeResult {
  /** The symmetrized networks, back to back, in the same layout as the input. */
  params: Float64Array;
  /**
   * count × K × N: the scale applied to each hidden unit, indexed by its position in the *input* (1 for dead
   * units). The unit's incoming weights and bias were multiplied by it and its outgoing weights divided.
   */
  scales: Float64Array;
  /** count × K × N: `permutations[(net·K + l)·N + p]` is the input index of the unit that ends at position p of layer l. */
  permutations: Int32Array;
  /** count × K × N, by input index: 1 where the unit was dead and its weights were zeroed. */
  dead: Uint8Array;
  /** Per network: the final max over live units of |A − C| / (A + C), where A and C are the unit's incoming and outgoing norms². */
  imbalance: Float64Array;
  /** Per network: exact block-coordinate sweeps used. */
  sweeps: Uint32Array;
  /** Per network: Newton steps used. */
  newtonSteps: Uint32Array;
}

/**
 * The balance reached: the relative gradient of the squared norm in the log-scales, |A − C| / (A + C) per
 * unit, a few ulps above what sums of squares in float64 can resolve.
 */
const TOLERANCE = 1e-14;
/** Below this imbalance the problem is close enough to quadratic in the log-scales for Newton to be cheaper than sweeps. */
const NEWTON_FROM = 0.1;
/** Below this imbalance a Newton step that fails to halve it has hit rounding, so further steps are noise. */
const ROUNDING_FLOOR = 1e-11;
/** Sweeps plus Newton steps per network: a guard only, random 5 × 5 networks need at most about 20. */
const MAX_ROUNDS = 2000;
/** Norms and weights closer than this (relative) count as tied when sorting; rounding differences are far below it. */
const TIE = 1e-9;
/** Slack for rounding in the line search's comparison of squared norms. */
const ROUNDING_SLACK = 64 * Number.EPSILON;

/**
 * Balances one network at a time in a reused scratch space, so that batches of hundreds of thousands of
 * networks allocate nothing per network.
 */
class Balancer {
  private readonly k: number;
  private readonly n: number;
  private readonly widths: readonly number[];
  private readonly wo: readonly number[];
  private readonly bo: readonly number[];
  /** The network being balanced, rescaled in place as the iterations go. */
  readonly work: Float64Array;
  /** Scale applied so far to each hidden unit (layer-major), and its dead flag. */
  readonly scale: Float64Array;
  readonly dead: Uint8Array;
  /** Incoming norm² incl. bias (A) and outgoing norm² (C) of each hidden unit at the current point. */
  readonly inNorm: Float64Array;
  private readonly outNorm: Float64Array;
  private readonly rhs: Float64Array;
  private readonly step: Float64Array;
  private readonly factor: Float64Array;
  private readonly chol: Float64Array;
  private readonly z: Float64Array;
  private readonly sq: Float64Array;
  private readonly t: Float64Array;

  constructor(layout: ParameterLayout) {
    const { layers: k, units: n } = layout.shape;
    this.k = k;
    this.n = n;
    this.widths = layout.widths;
    this.wo = layout.weightOffsets;
    this.bo = layout.biasOffsets;
    this.work = new Float64Array(layout.count);
    this.scale = new Float64Array(k * n);
    this.dead = new Uint8Array(k * n);
    this.inNorm = new Float64Array(k * n);
    this.outNorm = new Float64Array(k * n);
    this.rhs = new Float64Array(k * n);
    this.step = new Float64Array(k * n);
    this.factor = new Float64Array(k * n);
    this.chol = new Float64Array(k * n * n);
    this.z = new Float64Array(n * n);
    this.sq = new Float64Array(n * n);
    this.t = new Float64Array(n);
  }

  /**
   * Copies a network in, rescaled by a power of two that brings its largest weight near 1. The minimiser is
   * the same for any overall factor (the norm is homogeneous) and the factor is exact, while squared norms
   * of networks whose weights are all huge (beyond 1e154) or all tiny no longer overflow or underflow.
   */
  load(src: Float64Array, offset: number): void {
    const work = this.work;
    let big = 0;
    for (let i = 0; i < work.length; i++) big = Math.max(big, Math.abs(src[offset + i]));
    const factor = big > 0 ? 2 ** -Math.max(-1000, Math.min(1000, Math.floor(Math.log2(big)))) : 1;
    for (let i = 0; i < work.length; i++) work[i] = src[offset + i] * factor;
    this.scale.fill(1);
    this.dead.fill(0);
  }

  /**
   * Zeroes every unit whose incoming weights and bias, or outgoing weights, are all exactly zero: such a unit
   * contributes a constant 0 (or nothing) to the function, so its other side is arbitrary. Zeroing can
   * kill a neighbour, hence the repetition until nothing changes.
   */
  removeDead(): void {
    const { k, n, widths, wo, bo, work, dead } = this;
    for (let changed = true; changed; ) {
      changed = false;
      for (let h = 0; h < k; h++) {
        const fanIn = widths[h];
        const fanOut = widths[h + 2];
        for (let j = 0; j < n; j++) {
          if (dead[h * n + j]) continue;
          const row = wo[h] + j * fanIn;
          let live = work[bo[h] + j] !== 0;
          for (let q = 0; q < fanIn && !live; q++) live = work[row + q] !== 0;
          let speaks = false;
          for (let m = 0; m < fanOut && !speaks; m++) speaks = work[wo[h + 1] + m * n + j] !== 0;
          if (live && speaks) continue;
          for (let q = 0; q < fanIn; q++) work[row + q] = 0;
          work[bo[h] + j] = 0;
          for (let m = 0; m < fanOut; m++) work[wo[h + 1] + m * n + j] = 0;
          dead[h * n + j] = 1;
          changed = true;
        }
      }
    }
  }

  /** Incoming and outgoing norms² of layer h's units at the current point. */
  private layerNorms(h: number): void {
    const { n, widths, wo, bo, work, inNorm, outNorm } = this;
    const fanIn = widths[h];
    const fanOut = widths[h + 2];
    for (let j = 0; j < n; j++) {
      const row = wo[h] + j * fanIn;
      const bias = work[bo[h] + j];
      let a = bias * bias;
      for (let q = 0; q < fanIn; q++) a += work[row + q] * work[row + q];
      inNorm[h * n + j] = a;
      outNorm[h * n + j] = 0;
    }
    for (let m = 0; m < fanOut; m++) {
      const row = wo[h + 1] + m * n;
      for (let j = 0; j < n; j++) outNorm[h * n + j] += work[row + j] * work[row + j];
    }
  }

  /** Refreshes every unit's norms and returns the imbalance max |A − C| / (A + C) over live units. */
  norms(): number {
    let worst = 0;
    for (let h = 0; h < this.k; h++) {
      this.layerNorms(h);
      for (let a = h * this.n; a < (h + 1) * this.n; a++) {
        if (!this.dead[a]) worst = Math.max(worst, relativeGap(this.inNorm[a], this.outNorm[a]));
      }
    }
    return worst;
  }

  /**
   * One exact block-coordinate sweep, layer by layer in the given direction. The units of one layer share
   * no weight, so the whole layer's optimum is closed form given its neighbours: s⁴ = C/A per unit.
   */
  sweep(forward: boolean): void {
    const { k, n, widths, wo, bo, work, dead, scale, inNorm, outNorm } = this;
    for (let i = 0; i < k; i++) {
      const h = forward ? i : k - 1 - i;
      this.layerNorms(h);
      const fanIn = widths[h];
      const fanOut = widths[h + 2];
      for (let j = 0; j < n; j++) {
        const a = h * n + j;
        if (dead[a]) continue;
        const s = Math.sqrt(Math.sqrt(outNorm[a] / inNorm[a]));
        const inv = 1 / s;
        const row = wo[h] + j * fanIn;
        for (let q = 0; q < fanIn; q++) work[row + q] *= s;
        work[bo[h] + j] *= s;
        for (let m = 0; m < fanOut; m++) work[wo[h + 1] + m * n + j] *= inv;
        scale[a] *= s;
      }
    }
  }

  /**
   * One Newton step in the log-scales u, after {@link norms}. With F(u) = Σ w²·exp(2(u_out − u_in)), the
   * gradient is 2(A − C) and the Hessian 4·(diag(A + C) − W²) couples only adjacent layers: it is block
   * tridiagonal, with diagonal diagonal blocks, so a block Cholesky (Thomas) solve costs K·N³, not (KN)³.
   * A backtracking line search on F keeps the step a descent step. Returns false if the step could not be
   * taken (a non-positive pivot or no decrease), leaving the point unchanged.
   */
  newton(): boolean {
    const { k, n, wo, work, dead, inNorm, outNorm, rhs, step, chol, z, sq, t } = this;
    const nn = n * n;
    // The system is H/4 · δ = −g/4: (A + C)·δ_a − Σ w²·δ_neighbour = (C − A)/2.
    for (let a = 0; a < k * n; a++) rhs[a] = dead[a] ? 0 : (outNorm[a] - inNorm[a]) / 2;
    for (let h = 0; h < k; h++) {
      const s = h * nn;
      chol.fill(0, s, s + nn);
      for (let j = 0; j < n; j++) chol[s + j * n + j] = dead[h * n + j] ? 1 : inNorm[h * n + j] + outNorm[h * n + j];
      if (h > 0) {
        // P = W_{h+1}∘² couples layer h−1 (columns) to layer h (rows). Z's row m is S_{h−1}⁻¹ P[m]ᵀ, which
        // gives both the Schur complement S_h = D_h − P S_{h−1}⁻¹ Pᵀ and the forward-eliminated right-hand side.
        squares(work, wo[h], sq, nn);
        z.set(sq);
        for (let m = 0; m < n; m++) choleskySolve(chol, s - nn, z, m * n, n);
        for (let m = 0; m < n; m++) {
          let y = 0;
          for (let j = 0; j < n; j++) y += z[m * n + j] * rhs[(h - 1) * n + j];
          rhs[h * n + m] += y;
          for (let c = 0; c <= m; c++) {
            let dot = 0;
            for (let j = 0; j < n; j++) dot += sq[m * n + j] * z[c * n + j];
            chol[s + m * n + c] -= dot;
          }
        }
      }
      if (!choleskyFactor(chol, s, n)) return false;
    }
    for (let h = k - 1; h >= 0; h--) {
      for (let j = 0; j < n; j++) t[j] = rhs[h * n + j];
      if (h < k - 1) {
        const p = wo[h + 1];
        for (let m = 0; m < n; m++) {
          const x = step[(h + 1) * n + m];
          for (let j = 0; j < n; j++) t[j] += work[p + m * n + j] * work[p + m * n + j] * x;
        }
      }
      choleskySolve(chol, h * nn, t, 0, n);
      for (let j = 0; j < n; j++) step[h * n + j] = t[j];
    }
    // rhs now holds the eliminated right-hand side, so the slope g·δ = 2 Σ (A − C)·δ comes from the norms.
    let slope = 0;
    for (let a = 0; a < k * n; a++) slope += 2 * (inNorm[a] - outNorm[a]) * step[a];
    if (!(slope < 0)) return false;
    const f0 = this.objective(0);
    for (let len = 1; len > 1e-12; len /= 2) {
      if (this.objective(len) <= f0 + 1e-4 * len * slope + ROUNDING_SLACK * f0) {
        this.apply();
        return true;
      }
    }
    return false;
  }

  /** F after a step of `len` × the Newton direction; leaves the per-unit factors exp(len·δ) for {@link apply}. */
  private objective(len: number): number {
    const { k, n, widths, wo, bo, work, step, factor } = this;
    for (let a = 0; a < k * n; a++) factor[a] = Math.exp(len * step[a]);
    let f = 0;
    for (let l = 0; l <= k; l++) {
      const fanIn = widths[l];
      for (let i = 0; i < widths[l + 1]; i++) {
        const out = l < k ? factor[l * n + i] : 1;
        const row = wo[l] + i * fanIn;
        for (let q = 0; q < fanIn; q++) {
          const w = (work[row + q] * out) / (l > 0 ? factor[(l - 1) * n + q] : 1);
          f += w * w;
        }
        const bias = work[bo[l] + i] * out;
        f += bias * bias;
      }
    }
    return f;
  }

  /** Takes the step whose per-unit factors the last {@link objective} call left. */
  private apply(): void {
    const { k, n, widths, wo, bo, work, factor, scale } = this;
    for (let l = 0; l <= k; l++) {
      const fanIn = widths[l];
      for (let i = 0; i < widths[l + 1]; i++) {
        const out = l < k ? factor[l * n + i] : 1;
        const row = wo[l] + i * fanIn;
        for (let q = 0; q < fanIn; q++) work[row + q] = (work[row + q] * out) / (l > 0 ? factor[(l - 1) * n + q] : 1);
        work[bo[l] + i] *= out;
      }
    }
    for (let a = 0; a < k * n; a++) scale[a] *= factor[a];
  }
}

function relativeGap(a: number, c: number): number {
  return Math.abs(a - c) / (a + c);
}

/** Element-wise squares of the `count` numbers of `src` from `offset` into `dst`. */
function squares(src: Float64Array, offset: number, dst: Float64Array, count: number): void {
  for (let i = 0; i < count; i++) dst[i] = src[offset + i] * src[offset + i];
}

/**
 * In-place Cholesky of the SPD n × n matrix at `at` in `s` (lower triangle read and written); false at a
 * non-positive pivot. Offsets rather than subarrays keep the hot loop free of allocations.
 */
function choleskyFactor(s: Float64Array, at: number, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let d = s[at + j * n + j];
    for (let q = 0; q < j; q++) d -= s[at + j * n + q] * s[at + j * n + q];
    if (!(d > 0)) return false;
    const root = Math.sqrt(d);
    s[at + j * n + j] = root;
    for (let i = j + 1; i < n; i++) {
      let v = s[at + i * n + j];
      for (let q = 0; q < j; q++) v -= s[at + i * n + q] * s[at + j * n + q];
      s[at + i * n + j] = v / root;
    }
  }
  return true;
}

/** Solves L Lᵀ x = b in place for the n numbers of `b` from `bAt`, with the factor at `lAt` from {@link choleskyFactor}. */
function choleskySolve(l: Float64Array, lAt: number, b: Float64Array, bAt: number, n: number): void {
  for (let i = 0; i < n; i++) {
    let v = b[bAt + i];
    for (let q = 0; q < i; q++) v -= l[lAt + i * n + q] * b[bAt + q];
    b[bAt + i] = v / l[lAt + i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let v = b[bAt + i];
    for (let q = i + 1; q < n; q++) v -= l[lAt + q * n + i] * b[bAt + q];
    b[bAt + i] = v / l[lAt + i * n + i];
  }
}

/**
 * Balances the network in `b.work` to its least-norm point: exact block-coordinate sweeps (alternating
 * direction) while the imbalance is large, where they remove gross scale errors in one step each, then
 * Newton in the log-scales, which converges quadratically where sweeps would crawl through the layers'
 * coupling. Stops at {@link TOLERANCE}, or at the rounding floor.
 */
function balance(b: Balancer): { imbalance: number; sweeps: number; newtonSteps: number } {
  let sweeps = 0;
  let newtonSteps = 0;
  let newtonWorks = true;
  let imbalance = b.norms();
  for (let round = 0; imbalance > TOLERANCE && round < MAX_ROUNDS; round++) {
    if (newtonWorks && imbalance <= NEWTON_FROM) {
      newtonWorks = b.newton();
      if (!newtonWorks) continue;
      newtonSteps++;
      const before = imbalance;
      imbalance = b.norms();
      if (imbalance < ROUNDING_FLOOR && imbalance > before / 2) break;
    } else {
      b.sweep(sweeps % 2 === 0);
      sweeps++;
      imbalance = b.norms();
    }
  }
  return { imbalance, sweeps, newtonSteps };
}

/**
 * Symmetrizes `count` ReLU networks stored back to back (with `count` omitted, as many as `params` holds):
 * returns, for each, the representative of its orbit under rescaling and permutation of hidden units.
 *
 * 1. **Dead units.** A unit whose incoming weights and bias are all exactly 0 outputs relu(0) = 0, and one
 *    whose outgoing weights are all 0 is unheard; either way its other side does not change the function,
 *    so it is zeroed (repeatedly, since that can kill a neighbour) and left out of the scaling (scale 1).
 *    A unit that is merely inactive on the data keeps its weights.
 * 2. **Balance.** The squared norm of the whole vector (biases included) is convex in the log-scales and,
 *    once dead units are gone, strictly convex with a unique minimum, where each unit's incoming norm²
 *    incl. bias A equals its outgoing norm² C. It is solved by exact block-coordinate sweeps (per unit
 *    s⁴ = C/A given the neighbouring layers) until max |A − C|/(A + C) ≤ 0.1, then Newton steps with
 *    a block-tridiagonal solve, to 1e-14 (the result's `imbalance`; for random 5 × 5 networks about 6
 *    sweeps and 4 Newton steps). For one hidden layer the first sweep is already exact: s = (C/A)^{1/4}.
 * 3. **Sort.** Each hidden layer, first to last, is sorted ascending by A at the balanced point, permuting
 *    incoming rows, biases and outgoing columns. Norms within 1e-9 relative count as tied; ties are broken
 *    by the incoming weights in the (already canonical) order of the previous layer's units, then the
 *    bias, each compared lexicographically with the same tolerance; units that still tie compute the same
 *    activation, and keep their input order.
 *
 * The function is unchanged up to rounding. The map is invariant under the group away from ties, but
 * sorting is discontinuous at them: two units whose norms nearly tie can swap under a tiny perturbation,
 * moving the representative a finite distance (a slightly perturbed teacher may land several units away).
 *
 * The output is computed from the input weights and the final scales in one multiplication each, so
 * `params` equals the input with `scales` applied, permuted by `permutations` and dead units zeroed.
 *
 * @param params - count × P numbers in the layout of {@link parameterLayout}.
 * @param shape - the networks' shape.
 * @param count - how many networks `params` holds; checked against its length.
 * @throws SloppyError ERR_INVALID_ARG_TYPE if `params` is not a Float64Array; ERR_INVALID_ARG_VALUE for a wrong
 *   length or count, a NaN or infinite weight, or a bad shape.
 */
export function symmetrize(params: Float64Array, shape: NetworkShapeSpec, count?: number): SymmetrizeResult {
  const layout = parameterLayout(shape);
  const nets = parameterBatch(params, layout, count);
  const { layers: k, units: n } = layout.shape;
  const { widths, weightOffsets: wo, biasOffsets: bo, count: size } = layout;
  const hidden = k * n;
  const result: SymmetrizeResult = {
    params: new Float64Array(nets * size),
    scales: new Float64Array(nets * hidden),
    permutations: new Int32Array(nets * hidden),
    dead: new Uint8Array(nets * hidden),
    imbalance: new Float64Array(nets),
    sweeps: new Uint32Array(nets),
    newtonSteps: new Uint32Array(nets),
  };
  const b = new Balancer(layout);
  const { work, scale, dead, inNorm } = b;
  const perm = result.permutations;
  // The comparator reads the layer being sorted and where its predecessor's order sits in `perm` from these.
  let layer = 0;
  let previous = -1;
  const before = (x: number, y: number): boolean => {
    const ax = inNorm[layer * n + x];
    const ay = inNorm[layer * n + y];
    const big = Math.max(ax, ay);
    if (Math.abs(ax - ay) > TIE * big) return ax < ay;
    const tol = TIE * Math.sqrt(big);
    const fanIn = widths[layer];
    for (let q = 0; q <= fanIn; q++) {
      const col = q === fanIn ? -1 : previous < 0 ? q : perm[previous + q];
      const wx = col < 0 ? work[bo[layer] + x] : work[wo[layer] + x * fanIn + col];
      const wy = col < 0 ? work[bo[layer] + y] : work[wo[layer] + y * fanIn + col];
      if (Math.abs(wx - wy) > tol) return wx < wy;
    }
    return x < y;
  };

  for (let net = 0; net < nets; net++) {
    b.load(params, net * size);
    b.removeDead();
    const stats = balance(b);
    result.imbalance[net] = stats.imbalance;
    result.sweeps[net] = stats.sweeps;
    result.newtonSteps[net] = stats.newtonSteps;
    const base = net * hidden;
    previous = -1;
    for (layer = 0; layer < k; layer++) {
      // Insertion sort: layers are narrow, and it allocates nothing.
      const at = base + layer * n;
      for (let j = 0; j < n; j++) {
        let p = j;
        for (; p > 0 && before(j, perm[at + p - 1]); p--) perm[at + p] = perm[at + p - 1];
        perm[at + p] = j;
      }
      previous = at;
    }
    result.scales.set(scale, net * hidden);
    result.dead.set(dead, net * hidden);

    const off = net * size;
    for (let l = 0; l <= k; l++) {
      const fanIn = widths[l];
      for (let p = 0; p < widths[l + 1]; p++) {
        const i = l < k ? perm[base + l * n + p] : p;
        const killed = l < k && dead[l * n + i] === 1;
        const up = l < k ? scale[l * n + i] : 1;
        for (let q = 0; q < fanIn; q++) {
          const j = l > 0 ? perm[base + (l - 1) * n + q] : q;
          const cut = killed || (l > 0 && dead[(l - 1) * n + j] === 1);
          result.params[off + wo[l] + p * fanIn + q] = cut ? 0 : (params[off + wo[l] + i * fanIn + j] * up) / (l > 0 ? scale[(l - 1) * n + j] : 1);
        }
        result.params[off + bo[l] + p] = killed ? 0 : params[off + bo[l] + i] * up;
      }
    }
  }
  return result;
}
