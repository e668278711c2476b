/**
 * FileStore + FileJournal in writeahead mode (the default on XFS/ext4; spec §5.1 steps 10–14).
 *
 *   queue_transactions → FileJournal::submit_entry       (mark commit_queued_for_journal_write)
 *   journal write thread: batch ≤100 entries, do_aio_write (mark write_thread_in_journal_buffer)
 *   write-finish thread: queue_completions_thru           (C_JournaledAhead → journal finisher,
 *                                                          then mark journaled_completion_queued)
 *   C_JournaledAhead → _journaled_ahead: queue_op (apply in op_wq) + ondisk_finisher (commit)
 *   op_wq: _do_op → _do_transactions (data lands in the file system) → _finish_op (readable)
 *
 * Parallel mode (btrfs, `filestore_journal: parallel`): queue_transactions hands the op to
 * op_wq at the same time as to the journal, so a transaction can be applied (readable, the
 * `onApplied` hook via op_finisher) before it is committed. Deviation: a kill keeps what was
 * applied but not journaled (btrfs would roll back to its last snapshot).
 *
 * On the device (`MetaRegion`): the journal ring of checksummed records — one per
 * `do_aio_write` batch, each entry its op seq + the encoded transaction — and the object table
 * (every object's size, extent map, xattrs, omap) that `sync_entry` commits with its
 * `committed_seq`: ApplyManager::commit_start blocks new applies until the running ones are
 * done, the table is encoded, the device is flushed (syncfs), the table goes to the idle slot
 * and the superblock switches to it (the `commit_op_seq` file). The journal before the first
 * entry > committed_seq is then free (`committed_thru`). `mount` = read the committed table,
 * then `journal_replay` of every entry after committed_seq, exactly FileStore's crash story.
 */
import type { Runtime } from '../../core/runtime.ts';
import { errnoError } from '../../core/errors.ts';
import { Future, type Proc, wait } from '../../core/sim.ts';
import { NVME_BLOCK, type NvmeDevice } from '../../media/types.ts';
import { currentCtx, later, runIn, Worker } from '../sched.ts';
import { ObjectTable, applyTransaction } from './apply.ts';
import {
  Dec,
  Enc,
  decodeOnode,
  decodeTransaction,
  encodeOnode,
  encodeTransaction,
} from './codec.ts';
import { dataRange, type MetaRegion, REC_HEADER, storeRegion } from './meta-region.ts';
import { BlockAllocator, type BlockWrite, readOnode } from './onode.ts';
import { type Transaction, txBytes, txJson } from './transaction.ts';
import type { CommitHooks, ObjectStat, ObjectStore } from './types.ts';
import type { ProcContext } from '../../core/sim.ts';
import type { FileStoreJournalMode } from '../release.ts';

/** journal_max_write_entries (spec §1). */
const JOURNAL_MAX_WRITE_ENTRIES = 100;
/** Journal header per entry (entry_header_t + footer), bytes. */
const JOURNAL_ENTRY_HEADER = 40;
/** filestore_max_sync_interval. */
const MAX_SYNC_INTERVAL_NS = 5_000_000_000;

interface JournalEntry {
  readonly seq: number;
  readonly t: Transaction;
  readonly hooks: CommitHooks;
  readonly ctx: ProcContext;
  readonly bytes: number;
}

/** Transactions queued on one object but not applied yet, and the reads waiting for them. */
interface PendingApply {
  n: number;
  readonly waiters: Future<void>[];
}

/** A journal record on the device: its ring seq and the last op seq it carries. */
interface JournalRecord {
  readonly recSeq: number;
  readonly lastOp: number;
}

export interface FileStoreOptions {
  /** Blocks reserved at the start of the device for the journal ring. */
  journalBlocks: number;
  /** writeahead (default) or parallel (btrfs). */
  journalMode?: FileStoreJournalMode;
}

export class FileStore implements ObjectStore {
  readonly kind = 'filestore' as const;
  private readonly fs = new ObjectTable();
  private alloc: BlockAllocator;
  private readonly journalBlocks: number;
  private readonly region: MetaRegion;
  private opSeq = 0;
  /** Every op ≤ appliedThrough has finished its apply (device writes done). */
  private appliedThrough = 0;
  private readonly appliedAhead = new Set<number>();
  /** Entries submitted but not yet written by the journal thread. */
  private writeq: JournalEntry[] = [];
  private writerBusy = false;
  /** Journal records not yet trimmed by a sync_entry commit. */
  private records: JournalRecord[] = [];
  /** ApplyManager: applies running, whether a commit is waiting, ops held back meanwhile. */
  private applying = 0;
  private syncWanted = false;
  private syncRunning = false;
  private syncTimerArmed = false;
  private blockedOps: JournalEntry[] = [];
  /** Run when the next sync_entry commits (the journal writer waiting for space). */
  private afterSync: Array<() => void> = [];
  private committedSeq = 0;
  /** Per-object count of queued-but-unapplied transactions, and readers waiting for them. */
  private readonly pendingApply = new Map<string, Map<string, PendingApply>>();
  private readonly opWq: Worker;
  private readonly finisher: Worker;
  /** FileStore::op_finisher: runs the onreadable (applied) contexts. */
  private readonly opFinisher: Worker;
  private readonly parallel: boolean;
  private gen = 0;
  /**
   * The object table is encoded into this one buffer per store (it keeps the size it grew to)
   * instead of a fresh table-sized buffer per sync: the device copies the bytes when each write
   * is submitted, and one sync_entry runs at a time. A kill/remount swaps in a new buffer
   * (`dropMemory`), so a dead incarnation's commit still in flight never sees it rewritten.
   */
  private tableScratch = new Enc(1 << 16);
  /** The journal record being written (reused: one record in flight at a time). */
  private readonly journalScratch = new Enc(1 << 15);
  /** Blocks written by an apply whose device IO has not completed yet. */
  private readonly overlay = new Map<number, Uint8Array>();
  private readonly peek = (lba: number): Uint8Array =>
    this.overlay.get(lba) ?? this.dev.peek(lba, 1);

  constructor(
    private readonly rt: Runtime,
    private readonly actor: string,
    private readonly dev: NvmeDevice,
    opts: FileStoreOptions,
  ) {
    this.journalBlocks = opts.journalBlocks;
    this.region = storeRegion(dev.blocks, opts.journalBlocks);
    const data = dataRange(dev.blocks, opts.journalBlocks);
    this.alloc = new BlockAllocator(data.base, data.count);
    this.opWq = new Worker(rt.sim, `${actor}.filestore_op_tp`);
    this.finisher = new Worker(rt.sim, `${actor}.ondisk_finisher`);
    this.opFinisher = new Worker(rt.sim, `${actor}.op_finisher`);
    this.parallel = opts.journalMode === 'parallel';
  }

  get usedBlocks(): number {
    return this.alloc.used;
  }

  queueTransactions(t: Transaction, hooks: CommitHooks): void {
    const seq = ++this.opSeq;
    const bytes = JOURNAL_ENTRY_HEADER + txBytes(t);
    const entry: JournalEntry = { seq, t, hooks, ctx: currentCtx(this.rt.sim), bytes };
    let pending = this.pendingApply.get(t.coll);
    if (!pending) {
      pending = new Map();
      this.pendingApply.set(t.coll, pending);
    }
    for (const oid of touchedOids(t)) {
      const p = pending.get(oid);
      if (p) p.n++;
      else pending.set(oid, { n: 1, waiters: [] });
    }
    this.rt.trace.point('queue_transactions', this.actor, {
      data: { store: 'filestore', seq, txn: txJson(t) },
    });
    // FileJournal::submit_entry
    hooks.mark?.('commit_queued_for_journal_write');
    this.rt.trace.point('submit_entry', this.actor, { data: { seq, len: bytes } });
    this.writeq.push(entry);
    if (this.parallel) this.queueOp(entry);
    if (!this.writerBusy) {
      this.writerBusy = true;
      const gen = this.gen;
      later(this.rt.sim, 2000, entry.ctx, `${this.actor}.journal_write`, () => {
        if (gen === this.gen) this.writeThreadEntry();
      });
    }
  }

  /** FileJournal::write_thread_entry: prepare_multi_write + do_aio_write. */
  private writeThreadEntry(): void {
    // A batch is at most 100 entries and half the ring (journal_max_write_bytes in spirit).
    const limit = this.region.maxPayload / 2;
    // The record is encoded in place behind its header, in a scratch buffer: the journal
    // writer runs one record at a time and the device copies the bytes at submission.
    const payload = this.journalScratch;
    payload.reset();
    payload.skip(REC_HEADER);
    payload.u32(0); // the entry count, set below
    let n = 0;
    let size = 4;
    for (const e of this.writeq) {
      if (n >= JOURNAL_MAX_WRITE_ENTRIES) break;
      const start = payload.len;
      payload.u64(e.seq);
      encodeTransaction(payload, e.t);
      const len = payload.len - start;
      if (n > 0 && size + len > limit) {
        payload.len = start;
        break;
      }
      size += len;
      n++;
    }
    if (n === 0) {
      this.writerBusy = false;
      return;
    }
    payload.setU32(REC_HEADER, n);
    const payloadLen = payload.len - REC_HEADER;
    if (payloadLen > this.region.maxPayload)
      throw new RangeError(`journal entry of ${payloadLen} bytes exceeds the journal (ENOSPC)`);
    if (!this.region.fits(payloadLen)) {
      // Journal full: wait for sync_entry to commit and trim (committed_thru).
      this.afterSync.push(() => this.writeThreadEntry());
      this.requestSync(true);
      return;
    }
    const batch = this.writeq.splice(0, n);
    let total = 0;
    for (const e of batch) {
      e.hooks.mark?.('write_thread_in_journal_buffer');
      total += e.bytes;
    }
    const first = batch[0] as JournalEntry;
    const rec = this.region.sealRecord(payload.padded(4096), payloadLen);
    this.records.push({ recSeq: rec.seq, lastOp: (batch[batch.length - 1] as JournalEntry).seq });
    this.rt.trace.point('do_aio_write', this.actor, {
      data: { entries: batch.length, bytes: total, lba: rec.lba, blocks: rec.blocks },
      effects: [
        {
          kind: 'journal.append',
          dev: this.dev.id,
          lba: rec.lba,
          blocks: rec.blocks,
          entries: batch.length,
          seq: rec.seq,
        },
      ],
    });
    const gen = this.gen;
    const dev = this.dev;
    function* aio(): Proc<void> {
      // The journal is opened O_DIRECT|O_DSYNC: the entry is stable when the write returns.
      yield* dev.write(rec.lba, rec.data, { fua: true });
    }
    const io = this.rt.sim.spawn(`${this.actor}.journal_aio`, aio(), first.ctx);
    io.onSettle(() => {
      if (gen !== this.gen) return;
      // write_finish_thread: queue_completions_thru(seq)
      for (const e of batch) this.queueCompletion(e);
      if (this.region.usedBlocks * 2 > this.region.ringBlocks) this.requestSync(true);
      this.writeThreadEntry();
    });
  }

  private queueCompletion(e: JournalEntry): void {
    const gen = this.gen;
    // finisher->queue(C_JournaledAhead) …
    later(this.rt.sim, 1000, e.ctx, `${this.actor}.journal_finisher`, () => {
      if (gen === this.gen) this.journaledAhead(e);
    });
    // … then the write-finish thread records the event (the finisher may already have run).
    later(this.rt.sim, 2000, e.ctx, `${this.actor}.write_finish`, () => {
      if (gen !== this.gen) return;
      e.hooks.mark?.('journaled_completion_queued');
      this.rt.trace.point('queue_completions_thru', this.actor, { data: { seq: e.seq } });
    });
  }

  /** C_JournaledAhead::finish → FileStore::_journaled_ahead. */
  private journaledAhead(e: JournalEntry): void {
    this.rt.trace.point('_journaled_ahead', this.actor, { data: { seq: e.seq } });
    const gen = this.gen;
    // Writeahead: the apply is queued only now (parallel mode queued it at submit).
    if (!this.parallel) this.queueOp(e);
    // ondisk_finisher.queue(ondisk): the commit callbacks.
    this.finisher.submit(0, 500, e.ctx, () => {
      if (gen !== this.gen) return;
      this.rt.trace.point('ondisk_finisher', this.actor, { data: { seq: e.seq } });
      e.hooks.onCommit();
    });
  }

  /** FileStore::queue_op: the apply runs in the FileStore op thread pool. */
  private queueOp(e: JournalEntry): void {
    const gen = this.gen;
    this.opWq.submit(3000, 4000, e.ctx, () => {
      if (gen === this.gen) this.doOp(e);
    });
  }

  /** FileStore::_do_op → _do_transactions → _finish_op. */
  private doOp(e: JournalEntry): void {
    if (this.syncWanted) {
      // ApplyManager::op_apply_start: held while a commit is starting.
      this.blockedOps.push(e);
      return;
    }
    this.applying++;
    const res = applyTransaction(this.fs, e.t, this.alloc, this.peek);
    for (const l of res.freed) this.alloc.release(l);
    for (const w of res.writes) this.overlay.set(w.lba, w.data);
    this.rt.trace.point('_do_transactions', this.actor, {
      data: { seq: e.seq, txn: txJson(e.t) },
      effects: res.writes.length
        ? [{ kind: 'nvme.write', dev: this.dev.id, lbas: res.writes.map((w) => w.lba) }]
        : [],
    });
    const gen = this.gen;
    const writes = res.writes;
    const dev = this.dev;
    function* io(): Proc<void> {
      for (const w of writes) yield* dev.write(w.lba, w.data);
    }
    const done = this.rt.sim.spawn(`${this.actor}.apply_io`, io(), e.ctx);
    const finishOp = (): void => {
      this.rt.trace.point('_finish_op', this.actor, { data: { seq: e.seq } });
      this.finishApply(e.t);
      if (e.hooks.onApplied) {
        // op_finisher.queue(onreadable)
        this.opFinisher.submit(0, 500, e.ctx, () => {
          if (gen === this.gen) e.hooks.onApplied?.();
        });
      }
    };
    // Parallel mode (btrfs): the op is applied once its writes are in the page cache — the
    // data reaches the device in the background. Writeahead: applied after the device
    // writes (a simplification kept for the Pacific FileStore traces).
    if (this.parallel) finishOp();
    done.onSettle(() => {
      if (gen !== this.gen) return;
      for (const w of writes) if (this.overlay.get(w.lba) === w.data) this.overlay.delete(w.lba);
      if (!this.parallel) finishOp();
      this.opApplyFinish(e.seq, e.ctx);
    });
  }

  /** ApplyManager::op_apply_finish: the apply's device writes are done. */
  private opApplyFinish(seq: number, ctx: ProcContext): void {
    this.applying--;
    this.appliedAhead.add(seq);
    while (this.appliedAhead.delete(this.appliedThrough + 1)) this.appliedThrough++;
    if (this.syncWanted && this.applying === 0) this.syncEntry(ctx);
    else if (!this.syncTimerArmed) {
      // sync_entry wakes after filestore_max_sync_interval.
      this.syncTimerArmed = true;
      const gen = this.gen;
      later(this.rt.sim, MAX_SYNC_INTERVAL_NS, ctx, `${this.actor}.sync_entry`, () => {
        if (gen !== this.gen) return;
        this.syncTimerArmed = false;
        this.requestSync(false, ctx);
      });
    }
  }

  /** Ask sync_entry for a commit (now: the journal is full / half full; else: the timer). */
  private requestSync(urgent: boolean, ctx: ProcContext = currentCtx(this.rt.sim)): void {
    if (this.syncRunning || this.syncWanted) {
      // A commit in flight cannot trim what was applied after its snapshot: go again after.
      if (urgent && this.syncRunning) this.afterSync.push(() => this.requestSync(true, ctx));
      return;
    }
    if (!urgent && this.appliedThrough === this.committedSeq) return;
    this.syncWanted = true;
    if (this.applying === 0) this.syncEntry(ctx);
  }

  /**
   * FileStore::sync_entry: commit_start (applies held, none running), snapshot the object
   * table at committed_seq = every op applied so far, commit_started (applies go on), then
   * syncfs (device flush), the table to the idle slot, flush, and the superblock switch
   * (commit_op_seq) with FUA; the journal is trimmed to committed_seq (committed_thru).
   */
  private syncEntry(ctx: ProcContext): void {
    this.syncWanted = false;
    this.syncRunning = true;
    const committed = this.appliedThrough;
    const { table, padded } = encodeTable(this.fs, this.tableScratch);
    const firstLive = this.records.find((r) => r.lastOp > committed);
    const plan = this.region.planTable(
      table,
      firstLive ? firstLive.recSeq : this.region.nextRecordSeq,
      committed,
      padded,
    );
    const dev = this.dev;
    function* commit(): Proc<void> {
      yield* dev.flush(); // syncfs: every applied op's data is stable
      for (const w of plan.table) yield* dev.write(w.lba, w.data);
      yield* dev.flush();
      yield* dev.write(plan.superblock.lba, plan.superblock.data, { fua: true });
    }
    const gen = this.gen;
    const done = this.rt.sim.spawn(`${this.actor}.sync_entry`, commit(), ctx);
    // commit_started: held applies run again (they are in the journal after committed_seq).
    const held = this.blockedOps;
    this.blockedOps = [];
    for (const e of held) this.doOp(e);
    done.onSettle(() => {
      if (gen !== this.gen) return;
      this.syncRunning = false;
      this.region.committed(plan);
      this.committedSeq = committed;
      this.records = this.records.filter((r) => r.lastOp > committed);
      const t = plan.table[0];
      runIn(this.rt.sim, ctx, `${this.actor}.sync_entry`, () => {
        this.rt.trace.point('sync_entry', this.actor, {
          data: { committed_seq: committed, table_bytes: table.length, slot: plan.slot },
          effects: [
            { kind: 'nvme.flush', dev: this.dev.id },
            {
              kind: 'store.table_commit',
              dev: this.dev.id,
              lba: t?.lba ?? plan.superblock.lba,
              blocks: (t?.data.length ?? 0) / NVME_BLOCK,
              committed_seq: committed,
            },
          ],
        });
      });
      const waiting = this.afterSync;
      this.afterSync = [];
      for (const f of waiting) f();
    });
  }

  private finishApply(t: Transaction): void {
    const pending = this.pendingApply.get(t.coll);
    if (!pending) return;
    for (const oid of touchedOids(t)) {
      const p = pending.get(oid);
      if (!p) continue;
      if (--p.n === 0) {
        pending.delete(oid);
        for (const w of p.waiters) w.resolve();
      }
    }
  }

  *read(coll: string, oid: string, off: number, len: number): Proc<Uint8Array> {
    const p = this.pendingApply.get(coll)?.get(oid);
    if (p) {
      const f = new Future<void>('filestore.read_wait_apply');
      p.waiters.push(f);
      yield* wait(f);
    }
    const o = this.fs.get(coll, oid);
    if (!o) throw errnoError('ENOENT', `${coll}/${oid}`);
    const out = readOnode(o, off, len, this.peek);
    const nblocks = Math.max(1, Math.ceil(out.length / NVME_BLOCK));
    yield* this.dev.read(this.journalBlocks, Math.min(nblocks, 1024));
    return out;
  }

  readSync(coll: string, oid: string, off: number, len: number): Uint8Array {
    const o = this.fs.get(coll, oid);
    if (!o) throw errnoError('ENOENT', `${coll}/${oid}`);
    return readOnode(o, off, len, this.peek);
  }

  stat(coll: string, oid: string): ObjectStat | undefined {
    const o = this.fs.get(coll, oid);
    return o ? { size: o.size } : undefined;
  }

  getattr(coll: string, oid: string, name: string): Uint8Array | undefined {
    return this.fs.get(coll, oid)?.attrs.get(name);
  }

  omapGet(coll: string, oid: string): ReadonlyMap<string, Uint8Array> | undefined {
    return this.fs.get(coll, oid)?.omap;
  }

  list(coll: string): string[] {
    return this.fs.list(coll);
  }

  kill(): void {
    this.gen++;
    this.dropMemory();
  }

  private dropMemory(): void {
    this.tableScratch = new Enc(1 << 16);
    this.writeq = [];
    this.writerBusy = false;
    this.opWq.reset();
    this.finisher.reset();
    this.opFinisher.reset();
    this.overlay.clear();
    for (const c of this.pendingApply.values())
      for (const p of c.values()) for (const w of p.waiters) w.resolve();
    this.pendingApply.clear();
    this.records = [];
    this.applying = 0;
    this.syncWanted = false;
    this.syncRunning = false;
    this.syncTimerArmed = false;
    this.blockedOps = [];
    this.afterSync = [];
    this.appliedAhead.clear();
    this.fs.clear();
  }

  /** True when the device holds a FileStore (its superblock). */
  hasFilesystem(): boolean {
    return (
      storeRegion(this.dev.blocks, this.journalBlocks).load((l, n) => this.dev.peek(l, n)) !== null
    );
  }

  /**
   * FileStore::mount: the committed object table and committed_seq from the device, then
   * JournalingObjectStore::journal_replay of every journal entry after committed_seq (in
   * order, through the same apply code); the replayed data is written, flushed, and a table
   * commit makes the replay durable and trims the journal.
   */
  *mount(): Proc<void> {
    const r = this.openStore(true);
    yield* this.dev.read(this.region.superLba, 1);
    if (r.records > 0) yield* this.dev.read(0, Math.min(1024, r.records));
    for (const w of r.writes) yield* this.dev.write(w.lba, w.data);
    const { table, padded } = encodeTable(this.fs, this.tableScratch);
    const plan = this.region.planTable(table, this.region.nextRecordSeq, this.opSeq, padded);
    yield* this.dev.flush();
    for (const w of plan.table) yield* this.dev.write(w.lba, w.data);
    yield* this.dev.flush();
    yield* this.dev.write(plan.superblock.lba, plan.superblock.data, { fua: true });
    this.region.committed(plan);
    this.committedSeq = this.appliedThrough = this.opSeq;
    this.overlay.clear();
    this.rt.trace.point('journal_replay', this.actor, {
      data: {
        entries: r.entries,
        records: r.records,
        committed_seq: r.committedSeq,
        to_seq: this.opSeq,
      },
      effects: [{ kind: 'nvme.flush', dev: this.dev.id }],
    });
  }

  /** Mount before the simulation starts (a device kept from an earlier run). */
  mountAtBoot(writeDirect: (lba: number, data: Uint8Array) => void): void {
    const r = this.openStore(false);
    for (const w of r.writes) writeDirect(w.lba, w.data);
    const { table, padded } = encodeTable(this.fs, this.tableScratch);
    const plan = this.region.planTable(table, this.region.nextRecordSeq, this.opSeq, padded);
    for (const w of plan.table) writeDirect(w.lba, w.data);
    writeDirect(plan.superblock.lba, plan.superblock.data);
    this.region.committed(plan);
    this.committedSeq = this.appliedThrough = this.opSeq;
    this.overlay.clear();
  }

  /** Load the committed table and replay the journal into memory (writes returned, in order). */
  private openStore(traced: boolean): {
    writes: BlockWrite[];
    entries: number;
    records: number;
    committedSeq: number;
  } {
    this.dropMemory();
    const loaded = this.region.load((l, n) => this.dev.peek(l, n));
    const committedSeq = loaded?.extra ?? 0;
    if (loaded && loaded.table.length > 0) decodeTable(new Dec(loaded.table), this.fs);
    const used = new Set<number>();
    for (const [, , o] of this.fs.entries()) for (const l of o.blocks.values()) used.add(l);
    const data = dataRange(this.dev.blocks, this.journalBlocks);
    this.alloc = BlockAllocator.fromUsed(data.base, data.count, used);
    if (traced)
      this.rt.trace.point('mount', this.actor, {
        data: { store: 'filestore', committed_seq: committedSeq, objects: countObjects(this.fs) },
      });
    let seq = committedSeq;
    let entries = 0;
    const last = new Map<number, BlockWrite>();
    for (const rec of loaded?.records ?? []) {
      const d = new Dec(rec.payload);
      const n = d.u32();
      for (let i = 0; i < n; i++) {
        const opSeq = d.u64();
        const t = decodeTransaction(d);
        if (opSeq <= committedSeq) continue;
        const res = applyTransaction(this.fs, t, this.alloc, this.peek);
        for (const l of res.freed) this.alloc.release(l);
        for (const w of res.writes) {
          this.overlay.set(w.lba, w.data);
          last.set(w.lba, w);
        }
        seq = Math.max(seq, opSeq);
        entries++;
      }
    }
    this.opSeq = seq;
    this.committedSeq = this.appliedThrough = committedSeq;
    return {
      writes: [...last.values()],
      entries,
      records: loaded?.records.length ?? 0,
      committedSeq,
    };
  }
}

function countObjects(t: ObjectTable): number {
  let n = 0;
  for (const _ of t.entries()) n++;
  return n;
}

/**
 * The object table as sync_entry commits it, encoded into `e` (reset first): per object its
 * onode and omap. `padded` is the same bytes zero-filled to whole blocks (what goes to the
 * table slot, without a copy); both are views of `e`'s buffer.
 */
function encodeTable(t: ObjectTable, e: Enc): { table: Uint8Array; padded: Uint8Array } {
  e.reset();
  for (const [coll, oid, o] of t.entries()) {
    e.u8(1);
    e.str(coll);
    e.str(oid);
    encodeOnode(e, o);
    e.u32(o.omap.size);
    for (const [k, v] of o.omap) {
      e.str(k);
      e.bytes(v);
    }
  }
  e.u8(0);
  const padded = e.padded(4096);
  return { table: padded.subarray(0, e.len), padded };
}

function decodeTable(d: Dec, t: ObjectTable): void {
  while (d.u8() === 1) {
    const coll = d.str();
    const oid = d.str();
    const o = decodeOnode(d);
    const n = d.u32();
    for (let i = 0; i < n; i++) {
      const k = d.str();
      o.omap.set(k, d.bytes());
    }
    t.set(coll, oid, o);
  }
}

/** The distinct objects a transaction touches (a handful of ops: a linear scan, no Set). */
function touchedOids(t: Transaction): string[] {
  const out: string[] = [];
  for (const o of t.ops) if (!out.includes(o.oid)) out.push(o.oid);
  return out;
}
