/**
 * `ceph_stable_mod` and the pg_num masks (spec §3.2 step 4). Stable-mod keeps most objects
 * in place when pg_num grows by splitting: values below pg_num keep `x & mask`, the rest
 * fold into the lower half.
 */

/** Bit length of a u32 (`cbits`): 0 → 0, 1 → 1, 0x80 → 8. */
export function cbits(v: number): number {
  return v === 0 ? 0 : 32 - Math.clz32(v);
}

/** `(1 << cbits(n - 1)) - 1`: pg_num_mask / pgp_num_mask. */
export function calcPgMask(n: number): number {
  return n <= 1 ? 0 : (2 ** cbits(n - 1) - 1) >>> 0;
}

/** `ceph_stable_mod(x, b, bmask)`, all u32. */
export function cephStableMod(x: number, b: number, bmask: number): number {
  const lo = (x & bmask) >>> 0;
  return lo < b ? lo : (x & (bmask >>> 1)) >>> 0;
}
