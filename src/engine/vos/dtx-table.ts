/**
 * The persistent DTX tables of a VOS pool (`src/vos/vos_dtx.c`, spec §6.2, §7): the active
 * table (entries of DTXs prepared on this target, each with its local id `dae_lid` and the list
 * of records it modified, `dae_rec_off`) and the committed table (`vos_dtx_cmt_ent_df`), both
 * as chains of blobs (`vos_dtx_blob_df`) in SCM, changed only inside umem transactions.
 *
 * Records written by a DTX carry its local id instead of `DTX_LID_COMMITTED`: SV records in
 * `ir_dtx`, evtree descriptors in `dc_dtx`, ilog entries in `id_tx_id`. While an update under a
 * DTX publishes, the ilog/evtree/SV code asks `dtxRecordLid` / `dtxIlogLid` for the id to store
 * and this file remembers where it stored it (the `dae_rec` list):
 * - `vos_dtx_commit`: every recorded id becomes `DTX_LID_COMMITTED` (`ilog_persist` for ilog
 *   entries), the active entry is removed and a committed entry appended — one transaction.
 * - `vos_dtx_abort`: SV/evtree ids become `DTX_LID_ABORTED` (fetch skips them; their space is
 *   GC's to reclaim), ilog entries of the DTX are removed (`ilog_abort`), the active entry is
 *   removed — one transaction.
 * A power cut keeps exactly what the last committed transaction left: committed entries stay
 * committed, prepared ones come back from `load()` for the engine to resolve (DTX resync).
 *
 * Deviation: one table per pool (DAOS: per container); the root hangs off `vos_pool_df` at
 * `POOL_DF.pd_dtx_root`. Blobs are append-only (a removed active entry leaves a free slot;
 * blobs are not recycled), and committed entries are never aggregated.
 */
import { derError } from '../core/errors.ts';
import { ilogEntries, ilogReplace } from './ilog.ts';
import { DTX_LID_COMMITTED } from './layout.ts';
import type { VosMem } from './mem.ts';
import type { VosPool } from './pool.ts';

/** Removed/aborted record (ilog parsing already skips `id_tx_id` 0). */
export const DTX_LID_ABORTED = 0;
/** First local id handed to an active DTX (`DTX_LID_RESERVED`). */
export const DTX_LID_FIRST = 2;

/** Offset in `vos_pool_df` of the u64 offset of the DTX root (0 = no table yet). */
export const POOL_DF_DTX_ROOT = 48;

const ROOT_MAGIC = 0x5ca1_d7a0;
const BLOB_MAGIC = 0x5ca1_b10b;
const ROOT = {
  magic: 0,
  next_lid: 4,
  act_head: 8,
  act_tail: 16,
  cmt_head: 24,
  cmt_tail: 32,
  size: 48,
};
// vos_dtx_blob_df: magic, cap, count (slots used), pad, next blob
const BLOB = { magic: 0, cap: 4, count: 8, next: 16, hdr: 24 };
const ACT_CAP = 32;
const CMT_CAP = 128;
/** vos_dtx_act_ent_df (this model's layout). */
const ACT = {
  xid: 0, // uuid (16)
  hlc: 16, // u64
  epoch: 24, // u64
  oid_hi: 32,
  oid_lo: 40,
  shard: 48, // u32
  lid: 52, // u32 (0 = free slot)
  dkey_hash: 56, // u64
  flags: 64, // u32: DTE_LEADER 1
  mbs_cnt: 68, // u32
  mbs: 72, // 6 × u32
  rec_cnt: 96, // u32
  rec_off: 104, // u64: array of DTX_REC_SIZE records
  size: 112,
};
const MBS_MAX = 6;
/** vos_dtx_cmt_ent_df: xid, epoch, lid, commit time. */
const CMT = { xid: 0, hlc: 16, epoch: 24, lid: 32, time: 40, size: 48 };
/** One `dae_rec`: u32 kind (1 ilog, 2 svt, 3 evt), pad, u64 offset, u64 epoch (ilog). */
const REC = { kind: 0, off: 8, epoch: 16, size: 24 };
const REC_KIND = { ilog: 1, svt: 2, evt: 3 } as const;

export interface DtxXid {
  /** 32 hex digits. */
  uuid: string;
  hlc: bigint;
}

export interface DtxActiveIn {
  xid: DtxXid;
  epoch: bigint;
  oid: { hi: bigint; lo: bigint; shard: number };
  dkeyHash: bigint;
  leader: boolean;
  /** Participants' target ids, leader first. */
  mbs: number[];
}

export interface DtxActiveEnt extends DtxActiveIn {
  lid: number;
  recCnt: number;
}

export interface DtxCommittedEnt {
  xid: DtxXid;
  epoch: bigint;
  lid: number;
  time: bigint;
}

export type DtxRec =
  { kind: 'ilog'; off: number; epoch: bigint } | { kind: 'svt' | 'evt'; off: number };

// ---- the records of the DTX being published ------------------------------------------------

const recording = new WeakMap<VosMem, { lid: number; recs: DtxRec[] }>();

/** While an update of DTX `lid` publishes: record ids go to `recs`. Synchronous scope only. */
export function dtxBeginRecording(mem: VosMem, lid: number, recs: DtxRec[]): void {
  recording.set(mem, { lid, recs });
}

export function dtxEndRecording(mem: VosMem): void {
  recording.delete(mem);
}

/** The id an SV record (`kind` svt) or evtree descriptor (evt) stores at `lidOff`. */
export function dtxRecordLid(mem: VosMem, kind: 'svt' | 'evt', lidOff: number): number {
  const r = recording.get(mem);
  if (!r) return DTX_LID_COMMITTED;
  r.recs.push({ kind, off: lidOff });
  return r.lid;
}

/** The id a new ilog entry at `epoch` of the ilog at `ilogOff` stores. */
export function dtxIlogLid(mem: VosMem, ilogOff: number, epoch: bigint): number {
  const r = recording.get(mem);
  if (!r) return DTX_LID_COMMITTED;
  r.recs.push({ kind: 'ilog', off: ilogOff, epoch });
  return r.lid;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16) || 0;
  return out;
}

function bytesToHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function xidKey(x: DtxXid): string {
  return `${x.uuid}.${x.hlc.toString(16)}`;
}

/** The DTX tables of one pool. */
export class VosDtxTable {
  private readonly mem: VosMem;
  /** DRAM index of the active table: xid → slot offset (`dtx_lru` array of DAOS). */
  private act = new Map<string, number>();
  private cmt = new Map<string, number>();
  private loaded = false;

  constructor(readonly pool: VosPool) {
    this.mem = pool.mem;
  }

  private get rootPtr(): number {
    return this.pool.rootOff + POOL_DF_DTX_ROOT;
  }

  /** The root (created in the caller's transaction when absent). */
  private root(create: boolean): number {
    const off = this.mem.off(this.rootPtr);
    if (off !== 0) {
      if (this.mem.u32(off + ROOT.magic) !== ROOT_MAGIC)
        throw derError('DF_INVAL', 'bad DTX root magic');
      return off;
    }
    if (!create) return 0;
    const r = this.mem.alloc(ROOT.size, true);
    this.mem.w32(r + ROOT.magic, ROOT_MAGIC);
    this.mem.w32(r + ROOT.next_lid, DTX_LID_FIRST);
    this.mem.wOff(this.rootPtr, r);
    return r;
  }

  private tx<T>(body: () => T): T {
    this.mem.txBegin();
    try {
      const r = body();
      this.mem.txCommit();
      return r;
    } catch (e) {
      this.mem.txAbort();
      throw e;
    }
  }

  /** A free slot of `entSize` in the chain at head/tail (a new blob when the last is full). */
  private slot(root: number, head: number, tail: number, cap: number, entSize: number): number {
    let blob = this.mem.off(root + tail);
    if (blob === 0 || this.mem.u32(blob + BLOB.count) >= this.mem.u32(blob + BLOB.cap)) {
      const nb = this.mem.alloc(BLOB.hdr + cap * entSize, true);
      this.mem.w32(nb + BLOB.magic, BLOB_MAGIC);
      this.mem.w32(nb + BLOB.cap, cap);
      if (blob === 0) this.mem.wOff(root + head, nb);
      else this.mem.wOff(blob + BLOB.next, nb);
      this.mem.wOff(root + tail, nb);
      blob = nb;
    }
    const n = this.mem.u32(blob + BLOB.count);
    this.mem.w32(blob + BLOB.count, n + 1);
    return blob + BLOB.hdr + n * entSize;
  }

  private *slots(head: number, entSize: number): Generator<number> {
    const root = this.root(false);
    if (root === 0) return;
    for (let b = this.mem.off(root + head); b !== 0; b = this.mem.off(b + BLOB.next)) {
      if (this.mem.u32(b + BLOB.magic) !== BLOB_MAGIC) throw derError('DF_INVAL', 'DTX blob');
      const n = this.mem.u32(b + BLOB.count);
      for (let i = 0; i < n; i++) yield b + BLOB.hdr + i * entSize;
    }
  }

  private index(): void {
    if (this.loaded) return;
    this.loaded = true;
    for (const s of this.slots(ROOT.act_head, ACT.size))
      if (this.mem.u32(s + ACT.lid) !== 0) this.act.set(xidKey(this.readXid(s)), s);
    for (const s of this.slots(ROOT.cmt_head, CMT.size)) this.cmt.set(xidKey(this.readXid(s)), s);
  }

  private readXid(s: number): DtxXid {
    return { uuid: bytesToHex(this.mem.read(s, 16)), hlc: this.mem.u64(s + 16) };
  }

  private readAct(s: number): DtxActiveEnt {
    const m = this.mem;
    const n = Math.min(m.u32(s + ACT.mbs_cnt), MBS_MAX);
    return {
      xid: this.readXid(s),
      epoch: m.u64(s + ACT.epoch),
      oid: { hi: m.u64(s + ACT.oid_hi), lo: m.u64(s + ACT.oid_lo), shard: m.u32(s + ACT.shard) },
      dkeyHash: m.u64(s + ACT.dkey_hash),
      leader: (m.u32(s + ACT.flags) & 1) !== 0,
      mbs: Array.from({ length: n }, (_, i) => m.u32(s + ACT.mbs + 4 * i)),
      lid: m.u32(s + ACT.lid),
      recCnt: m.u32(s + ACT.rec_cnt),
    };
  }

  /**
   * `vos_dtx_attach` + the active entry of `vos_dtx_prepared`: persist the entry and hand out
   * its local id (the records of the update are attached by `setRecords`).
   */
  attach(e: DtxActiveIn): number {
    this.index();
    const have = this.act.get(xidKey(e.xid));
    if (have !== undefined) return this.mem.u32(have + ACT.lid);
    return this.tx(() => {
      const root = this.root(true);
      const lid = this.mem.u32(root + ROOT.next_lid);
      this.mem.w32(root + ROOT.next_lid, lid + 1);
      const s = this.slot(root, ROOT.act_head, ROOT.act_tail, ACT_CAP, ACT.size);
      const m = this.mem;
      m.write(s + ACT.xid, hexToBytes(e.xid.uuid));
      m.w64(s + ACT.hlc, e.xid.hlc);
      m.w64(s + ACT.epoch, e.epoch);
      m.w64(s + ACT.oid_hi, e.oid.hi);
      m.w64(s + ACT.oid_lo, e.oid.lo);
      m.w32(s + ACT.shard, e.oid.shard);
      m.w32(s + ACT.lid, lid);
      m.w64(s + ACT.dkey_hash, e.dkeyHash);
      m.w32(s + ACT.flags, e.leader ? 1 : 0);
      const mbs = e.mbs.slice(0, MBS_MAX);
      m.w32(s + ACT.mbs_cnt, mbs.length);
      mbs.forEach((t, i) => m.w32(s + ACT.mbs + 4 * i, t));
      this.act.set(xidKey(e.xid), s);
      return lid;
    });
  }

  /** Append the records an update of the DTX published (`dae_rec_off`). */
  setRecords(xid: DtxXid, recs: readonly DtxRec[]): void {
    const s = this.act.get(xidKey(xid));
    if (s === undefined || recs.length === 0) return;
    this.tx(() => {
      const m = this.mem;
      const old = m.off(s + ACT.rec_off);
      const oldCnt = m.u32(s + ACT.rec_cnt);
      const arr = m.alloc((oldCnt + recs.length) * REC.size, true);
      if (old !== 0) {
        m.write(arr, m.read(old, oldCnt * REC.size));
        m.free(old);
      }
      recs.forEach((r, i) => {
        const at = arr + (oldCnt + i) * REC.size;
        m.w32(at + REC.kind, REC_KIND[r.kind]);
        m.wOff(at + REC.off, r.off);
        if (r.kind === 'ilog') m.w64(at + REC.epoch, r.epoch);
      });
      m.wOff(s + ACT.rec_off, arr);
      m.w32(s + ACT.rec_cnt, oldCnt + recs.length);
    });
  }

  private records(s: number): DtxRec[] {
    const m = this.mem;
    const arr = m.off(s + ACT.rec_off);
    const out: DtxRec[] = [];
    for (let i = 0; i < m.u32(s + ACT.rec_cnt); i++) {
      const at = arr + i * REC.size;
      const kind = m.u32(at + REC.kind);
      const off = m.off(at + REC.off);
      if (kind === REC_KIND.ilog) out.push({ kind: 'ilog', off, epoch: m.u64(at + REC.epoch) });
      else out.push({ kind: kind === REC_KIND.svt ? 'svt' : 'evt', off });
    }
    return out;
  }

  /** Release the records of active slot `s` as committed (commit) or aborted (abort). */
  private release(s: number, commit: boolean): void {
    const m = this.mem;
    const lid = m.u32(s + ACT.lid);
    for (const r of this.records(s)) {
      if (r.kind !== 'ilog') {
        if (m.u32(r.off) === lid) m.w32(r.off, commit ? DTX_LID_COMMITTED : DTX_LID_ABORTED);
        continue;
      }
      const ents = ilogEntries(m, r.off);
      if (commit) {
        // ilog_persist
        for (const e of ents) if (e.txId === lid) e.txId = DTX_LID_COMMITTED;
        ilogReplace(m, r.off, ents);
      } else {
        // ilog_abort: the DTX's entries leave the log
        ilogReplace(
          m,
          r.off,
          ents.filter((e) => e.txId !== lid),
        );
      }
    }
    const arr = m.off(s + ACT.rec_off);
    if (arr !== 0) m.free(arr);
    m.wOff(s + ACT.rec_off, 0);
    m.w32(s + ACT.rec_cnt, 0);
    m.w32(s + ACT.lid, 0);
  }

  /** `vos_dtx_commit`: returns how many of `xids` were active here and are now committed. */
  commit(xids: readonly DtxXid[], time: bigint): number {
    this.index();
    const todo = xids.filter((x) => this.act.has(xidKey(x)));
    if (todo.length === 0) return 0;
    return this.tx(() => {
      const root = this.root(true);
      for (const x of todo) {
        const s = this.act.get(xidKey(x)) as number;
        const lid = this.mem.u32(s + ACT.lid);
        const epoch = this.mem.u64(s + ACT.epoch);
        this.release(s, true);
        const c = this.slot(root, ROOT.cmt_head, ROOT.cmt_tail, CMT_CAP, CMT.size);
        this.mem.write(c + CMT.xid, hexToBytes(x.uuid));
        this.mem.w64(c + CMT.hlc, x.hlc);
        this.mem.w64(c + CMT.epoch, epoch);
        this.mem.w32(c + CMT.lid, lid);
        this.mem.w64(c + CMT.time, time);
        this.act.delete(xidKey(x));
        this.cmt.set(xidKey(x), c);
      }
      return todo.length;
    });
  }

  /** `vos_dtx_abort`: false when the DTX is not active here. */
  abort(xid: DtxXid): boolean {
    this.index();
    const s = this.act.get(xidKey(xid));
    if (s === undefined) return false;
    this.tx(() => this.release(s, false));
    this.act.delete(xidKey(xid));
    return true;
  }

  /** `vos_dtx_check`: 'active', 'committed' or null (unknown: never here, or aborted). */
  state(xid: DtxXid): 'active' | 'committed' | null {
    this.index();
    if (this.act.has(xidKey(xid))) return 'active';
    return this.cmt.has(xidKey(xid)) ? 'committed' : null;
  }

  /** What a restarted engine finds: the active (prepared) and committed entries. */
  load(): { active: DtxActiveEnt[]; committed: DtxCommittedEnt[] } {
    this.index();
    const active = [...this.act.values()].map((s) => this.readAct(s));
    const committed = [...this.cmt.values()].map((c) => ({
      xid: this.readXid(c),
      epoch: this.mem.u64(c + CMT.epoch),
      lid: this.mem.u32(c + CMT.lid),
      time: this.mem.u64(c + CMT.time),
    }));
    return { active, committed };
  }
}
