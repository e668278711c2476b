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
 * The journal entry really carries the transaction's bytes (written to the journal region of
 * the device); a restart replays committed entries that were not applied yet.
 */
import type { Runtime } from '../../core/runtime.ts';
import { errnoError } from '../../core/errors.ts';
import { Future, type Proc, wait } from '../../core/sim.ts';
import { NVME_BLOCK, type NvmeDevice } from '../../media/types.ts';
import { currentCtx, later, Worker } from '../sched.ts';
import { ObjectTable, applyTransaction } from './apply.ts';
import { BlockAllocator, readOnode } from './onode.ts';
import { type Transaction, txBytes, txJson } from './transaction.ts';
import type { CommitHooks, ObjectStat, ObjectStore } from './types.ts';
import type { ProcContext } from '../../core/sim.ts';
import type { FileStoreJournalMode } from '../release.ts';

/** journal_max_write_entries (spec §1). */
const JOURNAL_MAX_WRITE_ENTRIES = 100;
/** Journal header per entry (entry_header_t + footer), bytes. */
const JOURNAL_ENTRY_HEADER = 40;

interface JournalEntry {
  readonly seq: number;
  readonly t: Transaction;
  readonly hooks: CommitHooks;
  readonly ctx: ProcContext;
  readonly bytes: number;
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
  private readonly alloc: BlockAllocator;
  private readonly journalBlocks: number;
  private journalHead = 0;
  private opSeq = 0;
  private appliedSeq = 0;
  /** Entries submitted but not yet written by the journal thread. */
  private writeq: JournalEntry[] = [];
  private writerBusy = false;
  /** Committed (journaled) entries whose apply has not finished: replayed on mount. */
  private readonly unapplied = new Map<number, JournalEntry>();
  /** Per-object count of queued-but-unapplied transactions, and readers waiting for them. */
  private readonly pendingApply = new Map<string, { n: number; waiters: Future<void>[] }>();
  private readonly opWq: Worker;
  private readonly finisher: Worker;
  /** FileStore::op_finisher: runs the onreadable (applied) contexts. */
  private readonly opFinisher: Worker;
  private readonly parallel: boolean;
  /** Parallel mode: applied before their journal write completed (not to be replayed). */
  private readonly appliedEarly = new Set<number>();
  private gen = 0;
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
    this.alloc = new BlockAllocator(opts.journalBlocks, dev.blocks - opts.journalBlocks);
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
    for (const k of touchedKeys(t)) {
      const p = this.pendingApply.get(k);
      if (p) p.n++;
      else this.pendingApply.set(k, { n: 1, waiters: [] });
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
    const batch = this.writeq.splice(0, JOURNAL_MAX_WRITE_ENTRIES);
    if (batch.length === 0) {
      this.writerBusy = false;
      return;
    }
    let total = 0;
    for (const e of batch) {
      e.hooks.mark?.('write_thread_in_journal_buffer');
      total += e.bytes;
    }
    const first = batch[0] as JournalEntry;
    const blocks = Math.max(1, Math.ceil(total / NVME_BLOCK));
    const buf = encodeJournal(batch, blocks);
    const lba = this.journalHead % Math.max(1, this.journalBlocks - blocks);
    this.journalHead = lba + blocks;
    this.rt.trace.point('do_aio_write', this.actor, {
      data: { entries: batch.length, bytes: total, lba, blocks },
      effects: [{ kind: 'journal.append', dev: this.dev.id, lba, blocks, entries: batch.length }],
    });
    const gen = this.gen;
    const io = this.rt.sim.spawn(
      `${this.actor}.journal_aio`,
      this.dev.write(lba, buf, { fua: true }),
      first.ctx,
    );
    io.onSettle(() => {
      if (gen !== this.gen) return;
      // write_finish_thread: queue_completions_thru(seq)
      for (const e of batch) this.queueCompletion(e);
      this.writeThreadEntry();
    });
  }

  private queueCompletion(e: JournalEntry): void {
    const gen = this.gen;
    if (!this.appliedEarly.delete(e.seq)) this.unapplied.set(e.seq, e);
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
      this.appliedSeq = Math.max(this.appliedSeq, e.seq);
      if (!this.unapplied.delete(e.seq) && this.parallel) this.appliedEarly.add(e.seq);
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
    });
  }

  private finishApply(t: Transaction): void {
    for (const k of touchedKeys(t)) {
      const p = this.pendingApply.get(k);
      if (!p) continue;
      if (--p.n === 0) {
        this.pendingApply.delete(k);
        for (const w of p.waiters) w.resolve();
      }
    }
  }

  *read(coll: string, oid: string, off: number, len: number): Proc<Uint8Array> {
    const p = this.pendingApply.get(ObjectTable.key(coll, oid));
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
    this.writeq = [];
    this.writerBusy = false;
    this.opWq.reset();
    this.finisher.reset();
    this.opFinisher.reset();
    this.appliedEarly.clear();
    this.overlay.clear();
    for (const p of this.pendingApply.values()) for (const w of p.waiters) w.resolve();
    this.pendingApply.clear();
  }

  /** FileStore::mount → journal replay of committed, unapplied entries. */
  *mount(): Proc<void> {
    const entries = [...this.unapplied.values()].sort((a, b) => a.seq - b.seq);
    this.unapplied.clear();
    for (const e of entries) {
      const res = applyTransaction(this.fs, e.t, this.alloc, this.peek);
      for (const l of res.freed) this.alloc.release(l);
      for (const w of res.writes) yield* this.dev.write(w.lba, w.data);
      this.appliedSeq = Math.max(this.appliedSeq, e.seq);
    }
    this.rt.trace.point('journal_replay', this.actor, { data: { entries: entries.length } });
  }
}

function touchedKeys(t: Transaction): Set<string> {
  const s = new Set<string>();
  for (const o of t.ops) s.add(ObjectTable.key(t.coll, o.oid));
  return s;
}

/** Encode a journal batch: per entry a header (seq, length) then its write payloads. */
function encodeJournal(batch: readonly JournalEntry[], blocks: number): Uint8Array {
  const buf = new Uint8Array(blocks * NVME_BLOCK);
  const dv = new DataView(buf.buffer);
  let p = 0;
  for (const e of batch) {
    if (p + JOURNAL_ENTRY_HEADER > buf.length) break;
    dv.setUint32(p, 0x4a4f5552, true); // "JOUR"
    dv.setUint32(p + 4, e.seq, true);
    dv.setUint32(p + 8, e.bytes, true);
    p += JOURNAL_ENTRY_HEADER;
    for (const o of e.t.ops) {
      if (o.op !== 'write') continue;
      const n = Math.min(o.data.length, buf.length - p);
      buf.set(o.data.subarray(0, n), p);
      p += n;
    }
  }
  return buf;
}
