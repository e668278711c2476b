/**
 * CRUSH's rjenkins1 hash family (`crush_hash32_*`, hash type 0 = CRUSH_HASH_RJENKINS1),
 * written from spec §4.1. Every value is an unsigned 32-bit integer; arithmetic wraps:
 * every intermediate is kept int32 (`| 0` after each subtraction, which also keeps V8 on its
 * integer fast path), and the result is returned unsigned (`>>> 0`). Negative inputs (bucket
 * ids such as -1) enter as their 32-bit two's complement.
 *
 * `mix(p, q, h)` — Bob Jenkins' nine "subtract the other two, xor a shifted value" steps —
 * updates its three arguments in place and later mixes see the updated values. It is
 * written out inline in every function (marked `// mix(p, q, h)`): CRUSH calls these
 * hashes millions of times and a call per mix costs more than the mix itself.
 */

/** `crush_hash_seed` = 1315423911 (0x4E67C6A7). */
export const CRUSH_HASH_SEED = 1315423911;
/** Hash type number stored in buckets (`hash 0 # rjenkins1`). */
export const CRUSH_HASH_RJENKINS1 = 0;

/** `crush_hash32_rjenkins1(a)`. */
export function crushHash32(a: number): number {
  a |= 0;
  let b = a;
  let x = 231232;
  let y = 1232;
  let h = (CRUSH_HASH_SEED ^ a) | 0;
  // mix(b, x, h)
  b = ((((b - x) | 0) - h) | 0) ^ (h >>> 13);
  x = ((((x - h) | 0) - b) | 0) ^ (b << 8);
  h = ((((h - b) | 0) - x) | 0) ^ (x >>> 13);
  b = ((((b - x) | 0) - h) | 0) ^ (h >>> 12);
  x = ((((x - h) | 0) - b) | 0) ^ (b << 16);
  h = ((((h - b) | 0) - x) | 0) ^ (x >>> 5);
  b = ((((b - x) | 0) - h) | 0) ^ (h >>> 3);
  x = ((((x - h) | 0) - b) | 0) ^ (b << 10);
  h = ((((h - b) | 0) - x) | 0) ^ (x >>> 15);
  // mix(y, a, h)
  y = ((((y - a) | 0) - h) | 0) ^ (h >>> 13);
  a = ((((a - h) | 0) - y) | 0) ^ (y << 8);
  h = ((((h - y) | 0) - a) | 0) ^ (a >>> 13);
  y = ((((y - a) | 0) - h) | 0) ^ (h >>> 12);
  a = ((((a - h) | 0) - y) | 0) ^ (y << 16);
  h = ((((h - y) | 0) - a) | 0) ^ (a >>> 5);
  y = ((((y - a) | 0) - h) | 0) ^ (h >>> 3);
  a = ((((a - h) | 0) - y) | 0) ^ (y << 10);
  h = ((((h - y) | 0) - a) | 0) ^ (a >>> 15);
  return h >>> 0;
}

/** `crush_hash32_rjenkins1_2(a, b)` — is_out, pps, primary affinity. */
export function crushHash32_2(a: number, b: number): number {
  a |= 0;
  b |= 0;
  let x = 231232;
  let y = 1232;
  let h = (CRUSH_HASH_SEED ^ a ^ b) | 0;
  // mix(a, b, h)
  a = ((((a - b) | 0) - h) | 0) ^ (h >>> 13);
  b = ((((b - h) | 0) - a) | 0) ^ (a << 8);
  h = ((((h - a) | 0) - b) | 0) ^ (b >>> 13);
  a = ((((a - b) | 0) - h) | 0) ^ (h >>> 12);
  b = ((((b - h) | 0) - a) | 0) ^ (a << 16);
  h = ((((h - a) | 0) - b) | 0) ^ (b >>> 5);
  a = ((((a - b) | 0) - h) | 0) ^ (h >>> 3);
  b = ((((b - h) | 0) - a) | 0) ^ (a << 10);
  h = ((((h - a) | 0) - b) | 0) ^ (b >>> 15);
  // mix(x, a, h)
  x = ((((x - a) | 0) - h) | 0) ^ (h >>> 13);
  a = ((((a - h) | 0) - x) | 0) ^ (x << 8);
  h = ((((h - x) | 0) - a) | 0) ^ (a >>> 13);
  x = ((((x - a) | 0) - h) | 0) ^ (h >>> 12);
  a = ((((a - h) | 0) - x) | 0) ^ (x << 16);
  h = ((((h - x) | 0) - a) | 0) ^ (a >>> 5);
  x = ((((x - a) | 0) - h) | 0) ^ (h >>> 3);
  a = ((((a - h) | 0) - x) | 0) ^ (x << 10);
  h = ((((h - x) | 0) - a) | 0) ^ (a >>> 15);
  // mix(b, y, h)
  b = ((((b - y) | 0) - h) | 0) ^ (h >>> 13);
  y = ((((y - h) | 0) - b) | 0) ^ (b << 8);
  h = ((((h - b) | 0) - y) | 0) ^ (y >>> 13);
  b = ((((b - y) | 0) - h) | 0) ^ (h >>> 12);
  y = ((((y - h) | 0) - b) | 0) ^ (b << 16);
  h = ((((h - b) | 0) - y) | 0) ^ (y >>> 5);
  b = ((((b - y) | 0) - h) | 0) ^ (h >>> 3);
  y = ((((y - h) | 0) - b) | 0) ^ (b << 10);
  h = ((((h - b) | 0) - y) | 0) ^ (y >>> 15);
  return h >>> 0;
}

/** `crush_hash32_rjenkins1_3(a, b, c)` — straw/straw2 draws, uniform permutations. */
export function crushHash32_3(a: number, b: number, c: number): number {
  a |= 0;
  b |= 0;
  c |= 0;
  let x = 231232;
  let y = 1232;
  let h = (CRUSH_HASH_SEED ^ a ^ b ^ c) | 0;
  // mix(a, b, h)
  a = ((((a - b) | 0) - h) | 0) ^ (h >>> 13);
  b = ((((b - h) | 0) - a) | 0) ^ (a << 8);
  h = ((((h - a) | 0) - b) | 0) ^ (b >>> 13);
  a = ((((a - b) | 0) - h) | 0) ^ (h >>> 12);
  b = ((((b - h) | 0) - a) | 0) ^ (a << 16);
  h = ((((h - a) | 0) - b) | 0) ^ (b >>> 5);
  a = ((((a - b) | 0) - h) | 0) ^ (h >>> 3);
  b = ((((b - h) | 0) - a) | 0) ^ (a << 10);
  h = ((((h - a) | 0) - b) | 0) ^ (b >>> 15);
  // mix(c, x, h)
  c = ((((c - x) | 0) - h) | 0) ^ (h >>> 13);
  x = ((((x - h) | 0) - c) | 0) ^ (c << 8);
  h = ((((h - c) | 0) - x) | 0) ^ (x >>> 13);
  c = ((((c - x) | 0) - h) | 0) ^ (h >>> 12);
  x = ((((x - h) | 0) - c) | 0) ^ (c << 16);
  h = ((((h - c) | 0) - x) | 0) ^ (x >>> 5);
  c = ((((c - x) | 0) - h) | 0) ^ (h >>> 3);
  x = ((((x - h) | 0) - c) | 0) ^ (c << 10);
  h = ((((h - c) | 0) - x) | 0) ^ (x >>> 15);
  // mix(y, a, h)
  y = ((((y - a) | 0) - h) | 0) ^ (h >>> 13);
  a = ((((a - h) | 0) - y) | 0) ^ (y << 8);
  h = ((((h - y) | 0) - a) | 0) ^ (a >>> 13);
  y = ((((y - a) | 0) - h) | 0) ^ (h >>> 12);
  a = ((((a - h) | 0) - y) | 0) ^ (y << 16);
  h = ((((h - y) | 0) - a) | 0) ^ (a >>> 5);
  y = ((((y - a) | 0) - h) | 0) ^ (h >>> 3);
  a = ((((a - h) | 0) - y) | 0) ^ (y << 10);
  h = ((((h - y) | 0) - a) | 0) ^ (a >>> 15);
  // mix(b, x, h)
  b = ((((b - x) | 0) - h) | 0) ^ (h >>> 13);
  x = ((((x - h) | 0) - b) | 0) ^ (b << 8);
  h = ((((h - b) | 0) - x) | 0) ^ (x >>> 13);
  b = ((((b - x) | 0) - h) | 0) ^ (h >>> 12);
  x = ((((x - h) | 0) - b) | 0) ^ (b << 16);
  h = ((((h - b) | 0) - x) | 0) ^ (x >>> 5);
  b = ((((b - x) | 0) - h) | 0) ^ (h >>> 3);
  x = ((((x - h) | 0) - b) | 0) ^ (b << 10);
  h = ((((h - b) | 0) - x) | 0) ^ (x >>> 15);
  // mix(y, c, h)
  y = ((((y - c) | 0) - h) | 0) ^ (h >>> 13);
  c = ((((c - h) | 0) - y) | 0) ^ (y << 8);
  h = ((((h - y) | 0) - c) | 0) ^ (c >>> 13);
  y = ((((y - c) | 0) - h) | 0) ^ (h >>> 12);
  c = ((((c - h) | 0) - y) | 0) ^ (y << 16);
  h = ((((h - y) | 0) - c) | 0) ^ (c >>> 5);
  y = ((((y - c) | 0) - h) | 0) ^ (h >>> 3);
  c = ((((c - h) | 0) - y) | 0) ^ (y << 10);
  h = ((((h - y) | 0) - c) | 0) ^ (c >>> 15);
  return h >>> 0;
}

/** `crush_hash32_rjenkins1_4(a, b, c, d)` — list and tree buckets. */
export function crushHash32_4(a: number, b: number, c: number, d: number): number {
  a |= 0;
  b |= 0;
  c |= 0;
  d |= 0;
  let x = 231232;
  let y = 1232;
  let h = (CRUSH_HASH_SEED ^ a ^ b ^ c ^ d) | 0;
  // mix(a, b, h)
  a = ((((a - b) | 0) - h) | 0) ^ (h >>> 13);
  b = ((((b - h) | 0) - a) | 0) ^ (a << 8);
  h = ((((h - a) | 0) - b) | 0) ^ (b >>> 13);
  a = ((((a - b) | 0) - h) | 0) ^ (h >>> 12);
  b = ((((b - h) | 0) - a) | 0) ^ (a << 16);
  h = ((((h - a) | 0) - b) | 0) ^ (b >>> 5);
  a = ((((a - b) | 0) - h) | 0) ^ (h >>> 3);
  b = ((((b - h) | 0) - a) | 0) ^ (a << 10);
  h = ((((h - a) | 0) - b) | 0) ^ (b >>> 15);
  // mix(c, d, h)
  c = ((((c - d) | 0) - h) | 0) ^ (h >>> 13);
  d = ((((d - h) | 0) - c) | 0) ^ (c << 8);
  h = ((((h - c) | 0) - d) | 0) ^ (d >>> 13);
  c = ((((c - d) | 0) - h) | 0) ^ (h >>> 12);
  d = ((((d - h) | 0) - c) | 0) ^ (c << 16);
  h = ((((h - c) | 0) - d) | 0) ^ (d >>> 5);
  c = ((((c - d) | 0) - h) | 0) ^ (h >>> 3);
  d = ((((d - h) | 0) - c) | 0) ^ (c << 10);
  h = ((((h - c) | 0) - d) | 0) ^ (d >>> 15);
  // mix(a, x, h)
  a = ((((a - x) | 0) - h) | 0) ^ (h >>> 13);
  x = ((((x - h) | 0) - a) | 0) ^ (a << 8);
  h = ((((h - a) | 0) - x) | 0) ^ (x >>> 13);
  a = ((((a - x) | 0) - h) | 0) ^ (h >>> 12);
  x = ((((x - h) | 0) - a) | 0) ^ (a << 16);
  h = ((((h - a) | 0) - x) | 0) ^ (x >>> 5);
  a = ((((a - x) | 0) - h) | 0) ^ (h >>> 3);
  x = ((((x - h) | 0) - a) | 0) ^ (a << 10);
  h = ((((h - a) | 0) - x) | 0) ^ (x >>> 15);
  // mix(y, b, h)
  y = ((((y - b) | 0) - h) | 0) ^ (h >>> 13);
  b = ((((b - h) | 0) - y) | 0) ^ (y << 8);
  h = ((((h - y) | 0) - b) | 0) ^ (b >>> 13);
  y = ((((y - b) | 0) - h) | 0) ^ (h >>> 12);
  b = ((((b - h) | 0) - y) | 0) ^ (y << 16);
  h = ((((h - y) | 0) - b) | 0) ^ (b >>> 5);
  y = ((((y - b) | 0) - h) | 0) ^ (h >>> 3);
  b = ((((b - h) | 0) - y) | 0) ^ (y << 10);
  h = ((((h - y) | 0) - b) | 0) ^ (b >>> 15);
  // mix(c, x, h)
  c = ((((c - x) | 0) - h) | 0) ^ (h >>> 13);
  x = ((((x - h) | 0) - c) | 0) ^ (c << 8);
  h = ((((h - c) | 0) - x) | 0) ^ (x >>> 13);
  c = ((((c - x) | 0) - h) | 0) ^ (h >>> 12);
  x = ((((x - h) | 0) - c) | 0) ^ (c << 16);
  h = ((((h - c) | 0) - x) | 0) ^ (x >>> 5);
  c = ((((c - x) | 0) - h) | 0) ^ (h >>> 3);
  x = ((((x - h) | 0) - c) | 0) ^ (c << 10);
  h = ((((h - c) | 0) - x) | 0) ^ (x >>> 15);
  // mix(y, d, h)
  y = ((((y - d) | 0) - h) | 0) ^ (h >>> 13);
  d = ((((d - h) | 0) - y) | 0) ^ (y << 8);
  h = ((((h - y) | 0) - d) | 0) ^ (d >>> 13);
  y = ((((y - d) | 0) - h) | 0) ^ (h >>> 12);
  d = ((((d - h) | 0) - y) | 0) ^ (y << 16);
  h = ((((h - y) | 0) - d) | 0) ^ (d >>> 5);
  y = ((((y - d) | 0) - h) | 0) ^ (h >>> 3);
  d = ((((d - h) | 0) - y) | 0) ^ (y << 10);
  h = ((((h - y) | 0) - d) | 0) ^ (d >>> 15);
  return h >>> 0;
}

/** `crush_hash32_rjenkins1_5(a, b, c, d, e)`. */
export function crushHash32_5(a: number, b: number, c: number, d: number, e: number): number {
  a |= 0;
  b |= 0;
  c |= 0;
  d |= 0;
  e |= 0;
  let x = 231232;
  let y = 1232;
  let h = (CRUSH_HASH_SEED ^ a ^ b ^ c ^ d ^ e) | 0;
  // mix(a, b, h)
  a = ((((a - b) | 0) - h) | 0) ^ (h >>> 13);
  b = ((((b - h) | 0) - a) | 0) ^ (a << 8);
  h = ((((h - a) | 0) - b) | 0) ^ (b >>> 13);
  a = ((((a - b) | 0) - h) | 0) ^ (h >>> 12);
  b = ((((b - h) | 0) - a) | 0) ^ (a << 16);
  h = ((((h - a) | 0) - b) | 0) ^ (b >>> 5);
  a = ((((a - b) | 0) - h) | 0) ^ (h >>> 3);
  b = ((((b - h) | 0) - a) | 0) ^ (a << 10);
  h = ((((h - a) | 0) - b) | 0) ^ (b >>> 15);
  // mix(c, d, h)
  c = ((((c - d) | 0) - h) | 0) ^ (h >>> 13);
  d = ((((d - h) | 0) - c) | 0) ^ (c << 8);
  h = ((((h - c) | 0) - d) | 0) ^ (d >>> 13);
  c = ((((c - d) | 0) - h) | 0) ^ (h >>> 12);
  d = ((((d - h) | 0) - c) | 0) ^ (c << 16);
  h = ((((h - c) | 0) - d) | 0) ^ (d >>> 5);
  c = ((((c - d) | 0) - h) | 0) ^ (h >>> 3);
  d = ((((d - h) | 0) - c) | 0) ^ (c << 10);
  h = ((((h - c) | 0) - d) | 0) ^ (d >>> 15);
  // mix(e, x, h)
  e = ((((e - x) | 0) - h) | 0) ^ (h >>> 13);
  x = ((((x - h) | 0) - e) | 0) ^ (e << 8);
  h = ((((h - e) | 0) - x) | 0) ^ (x >>> 13);
  e = ((((e - x) | 0) - h) | 0) ^ (h >>> 12);
  x = ((((x - h) | 0) - e) | 0) ^ (e << 16);
  h = ((((h - e) | 0) - x) | 0) ^ (x >>> 5);
  e = ((((e - x) | 0) - h) | 0) ^ (h >>> 3);
  x = ((((x - h) | 0) - e) | 0) ^ (e << 10);
  h = ((((h - e) | 0) - x) | 0) ^ (x >>> 15);
  // mix(y, a, h)
  y = ((((y - a) | 0) - h) | 0) ^ (h >>> 13);
  a = ((((a - h) | 0) - y) | 0) ^ (y << 8);
  h = ((((h - y) | 0) - a) | 0) ^ (a >>> 13);
  y = ((((y - a) | 0) - h) | 0) ^ (h >>> 12);
  a = ((((a - h) | 0) - y) | 0) ^ (y << 16);
  h = ((((h - y) | 0) - a) | 0) ^ (a >>> 5);
  y = ((((y - a) | 0) - h) | 0) ^ (h >>> 3);
  a = ((((a - h) | 0) - y) | 0) ^ (y << 10);
  h = ((((h - y) | 0) - a) | 0) ^ (a >>> 15);
  // mix(b, x, h)
  b = ((((b - x) | 0) - h) | 0) ^ (h >>> 13);
  x = ((((x - h) | 0) - b) | 0) ^ (b << 8);
  h = ((((h - b) | 0) - x) | 0) ^ (x >>> 13);
  b = ((((b - x) | 0) - h) | 0) ^ (h >>> 12);
  x = ((((x - h) | 0) - b) | 0) ^ (b << 16);
  h = ((((h - b) | 0) - x) | 0) ^ (x >>> 5);
  b = ((((b - x) | 0) - h) | 0) ^ (h >>> 3);
  x = ((((x - h) | 0) - b) | 0) ^ (b << 10);
  h = ((((h - b) | 0) - x) | 0) ^ (x >>> 15);
  // mix(y, c, h)
  y = ((((y - c) | 0) - h) | 0) ^ (h >>> 13);
  c = ((((c - h) | 0) - y) | 0) ^ (y << 8);
  h = ((((h - y) | 0) - c) | 0) ^ (c >>> 13);
  y = ((((y - c) | 0) - h) | 0) ^ (h >>> 12);
  c = ((((c - h) | 0) - y) | 0) ^ (y << 16);
  h = ((((h - y) | 0) - c) | 0) ^ (c >>> 5);
  y = ((((y - c) | 0) - h) | 0) ^ (h >>> 3);
  c = ((((c - h) | 0) - y) | 0) ^ (y << 10);
  h = ((((h - y) | 0) - c) | 0) ^ (c >>> 15);
  // mix(d, x, h)
  d = ((((d - x) | 0) - h) | 0) ^ (h >>> 13);
  x = ((((x - h) | 0) - d) | 0) ^ (d << 8);
  h = ((((h - d) | 0) - x) | 0) ^ (x >>> 13);
  d = ((((d - x) | 0) - h) | 0) ^ (h >>> 12);
  x = ((((x - h) | 0) - d) | 0) ^ (d << 16);
  h = ((((h - d) | 0) - x) | 0) ^ (x >>> 5);
  d = ((((d - x) | 0) - h) | 0) ^ (h >>> 3);
  x = ((((x - h) | 0) - d) | 0) ^ (d << 10);
  h = ((((h - d) | 0) - x) | 0) ^ (x >>> 15);
  // mix(y, e, h)
  y = ((((y - e) | 0) - h) | 0) ^ (h >>> 13);
  e = ((((e - h) | 0) - y) | 0) ^ (y << 8);
  h = ((((h - y) | 0) - e) | 0) ^ (e >>> 13);
  y = ((((y - e) | 0) - h) | 0) ^ (h >>> 12);
  e = ((((e - h) | 0) - y) | 0) ^ (y << 16);
  h = ((((h - y) | 0) - e) | 0) ^ (e >>> 5);
  y = ((((y - e) | 0) - h) | 0) ^ (h >>> 3);
  e = ((((e - h) | 0) - y) | 0) ^ (y << 10);
  h = ((((h - y) | 0) - e) | 0) ^ (e >>> 15);
  return h >>> 0;
}
