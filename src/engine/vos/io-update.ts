/**
 * The update path inside VOS (vos_io.c, bio_buffer.c; spec §4.6–§4.8), one function per real
 * step, in the order the server calls them:
 *
 *   vos_update_begin → bio_iod_prep → bio_iod_copy → bio_iod_post → vos_update_end
 *
 * Space is reserved in begin (SCM: umem reserve; NVMe: VEA reserve — both volatile), data lands
 * in copy/post (SCM: straight into the reserved range and persisted; NVMe: DMA buffer, then a
 * block write), and only vos_update_end publishes metadata, in ONE umem transaction that never
 * yields: trees, key records, ilog entries, the reservations themselves. Any error before the
 * commit cancels every reservation and the undo log rolls back every store, so SCM usage, VEA
 * free space and all trees are exactly as before.
 */
import { dtxBeginRecording, dtxEndRecording, dtxRecordLid, type DtxRec } from './dtx-table.ts';
import { derError, IoError } from '../core/errors.ts';
import { hexAddr, u64Hex } from '../core/bytes.ts';
import { sleep, type Proc } from '../core/sim.ts';
import type { ScmReservation, VeaExtent } from '../media/types.ts';
import type { Json } from '../trace/event.ts';
import type { DbTree } from './btree/btree.ts';
import { EvTree } from './evtree.ts';
import { NO_PUNCH, type IlogInfo, type PunchMark } from './ilog.ts';
import { vosIlogUpdate, type IlogCond } from './ilog-update.ts';
import {
  BIO_FLAG_DEDUP,
  BIO_FLAG_HOLE,
  DAOS_MEDIA_NVME,
  DAOS_MEDIA_SCM,
  IREC,
  IREC_HDR,
  KREC,
  OBJ_DF,
  putBioAddr,
  type BioAddr,
} from './layout.ts';
import { setOff } from './mem.ts';
import {
  akeyValueTree,
  dkeyAkeyTree,
  keyTreePrepare,
  objDkeyTree,
  objKeyKinds,
  oiAlloc,
  oiFind,
  svtKey,
  type VosCont,
  type VosPool,
} from './pool.ts';
import { stepEnter, stepExit, stepFail, VOS_COST, type Data } from './step.ts';
import { csumLen, csumOf, extentCsums } from './csum.ts';
import { dedupKey, iocDedupInit, vosDedupLookup, vosDedupProcess, type IocDedup } from './dedup.ts';
import type { TsPath } from './ts-cache.ts';
import { scratch, scratchBytes } from './scratch.ts';
import {
  COND,
  DAOS_IOD_ARRAY,
  DAOS_IOD_SINGLE,
  VOS_SUB_OP_MAX,
  iodDump,
  keyDump,
  oidDump,
  type VosIod,
  type VosOid,
  type VosRecx,
  type VosSgl,
} from './types.ts';

export const BLK = 4096;
/** u64Hex(0n), once. */
const U64_HEX_ZERO = u64Hex(0n);
/**
 * Event data that never varies, one object each: event data is immutable once emitted, so
 * every update's events share them (the same facts; fewer objects kept alive by the trace).
 */
const D_PROBE_EQ: Data = { opc: 'BTR_PROBE_EQ' };
const D_PROBE_BYPASS: Data = { opc: 'BTR_PROBE_BYPASS' };
const D_FOUND: Data = { found: true };
const D_NOT_FOUND: Data = { found: false };
const D_LEVEL: Record<'object' | 'dkey' | 'akey', Data> = {
  object: { level: 'object' },
  dkey: { level: 'dkey' },
  akey: { level: 'akey' },
};
const D_TREE_SINGV: Data = { tree: 'VOS_BTR_SINGV' };
const D_MEDIA_SCM: Data = { media: 'DAOS_MEDIA_SCM' };
const D_MEDIA_NVME: Data = { media: 'DAOS_MEDIA_NVME' };
/** { iod_nr: n } for small n. */
const D_IOD_NR: Data[] = Array.from({ length: 16 }, (_, n) => ({ iod_nr: n }));
const iodNrData = (n: number): Data => D_IOD_NR[n] ?? { iod_nr: n };

/** SV larger than 255 gang pieces of 8 MiB → -DER_REC2BIG (vos_ioc_reserve_init). */
const SV_MAX = 255 * 8 * 1024 * 1024;

/** One bio_iov: where a value (or one recx of it) lives. */
export interface Biov {
  addr: BioAddr;
  /** bi_data_len */
  len: number;
  /** SCM reservation or NVMe extent backing it (update). */
  rsv?: ScmReservation;
  ext?: VeaExtent;
  /** SV: the reserved vos_irec_df record (payload follows it when on SCM). */
  recOff?: number;
  /** NVMe DMA buffer (update) or the fetched bytes (fetch). */
  buf?: Uint8Array;
  /** Fetch: a hole piece of this many bytes (nothing copied). */
  hole?: boolean;
  /** Checksum bytes of the value (SV: one; array extent: one per chunk). */
  csum?: Uint8Array;
  /** Dedup key of an array extent that may be shared (a dedup hit or candidate). */
  dedupCsum?: Uint8Array;
  /** Trace dump of this biov, valid while `addr` is the object it was built from (biovDump). */
  dump?: Json;
  dumpOf?: BioAddr;
}

export interface UpdateRequest {
  cont: VosCont;
  oid: VosOid;
  epoch: bigint;
  flags: number;
  dkey: Uint8Array;
  iods: VosIod[];
  /** Minor epoch (dth_op_seq); default VOS_SUB_OP_MAX (no DTX). */
  minor?: number;
  /** Pool map version stored in records (ir_ver / dc_ver). */
  pmVer?: number;
  /**
   * The DTX this update belongs to (vos/dtx-table.ts): its local id is stored in the records
   * instead of DTX_LID_COMMITTED and where it was stored is appended to `recs`.
   */
  dtx?: { lid: number; recs: DtxRec[] };
  /** The data comes by bulk transfer (RMA): only then may extents be deduplicated. */
  rma?: boolean;
  /** Client dedup checksums per iod and recx (dedup.ts `dedupCsumsOf`). */
  dedupCsums?: (Uint8Array[] | null)[];
}

/** vos_io_context for an update. */
export interface UpdateIoc {
  readonly kind: 'update';
  readonly req: UpdateRequest;
  readonly pool: VosPool;
  readonly txId: number;
  readonly minor: number;
  /** Per iod: its bio_iovs (SV: one; array: one per recx). */
  readonly biovs: Biov[][];
  readonly scmRsv: ScmReservation[];
  readonly nvmeExts: VeaExtent[];
  hold: { scm: number; nvme: number };
  ioSize: number;
  done: boolean;
  /** ic_dedup / ic_dedup_verify / ic_dedup_th (null: no dedup for this update). */
  readonly dedup: IocDedup | null;
  /** The request's trace dumps, built once and shared by every event that shows them. */
  readonly dumps: ReqDumps;
}

/**
 * Trace dumps of an update request. An update emits the same oid, dkey, iods and epoch in many
 * events; event data is immutable once emitted, so each structure is dumped once per update and
 * the events reference it (the serialized trace is the same; the allocations are not).
 */
export interface ReqDumps {
  readonly epoch: string;
  readonly oid: Json;
  readonly dkey: Json;
  readonly iods: Json[];
  /** Per iod: its akey (the iod's iod_name dump). */
  readonly akeys: Json[];
  /** Per iod: the timestamp-cache path of its akey (tsPath), built on first use. */
  tsPaths: TsPath[] | undefined;
}

export function reqDumps(req: UpdateRequest): ReqDumps {
  const iods: Json[] = [];
  const akeys: Json[] = [];
  for (const iod of req.iods) {
    const d = iodDump(iod) as { iod_name: Json };
    iods.push(d);
    akeys.push(d.iod_name);
  }
  return {
    epoch: u64Hex(req.epoch),
    oid: oidDump(req.oid),
    dkey: keyDump(req.dkey),
    iods,
    akeys,
    tsPaths: undefined,
  };
}

/** The akey-level timestamp-cache path of every iod (same strings for every lookup). */
function iodTsPaths(ioc: UpdateIoc): TsPath[] {
  const d = ioc.dumps;
  if (d.tsPaths === undefined) {
    const req = ioc.req;
    const base = tsPath(req.cont, req.oid, req.dkey);
    d.tsPaths = req.iods.map((iod) => [...base, hexKey(iod.name)]);
  }
  return d.tsPaths;
}

export function biovDump(b: Biov): Json {
  if (b.dumpOf === b.addr && b.dump !== undefined) return b.dump;
  b.dumpOf = b.addr;
  return (b.dump = {
    bi_addr: {
      ba_off: hexAddr(b.addr.ba_off),
      ba_type: b.addr.ba_type === DAOS_MEDIA_NVME ? 'DAOS_MEDIA_NVME' : 'DAOS_MEDIA_SCM',
      ba_flags: b.addr.ba_flags,
    },
    bi_data_len: b.len,
  });
}

export function iocDump(ioc: UpdateIoc): Data {
  const e = ioc.dumps.epoch;
  return {
    ic_epr: { epr_lo: e, epr_hi: e },
    ic_bound: e,
    ic_oid: ioc.dumps.oid,
    ic_iod_nr: ioc.req.iods.length,
    ic_io_size: ioc.ioSize,
    ic_update: 1,
    ic_size_fetch: 0,
    ic_dedup: ioc.dedup === null ? 0 : 1,
    ic_dedup_th: ioc.dedup?.th ?? 4096,
    ic_read_ts_only: 0,
    ic_check_existence: 0,
    ic_remove: 0,
    ic_ec: 0,
    ic_rsrvd_scm: ioc.scmRsv.map((r) => ({ off: hexAddr(r.off), size: r.size })),
    ic_blk_exts: ioc.nvmeExts.map((x) => ({ vfe_blk_off: x.blkOff, vfe_blk_cnt: x.blkCnt })),
    biovs: ioc.biovs.map((l) => l.map(biovDump)),
  };
}

/** Cancel every reservation of the ioc (update_cancel) and release the space hold. */
function updateCancel(ioc: UpdateIoc): void {
  const pool = ioc.pool;
  if (ioc.scmRsv.length > 0) pool.umem.cancel(ioc.scmRsv);
  if (ioc.nvmeExts.length > 0) pool.vea?.cancel(ioc.nvmeExts);
  ioc.scmRsv.length = 0;
  ioc.nvmeExts.length = 0;
}

function spaceUnhold(ioc: UpdateIoc): void {
  ioc.pool.held.scm -= ioc.hold.scm;
  ioc.pool.held.nvme -= ioc.hold.nvme;
  ioc.hold = { scm: 0, nvme: 0 };
}

/** The bytes of each recx (array) or the value (SV). */
function extentSizes(iod: VosIod): number[] {
  if (iod.type === DAOS_IOD_SINGLE) return [iod.size];
  return (iod.recxs ?? []).map((r) => r.nr * iod.size);
}

/** vos_io_scm: SCM if no NVMe, threshold 0, or size < threshold (per extent). */
export function mediaSelect(pool: VosPool, size: number): number {
  if (pool.vea === undefined || pool.nvme === undefined || pool.dataThresh === 0)
    return DAOS_MEDIA_SCM;
  return size < pool.dataThresh ? DAOS_MEDIA_SCM : DAOS_MEDIA_NVME;
}

/** vos_space_hold estimate (spec §7.6). */
function spaceEstimate(pool: VosPool, req: UpdateRequest): { scm: number; nvme: number } {
  let scm = 32 + 1024 + 64 + req.dkey.length + 1024;
  let nvme = 0;
  for (const iod of req.iods) {
    scm += 64 + iod.name.length + 1024;
    for (const size of extentSizes(iod)) {
      const media = mediaSelect(pool, size);
      if (iod.type === DAOS_IOD_SINGLE)
        scm += IREC_HDR + (media === DAOS_MEDIA_SCM ? size : 0) + 256;
      else scm += (media === DAOS_MEDIA_SCM ? size : 0) + 256 + 1024;
      if (media === DAOS_MEDIA_NVME) nvme += Math.ceil(size / BLK) * BLK;
    }
  }
  return { scm, nvme };
}

/** reserve_space: SCM → umem_reserve; NVMe → vea_reserve of ceil(size/4 KiB) blocks. */
function reserveSpace(
  ioc: UpdateIoc,
  media: number,
  size: number,
): { off: number; rsv?: ScmReservation; ext?: VeaExtent } {
  const pool = ioc.pool;
  const { rt, actor } = pool;
  stepEnter(rt, actor, 'reserve_space', {
    media: media === DAOS_MEDIA_NVME ? 'NVMe' : 'SCM',
    size,
  });
  let r: { off: number; rsv?: ScmReservation; ext?: VeaExtent };
  try {
    if (media === DAOS_MEDIA_SCM) {
      const rsv = pool.umem.reserve(size);
      ioc.scmRsv.push(rsv);
      r = { off: rsv.off, rsv };
    } else {
      const vea = pool.vea;
      if (vea === undefined) throw derError('NOSPACE', 'no NVMe');
      const ext = vea.reserve(Math.ceil(size / BLK));
      ioc.nvmeExts.push(ext);
      r = { off: ext.blkOff * BLK, ext };
    }
  } catch (e) {
    stepFail(rt, actor, 'reserve_space', e);
    throw e;
  }
  stepExit(rt, actor, 'reserve_space', { off: hexAddr(r.off) });
  return r;
}

function checkIods(req: UpdateRequest): void {
  if (req.iods.length === 0) throw derError('IO_INVAL', 'iod_nr is 0');
  for (const iod of req.iods) {
    if (iod.type === DAOS_IOD_SINGLE) {
      if (iod.size > SV_MAX) throw derError('REC2BIG', 'single value over 255 gang pieces');
    } else if (iod.type === DAOS_IOD_ARRAY) {
      if (iod.recxs === null) throw derError('IO_INVAL', 'array iod without recxs');
      for (const r of iod.recxs) {
        if (r.idx < 0n || r.idx >> 63n !== 0n) throw derError('INVAL', 'rx_idx uses bit 63');
      }
    } else throw derError('INVAL', `bad iod_type ${iod.type}`);
  }
}

/** vos_check_akeys: the same akey twice in one update → -DER_NO_PERM. */
function checkAkeys(req: UpdateRequest): void {
  if (req.iods.length < 2) return;
  const seen = new Set<string>();
  for (const iod of req.iods) {
    const k = Array.from(iod.name).join(',');
    if (seen.has(k)) throw derError('NO_PERM', 'duplicate akey in one update');
    seen.add(k);
  }
}

/** vos_ioc_create: validate the iods and make the I/O context. */
function iocCreate(pool: VosPool, req: UpdateRequest, dumps: ReqDumps): UpdateIoc {
  const { rt, actor } = pool;
  stepEnter(rt, actor, 'vos_ioc_create', iodNrData(req.iods.length));
  let c: UpdateIoc;
  try {
    checkIods(req);
    stepEnter(rt, actor, 'vos_check_akeys', iodNrData(req.iods.length));
    try {
      checkAkeys(req);
    } catch (e) {
      stepFail(rt, actor, 'vos_check_akeys', e);
      throw e;
    }
    stepExit(rt, actor, 'vos_check_akeys');
    c = {
      kind: 'update',
      req,
      pool,
      txId: rt.ids.next('vos.tx'),
      minor: req.minor ?? VOS_SUB_OP_MAX,
      biovs: [],
      scmRsv: [],
      nvmeExts: [],
      hold: { scm: 0, nvme: 0 },
      ioSize: 0,
      done: false,
      dedup: iocDedupInit(req),
      dumps,
    };
  } catch (e) {
    stepFail(rt, actor, 'vos_ioc_create', e);
    throw e;
  }
  const epoch = dumps.epoch;
  stepExit(rt, actor, 'vos_ioc_create', {
    ic_epr: { epr_lo: U64_HEX_ZERO, epr_hi: epoch },
    ic_bound: epoch,
    ic_iod_nr: c.req.iods.length,
    ic_update: 1,
  });
  return c;
}

/** vos_space_hold: hold the estimated SCM/NVMe space (DRAM only) or fail -DER_NOSPACE. */
function spaceHold(pool: VosPool, ioc: UpdateIoc): void {
  const { rt, actor } = pool;
  stepEnter(rt, actor, 'vos_space_hold');
  let est: { scm: number; nvme: number };
  try {
    est = spaceEstimate(pool, ioc.req);
    if (pool.scmAvail < est.scm)
      throw derError('NOSPACE', `SCM: need ${est.scm}, free ${pool.scmAvail}`);
    if (est.nvme > 0 && pool.nvmeAvail < est.nvme)
      throw derError('NOSPACE', `NVMe: need ${est.nvme}, free ${pool.nvmeAvail}`);
    pool.held.scm += est.scm;
    pool.held.nvme += est.nvme;
    ioc.hold = est;
  } catch (e) {
    stepFail(rt, actor, 'vos_space_hold', e);
    throw e;
  }
  stepExit(rt, actor, 'vos_space_hold', {
    scm: est.scm,
    nvme: est.nvme,
    held_scm: pool.held.scm,
    held_nvme: pool.held.nvme,
  });
}

/** vos_update_begin (spec §4.6). */
export function* vosUpdateBegin(pool: VosPool, req: UpdateRequest): Proc<UpdateIoc> {
  const rt = pool.rt;
  const actor = pool.actor;
  const dumps = reqDumps(req);
  stepEnter(rt, actor, 'vos_update_begin', {
    oid: dumps.oid,
    epoch: dumps.epoch,
    flags: req.flags,
    dkey: dumps.dkey,
    iod_nr: req.iods.length,
    iods: dumps.iods,
  });
  let ioc: UpdateIoc;
  try {
    yield* sleep(VOS_COST.step);
    ioc = iocCreate(pool, req, dumps);
    spaceHold(pool, ioc);
    try {
      stepEnter(rt, actor, 'dkey_update_begin', { dkey: dumps.dkey });
      try {
        for (let i = 0; i < req.iods.length; i++)
          ioc.biovs.push(akeyUpdateBegin(ioc, req.iods[i] as VosIod, i));
      } catch (e) {
        stepFail(rt, actor, 'dkey_update_begin', e);
        throw e;
      }
      stepExit(rt, actor, 'dkey_update_begin');
    } catch (e) {
      updateCancel(ioc);
      spaceUnhold(ioc);
      throw e;
    }
  } catch (e) {
    stepFail(rt, actor, 'vos_update_begin', e);
    throw e;
  }
  stepExit(rt, actor, 'vos_update_begin', iocDump(ioc));
  return ioc;
}

/** vos_media_select (vos_io_scm), traced. */
function mediaSelectStep(pool: VosPool, size: number): number {
  const { rt, actor } = pool;
  stepEnter(rt, actor, 'vos_media_select', { size, vp_data_thresh: pool.dataThresh });
  const m = mediaSelect(pool, size);
  stepExit(rt, actor, 'vos_media_select', m === DAOS_MEDIA_NVME ? D_MEDIA_NVME : D_MEDIA_SCM);
  return m;
}

/** vos_reserve_single: the SV record (vos_irec_df + payload when on SCM), reserved on SCM. */
function reserveSingle(ioc: UpdateIoc, size: number, media: number): Biov {
  const { rt, actor } = ioc.pool;
  stepEnter(rt, actor, 'vos_reserve_single', { size, media });
  let bv: Biov;
  try {
    const cs = csumLen(ioc.req.cont.csum.type);
    const recSize = IREC_HDR + cs + (media === DAOS_MEDIA_SCM ? size : 0);
    const rec = reserveSpace(ioc, DAOS_MEDIA_SCM, recSize);
    if (size === 0)
      bv = {
        addr: { ba_off: 0, ba_type: DAOS_MEDIA_SCM, ba_flags: BIO_FLAG_HOLE },
        len: 0,
        recOff: rec.off,
        rsv: rec.rsv,
      };
    else if (media === DAOS_MEDIA_SCM)
      bv = {
        addr: { ba_off: rec.off + IREC_HDR + cs, ba_type: DAOS_MEDIA_SCM, ba_flags: 0 },
        len: size,
        recOff: rec.off,
        rsv: rec.rsv,
      };
    else {
      const data = reserveSpace(ioc, DAOS_MEDIA_NVME, size);
      bv = {
        addr: { ba_off: data.off, ba_type: DAOS_MEDIA_NVME, ba_flags: 0 },
        len: size,
        recOff: rec.off,
        ext: data.ext,
      };
    }
  } catch (e) {
    stepFail(rt, actor, 'vos_reserve_single', e);
    throw e;
  }
  stepExit(rt, actor, 'vos_reserve_single', {
    biov: biovDump(bv),
    ir_off: hexAddr(bv.recOff ?? 0),
  });
  return bv;
}

/** vos_reserve_recx: one array extent (a dedup hit shares an existing SCM extent). */
function reserveRecx(ioc: UpdateIoc, size: number, media: number, iodIdx: number, j: number): Biov {
  const { rt, actor } = ioc.pool;
  stepEnter(rt, actor, 'vos_reserve_recx', { size, media });
  let bv: Biov;
  try {
    if (size === 0) {
      bv = { addr: { ba_off: 0, ba_type: DAOS_MEDIA_SCM, ba_flags: BIO_FLAG_HOLE }, len: 0 };
    } else {
      // Dedup: a table hit shares the existing SCM extent; a miss is a candidate.
      const key = dedupKey(ioc, iodIdx, j, size);
      const hit = key === null ? null : vosDedupLookup(ioc, key, size);
      if (hit !== null) bv = hit;
      else {
        const r = reserveSpace(ioc, media, size);
        bv = { addr: { ba_off: r.off, ba_type: media, ba_flags: 0 }, len: size };
        if (r.rsv) bv.rsv = r.rsv;
        if (r.ext) bv.ext = r.ext;
        if (key !== null) bv.dedupCsum = key;
      }
    }
  } catch (e) {
    stepFail(rt, actor, 'vos_reserve_recx', e);
    throw e;
  }
  stepExit(rt, actor, 'vos_reserve_recx', { biov: biovDump(bv) });
  return bv;
}

/** akey_update_begin: media selection and reservation per value / recx. */
function akeyUpdateBegin(ioc: UpdateIoc, iod: VosIod, iodIdx: number): Biov[] {
  const pool = ioc.pool;
  const rt = pool.rt;
  const actor = pool.actor;
  stepEnter(rt, actor, 'akey_update_begin', { iod: ioc.dumps.iods[iodIdx] ?? iodDump(iod) });
  const out: Biov[] = [];
  try {
    const sizes = extentSizes(iod);
    for (let j = 0; j < sizes.length; j++) {
      const size = sizes[j] as number;
      const media = mediaSelectStep(pool, size);
      ioc.ioSize += size;
      const b =
        iod.type === DAOS_IOD_SINGLE
          ? reserveSingle(ioc, size, media)
          : reserveRecx(ioc, size, media, iodIdx, j);
      stepEnter(rt, actor, 'iod_reserve', { biov: biovDump(b) });
      stepExit(rt, actor, 'iod_reserve');
      out.push(b);
    }
  } catch (e) {
    stepFail(rt, actor, 'akey_update_begin', e);
    throw e;
  }
  stepExit(rt, actor, 'akey_update_begin');
  return out;
}

/** bio_iod_prep for an update: SCM → direct access; NVMe → a DMA buffer (dma_map_one). */
export function* bioIodPrepUpdate(ioc: UpdateIoc): Proc<void> {
  const { rt, actor } = ioc.pool;
  stepEnter(rt, actor, 'bio_iod_prep', {
    bd_type: 'BIO_IOD_TYPE_UPDATE',
    bd_rdma: 0,
    bd_sgl_cnt: ioc.biovs.length,
  });
  try {
    stepEnter(rt, actor, 'iterate_biov', { biovs: ioc.biovs.map(biovsDump) });
    try {
      iterateBiovUpdate(ioc);
    } catch (e) {
      stepFail(rt, actor, 'iterate_biov', e);
      throw e;
    }
    stepExit(rt, actor, 'iterate_biov');
    yield* sleep(VOS_COST.step);
  } catch (e) {
    stepFail(rt, actor, 'bio_iod_prep', e);
    throw e;
  }
  stepExit(rt, actor, 'bio_iod_prep');
}

function biovsDump(l: Biov[]): Json {
  return l.map(biovDump);
}

/** iterate_biov: SCM extents are accessed directly; NVMe ones get a DMA buffer. */
function iterateBiovUpdate(ioc: UpdateIoc): void {
  const { rt, actor } = ioc.pool;
  for (const list of ioc.biovs) {
    for (const b of list) {
      if (b.len === 0 || b.addr.ba_flags & BIO_FLAG_HOLE) continue;
      if (b.addr.ba_flags & BIO_FLAG_DEDUP && b.addr.ba_type === DAOS_MEDIA_NVME) {
        // A shared NVMe extent is not written: its data waits in DRAM (bio_iod_copy), no DMA.
        continue;
      }
      if (b.addr.ba_type === DAOS_MEDIA_SCM) {
        rt.trace.point('direct_scm_access', actor, {
          data: { ba_off: hexAddr(b.addr.ba_off), len: b.len },
        });
      } else {
        b.buf = new Uint8Array(Math.ceil(b.len / BLK) * BLK);
        rt.trace.point('dma_map_one', actor, {
          data: { ba_off: hexAddr(b.addr.ba_off), len: b.len, pages: b.buf.length / BLK },
        });
      }
    }
  }
}

/** bio_iod_copy for an update: sgl bytes → reserved SCM (persisted) / DMA buffers. */
export function* bioIodCopyUpdate(ioc: UpdateIoc, sgls: readonly (VosSgl | null)[]): Proc<void> {
  const { rt, actor } = ioc.pool;
  stepEnter(rt, actor, 'bio_iod_copy', {
    direction: 'sgl → media buffers',
    bd_sgl_cnt: sgls.length,
    bytes: ioc.ioSize,
  });
  try {
    for (let i = 0; i < ioc.biovs.length; i++)
      copyIodUpdate(ioc, i, ioc.biovs[i] as Biov[], sgls[i] ?? null);
    yield* sleep(Math.round(ioc.ioSize * VOS_COST.scmPerByte));
  } catch (e) {
    stepFail(rt, actor, 'bio_iod_copy', e);
    throw e;
  }
  stepExit(rt, actor, 'bio_iod_copy');
}

/** The bio_iod_copy of iod `i`: gather its bytes from the sgl into each of its biovs. */
function copyIodUpdate(ioc: UpdateIoc, i: number, list: Biov[], sgl: VosSgl | null): void {
  const { rt, umem } = ioc.pool;
  let iov = 0;
  let iovOff = 0;
  for (const b of list) {
    if (b.len === 0) continue;
    if (sgl === null) throw derError('INVAL', 'update without sgl');
    // The value's bytes: a window on the caller's iov when one iov holds all of them (no
    // copy: they are stored from it right below), else gathered into one buffer.
    const one = sgl.iovs[iov];
    const inOne = one !== undefined && one.len - iovOff >= b.len;
    const dst = inOne ? one.buf.subarray(iovOff, iovOff + b.len) : new Uint8Array(b.len);
    let o = 0;
    if (inOne) {
      o = b.len;
      iovOff += b.len;
      if (iovOff >= one.len) {
        iov++;
        iovOff = 0;
      }
    }
    while (o < b.len) {
      const v = sgl.iovs[iov];
      if (v === undefined) throw derError('REC2BIG', 'sgl shorter than the iod');
      const n = Math.min(b.len - o, v.len - iovOff);
      dst.set(v.buf.subarray(iovOff, iovOff + n), o);
      o += n;
      iovOff += n;
      if (iovOff >= v.len) {
        iov++;
        iovOff = 0;
      }
    }
    // Checksums of the landed data (the client's iod_csums in DAOS; computed here).
    const props = ioc.req.cont.csum;
    const iod = ioc.req.iods[i] as VosIod;
    if (props.type !== 0) {
      const rx = iod.recxs?.[list.indexOf(b)];
      b.csum =
        iod.type === DAOS_IOD_SINGLE || rx === undefined
          ? csumOf(props.type, dst)
          : extentCsums(props, iod.size, rx.idx, dst);
    }
    if (b.addr.ba_flags & BIO_FLAG_DEDUP) {
      // A shared extent is never written: the data waits in DRAM for vos_dedup_verify (a
      // copy: the caller's buffer is not ours to keep).
      b.buf = inOne ? dst.slice() : dst;
    } else if (b.addr.ba_type === DAOS_MEDIA_SCM) {
      // umem_atomic_copy into the reserved range, then persist (flush + drain).
      umem.scm.write(b.addr.ba_off, dst);
      umem.scm.persist(b.addr.ba_off, b.len);
      rt.trace.effect({ kind: 'scm.write', off: b.addr.ba_off, len: b.len, what: 'value' });
    } else {
      (b.buf as Uint8Array).set(dst, 0);
    }
  }
}

/** bio_iod_post for an update: write NVMe DMA buffers to their blocks (before publish). */
export function* bioIodPostUpdate(ioc: UpdateIoc): Proc<void> {
  const { rt, actor, nvme } = ioc.pool;
  const list: Biov[] = [];
  // A DEDUP extent shares blocks that already hold its bytes: nothing to write.
  for (const l of ioc.biovs)
    for (const b of l)
      if (
        b.addr.ba_type === DAOS_MEDIA_NVME &&
        b.buf !== undefined &&
        !(b.addr.ba_flags & BIO_FLAG_DEDUP)
      )
        list.push(b);
  if (list.length === 0 || nvme === undefined) return;
  stepEnter(rt, actor, 'bio_iod_post', { nvme_biovs: list.map(biovDump) });
  try {
    for (const b of list) {
      // FUA: the data must be durable before the metadata that points at it is committed
      // (DAOS relies on SSDs with power-loss protection for this).
      yield* nvme.write(b.addr.ba_off / BLK, b.buf as Uint8Array, { fua: true });
    }
  } catch (e) {
    stepFail(rt, actor, 'bio_iod_post', e);
    throw e;
  }
  stepExit(rt, actor, 'bio_iod_post');
}

/** Which ilog condition each level gets from the flags (VOS_COND_UPDATE_OP_MASK). */
function condFor(flags: number): { obj: IlogCond; dkey: IlogCond } {
  const upd = (flags & (COND.DKEY_UPDATE | COND.AKEY_UPDATE)) !== 0;
  return {
    obj: upd ? 'update' : 'none',
    dkey: flags & COND.DKEY_INSERT ? 'insert' : upd ? 'update' : 'none',
  };
}

function akeyCond(flags: number, iod: VosIod): IlogCond {
  const f = flags & COND.PER_AKEY ? iod.flags : flags;
  return f & COND.AKEY_INSERT ? 'insert' : f & COND.AKEY_UPDATE ? 'update' : 'none';
}

export function hexKey(k: Uint8Array): string {
  let s = '';
  for (const b of k) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

/**
 * The object's element of a ts path, remembered per oid object (callers reuse one oid for many
 * I/Os; formatting two bigints per I/O showed in profiles). The fields are compared in case
 * the object was changed since.
 */
const oidTsKeys = new WeakMap<VosOid, { hi: bigint; lo: bigint; shard: number; key: string }>();
function oidTsKey(oid: VosOid): string {
  const c = oidTsKeys.get(oid);
  if (c !== undefined && c.hi === oid.hi && c.lo === oid.lo && c.shard === oid.shard) return c.key;
  const key = `${oid.hi}.${oid.lo}.${oid.shard}`;
  oidTsKeys.set(oid, { hi: oid.hi, lo: oid.lo, shard: oid.shard, key });
  return key;
}

export function tsPath(cont: VosCont, oid: VosOid, dkey?: Uint8Array, akey?: Uint8Array): TsPath {
  const p = [cont.id, oidTsKey(oid)];
  if (dkey) p.push(hexKey(dkey));
  if (akey) p.push(hexKey(akey));
  return p;
}

/** vos_update_end (spec §4.8): publish metadata in one transaction, or cancel. */
export function* vosUpdateEnd(ioc: UpdateIoc, err: number): Proc<void> {
  const pool = ioc.pool;
  const { rt, actor } = pool;
  stepEnter(rt, actor, 'vos_update_end', {
    err,
    epoch: ioc.dumps.epoch,
    dkey: ioc.dumps.dkey,
    ic_io_size: ioc.ioSize,
  });
  try {
    try {
      if (err !== 0) {
        updateCancel(ioc);
        vosDedupProcess(ioc, false);
      } else {
        try {
          publishUpdate(ioc);
          vosDedupProcess(ioc, true);
        } catch (e) {
          if (e instanceof IoError) {
            updateCancel(ioc);
            vosDedupProcess(ioc, false);
          }
          throw e;
        } finally {
          recordCondReads(ioc);
        }
      }
    } finally {
      stepEnter(rt, actor, 'vos_space_unhold', { scm: ioc.hold.scm, nvme: ioc.hold.nvme });
      spaceUnhold(ioc);
      stepExit(rt, actor, 'vos_space_unhold');
      stepEnter(rt, actor, 'vos_ioc_destroy');
      ioc.done = true;
      stepExit(rt, actor, 'vos_ioc_destroy');
    }
    if (err === 0) yield* sleep(VOS_COST.step);
  } catch (e) {
    stepFail(rt, actor, 'vos_update_end', e);
    throw e;
  }
  stepExit(rt, actor, 'vos_update_end');
}

/** Conditional checks are reads: record them even when they failed (vos_ts_set_update). */
function recordCondReads(ioc: UpdateIoc): void {
  const { req, pool } = ioc;
  const cf = req.flags & 0xff & ~COND.PER_AKEY;
  const perAkey = (req.flags & COND.PER_AKEY) !== 0;
  if (cf & (COND.DKEY_INSERT | COND.DKEY_UPDATE))
    pool.ts.read(tsPath(req.cont, req.oid, req.dkey), req.epoch, ioc.txId);
  for (const iod of req.iods) {
    const f = perAkey ? iod.flags : cf;
    if (f & (COND.AKEY_INSERT | COND.AKEY_UPDATE))
      pool.ts.read(tsPath(req.cont, req.oid, req.dkey, iod.name), req.epoch, ioc.txId);
  }
}

/** The transaction of vos_update_end: never yields (one umem tx per pool at a time). */
function publishUpdate(ioc: UpdateIoc): void {
  const req = ioc.req;
  if (!req.dtx) return publishUpdateTx(ioc);
  dtxBeginRecording(ioc.pool.mem, req.dtx.lid, req.dtx.recs);
  try {
    publishUpdateTx(ioc);
  } finally {
    dtxEndRecording(ioc.pool.mem);
  }
}

function publishUpdateTx(ioc: UpdateIoc): void {
  const pool = ioc.pool;
  const { rt, actor, mem } = pool;
  const req = ioc.req;
  const epoch = req.epoch;
  const kinds = objKeyKinds(req.oid);
  const conds = condFor(req.flags);
  // SV records live in reserved (not yet published) SCM: write their headers now and persist
  // them; no undo snapshot is needed for memory nothing points to yet.
  for (let i = 0; i < ioc.biovs.length; i++) {
    const iod = req.iods[i] as VosIod;
    if (iod.type !== DAOS_IOD_SINGLE) continue;
    const b = (ioc.biovs[i] as Biov[])[0] as Biov;
    const recOff = b.recOff as number;
    const cs = b.csum;
    const csLen = cs === undefined ? 0 : cs.length;
    // vos_irec_df then the checksum, assembled in one buffer: one store, one persist.
    const dv = scratch(IREC_HDR);
    dv.setUint32(IREC.ir_ver, req.pmVer ?? 0, true);
    dv.setUint32(IREC.ir_dtx, dtxRecordLid(mem, 'svt', recOff + IREC.ir_dtx), true);
    dv.setUint16(IREC.ir_minor_epc, ioc.minor, true);
    setOff(dv, IREC.ir_size, iod.size);
    setOff(dv, IREC.ir_gsize, iod.size);
    putBioAddr(dv, IREC.ir_ex_addr, b.addr);
    dv.setUint16(IREC.ir_cs_size, csLen, true);
    dv.setUint8(IREC.ir_cs_type, csLen > 0 ? req.cont.csum.type : 0);
    let rec = scratchBytes(IREC_HDR);
    if (cs !== undefined) {
      const hdr = rec;
      rec = new Uint8Array(IREC_HDR + csLen);
      rec.set(hdr);
      rec.set(cs, IREC_HDR);
    }
    pool.umem.scm.write(recOff, rec);
    pool.umem.scm.persist(recOff, rec.length);
  }

  mem.actor = actor;
  stepEnter(rt, actor, 'vos_tx_begin');
  mem.txBegin();
  stepExit(rt, actor, 'vos_tx_begin');
  try {
    const obj = objIncarnate(ioc, conds.obj);
    stepEnter(rt, actor, 'dkey_update', { dkey: ioc.dumps.dkey, minor: ioc.minor });
    try {
      dkeyUpdate(ioc, obj.off, obj.punch, kinds, conds.dkey);
    } catch (e) {
      stepFail(rt, actor, 'dkey_update', e);
      throw e;
    }
    stepExit(rt, actor, 'dkey_update');
    stepEnter(rt, actor, 'vos_ts_set_check_conflict', { epoch: ioc.dumps.epoch });
    const paths = iodTsPaths(ioc);
    try {
      for (const p of paths) pool.ts.checkWrite(p, epoch, ioc.txId);
    } catch (e) {
      stepFail(rt, actor, 'vos_ts_set_check_conflict', e);
      throw e;
    }
    stepExit(rt, actor, 'vos_ts_set_check_conflict');
    // vo_max_write
    const mw = mem.u64(obj.off + OBJ_DF.vo_max_write);
    if (epoch > mw) mem.w64(obj.off + OBJ_DF.vo_max_write, epoch);
    txEnd(ioc);
    // Published: nothing left to cancel.
    ioc.scmRsv.length = 0;
    ioc.nvmeExts.length = 0;
    for (const p of paths) pool.ts.wrote(p, epoch);
  } catch (e) {
    if (e instanceof IoError) {
      stepEnter(rt, actor, 'umem_tx_abort', { rc: e.rc });
      try {
        mem.txAbort();
      } catch (e2) {
        stepFail(rt, actor, 'umem_tx_abort', e2);
        throw e2;
      }
      stepExit(rt, actor, 'umem_tx_abort');
    }
    throw e;
  }
}

/** vos_tx_end: publish the reservations and commit the umem transaction. */
function txEnd(ioc: UpdateIoc): void {
  const pool = ioc.pool;
  const { rt, actor, mem } = pool;
  stepEnter(rt, actor, 'vos_tx_end');
  try {
    stepEnter(rt, actor, 'vos_tx_publish', {
      rsrvd_scm: ioc.scmRsv.length,
      blk_exts: ioc.nvmeExts.length,
    });
    try {
      if (ioc.scmRsv.length > 0) pool.umem.publish(ioc.scmRsv);
      if (ioc.nvmeExts.length > 0) pool.vea?.publish(ioc.nvmeExts);
    } catch (e) {
      stepFail(rt, actor, 'vos_tx_publish', e);
      throw e;
    }
    stepExit(rt, actor, 'vos_tx_publish');
    stepEnter(rt, actor, 'umem_tx_commit');
    try {
      mem.txCommit();
    } catch (e) {
      stepFail(rt, actor, 'umem_tx_commit', e);
      throw e;
    }
    stepExit(rt, actor, 'umem_tx_commit');
  } catch (e) {
    stepFail(rt, actor, 'vos_tx_end', e);
    throw e;
  }
  stepExit(rt, actor, 'vos_tx_end');
}

/** vos_obj_incarnate: find or allocate the object, make it visible at the epoch (its ilog). */
function objIncarnate(ioc: UpdateIoc, cond: IlogCond): { off: number; punch: PunchMark } {
  const pool = ioc.pool;
  const { rt, actor } = pool;
  const req = ioc.req;
  const epoch = req.epoch;
  stepEnter(rt, actor, 'vos_obj_incarnate', { oid: ioc.dumps.oid });
  let r: { off: number; punch: PunchMark };
  try {
    stepEnter(rt, actor, 'vos_oi_find');
    let off: number | null;
    try {
      off = oiFind(req.cont, req.oid);
    } catch (e) {
      stepFail(rt, actor, 'vos_oi_find', e);
      throw e;
    }
    stepExit(rt, actor, 'vos_oi_find', off !== null ? D_FOUND : D_NOT_FOUND);
    if (off === null) {
      if (cond === 'update') throw derError('NONEXIST', 'object does not exist');
      stepEnter(rt, actor, 'vos_oi_alloc');
      try {
        off = oiAlloc(req.cont, req.oid, epoch).off;
      } catch (e) {
        stepFail(rt, actor, 'vos_oi_alloc', e);
        throw e;
      }
      stepExit(rt, actor, 'vos_oi_alloc', { obj_df: hexAddr(off) });
    }
    const info = ilogUpdateStep(ioc, 'object', off + OBJ_DF.vo_ilog, NO_PUNCH, cond);
    r = { off, punch: info.priorPunch };
  } catch (e) {
    stepFail(rt, actor, 'vos_obj_incarnate', e);
    throw e;
  }
  stepExit(rt, actor, 'vos_obj_incarnate');
  return r;
}

/** vos_ilog_update at one level (object, dkey, akey), traced. */
function ilogUpdateStep(
  ioc: UpdateIoc,
  level: 'object' | 'dkey' | 'akey',
  ilogOff: number,
  parent: PunchMark,
  cond: IlogCond,
): IlogInfo & { written: boolean } {
  const { rt, actor, mem } = ioc.pool;
  stepEnter(rt, actor, 'vos_ilog_update', D_LEVEL[level]);
  let info: IlogInfo & { written: boolean };
  try {
    info = vosIlogUpdate(mem, ilogOff, ioc.req.epoch, ioc.minor, parent, cond);
  } catch (e) {
    stepFail(rt, actor, 'vos_ilog_update', e);
    throw e;
  }
  stepExit(rt, actor, 'vos_ilog_update', { create: info.create.toString(), written: info.written });
  return info;
}

function dkeyUpdate(
  ioc: UpdateIoc,
  objOff: number,
  objPunch: PunchMark,
  kinds: ReturnType<typeof objKeyKinds>,
  cond: IlogCond,
): void {
  const pool = ioc.pool;
  const { rt, actor, mem } = pool;
  const req = ioc.req;
  stepEnter(rt, actor, 'obj_tree_init');
  let dtree: DbTree;
  try {
    dtree = objDkeyTree(mem, objOff, kinds.dkey, true) as DbTree;
  } catch (e) {
    stepFail(rt, actor, 'obj_tree_init', e);
    throw e;
  }
  stepExit(rt, actor, 'obj_tree_init', { vo_tree: hexAddr(dtree.rootOff) });
  const krec = keyTreePrepareStep(ioc, dtree, kinds.dkey, req.dkey, true, ioc.dumps.dkey);
  const info = ilogUpdateStep(ioc, 'dkey', krec + KREC.kr_ilog, objPunch, cond);
  const atree = dkeyAkeyTree(mem, krec, kinds.akey, true) as DbTree;
  for (let i = 0; i < req.iods.length; i++) {
    const iod = req.iods[i] as VosIod;
    const akey = ioc.dumps.akeys[i] ?? keyDump(iod.name);
    stepEnter(rt, actor, 'akey_update', { akey, iod_type: iod.type });
    try {
      akeyUpdate(ioc, atree, iod, ioc.biovs[i] as Biov[], info.priorPunch, kinds.akey, akey);
    } catch (e) {
      stepFail(rt, actor, 'akey_update', e);
      throw e;
    }
    stepExit(rt, actor, 'akey_update');
  }
}

function keyTreePrepareStep(
  ioc: UpdateIoc,
  tree: DbTree,
  kind: 'hashed' | 'uint64' | 'lexical',
  key: Uint8Array,
  isDkey: boolean,
  keyJson: Json,
): number {
  const { rt, actor, mem } = ioc.pool;
  stepEnter(rt, actor, 'key_tree_prepare', { tree: tree.cls.name, key: keyJson });
  let off: number;
  let krecData: Data | undefined;
  try {
    stepEnter(rt, actor, 'dbtree_fetch', D_PROBE_EQ);
    let found: { off: number } | null;
    try {
      found = keyTreePrepare(mem, tree, kind, key, false, isDkey);
    } catch (e) {
      stepFail(rt, actor, 'dbtree_fetch', e);
      throw e;
    }
    stepExit(rt, actor, 'dbtree_fetch', found !== null ? D_FOUND : D_NOT_FOUND);
    if (found !== null) off = found.off;
    else {
      stepEnter(rt, actor, 'dbtree_upsert', D_PROBE_BYPASS);
      try {
        rt.trace.record('point', 'btr_insert', actor, { tree: tree.cls.name, depth: tree.depth });
        off = (keyTreePrepare(mem, tree, kind, key, true, isDkey) as { off: number }).off;
      } catch (e) {
        stepFail(rt, actor, 'dbtree_upsert', e);
        throw e;
      }
      // The same facts as key_tree_prepare's exit below: one object for both events.
      krecData = { krec: hexAddr(off) };
      stepExit(rt, actor, 'dbtree_upsert', krecData);
    }
  } catch (e) {
    stepFail(rt, actor, 'key_tree_prepare', e);
    throw e;
  }
  stepExit(rt, actor, 'key_tree_prepare', krecData ?? { krec: hexAddr(off) });
  return off;
}

function akeyUpdate(
  ioc: UpdateIoc,
  atree: DbTree,
  iod: VosIod,
  biovs: Biov[],
  dkeyPunch: PunchMark,
  akeyKind: 'hashed' | 'uint64' | 'lexical',
  akeyJson: Json,
): void {
  const pool = ioc.pool;
  const { mem } = pool;
  const req = ioc.req;
  const krec = keyTreePrepareStep(ioc, atree, akeyKind, iod.name, false, akeyJson);
  const cp = req.cont.csum;
  const vt = akeyValueTree(mem, krec, iod.type === DAOS_IOD_SINGLE ? 'single' : 'array', true, {
    type: cp.type,
    len: csumLen(cp.type),
    chunk: cp.chunk,
  });
  ilogUpdateStep(ioc, 'akey', krec + KREC.kr_ilog, dkeyPunch, akeyCond(req.flags, iod));
  if (iod.type === DAOS_IOD_SINGLE) {
    akeyUpdateSingle(ioc, vt as DbTree, iod, biovs[0] as Biov);
    return;
  }
  const evt = vt as EvTree;
  const recxs = iod.recxs ?? [];
  for (let j = 0; j < recxs.length; j++) {
    const rx = recxs[j] as VosRecx;
    if (rx.nr === 0) continue;
    akeyUpdateRecx(ioc, evt, iod, rx, biovs[j] as Biov);
  }
}

/** akey_update_single: the SV record goes into the SV tree under (epoch, minor). */
function akeyUpdateSingle(ioc: UpdateIoc, svt: DbTree, iod: VosIod, b: Biov): void {
  const { rt, actor } = ioc.pool;
  const req = ioc.req;
  stepEnter(rt, actor, 'akey_update_single', {
    sk_epoch: ioc.dumps.epoch,
    sk_minor_epc: ioc.minor,
    ir_size: iod.size,
    biov: biovDump(b),
  });
  try {
    const k = svtKey(req.epoch, ioc.minor);
    stepEnter(rt, actor, 'dbtree_update', D_TREE_SINGV);
    let inserted: boolean;
    try {
      const r = svt.upsert(k, () => b.recOff as number);
      if (!r.inserted) {
        // Same epoch and minor: the new record replaces the old one, which is freed.
        const old = svt.replace(k, b.recOff as number);
        freeSvRecord(ioc, old);
      }
      inserted = r.inserted;
    } catch (e) {
      stepFail(rt, actor, 'dbtree_update', e);
      throw e;
    }
    stepExit(rt, actor, 'dbtree_update', {
      svt_rec_alloc: inserted,
      rec: hexAddr(b.recOff as number),
    });
  } catch (e) {
    stepFail(rt, actor, 'akey_update_single', e);
    throw e;
  }
  stepExit(rt, actor, 'akey_update_single');
}

/** akey_update_recx: one extent goes into the evtree (evt_insert). */
function akeyUpdateRecx(ioc: UpdateIoc, evt: EvTree, iod: VosIod, rx: VosRecx, b: Biov): void {
  const { rt, actor } = ioc.pool;
  const req = ioc.req;
  const rect = {
    lo: rx.idx,
    hi: rx.idx + BigInt(rx.nr) - 1n,
    epoch: req.epoch,
    minor: ioc.minor,
  };
  stepEnter(rt, actor, 'akey_update_recx', {
    recx: { rx_idx: u64Hex(rx.idx), rx_nr: rx.nr },
    ei_inob: iod.size,
    biov: biovDump(b),
  });
  try {
    stepEnter(rt, actor, 'evt_insert', {
      rect: {
        lo: rect.lo.toString(),
        hi: rect.hi.toString(),
        epc: rect.epoch.toString(),
        minor: rect.minor,
      },
    });
    let desc: number;
    try {
      desc = evt.insert(
        {
          rect,
          ver: req.pmVer ?? 0,
          inob: iod.size,
          addr: b.addr,
          ...(b.csum ? { csum: b.csum } : {}),
        },
        (old) => freeData(ioc, old, Number(rect.hi - rect.lo + 1n) * evt.inob),
      );
    } catch (e) {
      stepFail(rt, actor, 'evt_insert', e);
      throw e;
    }
    stepExit(rt, actor, 'evt_insert', { desc: hexAddr(desc), tr_nr: evt.count });
  } catch (e) {
    stepFail(rt, actor, 'akey_update_recx', e);
    throw e;
  }
  stepExit(rt, actor, 'akey_update_recx');
}

/** Free a replaced SV record (and its NVMe extent) inside the transaction. */
function freeSvRecord(ioc: UpdateIoc, recOff: number): void {
  const { mem, vea } = ioc.pool;
  const dv = mem.view(recOff, IREC_HDR);
  const size = Number(dv.getBigUint64(IREC.ir_size, true));
  const addrOff =
    dv.getUint32(IREC.ir_ex_addr, true) + dv.getUint32(IREC.ir_ex_addr + 4, true) * 0x1_0000_0000;
  const type = dv.getUint8(IREC.ir_ex_addr + 8);
  if (type === DAOS_MEDIA_NVME && size > 0 && vea)
    vea.free({ blkOff: addrOff / BLK, blkCnt: Math.ceil(size / BLK) });
  mem.free(recOff);
}

function freeData(ioc: UpdateIoc, addr: BioAddr, len: number): void {
  const { mem, vea } = ioc.pool;
  // A hole owns nothing; a DEDUP address shares another record's extent.
  if (addr.ba_flags & (BIO_FLAG_HOLE | BIO_FLAG_DEDUP)) return;
  ioc.pool.dedup.invalidate(addr.ba_off, addr.ba_type);
  if (addr.ba_type === DAOS_MEDIA_NVME)
    vea?.free({ blkOff: addr.ba_off / BLK, blkCnt: Math.ceil(len / BLK) });
  else mem.free(addr.ba_off);
}

export { EvTree };
