/**
 * Key hashing and the 16-byte "hkey" that orders dkeys/akeys inside the key btrees (spec §1.3,
 * §7.2). Three key kinds, chosen per object from the oid's feature bits:
 *   - hashed (default): keys ≤ 15 bytes inline ((len<<2)|1, bytes); longer keys
 *     murmur64(seed 0xC0FFEE) ‖ djb2-32 ‖ len<<2 — collisions are broken by the full key;
 *   - uint64 (BTR_FEAT_UINT_KEY): 8-byte little-endian key, ordered numerically (hkey = BE);
 *   - lexical (BTR_FEAT_DIRECT_KEY): memcmp then length; the hkey is the first 16 bytes
 *     zero-padded (a weak order consistent with the full one), ties broken by the full key.
 */
import { derError } from '../core/errors.ts';
import type { BKey } from './btree/btree.ts';

const M64 = 0xffff_ffff_ffff_ffffn;
const MUR_PRIME = 0xc6a4a7935bd1e995n;

/** d_hash_murmur64 (gurt): MurmurHash64A. */
export function murmur64(key: Uint8Array, seed: number): bigint {
  const len = key.length;
  let h = (BigInt(seed) ^ ((BigInt(len) * MUR_PRIME) & M64)) & M64;
  const dv = new DataView(key.buffer, key.byteOffset, key.byteLength);
  const full = len - (len % 8);
  for (let i = 0; i < full; i += 8) {
    let k = dv.getBigUint64(i, true);
    k = (k * MUR_PRIME) & M64;
    k ^= k >> 47n;
    k = (k * MUR_PRIME) & M64;
    h ^= k;
    h = (h * MUR_PRIME) & M64;
  }
  const tail = len - full;
  if (tail > 0) {
    for (let i = tail - 1; i >= 0; i--) h ^= BigInt(key[full + i] as number) << BigInt(8 * i);
    h = (h * MUR_PRIME) & M64;
  }
  h ^= h >> 47n;
  h = (h * MUR_PRIME) & M64;
  h ^= h >> 47n;
  return h;
}

/** djb2-style 32-bit string hash (result = result*33 + byte, from 5381). */
export function djb2(key: Uint8Array): number {
  let r = 5381;
  for (const b of key) r = (Math.imul(r, 33) + b) >>> 0;
  return r;
}

export type KeyKind = 'hashed' | 'uint64' | 'lexical';

export const KEY_HKEY_SIZE = 16;

/** The hkey + full key of a dkey/akey for a key tree of this kind. */
export function keyProbe(kind: KeyKind, key: Uint8Array): BKey {
  const hkey = new Uint8Array(KEY_HKEY_SIZE);
  if (kind === 'uint64') {
    if (key.length !== 8) throw derError('INVAL', `uint64 key must be 8 bytes, got ${key.length}`);
    // Little-endian value → big-endian hkey so memcmp gives numeric order.
    for (let i = 0; i < 8; i++) hkey[i] = key[7 - i] as number;
    return { hkey, key };
  }
  if (kind === 'lexical') {
    hkey.set(key.subarray(0, KEY_HKEY_SIZE));
    return { hkey, key };
  }
  if (key.length < KEY_HKEY_SIZE) {
    hkey[0] = ((key.length << 2) | 1) & 0xff;
    hkey.set(key, 1);
    return { hkey, key };
  }
  const dv = new DataView(hkey.buffer);
  dv.setBigUint64(0, murmur64(key, 0xc0ffee), true);
  dv.setUint32(8, djb2(key), true);
  dv.setUint32(12, (key.length << 2) >>> 0, true);
  return { hkey, key };
}

/** The u64 value of an 8-byte little-endian key. */
export function u64Key(key: Uint8Array): bigint {
  return new DataView(key.buffer, key.byteOffset, 8).getBigUint64(0, true);
}

export function u64KeyBytes(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
}
