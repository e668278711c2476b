/**
 * The I/O descriptors VOS takes (daos_iod_t, daos_recx_t, d_sg_list_t) and the unit object id.
 * Record indices are bigint: an extent may sit anywhere in the 63-bit index space (spec S23).
 */
import type { Json } from '../trace/event.ts';
import { toHex, u64Hex, utf8DecodeStrict } from '../core/bytes.ts';

export const DAOS_IOD_NONE = 0;
export const DAOS_IOD_SINGLE = 1;
export const DAOS_IOD_ARRAY = 2;
export const IOD_TYPE_NAMES = ['DAOS_IOD_NONE', 'DAOS_IOD_SINGLE', 'DAOS_IOD_ARRAY'] as const;

/** DAOS_COND_* (VOS_OF_COND_* share the values). */
export const COND = {
  PUNCH: 1,
  DKEY_INSERT: 2,
  DKEY_UPDATE: 4,
  DKEY_FETCH: 8,
  AKEY_INSERT: 16,
  AKEY_UPDATE: 32,
  AKEY_FETCH: 64,
  PER_AKEY: 128,
} as const;

export const DAOS_EPOCH_MAX = 0xffff_ffff_ffff_ffffn;
export const VOS_SUB_OP_MAX = 16383;
/** Minor epoch used as "any minor" when probing (EVT_MINOR_EPC_MAX). */
export const MINOR_MAX = 0xffff;

/** daos_unit_oid_t */
export interface VosOid {
  hi: bigint;
  lo: bigint;
  shard: number;
  layoutVer?: number;
}

export interface VosRecx {
  idx: bigint;
  nr: number;
}

export interface VosIod {
  name: Uint8Array;
  type: number;
  /** iod_size: value size (SV) / record size (array); fetch: 0 = DAOS_REC_ANY, set on return. */
  size: number;
  flags: number;
  recxs: VosRecx[] | null;
}

export interface VosIov {
  buf: Uint8Array;
  len: number;
}

export interface VosSgl {
  iovs: VosIov[];
  nrOut: number;
}

/** Make an sgl of one iov holding `data` (update) or an empty buffer of `cap` bytes (fetch). */
export function sglOf(data: Uint8Array): VosSgl {
  return { iovs: [{ buf: data, len: data.length }], nrOut: 0 };
}

export function sglBuf(cap: number, fill = 0): VosSgl {
  return { iovs: [{ buf: new Uint8Array(cap).fill(fill), len: 0 }], nrOut: 0 };
}

/** Object type (bits 63..56 of hi) → key kinds (spec §1.2 table). */
export function oidOtype(oid: VosOid): number {
  return Number((oid.hi >> 56n) & 0xffn);
}

export function keyText(key: Uint8Array): string {
  const s = utf8DecodeStrict(key);
  // eslint-disable-next-line no-control-regex
  if (s !== undefined && !/[\u0000-\u001f]/.test(s))
    return s.length > 64 ? s.slice(0, 61) + '...' : s;
  return '0x' + toHex(key.subarray(0, 32)) + (key.length > 32 ? '...' : '');
}

export function keyDump(key: Uint8Array): Json {
  return { iov_buf: keyText(key), iov_buf_len: key.length, iov_len: key.length };
}

export function oidDump(oid: VosOid): Json {
  return { id_pub: { hi: u64Hex(oid.hi), lo: u64Hex(oid.lo) }, id_shard: oid.shard };
}

export function iodDump(iod: VosIod): Json {
  return {
    iod_name: keyDump(iod.name),
    iod_type: IOD_TYPE_NAMES[iod.type] ?? iod.type,
    iod_size: iod.size,
    iod_flags: iod.flags,
    iod_nr: iod.type === DAOS_IOD_SINGLE ? 1 : (iod.recxs?.length ?? 0),
    iod_recxs: iod.recxs ? iod.recxs.map((r) => ({ rx_idx: u64Hex(r.idx), rx_nr: r.nr })) : null,
  };
}

export function sglDump(sgl: VosSgl | null): Json {
  if (!sgl) return null;
  return {
    sg_nr: sgl.iovs.length,
    sg_nr_out: sgl.nrOut,
    sg_iovs: sgl.iovs.map((v) => ({ iov_buf_len: v.buf.length, iov_len: v.len })),
  };
}
