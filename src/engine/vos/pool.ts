/**
 * VOS pool, container and object index (vos_pool.c, vos_container.c, vos_obj_index.c,
 * vos_tree.c): the persistent tree hierarchy of spec §7.1, all in SCM.
 *
 *   umem root = vos_pool_df ─ pd_cont_root (VOS_BTR_CONT_TABLE) → vos_cont_df
 *     cd_obj_root (VOS_BTR_OBJ_TABLE) → vos_obj_df { vo_ilog, vo_tree (VOS_BTR_DKEY) }
 *       → vos_krec_df (dkey) { kr_ilog, kr_btr (VOS_BTR_AKEY) }
 *         → vos_krec_df (akey) { kr_ilog, kr_btr (VOS_BTR_SINGV) | kr_evt (evtree) }
 *
 * Everything here that modifies SCM runs inside the caller's umem transaction.
 */
import { derError } from '../core/errors.ts';
import type { Runtime } from '../core/runtime.ts';
import type { NvmeDevice, Umem, Vea } from '../media/types.ts';
import {
  BTR_FEAT_DIRECT_KEY,
  BTR_FEAT_DYNAMIC_ROOT,
  BTR_FEAT_UINT_KEY,
  DbTree,
} from './btree/btree.ts';
import type { BKey, TreeClass } from './btree/btree.ts';
import {
  VOS_CONT_ORDER,
  VOS_EVT_ORDER,
  VOS_KTR_ORDER,
  VOS_OBJ_ORDER,
  VOS_SVT_ORDER,
  akeyClass,
  contClass,
  dkeyClass,
  oiClass,
  svtClass,
} from './btree/classes.ts';
import { EvTree } from './evtree.ts';
import { keyProbe, type KeyKind } from './keys.ts';
import {
  CONT_DF,
  KREC,
  KREC_BF_BTR,
  KREC_BF_DKEY,
  KREC_BF_EVT,
  KREC_HDR,
  OBJ_DF,
  POOL_DF,
  POOL_DF_MAGIC,
  POOL_DF_VERSION,
} from './layout.ts';
import { VosMem } from './mem.ts';
import { scratch, scratchBytes } from './scratch.ts';
import { TsCache, type TsSizes } from './ts-cache.ts';
import { CSUM_OFF, type CsumProps } from './csum.ts';
import { DEDUP_OFF, DedupTable, type DedupProps } from './dedup.ts';
import type { VosOid } from './types.ts';
import { oidOtype } from './types.ts';

export interface VosPoolOptions {
  rt: Runtime;
  /** Actor of trace events (`engine0.tgt1`). */
  actor: string;
  umem: Umem;
  /** NVMe: without it every value goes to SCM (vp_vea_info == NULL). */
  nvme?: NvmeDevice;
  vea?: Vea;
  /** vp_data_thresh: values ≥ this go to NVMe (default 4096; 0 = always SCM). */
  dataThresh?: number;
  /** SCM bytes kept back from updates (system reserve; default 0 for small simulated pools). */
  scmSysReserved?: number;
  /** Timestamp-cache capacities (default: DAOS's vos_ts.h sizes). */
  tsSizes?: TsSizes;
}

export class VosPool {
  readonly rt: Runtime;
  readonly actor: string;
  readonly mem: VosMem;
  readonly umem: Umem;
  readonly nvme: NvmeDevice | undefined;
  readonly vea: Vea | undefined;
  readonly dataThresh: number;
  scmSysReserved: number;
  readonly ts: TsCache;
  /** vos_space_hold totals (DRAM only). */
  held = { scm: 0, nvme: 0 };
  /** The dedup table (vp_dedup_hash, DRAM only: empty after a restart). */
  readonly dedup = new DedupTable();
  private readonly conts = new Map<string, VosCont>();

  private constructor(opts: VosPoolOptions) {
    this.rt = opts.rt;
    this.actor = opts.actor;
    this.umem = opts.umem;
    this.mem = new VosMem(opts.umem, opts.rt.trace);
    this.nvme = opts.nvme;
    this.vea = opts.vea;
    this.dataThresh = opts.dataThresh ?? 4096;
    this.scmSysReserved = opts.scmSysReserved ?? 0;
    this.ts = new TsCache(opts.tsSizes);
  }

  get rootOff(): number {
    return this.umem.rootOff;
  }

  /** vos_pool_create: format vos_pool_df in the umem root object. */
  static create(opts: VosPoolOptions): VosPool {
    const p = new VosPool(opts);
    if (p.umem.rootSize < POOL_DF.size)
      throw derError('INVAL', 'umem root too small for vos_pool_df');
    const r = p.rootOff;
    p.mem.txBegin();
    try {
      p.mem.w32(r + POOL_DF.pd_magic, POOL_DF_MAGIC);
      p.mem.w32(r + POOL_DF.pd_version, POOL_DF_VERSION);
      p.mem.wOff(r + POOL_DF.pd_scm_sz, p.umem.scm.size);
      p.mem.wOff(r + POOL_DF.pd_nvme_sz, (opts.nvme?.blocks ?? 0) * 4096);
      DbTree.create(p.mem, r + POOL_DF.pd_cont_root, contClass, VOS_CONT_ORDER);
      p.mem.txCommit();
    } catch (e) {
      p.mem.txAbort();
      throw e;
    }
    return p;
  }

  /** vos_pool_open: check the magic of an existing pool (after umem recovery). */
  static open(opts: VosPoolOptions): VosPool {
    const p = new VosPool(opts);
    if (p.mem.u32(p.rootOff + POOL_DF.pd_magic) !== POOL_DF_MAGIC) {
      throw derError('DF_INVAL', 'no vos_pool_df magic in the umem root');
    }
    return p;
  }

  get contTree(): DbTree {
    return new DbTree(this.mem, this.rootOff + POOL_DF.pd_cont_root, contClass);
  }

  /** vos_cont_create + vos_cont_open by uuid (16 bytes). Creates inside its own tx. */
  cont(uuid: Uint8Array, create = true): VosCont {
    const id = Array.from(uuid, (b) => b.toString(16).padStart(2, '0')).join('');
    const cached = this.conts.get(id);
    if (cached) return cached;
    const k: BKey = { hkey: uuid, key: uuid };
    let off = this.contTree.fetch(k);
    if (off === null) {
      if (!create) throw derError('NONEXIST', `container ${id}`);
      this.mem.txBegin();
      try {
        off = this.mem.alloc(CONT_DF.size, true);
        this.mem.write(off + CONT_DF.cd_id, uuid);
        DbTree.create(this.mem, off + CONT_DF.cd_obj_root, oiClass, VOS_OBJ_ORDER);
        this.contTree.insert(k, off);
        this.mem.txCommit();
      } catch (e) {
        this.mem.txAbort();
        throw e;
      }
    }
    const c = new VosCont(this, off, id);
    this.conts.set(id, c);
    return c;
  }

  /** SCM free for new data after the system reserve and held amounts (vos_space_query). */
  get scmAvail(): number {
    return this.umem.freeBytes - this.scmSysReserved - this.held.scm;
  }

  get nvmeAvail(): number {
    return this.vea ? this.vea.freeBlocks * 4096 - this.held.nvme : 0;
  }
}

export class VosCont {
  /**
   * Container checksum properties (DAOS_PROP_CO_CSUM / _CHUNK_SIZE). They live in the container
   * service, not in VOS's durable format: set them after opening (default off).
   */
  csum: CsumProps = CSUM_OFF;
  /** Container dedup properties (DAOS_PROP_CO_DEDUP / _THRESHOLD; default off). */
  dedup: DedupProps = DEDUP_OFF;

  constructor(
    readonly pool: VosPool,
    readonly off: number,
    readonly id: string,
  ) {}

  get oi(): DbTree {
    return new DbTree(this.pool.mem, this.off + CONT_DF.cd_obj_root, oiClass);
  }

  get nobjs(): number {
    return this.pool.mem.off(this.off + CONT_DF.cd_nobjs);
  }
}

// ---- object index ---------------------------------------------------------------------------

export function oiKey(oid: VosOid): BKey {
  const dv = scratch(24);
  dv.setBigUint64(0, oid.hi, false);
  dv.setBigUint64(8, oid.lo, false);
  dv.setUint32(16, oid.shard, false);
  dv.setUint32(20, oid.layoutVer ?? 0, false);
  const b = scratchBytes(24);
  return { hkey: b, key: b };
}

/** vos_oi_find */
export function oiFind(cont: VosCont, oid: VosOid): number | null {
  return cont.oi.fetch(oiKey(oid));
}

/** vos_oi_alloc: upsert a zeroed vos_obj_df (in the caller's tx). */
export function oiAlloc(
  cont: VosCont,
  oid: VosOid,
  epoch: bigint,
): { off: number; created: boolean } {
  const mem = cont.pool.mem;
  const k = oiKey(oid);
  const r = cont.oi.upsert(k, () => {
    const off = mem.alloc(OBJ_DF.size, true);
    mem.write(off + OBJ_DF.vo_id, k.hkey);
    mem.w64(off + OBJ_DF.vo_max_write, epoch);
    return off;
  });
  if (r.inserted) mem.wOff(cont.off + CONT_DF.cd_nobjs, cont.nobjs + 1);
  return { off: r.recOff, created: r.inserted };
}

/** Key kinds of an object's dkey and akey trees (from the oid's object type). */
export function objKeyKinds(oid: VosOid): { dkey: KeyKind; akey: KeyKind } {
  const t = oidOtype(oid);
  const dkey: KeyKind = [2, 4, 9, 11, 12, 13].includes(t)
    ? 'uint64'
    : [5, 7, 10].includes(t)
      ? 'lexical'
      : 'hashed';
  const akey: KeyKind = [3, 4].includes(t) ? 'uint64' : [6, 7].includes(t) ? 'lexical' : 'hashed';
  return { dkey, akey };
}

function featsOf(kind: KeyKind): number {
  return (
    BTR_FEAT_DYNAMIC_ROOT |
    (kind === 'uint64' ? BTR_FEAT_UINT_KEY : kind === 'lexical' ? BTR_FEAT_DIRECT_KEY : 0)
  );
}

/** obj_tree_init: open (or create) the object's dkey tree. */
export function objDkeyTree(
  mem: VosMem,
  objOff: number,
  kind: KeyKind,
  create: boolean,
): DbTree | null {
  const root = objOff + OBJ_DF.vo_tree;
  if (DbTree.exists(mem, root)) return new DbTree(mem, root, dkeyClass);
  if (!create) return null;
  return DbTree.create(mem, root, dkeyClass, VOS_KTR_ORDER, featsOf(kind));
}

export type ValueKind = 'single' | 'array';

/** The child tree held by a key record (tree_open_create). */
export interface KeyRec {
  off: number;
  created: boolean;
}

/**
 * key_tree_prepare: find the key record of `key` in `tree`; with `create`, allocate it
 * (ktr_rec_alloc: vos_krec_df + key bytes) via dbtree_upsert. Returns null if absent.
 */
export function keyTreePrepare(
  mem: VosMem,
  tree: DbTree,
  kind: KeyKind,
  key: Uint8Array,
  create: boolean,
  isDkey: boolean,
): KeyRec | null {
  const k = keyProbe(kind, key);
  if (!create) {
    const off = tree.fetch(k);
    return off === null ? null : { off, created: false };
  }
  const r = tree.upsert(k, () => {
    const off = mem.alloc(KREC_HDR + key.length, true);
    const dv = scratch(8);
    dv.setUint8(0, isDkey ? KREC_BF_DKEY : 0);
    dv.setUint32(4, key.length, true);
    mem.write(off, scratchBytes(8));
    mem.write(off + KREC_HDR, key);
    return off;
  });
  return { off: r.recOff, created: r.inserted };
}

/** tree_open_create for a dkey record: its akey btree. */
export function dkeyAkeyTree(
  mem: VosMem,
  krec: number,
  kind: KeyKind,
  create: boolean,
): DbTree | null {
  const bmap = mem.u8(krec + KREC.kr_bmap);
  if (bmap & KREC_BF_BTR) return new DbTree(mem, krec + KREC.kr_btr, akeyClass);
  if (!create) return null;
  mem.w8(krec + KREC.kr_bmap, bmap | KREC_BF_BTR);
  return DbTree.create(mem, krec + KREC.kr_btr, akeyClass, VOS_KTR_ORDER, featsOf(kind));
}

/** The value kind already held by an akey record (null: none yet). */
export function akeyValueKind(mem: VosMem, krec: number): ValueKind | null {
  const bmap = mem.u8(krec + KREC.kr_bmap);
  if (bmap & KREC_BF_EVT) return 'array';
  if (bmap & KREC_BF_BTR) return 'single';
  return null;
}

/**
 * tree_open_create for an akey record: the SV btree or the evtree. A record already holding
 * the other kind → -DER_NO_PERM ("Mixing single value and array not allowed").
 */
export function akeyValueTree(
  mem: VosMem,
  krec: number,
  want: ValueKind,
  create: boolean,
  csum?: { type: number; len: number; chunk: number },
): DbTree | EvTree | null {
  const have = akeyValueKind(mem, krec);
  if (have !== null && have !== want) {
    if (create) throw derError('NO_PERM', 'Mixing single value and array not allowed');
    return null;
  }
  if (have === 'single') return new DbTree(mem, krec + KREC.kr_btr, svtClass);
  if (have === 'array') return new EvTree(mem, krec + KREC.kr_evt);
  if (!create) return null;
  const bmap = mem.u8(krec + KREC.kr_bmap);
  if (want === 'single') {
    mem.w8(krec + KREC.kr_bmap, bmap | KREC_BF_BTR);
    return DbTree.create(mem, krec + KREC.kr_btr, svtClass, VOS_SVT_ORDER);
  }
  mem.w8(krec + KREC.kr_bmap, bmap | KREC_BF_EVT);
  return EvTree.create(
    mem,
    krec + KREC.kr_evt,
    VOS_EVT_ORDER,
    csum?.type ?? 0,
    csum?.len ?? 0,
    csum?.chunk ?? 0,
  );
}

/** SV tree key {sk_epoch, sk_minor_epc} as a memcmp-ordered hkey. */
export function svtKey(epoch: bigint, minor: number): BKey {
  const dv = scratch(16);
  dv.setBigUint64(0, epoch, false);
  dv.setUint16(8, minor, false);
  const b = scratchBytes(16);
  return { hkey: b, key: b };
}

export function svtKeyDecode(hkey: Uint8Array): { epoch: bigint; minor: number } {
  const dv = new DataView(hkey.buffer, hkey.byteOffset, hkey.byteLength);
  return { epoch: dv.getBigUint64(0, false), minor: dv.getUint16(8, false) };
}

export type { TreeClass };
