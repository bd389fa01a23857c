/**
 * e^x as native/core/fastmath.h's fm::exp computes it, operation for operation (the native core is built
 * without fused multiply-adds), so the TypeScript loop's exponential diffusion follows the native engine to the
 * bit; Math.exp differs from it by an ulp at some points, which a chaotic path then amplifies.
 * @packageDocumentation
 */
const LOG2E = 1.4426950408889634;
const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
/** 1.5·2^52: adding it rounds to an integer. */
const SHIFTER = 6755399441055744;

const view = new DataView(new ArrayBuffer(8));

/** 2^k for a k of the normal range, from its exponent bits. */
function pow2(k: number): number {
  view.setUint32(0, (k + 1023) << 20);
  view.setUint32(4, 0);
  return view.getFloat64(0);
}

/**
 * fm::exp: x = k·ln2 + r, the degree-13 Taylor polynomial for e^r (its terms from r² on by Estrin's scheme, the
 * last two by Horner, in fm::exp's order), and 2^k in two halves.
 */
export function fmExp(x: number): number {
  if (x !== x) return x;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.2) return 0;
  const kd = x * LOG2E + SHIFTER - SHIFTER;
  const r = x - kd * LN2_HI - kd * LN2_LO;
  const r2 = r * r;
  const r4 = r2 * r2;
  const r8 = r4 * r4;
  const e23 = (1 / 6) * r + 0.5;
  const e45 = (1 / 120) * r + 1 / 24;
  const e67 = (1 / 5040) * r + 1 / 720;
  const e89 = (1 / 362880) * r + 1 / 40320;
  const e1011 = (1 / 39916800) * r + 1 / 3628800;
  const e1213 = (1 / 6227020800) * r + 1 / 479001600;
  const high = (((e1213 * r2 + e1011) * r8) + ((e89 * r2 + e67) * r4)) + (e45 * r2 + e23);
  const p = (high * r + 1) * r + 1;
  const k1 = kd >> 1;
  return p * pow2(k1) * pow2(kd - k1);
}
