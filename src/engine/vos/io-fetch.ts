/**
 * The fetch path inside VOS (vos_io.c, spec §5.3):
 *
 *   vos_fetch_begin → bio_iod_prep (read the media) → bio_iod_copy (into the sgls) → vos_fetch_end
 *
 * vos_fetch_begin walks object → dkey → akey, checking each incarnation log at the epoch, and
 * turns each value into a list of pieces: data (an address on SCM or NVMe) or holes (gaps,
 * punched extents). Holes never write the caller's buffer; trailing holes are trimmed.
 */
import { DTX_LID_ABORTED } from './dtx-table.ts';
import { derError, IoError } from '../core/errors.ts';
import { hexAddr, u64Hex } from '../core/bytes.ts';
import { sleep, type Proc } from '../core/sim.ts';
import type { DbTree } from './btree/btree.ts';
import type { EvTree, EvtVisible } from './evtree.ts';
import { bytesEqual } from '../core/bytes.ts';
import { csumOf, extentCsums, chunkBytes } from './csum.ts';
import { NO_PUNCH, type IlogInfo, type PunchMark } from './ilog.ts';
import type { Json } from '../trace/event.ts';
import { vosIlogFetch } from './ilog-update.ts';
import {
  BIO_FLAG_CORRUPTED,
  BIO_FLAG_HOLE,
  DAOS_MEDIA_NVME,
  DAOS_MEDIA_SCM,
  decBioAddr,
  IREC,
  IREC_HDR,
  KREC,
  OBJ_DF,
  type BioAddr,
} from './layout.ts';
import {
  akeyValueTree,
  dkeyAkeyTree,
  keyTreePrepare,
  objDkeyTree,
  objKeyKinds,
  oiFind,
  svtKey,
  svtKeyDecode,
  type VosCont,
  type VosPool,
} from './pool.ts';
import { step, stepEnter, stepExit, stepFail, VOS_COST, type Data } from './step.ts';
import { BLK, tsPath } from './io-update.ts';
import {
  COND,
  DAOS_IOD_ARRAY,
  DAOS_IOD_SINGLE,
  MINOR_MAX,
  iodDump,
  keyDump,
  oidDump,
  sglDump,
  type VosIod,
  type VosOid,
  type VosSgl,
} from './types.ts';

export interface FetchRequest {
  cont: VosCont;
  oid: VosOid;
  epoch: bigint;
  flags: number;
  dkey: Uint8Array;
  iods: VosIod[];
  /** VOS_OF_FETCH_SIZE_ONLY */
  sizeOnly?: boolean;
}

/** One piece of a fetched value: data at an address, or a hole of `len` bytes. */
export interface Piece {
  hole: boolean;
  len: number;
  addr?: BioAddr;
  buf?: Uint8Array;
  /** How to verify the data's checksum (absent: checksums off for this value). */
  verify?: SvVerify | EvtVerify;
}

interface SvVerify {
  kind: 'sv';
  type: number;
  csum: Uint8Array;
  /** Where the record's ba_flags live (CORRUPTED is set there when verification fails). */
  flagsOff: number;
}

interface EvtVerify {
  kind: 'evt';
  evt: EvTree;
  v: EvtVisible;
  rsize: number;
}

export interface FetchIoc {
  readonly kind: 'fetch';
  readonly req: FetchRequest;
  readonly pool: VosPool;
  readonly txId: number;
  /** Per iod: its pieces in index order. */
  readonly pieces: Piece[][];
  ioSize: number;
}

function pieceDump(p: Piece): Data {
  if (p.hole) return { hole: true, len: p.len };
  const a = p.addr as BioAddr;
  return {
    bi_addr: {
      ba_off: hexAddr(a.ba_off),
      ba_type: a.ba_type === DAOS_MEDIA_NVME ? 'DAOS_MEDIA_NVME' : 'DAOS_MEDIA_SCM',
      ba_flags: a.ba_flags,
    },
    bi_data_len: p.len,
  };
}

/** vos_fetch_begin (closure-free step tracing: see step.ts). */
export function* vosFetchBegin(pool: VosPool, req: FetchRequest): Proc<FetchIoc> {
  const { rt, actor } = pool;
  stepEnter(rt, actor, 'vos_fetch_begin', {
    oid: oidDump(req.oid),
    epoch: u64Hex(req.epoch),
    flags: req.flags,
    dkey: keyDump(req.dkey),
    iod_nr: req.iods.length,
    size_only: req.sizeOnly === true,
  });
  let ioc: FetchIoc;
  try {
    yield* sleep(VOS_COST.step);
    stepEnter(rt, actor, 'vos_ioc_create', { read_only: true });
    ioc = { kind: 'fetch', req, pool, txId: rt.ids.next('vos.tx'), pieces: [], ioSize: 0 };
    stepExit(rt, actor, 'vos_ioc_create', {
      ic_epr: { epr_lo: u64Hex(0n), epr_hi: u64Hex(req.epoch) },
      ic_bound: u64Hex(req.epoch),
      ic_iod_nr: req.iods.length,
      ic_update: 0,
      ic_size_fetch: req.sizeOnly === true ? 1 : 0,
    });
    if (req.dkey.length === 0) throw derError('INVAL', 'empty dkey');
    try {
      fetchLookup(ioc);
    } finally {
      // Reads (also failed conditional ones) leave read timestamps (vos_ts_set_update).
      for (const iod of req.iods)
        pool.ts.read(tsPath(req.cont, req.oid, req.dkey, iod.name), req.epoch, ioc.txId);
      if (req.flags & COND.DKEY_FETCH)
        pool.ts.read(tsPath(req.cont, req.oid, req.dkey), req.epoch, ioc.txId);
    }
  } catch (e) {
    stepFail(rt, actor, 'vos_fetch_begin', e);
    throw e;
  }
  stepExit(rt, actor, 'vos_fetch_begin', {
    iods: ioc.req.iods.map(iodDump),
    pieces: ioc.pieces.map(piecesDump),
  });
  return ioc;
}

function piecesDump(l: Piece[]): Json {
  return l.map(pieceDump);
}

function emptyResults(ioc: FetchIoc): void {
  ioc.pieces.length = 0;
  for (const iod of ioc.req.iods) {
    iod.size = 0;
    ioc.pieces.push([]);
  }
}

/** The fetch condition of one akey (DAOS_COND_AKEY_FETCH, per akey or for all). */
function akeyFetchCond(req: FetchRequest, iod: VosIod): boolean {
  return ((req.flags & COND.PER_AKEY ? iod.flags : req.flags) & COND.AKEY_FETCH) !== 0;
}

/** stop_check: a missing object/dkey is empty unless a fetch condition asks for it. */
function stopCheck(ioc: FetchIoc, anyCond: boolean, what: string): void {
  if (anyCond) throw derError('NONEXIST', `${what} does not exist`);
  emptyResults(ioc);
}

function fetchLookup(ioc: FetchIoc): void {
  const pool = ioc.pool;
  const { rt, actor, mem } = pool;
  const req = ioc.req;
  const epoch = req.epoch;
  const kinds = objKeyKinds(req.oid);
  let anyCond = (req.flags & COND.DKEY_FETCH) !== 0;
  for (const iod of req.iods) if (akeyFetchCond(req, iod)) anyCond = true;
  // vos_obj_hold
  stepEnter(rt, actor, 'vos_obj_hold', { oid: oidDump(req.oid) });
  let obj: { off: number; info: IlogInfo } | null = null;
  try {
    const off = oiFind(req.cont, req.oid);
    if (off !== null) {
      const info = vosIlogFetch(mem, off + OBJ_DF.vo_ilog, epoch, NO_PUNCH);
      if (info.visible) obj = { off, info };
    }
  } catch (e) {
    stepFail(rt, actor, 'vos_obj_hold', e);
    throw e;
  }
  stepExit(rt, actor, 'vos_obj_hold', { found: obj !== null });
  if (obj === null) return stopCheck(ioc, anyCond, 'object');
  // dkey_fetch
  stepEnter(rt, actor, 'dkey_fetch', { dkey: keyDump(req.dkey) });
  let dk: { off: number; info: IlogInfo } | null = null;
  try {
    const tree = objDkeyTree(mem, obj.off, kinds.dkey, false);
    let krec: { off: number } | null = null;
    if (tree !== null) {
      stepEnter(rt, actor, 'key_tree_prepare', { tree: 'VOS_BTR_DKEY' });
      try {
        krec = keyTreePrepare(mem, tree, kinds.dkey, req.dkey, false, true);
      } catch (e) {
        stepFail(rt, actor, 'key_tree_prepare', e);
        throw e;
      }
      stepExit(rt, actor, 'key_tree_prepare', { found: krec !== null });
    }
    if (krec !== null) {
      const info = ilogFetchStep(ioc, 'dkey', krec.off + KREC.kr_ilog, obj.info.priorPunch);
      if (info.visible) dk = { off: krec.off, info };
    }
  } catch (e) {
    stepFail(rt, actor, 'dkey_fetch', e);
    throw e;
  }
  stepExit(rt, actor, 'dkey_fetch', { visible: dk !== null });
  if (dk === null) return stopCheck(ioc, anyCond, 'dkey');
  const atree = dkeyAkeyTree(mem, dk.off, kinds.akey, false);
  for (const iod of req.iods) {
    stepEnter(rt, actor, 'akey_fetch', { akey: keyDump(iod.name), iod_type: iod.type });
    let pieces: Piece[];
    try {
      pieces = akeyFetch(ioc, atree, iod, dk.info, kinds.akey, akeyFetchCond(req, iod));
    } catch (e) {
      stepFail(rt, actor, 'akey_fetch', e);
      throw e;
    }
    stepExit(rt, actor, 'akey_fetch');
    ioc.pieces.push(pieces);
  }
  stepEnter(rt, actor, 'ioc_trim_tail_holes');
  for (const list of ioc.pieces)
    while (list.length > 0 && (list[list.length - 1] as Piece).hole) list.pop();
  stepExit(rt, actor, 'ioc_trim_tail_holes');
}

/** vos_ilog_fetch at one level, traced. */
function ilogFetchStep(
  ioc: FetchIoc,
  level: 'dkey' | 'akey',
  ilogOff: number,
  parent: PunchMark,
): IlogInfo {
  const { rt, actor, mem } = ioc.pool;
  stepEnter(rt, actor, 'vos_ilog_fetch', { level });
  let info: IlogInfo;
  try {
    info = vosIlogFetch(mem, ilogOff, ioc.req.epoch, parent);
  } catch (e) {
    stepFail(rt, actor, 'vos_ilog_fetch', e);
    throw e;
  }
  stepExit(rt, actor, 'vos_ilog_fetch', { visible: info.visible, create: info.create.toString() });
  return info;
}

/** An akey that is not there: NONEXIST under a fetch condition, else size 0. */
function missingAkey(iod: VosIod, cond: boolean): Piece[] {
  if (cond) throw derError('NONEXIST', 'akey does not exist');
  iod.size = 0;
  return [];
}

function akeyFetch(
  ioc: FetchIoc,
  atree: DbTree | null,
  iod: VosIod,
  dkeyInfo: IlogInfo,
  kind: 'hashed' | 'uint64' | 'lexical',
  cond: boolean,
): Piece[] {
  const { rt, actor, mem } = ioc.pool;
  const req = ioc.req;
  if (iod.type === DAOS_IOD_ARRAY && (iod.recxs === null || iod.recxs.length === 0)) {
    iod.size = 0;
    return [];
  }
  if (atree === null) return missingAkey(iod, cond);
  stepEnter(rt, actor, 'key_tree_prepare', { tree: 'VOS_BTR_AKEY' });
  let krec: { off: number } | null;
  try {
    krec = keyTreePrepare(mem, atree, kind, iod.name, false, false);
  } catch (e) {
    stepFail(rt, actor, 'key_tree_prepare', e);
    throw e;
  }
  stepExit(rt, actor, 'key_tree_prepare', { found: krec !== null });
  if (krec === null) return missingAkey(iod, cond);
  const info = ilogFetchStep(ioc, 'akey', krec.off + KREC.kr_ilog, dkeyInfo.priorPunch);
  if (!info.visible) return missingAkey(iod, cond);
  const vt = akeyValueTree(mem, krec.off, iod.type === DAOS_IOD_SINGLE ? 'single' : 'array', false);
  if (vt === null) return missingAkey(iod, cond); // the other value kind: like a missing akey
  if (iod.type === DAOS_IOD_SINGLE) {
    stepEnter(rt, actor, 'akey_fetch_single', { probe: 'BTR_PROBE_LE', epoch: u64Hex(req.epoch) });
    let r: Piece[];
    try {
      r = fetchSingle(ioc, vt as DbTree, iod, info);
    } catch (e) {
      stepFail(rt, actor, 'akey_fetch_single', e);
      throw e;
    }
    stepExit(rt, actor, 'akey_fetch_single');
    return r;
  }
  const evt = vt as EvTree;
  const all: {
    lo: bigint;
    hi: bigint;
    piece:
      { hole: true } | { hole: false; addr: BioAddr; inob: number; skip: number; v: EvtVisible };
  }[] = [];
  let rsize = 0;
  for (const rx of iod.recxs ?? []) {
    const lo = rx.idx;
    const hi = rx.idx + BigInt(rx.nr) - 1n;
    if (rx.nr === 0) continue;
    const vis = step(
      rt,
      actor,
      'akey_fetch_recx',
      { recx: { rx_idx: u64Hex(rx.idx), rx_nr: rx.nr } },
      () =>
        step(
          rt,
          actor,
          'evt_find',
          {
            lo: lo.toString(),
            hi: hi.toString(),
            fr_epoch: u64Hex(req.epoch),
            fr_punch_epc: info.priorPunch.epoch.toString(),
          },
          () => evt.find(lo, hi, req.epoch, info.priorPunch, info.create),
          (v) => ({
            visible: v.map((x) => ({
              lo: x.lo.toString(),
              hi: x.hi.toString(),
              epc: x.epoch.toString(),
              hole: x.hole,
            })),
          }),
        ),
    );
    let pos = lo;
    for (const v of vis) {
      if (v.lo > pos) all.push({ lo: pos, hi: v.lo - 1n, piece: { hole: true } });
      if (v.hole) all.push({ lo: v.lo, hi: v.hi, piece: { hole: true } });
      else {
        if (rsize !== 0 && v.inob !== rsize)
          throw derError('INVAL', 'mixed record sizes in one fetch');
        rsize = v.inob;
        all.push({
          lo: v.lo,
          hi: v.hi,
          piece: {
            hole: false,
            addr: v.addr,
            inob: v.inob,
            skip: Number(v.lo - v.fullLo) * v.inob,
            v,
          },
        });
      }
      pos = v.hi + 1n;
    }
    if (pos <= hi) all.push({ lo: pos, hi, piece: { hole: true } });
  }
  iod.size = rsize;
  if (rsize === 0) return [];
  return all.map((x) => {
    const len = Number(x.hi - x.lo + 1n) * rsize;
    if (x.piece.hole) return { hole: true, len };
    const a = x.piece.addr;
    if (a.ba_flags & BIO_FLAG_CORRUPTED) throw derError('CSUM', 'extent marked corrupted');
    const p: Piece = {
      hole: false,
      len,
      addr: { ba_off: a.ba_off + x.piece.skip, ba_type: a.ba_type, ba_flags: a.ba_flags },
    };
    if (evt.csum.len > 0) p.verify = { kind: 'evt', evt, v: x.piece.v, rsize };
    return p;
  });
}

function fetchSingle(ioc: FetchIoc, svt: DbTree, iod: VosIod, info: IlogInfo): Piece[] {
  const { mem } = ioc.pool;
  const req = ioc.req;
  const c = svt.probe('LE', svtKey(req.epoch, MINOR_MAX));
  // Records of an aborted DTX are invisible: the newest older one is the value.
  while (c?.valid === true && mem.u32(c.recOff + IREC.ir_dtx) === DTX_LID_ABORTED) c.prev();
  if (c === null || !c.valid) {
    iod.size = 0;
    return [];
  }
  const k = svtKeyDecode(c.hkey);
  // Older incarnation (before the akey's visible creation) or at/below the inherited punch.
  if (
    k.epoch < info.create ||
    k.epoch < info.priorPunch.epoch ||
    (k.epoch === info.priorPunch.epoch && k.minor <= info.priorPunch.minor)
  ) {
    iod.size = 0;
    return [];
  }
  const dv = mem.view(c.recOff, IREC_HDR);
  const size = Number(dv.getBigUint64(IREC.ir_gsize, true));
  const addr = decBioAddr(dv, IREC.ir_ex_addr);
  iod.size = size;
  if (size === 0 || addr.ba_flags & BIO_FLAG_HOLE) {
    iod.size = 0;
    return [];
  }
  if (addr.ba_flags & BIO_FLAG_CORRUPTED) throw derError('CSUM', 'record marked corrupted');
  const p: Piece = { hole: false, len: size, addr };
  const csSize = dv.getUint16(IREC.ir_cs_size, true);
  if (csSize > 0) {
    p.verify = {
      kind: 'sv',
      type: dv.getUint8(IREC.ir_cs_type),
      csum: mem.read(c.recOff + IREC_HDR, csSize),
      flagsOff: c.recOff + IREC.ir_ex_addr + 10,
    };
  }
  return [p];
}

/** bio_iod_prep for a fetch: read SCM directly, NVMe blocks via the device (dma_rw). */
export function* bioIodPrepFetch(ioc: FetchIoc): Proc<void> {
  const { rt, actor } = ioc.pool;
  if (ioc.req.sizeOnly === true) return;
  stepEnter(rt, actor, 'bio_iod_prep', {
    bd_type: 'BIO_IOD_TYPE_FETCH',
    bd_sgl_cnt: ioc.pieces.length,
  });
  try {
    for (const list of ioc.pieces) {
      for (const p of list) {
        if (p.hole || p.addr === undefined) continue;
        if (p.verify?.kind === 'evt') {
          p.buf = yield* readVerifiedExtentPiece(ioc, p, p.verify);
        } else {
          p.buf = yield* readMedia(ioc, p.addr, p.len, p);
          if (p.verify?.kind === 'sv') verifySv(ioc, p.buf, p.verify);
        }
        ioc.ioSize += p.len;
      }
    }
    yield* sleep(VOS_COST.step);
  } catch (e) {
    stepFail(rt, actor, 'bio_iod_prep', e);
    throw e;
  }
  stepExit(rt, actor, 'bio_iod_prep');
}

/** Read `len` bytes at a bio address: SCM directly, NVMe blocks through the device (dma_rw). */
function* readMedia(ioc: FetchIoc, a: BioAddr, len: number, p?: Piece): Proc<Uint8Array> {
  const { rt, actor, umem, nvme } = ioc.pool;
  if (a.ba_type === DAOS_MEDIA_SCM) {
    if (p) rt.trace.point('direct_scm_access', actor, { data: pieceDump(p) });
    return umem.scm.read(a.ba_off, len);
  }
  if (nvme === undefined) throw derError('NVME_IO', 'no NVMe device');
  const lba = Math.floor(a.ba_off / BLK);
  const skip = a.ba_off - lba * BLK;
  const n = Math.ceil((skip + len) / BLK);
  rt.trace.point('dma_rw', actor, {
    data: { ba_off: hexAddr(a.ba_off), len, lba, blocks: n },
  });
  const blocks = yield* nvme.read(lba, n);
  return blocks.slice(skip, skip + len);
}

/** Mark a record's / extent's address CORRUPTED (a tiny transaction) and fail with -DER_CSUM. */
function corrupted(ioc: FetchIoc, flagsOff: number, what: string): never {
  const mem = ioc.pool.mem;
  mem.txBegin();
  mem.w16(flagsOff, mem.u16(flagsOff) | BIO_FLAG_CORRUPTED);
  mem.txCommit();
  ioc.pool.rt.trace.point('daos_csummer_verify_iod', ioc.pool.actor, {
    data: { result: 'mismatch', what },
  });
  throw derError('CSUM', `checksum mismatch in ${what}`);
}

function verifySv(ioc: FetchIoc, data: Uint8Array, v: SvVerify): void {
  if (!bytesEqual(csumOf(v.type, data), v.csum)) corrupted(ioc, v.flagsOff, 'single value');
}

/**
 * An array piece with checksums: read the whole chunks (of the stored extent) that cover it,
 * verify each against the stored per-chunk checksums, then cut the piece out.
 */
function* readVerifiedExtentPiece(ioc: FetchIoc, p: Piece, vf: EvtVerify): Proc<Uint8Array> {
  const { v, evt, rsize } = vf;
  const cs = evt.csum;
  const recsPerChunk = BigInt(chunkBytes({ type: cs.type, chunk: cs.chunk }, rsize) / rsize);
  // Chunk-aligned span of the stored extent covering the visible piece.
  const firstChunk = v.lo / recsPerChunk;
  const lastChunk = v.hi / recsPerChunk;
  const spanLo = firstChunk * recsPerChunk > v.fullLo ? firstChunk * recsPerChunk : v.fullLo;
  const spanEnd = (lastChunk + 1n) * recsPerChunk - 1n;
  const spanHi = spanEnd < v.fullHi ? spanEnd : v.fullHi;
  const base = v.addr.ba_off;
  const spanAddr = { ...v.addr, ba_off: base + Number(spanLo - v.fullLo) * rsize };
  const span = yield* readMedia(ioc, spanAddr, Number(spanHi - spanLo + 1n) * rsize, p);
  const got = extentCsums({ type: cs.type, chunk: cs.chunk }, rsize, spanLo, span);
  // Stored checksums start at the extent's first chunk.
  const skipChunks = Number(spanLo / recsPerChunk - v.fullLo / recsPerChunk);
  const stored = evt.descCsum(v.descOff, skipChunks * cs.len + got.length);
  if (!bytesEqual(stored.subarray(skipChunks * cs.len), got))
    corrupted(ioc, v.descOff + 10, 'array extent');
  const off = Number(v.lo - spanLo) * rsize;
  return span.slice(off, off + p.len);
}

/**
 * bio_iod_copy for a fetch: pieces → sgl, in order; holes advance without writing. Sets iov_len
 * (bytes up to the last data byte) and sg_nr_out. Buffer smaller than the value → REC2BIG.
 */
export function* bioIodCopyFetch(ioc: FetchIoc, sgls: readonly (VosSgl | null)[]): Proc<void> {
  const { rt, actor } = ioc.pool;
  if (ioc.req.sizeOnly === true) return;
  stepEnter(rt, actor, 'bio_iod_copy', {
    direction: 'media buffers → sgl',
    bd_sgl_cnt: sgls.length,
  });
  try {
    for (let i = 0; i < ioc.pieces.length; i++)
      copyIodFetch(ioc, i, ioc.pieces[i] as Piece[], sgls[i] ?? null);
    yield* sleep(Math.round(ioc.ioSize * VOS_COST.scmPerByte));
  } catch (e) {
    stepFail(rt, actor, 'bio_iod_copy', e);
    throw e;
  }
  stepExit(rt, actor, 'bio_iod_copy', { sgls: sgls.map(sglDump) });
}

/** The bio_iod_copy of iod `i`: its pieces into its sgl. */
function copyIodFetch(ioc: FetchIoc, i: number, list: Piece[], sgl: VosSgl | null): void {
  if (sgl === null) return;
  const iod = ioc.req.iods[i] as VosIod;
  let cap = 0;
  for (const v of sgl.iovs) cap += v.buf.length;
  let need = iod.size;
  if (iod.type !== DAOS_IOD_SINGLE) {
    let nr = 0;
    for (const r of iod.recxs ?? []) nr += r.nr;
    need = nr * iod.size;
  }
  if (list.length > 0 && need > cap)
    throw derError('REC2BIG', `value of ${need} bytes > buffer of ${cap}`);
  let pos = 0;
  let end = 0;
  for (const p of list) {
    if (!p.hole && p.buf) {
      let src = 0;
      let base = 0;
      for (const v of sgl.iovs) {
        const vEnd = base + v.buf.length;
        if (pos + src < vEnd && src < p.len) {
          const at = pos + src - base;
          const n = Math.min(v.buf.length - at, p.len - src);
          v.buf.set(p.buf.subarray(src, src + n), at);
          src += n;
        }
        base = vEnd;
      }
      end = pos + p.len;
    }
    pos += p.len;
  }
  // iov_len / sg_nr_out: iovs up to the last data byte (trailing holes are not counted).
  let base = 0;
  let nr = 0;
  for (const v of sgl.iovs) {
    const used = Math.max(0, Math.min(v.buf.length, end - base));
    v.len = used;
    if (used > 0) nr++;
    base += v.buf.length;
  }
  sgl.nrOut = nr;
}

/** vos_fetch_end */
export function* vosFetchEnd(ioc: FetchIoc, err: number): Proc<void> {
  const { rt, actor } = ioc.pool;
  stepEnter(rt, actor, 'vos_fetch_end', { err, ic_io_size: ioc.ioSize });
  yield* sleep(VOS_COST.step / 2);
  stepExit(rt, actor, 'vos_fetch_end');
}

export { IoError };
