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
/** 1/13!, 1/12!, …, 1/1!, 1/0!: the Taylor polynomial of e^r, highest degree first. */
const TAYLOR = [6227020800, 479001600, 39916800, 3628800, 362880, 40320, 5040, 720, 120, 24, 6, 2, 1, 1].map((f) => 1 / f);

const view = new DataView(new ArrayBuffer(8));

/** 2^k for a k of the normal range, from its exponent bits. */
function pow2(k: number): number {
  view.setUint32(0, (k + 1023) << 20);
  view.setUint32(4, 0);
  return view.getFloat64(0);
}

/** fm::exp: x = k·ln2 + r, a degree-13 polynomial for e^r, and 2^k in two halves. */
export function fmExp(x: number): number {
  if (x !== x) return x;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.2) return 0;
  const kd = x * LOG2E + SHIFTER - SHIFTER;
  const r = x - kd * LN2_HI - kd * LN2_LO;
  let p = TAYLOR[0];
  for (let i = 1; i < TAYLOR.length; ++i) p = p * r + TAYLOR[i];
  const k1 = kd >> 1;
  return p * pow2(k1) * pow2(kd - k1);
}
