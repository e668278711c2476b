/**
 * Object-name hashes (`src/common/ceph_hash.cc`, spec §3.4): a pool's `object_hash`
 * chooses one. `rjenkins` (CEPH_STR_HASH_RJENKINS = 2) is the default everywhere; `linux`
 * (CEPH_STR_HASH_LINUX = 1, the dcache hash) is kept for pools that ask for it.
 * Names are hashed as their UTF-8 bytes, exactly like the C `const char *` + length.
 */
import { utf8Encode } from '../../core/bytes.ts';

export const CEPH_STR_HASH_LINUX = 1;
export const CEPH_STR_HASH_RJENKINS = 2;

function bytesOf(name: string | Uint8Array): Uint8Array {
  return typeof name === 'string' ? utf8Encode(name) : name;
}

/**
 * `ceph_str_hash_rjenkins`: Bob Jenkins' lookup2 over 12-byte blocks (little-endian words),
 * the tail folded into a/b/c with c's low byte reserved for the length. Returns u32.
 */
export function cephStrHashRjenkins(name: string | Uint8Array): number {
  const k = bytesOf(name);
  const length = k.length;
  let a = 0x9e3779b9 | 0;
  let b = a;
  let c = 0;
  let len = length;
  let i = 0;
  const byte = (j: number): number => k[j] ?? 0;
  const word = (j: number): number =>
    byte(j) | (byte(j + 1) << 8) | (byte(j + 2) << 16) | (byte(j + 3) << 24);
  const mix = (): void => {
    a = (a - b - c) ^ (c >>> 13);
    b = (b - c - a) ^ (a << 8);
    c = (c - a - b) ^ (b >>> 13);
    a = (a - b - c) ^ (c >>> 12);
    b = (b - c - a) ^ (a << 16);
    c = (c - a - b) ^ (b >>> 5);
    a = (a - b - c) ^ (c >>> 3);
    b = (b - c - a) ^ (a << 10);
    c = (c - a - b) ^ (b >>> 15);
  };
  while (len >= 12) {
    a = (a + word(i)) | 0;
    b = (b + word(i + 4)) | 0;
    c = (c + word(i + 8)) | 0;
    mix();
    i += 12;
    len -= 12;
  }
  c = (c + length) | 0;
  // The tail: bytes 8..10 go into c shifted by 8/16/24 (its low byte holds the length),
  // bytes 4..7 into b, bytes 0..3 into a — the C switch falls through from the top case.
  if (len >= 11) c = (c + (byte(i + 10) << 24)) | 0;
  if (len >= 10) c = (c + (byte(i + 9) << 16)) | 0;
  if (len >= 9) c = (c + (byte(i + 8) << 8)) | 0;
  if (len >= 8) b = (b + (byte(i + 7) << 24)) | 0;
  if (len >= 7) b = (b + (byte(i + 6) << 16)) | 0;
  if (len >= 6) b = (b + (byte(i + 5) << 8)) | 0;
  if (len >= 5) b = (b + byte(i + 4)) | 0;
  if (len >= 4) a = (a + (byte(i + 3) << 24)) | 0;
  if (len >= 3) a = (a + (byte(i + 2) << 16)) | 0;
  if (len >= 2) a = (a + (byte(i + 1) << 8)) | 0;
  if (len >= 1) a = (a + byte(i)) | 0;
  mix();
  return c >>> 0;
}

/** `ceph_str_hash_linux`: the Linux dcache string hash, truncated to 32 bits. */
export function cephStrHashLinux(name: string | Uint8Array): number {
  const k = bytesOf(name);
  let hash = 0;
  for (const ch of k) {
    // (hash + (c << 4) + (c >> 4)) * 11, modulo 2^32 (the C value is truncated on return,
    // and + / * commute with reduction mod 2^32).
    hash = Math.imul((hash + (ch << 4) + (ch >> 4)) | 0, 11);
  }
  return hash >>> 0;
}

/** `ceph_str_hash(type, s)`; unknown types hash to -1 like the C code. */
export function cephStrHash(type: number, name: string | Uint8Array): number {
  switch (type) {
    case CEPH_STR_HASH_LINUX:
      return cephStrHashLinux(name);
    case CEPH_STR_HASH_RJENKINS:
      return cephStrHashRjenkins(name);
    default:
      return 0xffffffff;
  }
}

/** Name of a hash type as `osdmaptool --print` shows it (`object_hash rjenkins`). */
export function cephStrHashName(type: number): string {
  return type === CEPH_STR_HASH_LINUX
    ? 'linux'
    : type === CEPH_STR_HASH_RJENKINS
      ? 'rjenkins'
      : 'unknown';
}
