/**
 * The statistical tests of the augmented-Lagrangian EPI loop (Algorithm 1 of Bittner et al. 2021, as in the reference
 * implementation): the sign test that decides whether the emergent-property constraints hold, and the Welch t-test
 * that decides whether the penalty c grows. Both rest on the Student t distribution, computed here from the
 * regularized incomplete beta function, so the module needs nothing outside the standard library.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { finiteNumber, integer, isFloat64Array, knownKeys, positiveNumber } from '../validate';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Below 10 the Stirling series is too coarse, so smaller arguments are shifted up by the recurrence Γ(x+1) = x·Γ(x). */
const STIRLING_MIN = 10;

/**
 * δ(x) = ln Γ(x) − [(x − ½)·ln x − x + ½·ln 2π], the remainder of Stirling's series, for x ≥ 10. The coefficients are
 * B₂ₖ/(2k(2k−1)) exactly; at x = 10 the first omitted term is 3617/122400·10⁻¹⁵ ≈ 3e-17, below rounding. Keeping δ
 * apart lets ln B(a, b) cancel the large terms of ln Γ analytically rather than in floating point.
 */
function stirlingRemainder(x: number): number {
  const r = 1 / (x * x);
  return (
    (1 / 12 + r * (-1 / 360 + r * (1 / 1260 + r * (-1 / 1680 + r * (1 / 1188 + r * (-691 / 360360 + r * (1 / 156)))))))
    / x
  );
}

/** ln Γ(x) for x > 0: within 1e-14 absolute on [0.1, 20], 1e-15 relative outside it (checked against mpmath). */
function logGamma(x: number): number {
  if (x >= STIRLING_MIN) return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + stirlingRemainder(x);
  // ln Γ(x) = ln Γ(x + k) − ln x − ln[(x+1)…(x+k−1)]; ln x apart so that a tiny x cannot underflow the product.
  let shifted = x + 1;
  let product = 1;
  while (shifted < STIRLING_MIN) product *= shifted++;
  return logGamma(shifted) - Math.log(x) - Math.log(product);
}

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). When an argument is large the three log-gammas are huge and nearly
 * cancel, so the Stirling terms are combined by hand (the arrangement of R's lbeta) and only the small remainders δ
 * are subtracted numerically; this keeps ln B accurate to ~1e-15 absolute even for the t distribution at df = 1e8.
 */
function logBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  const frac = p / (p + q);
  if (p >= STIRLING_MIN) {
    const corr = stirlingRemainder(p) + stirlingRemainder(q) - stirlingRemainder(p + q);
    return -0.5 * Math.log(q) + HALF_LOG_2PI + corr + (p - 0.5) * Math.log(frac) + q * Math.log1p(-frac);
  }
  if (q >= STIRLING_MIN) {
    const corr = stirlingRemainder(q) - stirlingRemainder(p + q);
    return logGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-frac);
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}

/**
 * λ = a − (a + b)·x, which vanishes at the peak x = a/(a + b) of the beta density; formed as (a + b)·y − b when x is
 * near 1, so that neither form subtracts nearly equal large numbers.
 */
function betaLambda(x: number, y: number, a: number, b: number): number {
  return a > b ? (a + b) * y - b : a - (a + b) * x;
}

/**
 * r = e − ln(ratio) with ratio = 1 + e > 0. Near e = 0 the two nearly cancel, so it is summed as e²/2 − e³/3 + …; far
 * from it ratio is used as given, since 1 + e formed from e would lose the digits of a ratio near 0.
 */
function logRemainder(e: number, ratio: number): number {
  if (Math.abs(e) > 0.6) return e - Math.log(ratio);
  if (Math.abs(e) > 0.1) return e - Math.log1p(e);
  let power = -e;
  let sum = 0;
  for (let k = 2; ; ++k) {
    power *= -e;
    const term = power / k;
    sum += term;
    if (Math.abs(term) <= 1e-17 * sum) return sum;
  }
}

/**
 * x^a·y^b/B(a, b). For a, b ≥ 10 it is formed around the peak (TOMS 708's BRCOMP): with Stirling for B,
 * ln(x^a·y^b/B) = −a·r(−λ/a) − b·r(λ/b) + ½·ln(ab/(a + b)) − ½·ln 2π − [δ(a) + δ(b) − δ(a + b)] with
 * r(e) = e − ln(1 + e), in which nothing of size a or b cancels; the plain a·ln x + b·ln y − ln B loses
 * ~max(a, b)·ε (1e-7 at a = b = 1e10).
 */
function betaFront(x: number, y: number, a: number, b: number): number {
  if (Math.min(a, b) >= STIRLING_MIN) {
    const lambda = betaLambda(x, y, a, b);
    const corr = stirlingRemainder(a) + stirlingRemainder(b) - stirlingRemainder(a + b);
    // x/x0 = 1 − λ/a and y/y0 = 1 + λ/b around the peak (x0, y0) = (a, b)/(a + b).
    const peak = -a * logRemainder(-lambda / a, (x * (a + b)) / a) - b * logRemainder(lambda / b, (y * (a + b)) / b);
    return Math.exp(peak + 0.5 * Math.log(a * (b / (a + b))) - HALF_LOG_2PI - corr);
  }
  const logX = x > 0.5 ? Math.log1p(-y) : Math.log(x);
  const logY = y > 0.5 ? Math.log1p(-x) : Math.log(y);
  return Math.exp(a * logX + b * logY - logBeta(a, b));
}

/** Lentz's floor for the continued fraction's partial denominators, so that none divides by zero. */
const LENTZ_TINY = 1e-300;
/** Relative size of the last convergent's change at which the continued fraction has converged. */
const CF_EPSILON = 1e-16;
/** It needs O(√max(a, b)) steps near the symmetry switch and far fewer elsewhere; checked to a, b ≈ 5e11 (df = 1e12). */
const CF_MAX_STEPS = 1_000_000;

/**
 * The continued fraction of I_x(a, b) in the contracted form of DiDonato & Morris (TOMS 708, BFRAC),
 * I_x(a, b) = x^a·y^b/B(a, b) · 1/(β₀ + α₁/(β₁ + α₂/(β₂ + …))), evaluated by the modified Lentz method; it converges
 * quickly for x < (a + 1)/(a + b + 2). Numerical Recipes' uncontracted fraction (betacf) has partial denominators
 * 1 − (a + b)x/(a + 1) + … that cancel to O(1/a) when x is near 1 and a is large, which costs the Student t tail
 * ~a·ε of its digits (1e-9 at df = 1e8). Here that cancellation sits in λ alone (see {@link betaLambda}), formed
 * without loss.
 */
function betaContinuedFraction(x: number, y: number, a: number, b: number): number {
  const floor = (v: number) => (Math.abs(v) < LENTZ_TINY ? LENTZ_TINY : v);
  const c = 1 + betaLambda(x, y, a, b);
  const c0 = b / a;
  const c1 = 1 + 1 / a;
  let p = 1;
  let s = a + 1;
  let f = floor(c / c1);
  let big = f;
  let small = 0;
  for (let n = 1; n <= CF_MAX_STEPS; ++n) {
    const t = n / a;
    const w = n * (b - n) * x;
    const e = a / s;
    const alpha = p * (p + c0) * e * e * (w * x);
    const beta = n + w / s + ((t + 1) / (c1 + t + t)) * (c + n * (y + 1));
    p = t + 1;
    s += 2;
    small = 1 / floor(beta + alpha * small);
    big = floor(beta + alpha / big);
    const step = big * small;
    f *= step;
    if (Math.abs(step - 1) < CF_EPSILON) return 1 / f;
  }
  throw new SloppyError('ERR_INVALID_ARG_VALUE', `incomplete beta did not converge for a = ${a}, b = ${b}, x = ${x}`);
}

/**
 * I_x(a, b) given both x and y = 1 − x, so that callers who can form 1 − x without cancellation (the t distribution
 * does) keep its digits; past the switch point it is 1 − I_y(b, a), whose fraction converges there.
 */
function incompleteBeta(x: number, y: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const front = betaFront(x, y, a, b);
  if (x < (a + 1) / (a + b + 2)) return front * betaContinuedFraction(x, y, a, b);
  return 1 - front * betaContinuedFraction(y, x, b, a);
}


/**
 * The regularized incomplete beta function I_x(a, b) = B(x; a, b)/B(a, b): the continued fraction of TOMS 708 (BFRAC)
 * by Lentz's method, with the switch to 1 − I_{1−x}(b, a) for x > (a + 1)/(a + b + 2). Matches scipy.special.betainc
 * to ~1e-14 absolute and ~1e-12 relative to the smaller of I and 1 − I (checked against mpmath for a, b in
 * [0.01, 1e4]); the relative error is largest for b ≪ 1 just past the switch, where a small I is 1 − I_{1−x}(b, a).
 * @param x - in [0, 1].
 * @param a - a > 0, finite.
 * @param b - b > 0, finite.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  const xv = finiteNumber(x, 'x');
  if (xv < 0 || xv > 1) throw new SloppyError('ERR_INVALID_ARG_VALUE', `x must be in [0, 1]; got ${xv}`);
  return incompleteBeta(xv, 1 - xv, positiveNumber(a, 'a'), positiveNumber(b, 'b'));
}

/**
 * The CDF of Student's t distribution with df degrees of freedom, P(T ≤ t) = 1 − ½·I_x(df/2, ½) for t ≥ 0 with
 * x = df/(df + t²), mirrored for t < 0. The lower tail is computed directly, never as 1 − (upper), so it keeps its
 * relative accuracy far out (t = −50 at df = 1 and beyond). Matches scipy.stats.t.cdf (scipy.special.stdtr), except
 * that scipy 1.17's stdtr is off by ~3e-9 at df = 1 for |t| ≈ 1e-8, where this agrees with 1/2 + atan(t)/π.
 * @param t - any number but NaN; ±Infinity give 1 and 0.
 * @param df - real degrees of freedom, df > 0 and finite.
 */
export function studentTCdf(t: number, df: number): number {
  if (typeof t !== 'number' || Number.isNaN(t)) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `t must be a number, not NaN; got ${String(t)}`);
  }
  const nu = positiveNumber(df, 'df');
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const abs = Math.abs(t);
  // x = df/(df + t²) and 1 − x = t²/(df + t²), each formed directly; past |t| = 1 in a form whose t² cannot overflow.
  let x: number;
  let y: number;
  if (abs < 1) {
    x = nu / (nu + abs * abs);
    y = (abs * abs) / (nu + abs * abs);
  } else {
    const s = nu / abs;
    x = s / (s + abs);
    y = abs / (s + abs);
  }
  const lower = 0.5 * incompleteBeta(x, y, nu / 2, 0.5);
  return t < 0 ? lower : 1 - lower;
}

/** The result of {@link welchTTest}. */
export interface WelchResult {
  /** The t statistic, (mean(a) − mean(b))/√(s_a²/n_a + s_b²/n_b). */
  t: number;
  /** The Welch–Satterthwaite degrees of freedom (1 when both samples are constant, as scipy substitutes). */
  df: number;
  /** The two-sided p-value, 2·P(T_df ≤ −|t|). */
  p: number;
}

/** Checks a sample for a t-test: array-like, at least two values (a variance needs them), every one finite. */
function sample(value: unknown, what: string): Float64Array {
  const arrayLike =
    Array.isArray(value) ||
    (ArrayBuffer.isView(value) && !(value instanceof DataView)) ||
    (typeof value === 'object' && value !== null && typeof (value as ArrayLike<number>).length === 'number');
  if (!arrayLike) throw new SloppyError('ERR_INVALID_ARG_TYPE', `${what} must be an array or typed array of numbers`);
  const values = isFloat64Array(value) ? value : Float64Array.from(value as ArrayLike<number>);
  if (values.length < 2) {
    throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what} has ${values.length} values; a t-test needs at least 2`);
  }
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new SloppyError('ERR_INVALID_ARG_VALUE', `${what}[${i}] = ${v} is not finite`);
  });
  return values;
}

/**
 * Mean and unbiased variance (ddof 1) by two passes, as numpy's var does. An exactly constant sample gets variance 0
 * and its value as mean; the two-pass formula would instead leave a rounding residue (0.1 three times has
 * variance 3e-34 in numpy), turning "no spread at all" into a huge finite t.
 */
function moments(values: Float64Array): { mean: number; variance: number } {
  if (values.every((v) => v === values[0])) return { mean: values[0], variance: 0 };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, variance: squares / (values.length - 1) };
}

/** Welch's test on checked samples. */
function welch(a: Float64Array, b: Float64Array): WelchResult {
  const ma = moments(a);
  const mb = moments(b);
  const va = ma.variance / a.length;
  const vb = mb.variance / b.length;
  const total = va + vb;
  // 0/0 → NaN and d/0 → ±Infinity: the IEEE quotients are scipy's answers for constant samples.
  const t = (ma.mean - mb.mean) / Math.sqrt(total);
  // Welch–Satterthwaite, (va + vb)²/(va²/(na−1) + vb²/(nb−1)), in shares of the total so tiny variances cannot underflow.
  const wa = va / total;
  const wb = vb / total;
  const satterthwaite = 1 / ((wa * wa) / (a.length - 1) + (wb * wb) / (b.length - 1));
  const df = Number.isNaN(satterthwaite) ? 1 : satterthwaite;
  const p = Number.isNaN(t) ? NaN : 2 * studentTCdf(-Math.abs(t), df);
  return { t, df, p };
}

/**
 * Welch's unequal-variance two-sample t-test, as scipy.stats.ttest_ind(a, b, equal_var=False): sample variances
 * with ddof 1, Welch–Satterthwaite degrees of freedom, two-sided p. When both samples are constant the variance of the
 * difference is zero: equal means give t = NaN and p = NaN, different means t = ±Infinity and p = 0, and df = 1, all
 * as scipy returns. Unlike scipy, a constant sample is recognised exactly (see the variance note in the source), so
 * samples such as [0.1, 0.1, 0.1] count as constant.
 * @param a - the first sample, at least 2 finite values.
 * @param b - the second sample, at least 2 finite values.
 */
export function welchTTest(a: ArrayLike<number>, b: ArrayLike<number>): WelchResult {
  return welch(sample(a, 'a'), sample(b, 'b'));
}

/** The result of {@link convergenceTest}. */
export interface ConvergenceResult {
  /** p_i for each constraint i: 2·min(#positive, #negative)/groups. */
  p: Float64Array;
  /** Whether every p_i exceeds the threshold, i.e. no constraint is significantly violated. */
  converged: boolean;
  /** The Bonferroni-corrected level α/constraints. */
  threshold: number;
}

/**
 * The convergence test of EPI's augmented-Lagrangian loop: the emergent-property constraints E[T(z)] = μ hold when
 * no constraint's group means are significantly one-sided. For constraint i,
 * p_i = 2·min(#{means > 0}, #{means < 0})/groups, the two-tailed sign-type statistic of the reference implementation:
 * zeros count on neither side (so a column of exact zeros gets p_i = 0, as there), and an even split gives p_i = 1.
 * The loop has converged iff p_i > α/constraints for every i, a Bonferroni correction over the constraints. The
 * reference counts in float32; here counts and p are exact doubles.
 * @param groupMeans - groups × constraints, row-major; entry (g, i) is the mean of T_i(z) − μ_i over group g of the
 *   N_test held-out samples. Every entry must be finite.
 * @param groups - the number of groups, ≥ 1.
 * @param constraints - the number of constraints, ≥ 1.
 * @param alpha - the family-wise significance level, in (0, 1).
 */
export function convergenceTest(
  groupMeans: Float64Array,
  groups: number,
  constraints: number,
  alpha: number,
): ConvergenceResult {
  if (!isFloat64Array(groupMeans)) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'groupMeans must be a Float64Array');
  const rows = integer(groups, 'groups', 1);
  const cols = integer(constraints, 'constraints', 1);
  const level = finiteNumber(alpha, 'alpha');
  if (!(level > 0 && level < 1)) throw new SloppyError('ERR_INVALID_ARG_VALUE', `alpha must be in (0, 1); got ${level}`);
  if (groupMeans.length !== rows * cols) {
    throw new SloppyError(
      'ERR_INVALID_ARG_VALUE',
      `groupMeans has ${groupMeans.length} numbers; expected groups × constraints = ${rows} × ${cols}`,
    );
  }
  const above = new Float64Array(cols);
  const below = new Float64Array(cols);
  groupMeans.forEach((v, k) => {
    if (!Number.isFinite(v)) throw new SloppyError('ERR_INVALID_ARG_VALUE', `groupMeans[${k}] = ${v} is not finite`);
    if (v > 0) above[k % cols] += 1;
    else if (v < 0) below[k % cols] += 1;
  });
  const threshold = level / cols;
  const p = above.map((n, i) => (2 * Math.min(n, below[i])) / rows);
  return { p, converged: p.every((v) => v > threshold), threshold };
}

/** Inputs of {@link penaltyUpdate}. */
export interface PenaltyUpdateOptions {
  /** ‖R(η_k)‖ over this iteration's test batches (at least 2, finite). */
  norms: ArrayLike<number>;
  /** ‖R(η_{k−1})‖ over the previous iteration's batches (at least 2, finite). */
  previousNorms: ArrayLike<number>;
  /** γ > 0: the fraction the constraint norm is asked to shrink to per iteration (0.25 in the paper). */
  gamma: number;
  /** β ≥ 1: the factor c grows by (4 in the paper). */
  beta: number;
  /** The current penalty c > 0. */
  c: number;
  /** A uniform draw in [0, 1), supplied by the caller so that the run's randomness stays in its hands. */
  u: number;
}

/** The result of {@link penaltyUpdate}. */
export interface PenaltyUpdateResult {
  /** The new penalty: β·c if it grew, else c. */
  c: number;
  /** Welch's t of norms against γ·previousNorms. */
  t: number;
  /** Its two-sided p-value. */
  p: number;
  /** Whether c was multiplied by β. */
  grew: boolean;
}

/**
 * The penalty update of Algorithm 1: Welch's t-test of ‖R(η_k)‖ against γ·‖R(η_{k−1})‖; when the norms have not
 * fallen to γ times their previous value (t > 0), c ← β·c with probability 1 − p/2, i.e. iff u < 1 − p/2. A NaN t or p
 * (both samples constant and equal) leaves c unchanged.
 */
export function penaltyUpdate(opts: PenaltyUpdateOptions): PenaltyUpdateResult {
  if (typeof opts !== 'object' || opts === null) throw new SloppyError('ERR_INVALID_ARG_TYPE', 'options are required');
  knownKeys(opts, ['norms', 'previousNorms', 'gamma', 'beta', 'c', 'u'], 'option');
  const norms = sample(opts.norms, 'norms');
  const previous = sample(opts.previousNorms, 'previousNorms');
  const gamma = positiveNumber(opts.gamma, 'gamma');
  const beta = finiteNumber(opts.beta, 'beta');
  if (!(beta >= 1)) throw new SloppyError('ERR_INVALID_ARG_VALUE', `beta must be at least 1; got ${beta}`);
  const c = positiveNumber(opts.c, 'c');
  const u = finiteNumber(opts.u, 'u');
  if (!(u >= 0 && u < 1)) throw new SloppyError('ERR_INVALID_ARG_VALUE', `u must be in [0, 1); got ${u}`);
  const { t, p } = welch(norms, sample(previous.map((v) => gamma * v), 'gamma·previousNorms'));
  // Comparisons with NaN are false, so a NaN t or p never grows c.
  const grew = u < 1 - p / 2 && t > 0;
  return { c: grew ? beta * c : c, t, p, grew };
}
