/**
 * The C structures of an object I/O, modelled 1:1 (`daos_iod_t`, `daos_recx_t`, `d_sg_list_t`,
 * `d_iov_t`), and their "gdb dump" forms for trace data (the shapes the seed prints).
 */
import type { Json } from '../trace/event.ts';
import { utf8DecodeStrict, toHex } from '../core/bytes.ts';
import { IOD_TYPE_NAMES } from './constants.ts';

/** `daos_recx_t`: records [idx, idx + nr − 1]. */
export interface Recx {
  idx: number;
  nr: number;
}

/** `daos_iod_t`. */
export interface DaosIod {
  /** `iod_name` (the akey bytes). */
  name: Uint8Array;
  /** `iod_type`: 0 NONE, 1 SINGLE, 2 ARRAY. */
  type: number;
  /** `iod_size`: value size (SINGLE) or record size (ARRAY); 0 = DAOS_REC_ANY on fetch. */
  size: number;
  /** `iod_flags` (per-akey conditions with DAOS_COND_PER_AKEY). */
  flags: number;
  /** `iod_nr`. */
  nr: number;
  /** `iod_recxs` (null = NULL pointer). */
  recxs: Recx[] | null;
}

/** `d_iov_t`: `buf.length` is `iov_buf_len`; `len` is `iov_len`. */
export interface Iov {
  buf: Uint8Array;
  len: number;
}

/** `d_sg_list_t`. */
export interface Sgl {
  iovs: Iov[];
  /** `sg_nr_out` (set on fetch). */
  nrOut: number;
}

/** Σ iov_buf_len of an sgl (`daos_sgl_buf_size`). */
export function sglBufSize(sgl: Sgl): number {
  let n = 0;
  for (const v of sgl.iovs) n += v.buf.length;
  return n;
}

/** `daos_sgls_packed_size`: Σ iov_buf_len + 8 per sgl + 16 per iov. */
export function sglsPackedSize(sgls: readonly (Sgl | null)[] | null): number {
  if (!sgls) return 0;
  let n = 0;
  for (const s of sgls) if (s) n += 8 + 16 * s.iovs.length + sglBufSize(s);
  return n;
}

/** The bytes of an sgl's iovs up to iov_len each (what an update sends). */
export function sglData(sgl: Sgl): Uint8Array {
  let n = 0;
  for (const v of sgl.iovs) n += v.len;
  const out = new Uint8Array(n);
  let o = 0;
  for (const v of sgl.iovs) {
    out.set(v.buf.subarray(0, v.len), o);
    o += v.len;
  }
  return out;
}

/** Bytes written by a value of this iod: iod_size (SINGLE) or iod_size × Σ rx_nr (ARRAY). */
export function iodDataSize(iod: DaosIod): number {
  if (iod.type === 1) return iod.size;
  let n = 0;
  for (const r of iod.recxs ?? []) n += r.nr;
  return n * iod.size;
}

/** A key as text when it is printable UTF-8, else as hex (trace data only). */
export function keyText(key: Uint8Array): string {
  const s = utf8DecodeStrict(key);
  // eslint-disable-next-line no-control-regex
  return s !== undefined && !/[\u0000-\u001f]/.test(s) ? s : '0x' + toHex(key);
}

/** `d_iov_t` of a key as gdb shows it, plus the key itself. */
export function keyDump(key: Uint8Array): Json {
  return { iov_buf: keyText(key), iov_buf_len: key.length, iov_len: key.length };
}

export function recxDump(r: Recx): Json {
  return { rx_idx: r.idx, rx_nr: r.nr };
}

export function iodDump(iod: DaosIod): Json {
  return {
    iod_name: keyDump(iod.name),
    iod_type: IOD_TYPE_NAMES[iod.type] ?? iod.type,
    iod_size: iod.size,
    iod_flags: iod.flags,
    iod_nr: iod.nr,
    iod_recxs: iod.recxs ? iod.recxs.map(recxDump) : null,
  };
}

export function sglDump(sgl: Sgl | null): Json {
  if (!sgl) return null;
  return {
    sg_nr: sgl.iovs.length,
    sg_nr_out: sgl.nrOut,
    sg_iovs: sgl.iovs.map((v) => ({ iov_buf_len: v.buf.length, iov_len: v.len })),
  };
}
