/**
 * DAOS constants the client and server model need (spec daos-io-path.md §1–§3, Appendix A).
 * Values are the real ones from the DAOS headers named in each comment.
 */

/** `enum daos_otype_t` (daos_obj.h): object types, max valid 14. */
export const OTYPES = {
  DAOS_OT_MULTI_HASHED: 0,
  DAOS_OT_OIT: 1,
  DAOS_OT_DKEY_UINT64: 2,
  DAOS_OT_AKEY_UINT64: 3,
  DAOS_OT_MULTI_UINT64: 4,
  DAOS_OT_DKEY_LEXICAL: 5,
  DAOS_OT_AKEY_LEXICAL: 6,
  DAOS_OT_MULTI_LEXICAL: 7,
  DAOS_OT_KV_HASHED: 8,
  DAOS_OT_KV_UINT64: 9,
  DAOS_OT_KV_LEXICAL: 10,
  DAOS_OT_ARRAY: 11,
  DAOS_OT_ARRAY_ATTR: 12,
  DAOS_OT_ARRAY_BYTE: 13,
  DAOS_OT_OIT_V2: 14,
} as const;
export type OtypeName = keyof typeof OTYPES;
export const DAOS_OT_MAX = 14;

/** Types whose dkey is a uint64 (the hash IS the key; key length must be 8). */
export function otypeDkeyIsUint64(t: number): boolean {
  return t === 2 || t === 4 || t === 9 || t === 11 || t === 12 || t === 13;
}

/** Types whose akey is a uint64 (akey length must be 8). */
export function otypeAkeyIsUint64(t: number): boolean {
  return t === 3 || t === 4;
}

/** `enum daos_obj_redun` → group size (replicas, or k+p for EC) and tolerated failures. */
export interface RedunDef {
  ord: number;
  grpSize: number;
  /** Replicas − 1, or EC parity count. */
  tolerated: number;
  ec: boolean;
}

const rp = (ord: number, n: number): RedunDef => ({ ord, grpSize: n, tolerated: n - 1, ec: false });
const ec = (ord: number, k: number, p: number): RedunDef => ({
  ord,
  grpSize: k + p,
  tolerated: p,
  ec: true,
});

export const REDUN: Record<string, RedunDef> = {
  S: rp(1, 1),
  RP_2: rp(8, 2),
  RP_3: rp(9, 3),
  RP_4: rp(10, 4),
  RP_5: rp(11, 5),
  RP_6: rp(12, 6),
  RP_8: rp(13, 8),
  RP_12: rp(14, 12),
  RP_16: rp(15, 16),
  RP_24: rp(16, 24),
  RP_32: rp(17, 32),
  RP_48: rp(18, 48),
  RP_64: rp(19, 64),
  RP_128: rp(20, 128),
  EC_2P1: ec(32, 2, 1),
  EC_2P2: ec(33, 2, 2),
  EC_4P1: ec(34, 4, 1),
  EC_4P2: ec(35, 4, 2),
  EC_8P1: ec(36, 8, 1),
  EC_8P2: ec(37, 8, 2),
  EC_16P1: ec(38, 16, 1),
  EC_16P2: ec(39, 16, 2),
  EC_4P3: ec(40, 4, 3),
  EC_8P3: ec(41, 8, 3),
  EC_16P3: ec(42, 16, 3),
};

export const REDUN_BY_ORD = new Map<number, RedunDef>(Object.values(REDUN).map((r) => [r.ord, r]));

/** `DAOS_OBJ_GRP_MAX`: the "X" group count, fitted at oid generation. */
export const GRP_MAX = 0xffff;

/**
 * Object class name → class id `(redun << 24) | grp_nr` (spec §2.1). Accepted names:
 * `OC_S1`, `OC_S32`, `OC_SX`, `OC_RP_2G1`, `OC_RP_3GX`, `OC_EC_2P1G1`, `OC_EC_8P2GX` …
 */
export function oclassIdByName(name: string): number | undefined {
  const m = /^OC_(S|RP_\d+|EC_\d+P\d+)(?:G)?(X|\d+)?$/.exec(name);
  if (!m) return undefined;
  const base = m[1] as string;
  const grp = m[2];
  // `OC_S1` has the group count right after S; `OC_RP_2G1`/`OC_EC_2P1G1` after a `G`.
  if (base === 'S') {
    if (grp === undefined) return undefined;
  } else if (!name.includes('G')) {
    return undefined;
  }
  const r = REDUN[base];
  if (!r || grp === undefined) return undefined;
  const nr = grp === 'X' ? GRP_MAX : Number(grp);
  if (!Number.isInteger(nr) || nr < 1 || nr > GRP_MAX) return undefined;
  return ((r.ord << 24) | nr) >>> 0;
}

/** `enum daos_iod_type_t`. */
export const IOD_TYPES = { DAOS_IOD_NONE: 0, DAOS_IOD_SINGLE: 1, DAOS_IOD_ARRAY: 2 } as const;
export const IOD_TYPE_NAMES = ['DAOS_IOD_NONE', 'DAOS_IOD_SINGLE', 'DAOS_IOD_ARRAY'] as const;

/** Object open modes (`DAOS_OO_*`). */
export const OPEN_MODES = {
  DAOS_OO_RO: 2,
  DAOS_OO_RW: 4,
  DAOS_OO_EXCL: 8,
  DAOS_OO_IO_RAND: 16,
  DAOS_OO_IO_SEQ: 32,
} as const;
/** Modes that allow modification (`obj_req_valid`: update/punch needs one of these). */
export const OO_WRITE_MASK = 4 | 8 | 16 | 32;

/** Conditional flags (`DAOS_COND_*`, daos_obj.h, spec §1.10). */
export const COND_FLAGS = {
  DAOS_COND_PUNCH: 1,
  DAOS_COND_DKEY_INSERT: 2,
  DAOS_COND_DKEY_UPDATE: 4,
  DAOS_COND_DKEY_FETCH: 8,
  DAOS_COND_AKEY_INSERT: 16,
  DAOS_COND_AKEY_UPDATE: 32,
  DAOS_COND_AKEY_FETCH: 64,
  DAOS_COND_PER_AKEY: 128,
} as const;
export const DAOS_COND_MASK = 255;

/** `enum obj_rpc_flags` bits used by this model (spec §3.8). */
export const ORF = {
  ORF_BULK_BIND: 0x1,
  ORF_RESEND: 0x2,
  ORF_DTX_SYNC: 0x4,
  ORF_EPOCH_UNCERTAIN: 0x40,
  ORF_LEADER: 0x200,
  ORF_CONTAIN_LEADER: 0x100000,
} as const;

/** Names of the set ORF bits, for trace data. */
export function orfNames(flags: number): string[] {
  return Object.entries(ORF)
    .filter(([, v]) => (flags & v) !== 0)
    .map(([k]) => k);
}

/** Object RPC opcodes (`OBJ_PROTO_CLI_RPC_LIST` order). */
export const OBJ_RPC = {
  DAOS_OBJ_RPC_UPDATE: 0,
  DAOS_OBJ_RPC_FETCH: 1,
  DAOS_OBJ_RPC_TGT_UPDATE: 11,
} as const;

/** `DAOS_EPOCH_MAX`: non-transactional I/O lets the server choose the epoch. */
export const DAOS_EPOCH_MAX = (1n << 64n) - 1n;
/** `DAOS_BULK_LIMIT` = DAOS_RPC_SIZE (20480) − 1024: below it, data rides inline in the RPC. */
export const DAOS_BULK_LIMIT = 19456;
/** `VOS_BLK_SZ`: values this large or larger go to NVMe (vos_media_select). */
export const VOS_BLK_SZ = 4096;
/** Default dedup threshold of a container (`ic_dedup_th` in the seed's dump). */
export const DEDUP_THRESHOLD = 4096;
/** `DAOS_PROP_CO_DEDUP` values (container property; VOS uses the same numbers). */
export const DAOS_PROP_CO_DEDUP = { OFF: 0, MEMCMP: 1, HASH: 2 } as const;
/** `DAOS_PROP_CO_DEDUP_THRESHOLD` range: [4 KiB, 4 GiB). */
export const DEDUP_TH_MIN = 4096;
export const DEDUP_TH_MAX = 2 ** 32;
/** `VOS_SUB_OP_MAX`: minor epoch of operations without a DTX sub-op sequence. */
export const VOS_SUB_OP_MAX = 16383;
/** `DAOS_POOL_OBJ_VERSION`: default object layout version. */
export const LAYOUT_VER = 2;
/** `DAOS_MEDIA_*` (`ba_type` of a bio address). */
export const DAOS_MEDIA_SCM = 0;
export const DAOS_MEDIA_NVME = 1;
