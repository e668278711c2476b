/**
 * Byte layouts of the persistent VOS structures in SCM (spec §7). All little-endian.
 * Offsets are named after the DAOS fields they model; see README.md for the full picture.
 */
import type { VosMem } from './mem.ts';

// ---- vos_pool_df: the umem root object ------------------------------------------------------
export const POOL_DF_MAGIC = 0x5ca1ab1e;
export const POOL_DF_VERSION = 26; // durable format 2.6 (flat dkeys not used: see README)
export const POOL_DF = {
  pd_magic: 0, // u32
  pd_version: 4, // u32
  pd_scm_sz: 8, // u64
  pd_nvme_sz: 16, // u64
  pd_cont_root: 24, // btr_root (24)
  pd_vea_df: 64, // 64 B: the VEA space descriptor (vea_space_df, written by media/vea)
  size: 128,
} as const;

// ---- vos_cont_df ----------------------------------------------------------------------------
export const CONT_DF = {
  cd_id: 0, // uuid (16)
  cd_nobjs: 16, // u64
  cd_used: 24, // u64
  cd_hae: 32, // u64 highest aggregated epoch
  cd_obj_root: 40, // btr_root (24): the object index table
  size: 64,
} as const;

// ---- vos_obj_df -----------------------------------------------------------------------------
export const OBJ_DF = {
  vo_id: 0, // daos_unit_oid_t: hi u64, lo u64, shard u32, layout ver u32 (24)
  vo_sync: 24, // u64
  vo_max_write: 32, // u64
  vo_known_dkey: 40, // u64 (unused: flat-dkey objects are not modelled)
  vo_ilog: 48, // ilog_df (24)
  vo_tree: 72, // btr_root (24): dkey tree
  size: 96,
} as const;

// ---- vos_krec_df: key record, followed by the key bytes ------------------------------------
export const KREC_BF_EVT = 1;
export const KREC_BF_BTR = 2;
export const KREC_BF_DKEY = 4;
export const KREC_BF_NO_AKEY = 8;
export const KREC = {
  kr_bmap: 0, // u8
  kr_cs_type: 1, // u8
  kr_cs_size: 2, // u16
  kr_size: 4, // u32 key length
  kr_ilog: 8, // ilog_df (24)
  kr_btr: 32, // btr_root (24) — akey tree (dkey records) or SV tree (akey records)
  kr_known_akey: 56, // u64
  kr_evt: 32, // evt_root (32) — union with kr_btr for array akeys
} as const;
export const KREC_HDR = 64;

export function krecKeyLen(mem: VosMem, recOff: number): number {
  return mem.u32(recOff + KREC.kr_size);
}

export function krecKey(mem: VosMem, recOff: number): Uint8Array {
  return mem.read(recOff + KREC_HDR, krecKeyLen(mem, recOff));
}

// ---- ilog_df (24 bytes, embedded in obj/key records) --------------------------------------
export const ILOG_DF_SIZE = 24;
export const ILOG_ID_SIZE = 16;

// ---- bio_addr_t (16 bytes) -----------------------------------------------------------------
export const DAOS_MEDIA_SCM = 0;
export const DAOS_MEDIA_NVME = 1;
export const BIO_FLAG_HOLE = 1;
export const BIO_FLAG_DEDUP = 2;
export const BIO_FLAG_CORRUPTED = 4;
export const BIO_FLAG_GANG = 8;
export const BIO_ADDR_SIZE = 16;

export interface BioAddr {
  ba_off: number;
  ba_type: number;
  ba_flags: number;
}

export function encBioAddr(a: BioAddr): Uint8Array {
  const b = new Uint8Array(BIO_ADDR_SIZE);
  putBioAddr(new DataView(b.buffer), 0, a);
  return b;
}

/** Encode a bio_addr_t at `at` of `dv` (bytes 9 and 12..15 are left as they are: zero). */
export function putBioAddr(dv: DataView, at: number, a: BioAddr): void {
  dv.setUint32(at, a.ba_off % 0x1_0000_0000, true);
  dv.setUint32(at + 4, Math.floor(a.ba_off / 0x1_0000_0000), true);
  dv.setUint8(at + 8, a.ba_type);
  dv.setUint16(at + 10, a.ba_flags, true);
}

export function decBioAddr(dv: DataView, at: number): BioAddr {
  return {
    ba_off: dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 0x1_0000_0000,
    ba_type: dv.getUint8(at + 8),
    ba_flags: dv.getUint16(at + 10, true),
  };
}

// ---- vos_irec_df: single-value record (SV tree record), followed by csum then payload -----
export const IREC = {
  ir_cs_size: 0, // u16
  ir_cs_type: 2, // u8
  ir_ver: 4, // u32 pool map version
  ir_dtx: 8, // u32 DTX local id (DTX_LID_COMMITTED for solo updates)
  ir_minor_epc: 12, // u16
  ir_size: 16, // u64
  ir_gsize: 24, // u64
  ir_ex_addr: 32, // bio_addr_t (16)
} as const;
export const IREC_HDR = 48;

/** DTX local id meaning "committed" (no active DTX entry): DTX_LID_COMMITTED. */
export const DTX_LID_COMMITTED = 1;
