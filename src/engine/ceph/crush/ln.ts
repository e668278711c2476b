/**
 * `crush_ln(xin)` ≈ 2^44·log2(xin + 1) for xin in [0, 0xffff] (spec §4.2), the fixed-point
 * log that straw2 turns a 16-bit hash into an exponential draw with.
 *
 * The C code works in unsigned 64-bit: `x · RH` reaches 2^65, beyond a JavaScript number's
 * 53 exact bits, so `crushLn` does the arithmetic in BigInt exactly as written. Straw2 calls
 * it millions of times, so `straw2Ln(u)` serves `crush_ln(u) - 2^48` from a table of all
 * 65 536 inputs, filled once from `crushLn` (every entry fits in 49 bits: exact as a number).
 */
import { LL_TBL, RH_LH_TBL } from './ln-tables.ts';

const RH_LH = RH_LH_TBL.map((v) => BigInt(v));
const LL = LL_TBL.map((v) => BigInt(v));

/** Exact `crush_ln` (u64 result as a bigint). */
export function crushLnBig(xin: number): bigint {
  let x = (xin + 1) >>> 0;
  let iexpon = 15;
  // Normalise x into [0x8000, 0x10000] in one shift when its top bits are clear.
  if ((x & 0x18000) === 0) {
    const bits = Math.clz32(x & 0x1ffff) - 16;
    x = (x << bits) >>> 0;
    iexpon = 15 - bits;
  }
  const index1 = (x >>> 8) << 1;
  const rh = RH_LH[index1 - 256];
  let lh = RH_LH[index1 + 1 - 256];
  if (rh === undefined || lh === undefined)
    throw new RangeError(`crush_ln: input ${xin} out of range`);
  const xl64 = (BigInt(x) * rh) >> 48n;
  let result = BigInt(iexpon) << 44n;
  const index2 = Number(xl64 & 0xffn);
  lh += LL[index2] ?? 0n;
  lh >>= 4n;
  result += lh;
  return result;
}

/** `crush_ln` as a number (exact: results stay below 2^49). */
export function crushLn(xin: number): number {
  return Number(crushLnBig(xin));
}

let lnMinus48: Float64Array | undefined;

/** `crush_ln(u) - 0x1000000000000` for u in [0, 0xffff], from a lazily built table. */
export function straw2Ln(u: number): number {
  let t = lnMinus48;
  if (t === undefined) {
    t = new Float64Array(0x10000);
    for (let i = 0; i < 0x10000; i++) t[i] = crushLn(i) - 0x1000000000000;
    lnMinus48 = t;
  }
  return t[u & 0xffff]!;
}

/**
 * Signed 64-bit division truncating toward zero (`div64_s64`), for |n| < 2^52 and
 * 0 < d < 2^32. A double quotient can round up across an integer when d is large, so the
 * result is corrected with an exact remainder (q·d stays within 2^53 of n).
 */
export function divTrunc(n: number, d: number): number {
  const neg = n < 0;
  const a = neg ? -n : n;
  let q = Math.floor(a / d);
  let r = a - q * d;
  while (r < 0) {
    q -= 1;
    r += d;
  }
  while (r >= d) {
    q += 1;
    r -= d;
  }
  return neg && q !== 0 ? -q : q;
}
