/**
 * umem over SCM with PMDK semantics (pmemobj_tx_*, pmemobj_reserve/publish/cancel).
 *
 * Transaction rules (why each step is where it is):
 * - `txAddRange` snapshots only bytes not yet covered in this transaction, and persists the
 *   undo entry before returning: the caller may modify the range the moment it returns.
 * - `txAlloc` changes allocator metadata through the same undo log, so rollback un-allocates;
 *   the new object itself needs no snapshot (nothing to roll back to) but is persisted at commit.
 * - `txFree` is deferred to commit (PMDK frees on commit), so an aborted tx frees nothing.
 * - `txCommit` (outermost): apply deferred frees, flush every modified range and new object,
 *   drain, then invalidate the undo log with one atomic store. Only when that store is durable
 *   is the transaction committed; a power cut anywhere earlier rolls it back on open.
 * - `txAbort`: restore snapshots newest-first, persist, invalidate the log, rebuild the DRAM
 *   allocator index from SCM.
 * A transaction must not yield to other simulated processes (one lane per pool).
 */
import { derError } from '../../core/errors.ts';
import {
  EFF_SCM_ALLOC,
  EFF_SCM_CANCEL,
  EFF_SCM_FREE,
  EFF_SCM_RESERVE,
  EFF_TX_ADD,
  EFF_TX_BEGIN,
  EFF_TX_COMMIT,
  type Tracer,
} from '../../trace/tracer.ts';
import type { ScmDevice, ScmReservation, Umem } from '../types.ts';
import { freeChunkRaw, Heap, type HeapBlock } from './heap.ts';
import { computeLayout, readPoolHeader, writePoolHeader, type PoolLayout } from './layout.ts';
import { ULOG_EXT_SIZE, UndoLog } from './ulog.ts';

export type TxStage = 'commit' | 'abort' | 'end';

export interface UmemCreateOptions {
  rootSize: number;
  /**
   * Like PMDK's pmemcheck: inside a transaction, a store to SCM that is not in a range added
   * with txAddRange, a new object of this transaction, or a reserved object throws at once
   * (such a store would survive an abort or a power cut half-done).
   */
  pmemcheck?: boolean;
  /** Undo-log bytes (default: size/32 clamped to [64 KiB, 1 MiB]). */
  ulogSize?: number;
  trace?: Tracer;
  /** Actor name for trace events (defaults to the SCM device id). */
  actor?: string;
}

export interface UmemOpenOptions {
  pmemcheck?: boolean;
  trace?: Tracer;
  actor?: string;
}

/** What recovery found and did (also reported on the `media.recovery` trace). */
export interface UmemRecoveryReport {
  undoEntries: number;
  undoBytes: number;
  rolledBack: boolean;
  allocatedBytes: number;
}

export const RECOVERY_PIPELINE = 'media.recovery';

export class UmemPool implements Umem {
  readonly rootOff: number;
  readonly rootSize: number;
  readonly layout: PoolLayout;
  readonly recovery: UmemRecoveryReport | undefined;
  private readonly heap: Heap;
  private readonly ulog: UndoLog;
  private readonly trace: Tracer | undefined;
  private depth = 0;
  private aborted = false;
  /**
   * Snapshotted ranges, merged and sorted, flat: [start0, end0, start1, end1, …] (disjoint and
   * not touching: end_i < start_i+1). Flat numbers: no pair objects, no iterators per add.
   */
  private covered: number[] = [];
  /** Gaps found by `logRange` before it snapshots them ([start, end) pairs, flat). */
  private gaps: number[] = [];
  /**
   * Snapshotted ranges in the order they were logged, flat: [off0, len0, off1, len1, …]. The
   * bytes themselves are only in the undo log (an abort reads them back from it): no DRAM copy
   * per snapshot on the hot path, where aborts are rare.
   */
  private snapshots: number[] = [];
  /** New objects (tx allocations, published reservations): persisted at commit. */
  private fresh: HeapBlock[] = [];
  private pendingFrees: number[] = [];
  private readonly reservations = new Map<number, number>();
  private callbacks: Array<{ stage: TxStage; fn: () => void }> = [];
  /** Set while umem itself stores outside the undo log (ulog extensions): pmemcheck skips. */
  private internal = false;

  private constructor(
    readonly scm: ScmDevice,
    layout: PoolLayout,
    trace: Tracer | undefined,
    recovery: UmemRecoveryReport | undefined,
  ) {
    this.layout = layout;
    this.rootOff = layout.rootOff;
    this.rootSize = layout.rootSize;
    this.trace = trace;
    this.ulog = new UndoLog(scm, layout.ulogOff, layout.ulogSize);
    this.heap = new Heap(scm, layout);
    this.recovery = recovery;
    this.ulog.extender = {
      pick: () => this.heap.pick(ULOG_EXT_SIZE).off,
      unpick: (off) => this.heap.unpick({ off, size: ULOG_EXT_SIZE }),
      persistAlloc: (off) => {
        this.internally(() => this.heap.persistAllocRaw({ off, size: ULOG_EXT_SIZE }));
        this.trace?.effect({
          kind: 'alloc',
          media: 'scm',
          dev: this.scm.id,
          off,
          len: ULOG_EXT_SIZE,
          ulog: true,
        });
      },
      free: (off) => {
        if (!this.internally(() => this.heap.freeRaw(off))) return;
        this.trace?.effect({
          kind: 'free',
          media: 'scm',
          dev: this.scm.id,
          off,
          len: ULOG_EXT_SIZE,
          ulog: true,
        });
      },
    };
  }

  private internally<T>(fn: () => T): T {
    this.internal = true;
    try {
      return fn();
    } finally {
      this.internal = false;
    }
  }

  /** After the log is invalidated: free its extension chunks and unlink them. */
  private releaseUlogExtensions(): void {
    this.ulog.releaseExtensions((off) => this.ulog.extender?.free(off));
  }

  /** Turn pmemcheck on or off (see UmemCreateOptions.pmemcheck). */
  setPmemcheck(on: boolean): void {
    const scm = this.scm as ScmDevice & { storeObserver?: (off: number, len: number) => void };
    if (!('storeObserver' in scm)) throw new Error('pmemcheck needs the simulated Scm device');
    scm.storeObserver = on ? (off, len) => this.checkStore(off, len) : undefined;
  }

  private checkStore(off: number, len: number): void {
    if (this.depth === 0 || len === 0 || this.internal) return;
    const end = off + len;
    if (this.ulog.owns(off, len)) return; // the log itself, extensions included
    const c = this.covered;
    for (let i = 0; i < c.length; i += 2)
      if ((c[i] as number) <= off && end <= (c[i + 1] as number)) return;
    for (const b of this.fresh) if (b.off <= off && end <= b.off + b.size) return;
    for (const [r, size] of this.reservations) if (r <= off && end <= r + size) return;
    throw new Error(
      `pmemcheck: store to [${off}, +${len}) inside a transaction without txAddRange ` +
        `(not a new or reserved object either)`,
    );
  }

  /** Format a new pool on `scm` (pmemobj_create). */
  static create(scm: ScmDevice, opts: UmemCreateOptions): UmemPool {
    const layout = computeLayout(scm.size, opts.rootSize, opts.ulogSize);
    UndoLog.format(scm, layout.ulogOff);
    scm.fill(layout.rootOff, layout.chunkHdrOff - layout.rootOff, 0);
    scm.persist(layout.rootOff, layout.chunkHdrOff - layout.rootOff);
    Heap.format(scm, layout);
    writePoolHeader(scm, layout);
    const pool = new UmemPool(scm, layout, opts.trace, undefined);
    pool.heap.rebuild();
    if (opts.pmemcheck) pool.setPmemcheck(true);
    return pool;
  }

  /** Open an existing pool and run recovery (pmemobj_open). */
  static open(scm: ScmDevice, opts: UmemOpenOptions = {}): UmemPool {
    const t = opts.trace;
    const actor = opts.actor ?? scm.id;
    const p = { pipeline: RECOVERY_PIPELINE };
    t?.enter('pmemobj_open', actor, { ...p, data: { dev: scm.id, size: scm.size } });
    let layout: PoolLayout;
    try {
      layout = readPoolHeader(scm);
    } catch (e) {
      t?.exit('pmemobj_open', actor, {
        ...p,
        rc: e instanceof Error && 'rc' in e ? (e.rc as number) : -1,
      });
      throw e;
    }
    t?.enter('lane_recover_and_section_boot', actor, { ...p, data: { lanes: 1 } });
    const ulog = new UndoLog(scm, layout.ulogOff, layout.ulogSize);
    const entries = ulog.scan();
    let bytes = 0;
    t?.enter('ulog_recover', actor, {
      ...p,
      caption: entries.length > 0 ? 'roll back the interrupted transaction' : 'undo log is empty',
      data: { entries: entries.length, ranges: entries.map((e) => [e.off, e.data.length]) },
    });
    // Newest first: if a range was snapshotted twice, the oldest image is restored last.
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i]!;
      scm.write(e.off, e.data);
      scm.flush(e.off, e.data.length);
      bytes += e.data.length;
    }
    if (entries.length > 0) {
      scm.drain();
      ulog.invalidate();
    }
    // Extension chunks the interrupted (or just committed) transaction linked: freed, unlinked.
    const released = ulog.releaseExtensions((off) => void freeChunkRaw(scm, layout, off));
    t?.exit('ulog_recover', actor, {
      ...p,
      rc: 0,
      data:
        released.length > 0
          ? { restored_bytes: bytes, ulog_extensions_freed: released.length }
          : { restored_bytes: bytes },
    });
    t?.exit('lane_recover_and_section_boot', actor, { ...p, rc: 0 });
    const report: UmemRecoveryReport = {
      undoEntries: entries.length,
      undoBytes: bytes,
      rolledBack: entries.length > 0,
      allocatedBytes: 0,
    };
    const pool = new UmemPool(scm, layout, t, report);
    t?.enter('heap_boot', actor, { ...p, data: { chunks: layout.nChunks } });
    pool.heap.rebuild();
    report.allocatedBytes = pool.heap.allocatedBytes;
    t?.exit('heap_boot', actor, {
      ...p,
      rc: 0,
      caption: 'allocator index rebuilt from SCM; unpublished reservations are gone',
      data: { allocated_bytes: pool.heap.allocatedBytes, free_bytes: pool.freeBytes },
    });
    t?.exit('pmemobj_open', actor, { ...p, rc: 0 });
    if (opts.pmemcheck) pool.setPmemcheck(true);
    return pool;
  }

  get inTx(): boolean {
    return this.depth > 0;
  }

  get usedBytes(): number {
    return this.heap.allocatedBytes;
  }

  get freeBytes(): number {
    return this.heap.capacity - this.heap.allocatedBytes - this.heap.reservedBytes;
  }

  /** Bytes of undo log used by the running transaction (extensions included). */
  get undoLogUsed(): number {
    return this.ulog.used;
  }

  /** Extension chunks the undo log has linked right now (0 outside a big transaction). */
  get undoLogExtensions(): number {
    return this.ulog.extensions.length;
  }

  // ---- transactions ------------------------------------------------------------------------

  txBegin(): void {
    this.depth++;
    if (this.depth === 1) {
      this.aborted = false;
      this.trace?.effectRec(EFF_TX_BEGIN, this.scm.id, 0, 0, 0);
    }
  }

  txAddRange(off: number, len: number): void {
    this.requireTx('txAddRange');
    this.checkUserRange(off, len);
    this.logRange(off, len);
    this.trace?.effectRec(EFF_TX_ADD, this.scm.id, off, len, 0);
  }

  txAlloc(size: number, zero = false): number {
    this.requireTx('txAlloc');
    const b = this.heap.pick(size);
    try {
      this.heap.persistAlloc(b, this.logRange);
    } catch (e) {
      this.heap.unpick(b);
      throw e;
    }
    this.fresh.push(b);
    if (zero) this.scm.fill(b.off, b.size, 0);
    this.trace?.effectRec(EFF_SCM_ALLOC, this.scm.id, b.off, b.size, 0);
    return b.off;
  }

  txFree(off: number): void {
    this.requireTx('txFree');
    this.heap.blockAt(off); // validate now: -DER_INVAL for a bad offset
    if (this.pendingFrees.includes(off)) throw derError('INVAL', `double free of ${off}`);
    this.pendingFrees.push(off);
  }

  /** Run `fn` when the outermost transaction commits / aborts / ends (umem_tx_add_callback). */
  txAddCallback(stage: TxStage, fn: () => void): void {
    this.requireTx('txAddCallback');
    this.callbacks.push({ stage, fn });
  }

  txCommit(): void {
    this.requireTx('txCommit');
    if (this.aborted) {
      this.depth--;
      throw derError('CANCELED', 'transaction was aborted by an inner txAbort');
    }
    if (this.depth > 1) {
      this.depth--;
      return;
    }
    const freed: HeapBlock[] = [];
    for (const off of this.pendingFrees) freed.push(this.heap.persistFree(off, this.logRange));
    const c = this.covered;
    for (let i = 0; i < c.length; i += 2)
      this.scm.flush(c[i] as number, (c[i + 1] as number) - (c[i] as number));
    for (const b of this.fresh) this.scm.flush(b.off, b.size);
    this.scm.drain();
    this.ulog.invalidate();
    // Committed.
    this.depth = 0;
    this.releaseUlogExtensions();
    for (const b of freed) {
      this.trace?.effectRec(EFF_SCM_FREE, this.scm.id, b.off, b.size, 0);
    }
    this.trace?.effectRec(EFF_TX_COMMIT, this.scm.id, 0, 0, 0);
    this.finish('commit');
  }

  txAbort(): void {
    this.requireTx('txAbort');
    if (!this.aborted) {
      const images = this.snapshotImages();
      for (let i = images.length - 1; i >= 0; i--) {
        const s = images[i]!;
        this.scm.write(s.off, s.data);
        this.scm.flush(s.off, s.data.length);
      }
      this.scm.drain();
      this.ulog.invalidate();
      this.releaseUlogExtensions();
      this.heap.rebuild(this.reservationBlocks());
      for (const b of this.fresh) {
        this.trace?.effect({
          kind: 'free',
          media: 'scm',
          dev: this.scm.id,
          off: b.off,
          len: b.size,
          abort: true,
        });
      }
      this.trace?.effect({ kind: 'tx.abort', dev: this.scm.id });
      this.aborted = true;
      const depth = this.depth;
      this.finish('abort');
      this.depth = depth;
    }
    this.depth--;
    if (this.depth === 0) this.aborted = false;
  }

  private finish(stage: 'commit' | 'abort'): void {
    const cbs = this.callbacks;
    this.covered = [];
    this.snapshots = [];
    this.fresh = [];
    this.pendingFrees = [];
    this.callbacks = [];
    this.depth = 0;
    for (const c of cbs) if (c.stage === stage) c.fn();
    for (const c of cbs) if (c.stage === 'end') c.fn();
  }

  // ---- reservations --------------------------------------------------------------------------

  reserve(size: number): ScmReservation {
    const b = this.heap.pick(size);
    this.heap.reservedBytes += b.size;
    this.reservations.set(b.off, b.size);
    this.trace?.effectRec(EFF_SCM_RESERVE, this.scm.id, b.off, b.size, 0);
    return { off: b.off, size: b.size };
  }

  publish(rs: readonly ScmReservation[]): void {
    this.requireTx('publish');
    for (const r of rs) {
      if (this.reservations.get(r.off) !== r.size)
        throw derError('INVAL', `${r.off} is not reserved`);
    }
    for (const r of rs) {
      this.heap.persistAlloc(r, this.logRange);
      this.reservations.delete(r.off);
      this.heap.reservedBytes -= r.size;
      this.fresh.push(r);
      this.trace?.effectRec(EFF_SCM_ALLOC, this.scm.id, r.off, r.size, 0);
    }
  }

  cancel(rs: readonly ScmReservation[]): void {
    for (const r of rs) {
      if (this.reservations.get(r.off) !== r.size)
        throw derError('INVAL', `${r.off} is not reserved`);
      this.reservations.delete(r.off);
      this.heap.reservedBytes -= r.size;
      this.heap.unpick(r);
      this.trace?.effectRec(EFF_SCM_CANCEL, this.scm.id, r.off, r.size, 0);
    }
  }

  allocSize(off: number): number {
    const r = this.reservations.get(off);
    return r ?? this.heap.blockAt(off).size;
  }

  /** Every live (published) allocation per SCM metadata; checks heap invariants. */
  heapWalk(): HeapBlock[] {
    return this.heap.walk();
  }

  // ---- internals -----------------------------------------------------------------------------

  private reservationBlocks(): HeapBlock[] {
    return [...this.reservations].map(([off, size]) => ({ off, size }));
  }

  private requireTx(what: string): void {
    if (this.depth === 0) throw new Error(`umem ${this.scm.id}: ${what} outside a transaction`);
  }

  private checkUserRange(off: number, len: number): void {
    if (
      !Number.isSafeInteger(off) ||
      !Number.isSafeInteger(len) ||
      len <= 0 ||
      off < this.rootOff ||
      off + len > this.layout.size
    ) {
      throw new RangeError(
        `umem ${this.scm.id}: range [${off}, +${len}) outside the pool's user space`,
      );
    }
  }

  /** Snapshot the parts of [off, off+len) not yet covered in this transaction. */
  private readonly logRange = (off: number, len: number): void => {
    const end = off + len;
    const c = this.covered;
    const n = c.length;
    // Fast path (most adds): every covered range ends before this one starts.
    if (n === 0 || (c[n - 1] as number) < off) {
      this.snapshot(off, end);
      return;
    }
    // First range ending after `off` (ends are sorted like starts: ranges are disjoint).
    let lo = 0;
    let hi = n >> 1;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if ((c[2 * m + 1] as number) <= off) lo = m + 1;
      else hi = m;
    }
    // Collect the gaps first: snapshotting one changes `covered`.
    const gaps = this.gaps;
    let g = 0;
    let cur = off;
    for (let i = 2 * lo; i < n; i += 2) {
      const s = c[i] as number;
      const e = c[i + 1] as number;
      if (e <= cur) continue;
      if (s >= end) break;
      if (s > cur) {
        gaps[g++] = cur;
        gaps[g++] = s;
      }
      cur = Math.max(cur, e);
      if (cur >= end) break;
    }
    if (cur < end) {
      gaps[g++] = cur;
      gaps[g++] = end;
    }
    for (let k = 0; k < g; k += 2) this.snapshot(gaps[k] as number, gaps[k + 1] as number);
  };

  /** Snapshot [s, e) (not covered yet) into the undo log and mark it covered. */
  private snapshot(s: number, e: number): void {
    // The log copies the bytes straight from the load view (no intermediate copy).
    this.ulog.append(s, this.scm.loadView().subarray(s, e));
    this.snapshots.push(s, e - s);
    this.cover(s, e);
  }

  /**
   * The running transaction's snapshots, oldest first, read back from its undo log. A snapshot
   * split across log segments comes back as pieces: they are joined again, so the abort
   * restores (and traces) one store per snapshot, exactly as logged.
   */
  private snapshotImages(): Array<{ off: number; data: Uint8Array }> {
    const entries = this.ulog.scan();
    const out: Array<{ off: number; data: Uint8Array }> = [];
    const sn = this.snapshots;
    let k = 0;
    for (let i = 0; i < sn.length; i += 2) {
      const off = sn[i] as number;
      const len = sn[i + 1] as number;
      const first = entries[k];
      if (first !== undefined && first.off === off && first.data.length === len) {
        out.push(first);
        k++;
        continue;
      }
      const data = new Uint8Array(len);
      let done = 0;
      while (done < len) {
        const e = entries[k++];
        if (e === undefined || e.off !== off + done || done + e.data.length > len)
          throw new Error(`umem ${this.scm.id}: undo log does not hold snapshot [${off}, +${len})`);
        data.set(e.data, done);
        done += e.data.length;
      }
      out.push({ off, data });
    }
    return out;
  }

  private cover(s: number, e: number): void {
    const c = this.covered;
    const n = c.length;
    if (n === 0 || (c[n - 1] as number) < s) {
      c.push(s, e);
      return;
    }
    let i = 0;
    while (i < n && (c[i + 1] as number) < s) i += 2;
    let ns = s;
    let ne = e;
    let j = i;
    while (j < n && (c[j] as number) <= ne) {
      ns = Math.min(ns, c[j] as number);
      ne = Math.max(ne, c[j + 1] as number);
      j += 2;
    }
    c.splice(i, j - i, ns, ne);
  }
}

export function createUmem(scm: ScmDevice, opts: UmemCreateOptions): UmemPool {
  return UmemPool.create(scm, opts);
}

export function openUmem(scm: ScmDevice, opts: UmemOpenOptions = {}): UmemPool {
  return UmemPool.open(scm, opts);
}
