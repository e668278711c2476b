/**
 * The two hashes that place a dkey: gurt's `d_hash_murmur64` (dkey → 64-bit hash) and
 * `d_hash_jump` (hash → group). Spec daos-io-path.md §1.3 and §2.2. All u64 arithmetic is
 * done in BigInt and wrapped to 64 bits.
 */

const MASK64 = (1n << 64n) - 1n;
const MUR_PRIME = 0xc6a4a7935bd1e995n;
const MUR_ROTATE = 47n;

/** Seed `obj_dkey2hash` passes to murmur64. */
export const DKEY_HASH_SEED = 5731;

/** `d_hash_murmur64(key, len, seed)`. */
export function murmur64(key: Uint8Array, seed: number): bigint {
  const len = key.length;
  let h = (BigInt(seed >>> 0) ^ ((BigInt(len) * MUR_PRIME) & MASK64)) & MASK64;
  const full = len - (len % 8);
  for (let i = 0; i < full; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(key[i + j] as number);
    k = (k * MUR_PRIME) & MASK64;
    k ^= k >> MUR_ROTATE;
    k = (k * MUR_PRIME) & MASK64;
    h ^= k;
    h = (h * MUR_PRIME) & MASK64;
  }
  const tail = len - full;
  if (tail > 0) {
    for (let i = tail - 1; i >= 0; i--) h ^= BigInt(key[full + i] as number) << BigInt(8 * i);
    h = (h * MUR_PRIME) & MASK64;
  }
  h ^= h >> MUR_ROTATE;
  h = (h * MUR_PRIME) & MASK64;
  h ^= h >> MUR_ROTATE;
  return h;
}

/** `d_hash_jump(key, num_buckets)`: jump consistent hash (double-precision step as in C). */
export function jumpHash(key: bigint, buckets: number): number {
  let k = key & MASK64;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    k = (k * 2862933555777941757n + 1n) & MASK64;
    j = Math.floor(((b + 1) * 2147483648) / (Number(k >> 33n) + 1));
  }
  return b;
}

/** A key's bytes as a little-endian u64 (the hash of a uint64 dkey is the key itself). */
export function u64FromLe(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = Math.min(8, bytes.length) - 1; i >= 0; i--)
    v = (v << 8n) | BigInt(bytes[i] as number);
  return v;
}

export function u64ToLe(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  let x = v & MASK64;
  for (let i = 0; i < 8; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}
