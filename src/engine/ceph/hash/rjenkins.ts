/**
 * CRUSH's rjenkins1 hash family (`crush_hash32_*`, hash type 0 = CRUSH_HASH_RJENKINS1),
 * written from spec §4.1. Every value is an unsigned 32-bit integer; arithmetic wraps
 * (we compute in int32 with `| 0` and return `>>> 0`). Negative inputs (bucket ids such
 * as -1) enter as their 32-bit two's complement, which the Int32Array registers give us.
 *
 * `mix(p, q, h)` updates its three arguments in place and later mixes see the updated
 * values, so the arguments live in a small register file `v` addressed by name.
 */

/** `crush_hash_seed` = 1315423911 (0x4E67C6A7). */
export const CRUSH_HASH_SEED = 1315423911;
/** Hash type number stored in buckets (`hash 0 # rjenkins1`). */
export const CRUSH_HASH_RJENKINS1 = 0;

// Register file: inputs a..e, the constants x and y, and the running hash h.
const A = 0;
const B = 1;
const C = 2;
const D = 3;
const E = 4;
const X = 5;
const Y = 6;
const H = 7;
const v = new Int32Array(8);

/** Bob Jenkins' 96-bit mix on registers i, j, k. */
function mix(i: number, j: number, k: number): void {
  let a = v[i]!;
  let b = v[j]!;
  let c = v[k]!;
  a = (a - b - c) ^ (c >>> 13);
  b = (b - c - a) ^ (a << 8);
  c = (c - a - b) ^ (b >>> 13);
  a = (a - b - c) ^ (c >>> 12);
  b = (b - c - a) ^ (a << 16);
  c = (c - a - b) ^ (b >>> 5);
  a = (a - b - c) ^ (c >>> 3);
  b = (b - c - a) ^ (a << 10);
  c = (c - a - b) ^ (b >>> 15);
  v[i] = a;
  v[j] = b;
  v[k] = c;
}

function load(h: number, a: number, b = 0, c = 0, d = 0, e = 0): void {
  v[A] = a;
  v[B] = b;
  v[C] = c;
  v[D] = d;
  v[E] = e;
  v[X] = 231232;
  v[Y] = 1232;
  v[H] = CRUSH_HASH_SEED ^ h;
}

/** `crush_hash32_rjenkins1(a)`. */
export function crushHash32(a: number): number {
  load(a, a, a);
  mix(B, X, H);
  mix(Y, A, H);
  return v[H]! >>> 0;
}

/** `crush_hash32_rjenkins1_2(a, b)` — is_out, pps, primary affinity. */
export function crushHash32_2(a: number, b: number): number {
  load(a ^ b, a, b);
  mix(A, B, H);
  mix(X, A, H);
  mix(B, Y, H);
  return v[H]! >>> 0;
}

/** `crush_hash32_rjenkins1_3(a, b, c)` — straw/straw2 draws, uniform permutations. */
export function crushHash32_3(a: number, b: number, c: number): number {
  load(a ^ b ^ c, a, b, c);
  mix(A, B, H);
  mix(C, X, H);
  mix(Y, A, H);
  mix(B, X, H);
  mix(Y, C, H);
  return v[H]! >>> 0;
}

/** `crush_hash32_rjenkins1_4(a, b, c, d)` — list and tree buckets. */
export function crushHash32_4(a: number, b: number, c: number, d: number): number {
  load(a ^ b ^ c ^ d, a, b, c, d);
  mix(A, B, H);
  mix(C, D, H);
  mix(A, X, H);
  mix(Y, B, H);
  mix(C, X, H);
  mix(Y, D, H);
  return v[H]! >>> 0;
}

/** `crush_hash32_rjenkins1_5(a, b, c, d, e)`. */
export function crushHash32_5(a: number, b: number, c: number, d: number, e: number): number {
  load(a ^ b ^ c ^ d ^ e, a, b, c, d, e);
  mix(A, B, H);
  mix(C, D, H);
  mix(E, X, H);
  mix(Y, A, H);
  mix(B, X, H);
  mix(Y, C, H);
  mix(D, X, H);
  mix(Y, E, H);
  return v[H]! >>> 0;
}
