/**
 * Data checksums (spec §7.9): CRC32 (= CRC32C, `crc32_iscsi`) and CRC64 (`crc64_ecma_refl`),
 * one per chunk. A single value has one checksum over the whole value; an array extent has one
 * per chunk, chunks aligned to absolute record offsets (effective chunk = record size if the
 * record is larger than the chunk size, else ⌊chunk/record⌋ × record bytes).
 */

export const DAOS_PROP_CO_CSUM_OFF = 0;
export const DAOS_PROP_CO_CSUM_CRC32 = 2;
export const DAOS_PROP_CO_CSUM_CRC64 = 3;

export interface CsumProps {
  type: number;
  /** DAOS_PROP_CO_CSUM_CHUNK_SIZE (default 32 KiB). */
  chunk: number;
}

export const CSUM_OFF: CsumProps = { type: DAOS_PROP_CO_CSUM_OFF, chunk: 32768 };

function crcTable32(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
}

const T32C = crcTable32(0x82f63b78); // Castagnoli, reflected

/** CRC32C (iSCSI): init ~0, reflected, final xor ~0. */
export function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = (T32C[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const POLY64_REFL = 0xc96c5795d7870f42n; // ECMA-182, reflected
const T64 = (() => {
  const t: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ POLY64_REFL : c >> 1n;
    t.push(c);
  }
  return t;
})();

/** CRC64 ECMA reflected (init ~0, final xor ~0, as crc64_ecma_refl). */
export function crc64(data: Uint8Array): bigint {
  let c = 0xffff_ffff_ffff_ffffn;
  for (const b of data) c = (T64[Number((c ^ BigInt(b)) & 0xffn)] as bigint) ^ (c >> 8n);
  return c ^ 0xffff_ffff_ffff_ffffn;
}

export function csumLen(type: number): number {
  return type === DAOS_PROP_CO_CSUM_CRC32 ? 4 : type === DAOS_PROP_CO_CSUM_CRC64 ? 8 : 0;
}

/** The checksum bytes of `data` (little-endian). */
export function csumOf(type: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(csumLen(type));
  const dv = new DataView(out.buffer);
  if (type === DAOS_PROP_CO_CSUM_CRC32) dv.setUint32(0, crc32c(data), true);
  else if (type === DAOS_PROP_CO_CSUM_CRC64) dv.setBigUint64(0, crc64(data), true);
  return out;
}

/** Effective chunk size in bytes for records of `rsize` bytes. */
export function chunkBytes(props: CsumProps, rsize: number): number {
  return rsize > props.chunk ? rsize : Math.floor(props.chunk / rsize) * rsize;
}

/**
 * Checksums of an extent of records [lo, lo + nr) of `rsize` bytes: one per chunk it touches,
 * chunk boundaries at absolute record offsets (a partial chunk is summed over its part).
 */
export function extentCsums(
  props: CsumProps,
  rsize: number,
  lo: bigint,
  data: Uint8Array,
): Uint8Array {
  const len = csumLen(props.type);
  if (len === 0 || data.length === 0) return new Uint8Array(0);
  const recsPerChunk = BigInt(chunkBytes(props, rsize) / rsize);
  const nr = BigInt(data.length / rsize);
  const parts: Uint8Array[] = [];
  let idx = lo;
  while (idx < lo + nr) {
    const chunkEnd = (idx / recsPerChunk + 1n) * recsPerChunk;
    const end = chunkEnd < lo + nr ? chunkEnd : lo + nr;
    parts.push(
      csumOf(props.type, data.subarray(Number(idx - lo) * rsize, Number(end - lo) * rsize)),
    );
    idx = end;
  }
  const out = new Uint8Array(parts.length * len);
  parts.forEach((p, i) => out.set(p, i * len));
  return out;
}
