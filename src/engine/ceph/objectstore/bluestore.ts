/**
 * BlueStore's write path (spec §6.3): one TransContext per queued transaction, driven through
 *
 *   PREPARE → AIO_WAIT → IO_DONE → KV_QUEUED → KV_SUBMITTED → KV_DONE
 *           → (DEFERRED_QUEUED → DEFERRED_CLEANUP) → FINISHING → DONE
 *
 * - `_txc_add_transaction` applies the ops to the in-memory onodes at once (readable when
 *   queued) and allocates blocks. A new allocation smaller than `bluestore_prefer_deferred_size`
 *   (hdd 65536, ssd 0) and every overwrite of an allocated block become *deferred* writes: their
 *   data rides in the KV transaction under an `L` key; bigger new allocations are direct aio.
 * - kv_sync_thread: flush the device if any txc did aio, submit every queued KV transaction,
 *   then `submit_transaction_sync` (WAL write + flush) — the durability point; kv_finalize
 *   runs the commit callbacks (KV_DONE).
 * - Deferred batches go to their final location when 64 (hdd) / 16 (ssd) ops are queued or
 *   after `bluestore_max_defer_interval` (3 s); the `L` keys are removed at the next KV sync.
 */
import type { Runtime } from '../../core/runtime.ts';
import { errnoError } from '../../core/errors.ts';
import type { Proc, ProcContext } from '../../core/sim.ts';
import type { Effect } from '../../trace/event.ts';
import type { NvmeDevice } from '../../media/types.ts';
import { currentCtx, later, runIn } from '../sched.ts';
import { ObjectTable, applyTransaction, splitObjectKey } from './apply.ts';
import { Dec, Enc, decodeOnode, onodeBytes } from './codec.ts';
import {
  KeyValueDB,
  type KvTransaction,
  type WalSync,
  kvTransactionEmpty,
  newKvTransaction,
} from './kv.ts';
import { dataRange } from './meta-region.ts';
import { BlockAllocator, type BlockWrite, readOnode } from './onode.ts';
import { type Transaction, txBytes, txJson } from './transaction.ts';
import type { CommitHooks, ObjectStat, ObjectStore } from './types.ts';

export type TxcState =
  | 'PREPARE'
  | 'AIO_WAIT'
  | 'IO_DONE'
  | 'KV_QUEUED'
  | 'KV_SUBMITTED'
  | 'KV_DONE'
  | 'DEFERRED_QUEUED'
  | 'DEFERRED_CLEANUP'
  | 'FINISHING'
  | 'DONE';

export type DeviceClass = 'hdd' | 'ssd';

export interface BlueStoreOptions {
  /** Blocks at the start of the device for RocksDB (BlueFS): WAL ring + tables + superblock. */
  walBlocks: number;
  deviceClass: DeviceClass;
}

interface TransContext {
  readonly seq: number;
  readonly coll: string;
  state: TxcState;
  readonly ctx: ProcContext;
  readonly hooks: CommitHooks;
  readonly aios: BlockWrite[];
  readonly deferred: BlockWrite[];
  readonly freed: number[];
  readonly kvt: KvTransaction;
  deferredKey?: string;
  /** The deferred seq of `deferredKey` (0: none). */
  deferredNo: number;
}

/** The printed state names (`STATE_KV_DONE`), built once. */
const STATE_NAMES: Readonly<Record<TxcState, string>> = {
  PREPARE: 'STATE_PREPARE',
  AIO_WAIT: 'STATE_AIO_WAIT',
  IO_DONE: 'STATE_IO_DONE',
  KV_QUEUED: 'STATE_KV_QUEUED',
  KV_SUBMITTED: 'STATE_KV_SUBMITTED',
  KV_DONE: 'STATE_KV_DONE',
  DEFERRED_QUEUED: 'STATE_DEFERRED_QUEUED',
  DEFERRED_CLEANUP: 'STATE_DEFERRED_CLEANUP',
  FINISHING: 'STATE_FINISHING',
  DONE: 'STATE_DONE',
};

/** bluestore_max_defer_interval. */
const MAX_DEFER_INTERVAL_NS = 3_000_000_000;

export class BlueStore implements ObjectStore {
  readonly kind = 'bluestore' as const;
  private readonly table = new ObjectTable();
  private readonly kv: KeyValueDB;
  private alloc: BlockAllocator;
  private readonly walBlocks: number;
  /**
   * Deferred records (`L` seq) whose removal is not yet durable, and blocks freed while older
   * ones were outstanding: such a block goes back to the allocator only once no older `L`
   * record can be replayed over it (BlueStore finishes txcs in sequencer order for this).
   */
  private readonly outstandingL = new Set<number>();
  private heldFrees: Array<{ lba: number; belowL: number }> = [];
  private readonly preferDeferredSize: number;
  private readonly deferredBatchOps: number;
  /** Blocks whose newest data is not yet at its final location (buffer cache). */
  private readonly overlay = new Map<number, Uint8Array>();
  private readonly osr = new Map<string, TransContext[]>();
  private kvQueue: TransContext[] = [];
  private kvSyncBusy = false;
  private pendingKvCleanup: KvTransaction = newKvTransaction();
  /** The `L` seqs `pendingKvCleanup` removes. */
  private pendingCleanupL: number[] = [];
  private deferredQueue: TransContext[] = [];
  private deferredTimerArmed = false;
  private txcSeq = 0;
  private deferredSeq = 0;
  private gen = 0;

  constructor(
    private readonly rt: Runtime,
    private readonly actor: string,
    private readonly dev: NvmeDevice,
    opts: BlueStoreOptions,
  ) {
    this.kv = new KeyValueDB(dev, opts.walBlocks);
    this.walBlocks = opts.walBlocks;
    const data = dataRange(dev.blocks, opts.walBlocks);
    this.alloc = new BlockAllocator(data.base, data.count);
    this.preferDeferredSize = opts.deviceClass === 'hdd' ? 65536 : 0;
    this.deferredBatchOps = opts.deviceClass === 'hdd' ? 64 : 16;
  }

  get usedBlocks(): number {
    return this.alloc.used;
  }

  private peek = (lba: number): Uint8Array => this.overlay.get(lba) ?? this.dev.peek(lba, 1);

  private setState(txc: TransContext, s: TxcState): void {
    txc.state = s;
    this.rt.trace.point('_txc_state_proc', this.actor, {
      data: { txc: txc.seq, state: STATE_NAMES[s] },
    });
  }

  queueTransactions(t: Transaction, hooks: CommitHooks): void {
    const ctx = currentCtx(this.rt.sim);
    const txc: TransContext = {
      seq: ++this.txcSeq,
      coll: t.coll,
      state: 'PREPARE',
      ctx,
      hooks,
      aios: [],
      deferred: [],
      freed: [],
      kvt: newKvTransaction(),
      deferredNo: 0,
    };
    // The omap keys a remove drops: the onode's (in memory: every queued transaction's
    // keys, including those not yet in the KV) — captured before the ops apply.
    let removedOmap: Map<string, string[]> | undefined;
    for (const op of t.ops) {
      if (op.op !== 'remove') continue;
      const o = this.table.get(t.coll, op.oid);
      if (o && o.omap.size > 0) (removedOmap ??= new Map()).set(op.oid, [...o.omap.keys()]);
    }
    // _txc_add_transaction: onodes updated in memory, blocks allocated.
    const res = applyTransaction(this.table, t, this.alloc, this.peek);
    const dataBytes = txDataBytes(t);
    for (const w of res.writes) {
      const deferred = !w.fresh || dataBytes < this.preferDeferredSize;
      (deferred ? txc.deferred : txc.aios).push(w);
      this.overlay.set(w.lba, w.data);
    }
    for (const l of res.freed) txc.freed.push(l);
    // _txc_write_nodes: dirty onodes go under "O", omap keys under "M" (one KV key each).
    const oids: string[] = [];
    for (const op of t.ops) {
      if (!oids.includes(op.oid)) oids.push(op.oid);
      if (op.op === 'omap_setkeys') {
        const base = this.table.kvNamesOf(t.coll, op.oid).omapBase;
        for (const k in op.kv) {
          const v = op.kv[k] as Uint8Array;
          txc.kvt.sets.push([base + k, v]);
        }
      } else if (op.op === 'omap_rmkeys') {
        const base = this.table.kvNamesOf(t.coll, op.oid).omapBase;
        for (const k of op.keys) txc.kvt.rms.push(base + k);
      } else if (op.op === 'remove') {
        const base = this.table.kvNamesOf(t.coll, op.oid).omapBase;
        const rm = new Set(this.kv.keys(base));
        for (const k of removedOmap?.get(op.oid) ?? []) rm.add(base + k);
        for (const [k] of txc.kvt.sets) if (k.startsWith(base)) rm.add(k);
        for (const k of rm) txc.kvt.rms.push(k);
      }
    }
    for (const oid of oids) {
      const key = this.table.kvNamesOf(t.coll, oid).onode;
      const o = this.table.get(t.coll, oid);
      if (o) txc.kvt.sets.push([key, onodeBytes(o)]);
      else txc.kvt.rms.push(key);
    }
    // _txc_finalize_kv: the freelist (fm->allocate / fm->release) as XOR merges.
    freelistMerges(txc.kvt, res.writes, res.freed);
    if (txc.deferred.length > 0) {
      // bluestore_deferred_transaction_t with the data, under prefix "L".
      txc.deferredNo = ++this.deferredSeq;
      txc.deferredKey = deferredKeyOf(txc.deferredNo);
      this.outstandingL.add(txc.deferredNo);
      txc.kvt.sets.push([txc.deferredKey, encodeDeferred(txc.deferred)]);
    }
    this.rt.trace.point('queue_transactions', this.actor, {
      data: {
        store: 'bluestore',
        txc: txc.seq,
        txn: txJson(t),
        bytes: txBytes(t),
        aio_blocks: txc.aios.length,
        deferred_blocks: txc.deferred.length,
      },
      effects: res.writes.length
        ? [{ kind: 'alloc', media: 'nvme', dev: this.dev.id, lbas: freshLbas(res.writes) }]
        : undefined,
    });
    let q = this.osr.get(t.coll);
    if (!q) {
      q = [];
      this.osr.set(t.coll, q);
    }
    q.push(txc);
    this.setState(txc, 'PREPARE');
    if (txc.aios.length > 0) {
      this.setState(txc, 'AIO_WAIT');
      const gen = this.gen;
      const dev = this.dev;
      const aios = txc.aios;
      function* io(): Proc<void> {
        for (const w of aios) yield* dev.write(w.lba, w.data);
      }
      this.rt.trace.effect({ kind: 'nvme.write', dev: dev.id, lbas: aios.map((w) => w.lba) });
      this.rt.sim.spawn(`${this.actor}.txc_aio`, io(), ctx).onSettle(() => {
        if (gen !== this.gen) return;
        runIn(this.rt.sim, ctx, `${this.actor}.aio_cb`, () => this.txcFinishIo(txc));
      });
    } else {
      this.txcFinishIo(txc);
    }
  }

  /** _txc_finish_io: IO_DONE, then every leading IO_DONE txc of the sequencer goes to KV. */
  private txcFinishIo(txc: TransContext): void {
    this.setState(txc, 'IO_DONE');
    const q = this.osr.get(txc.coll) ?? [];
    for (const t of q) {
      if (t.state === 'IO_DONE') {
        this.setState(t, 'KV_QUEUED');
        this.kvQueue.push(t);
      } else if (t.state !== 'KV_QUEUED' && t.state !== 'KV_SUBMITTED' && t.state !== 'KV_DONE') {
        if (t.state === 'PREPARE' || t.state === 'AIO_WAIT') break;
      }
    }
    this.kickKvSync(txc.ctx);
  }

  private kickKvSync(ctx: ProcContext): void {
    if (this.kvSyncBusy) return;
    if (this.kvQueue.length === 0 && kvTransactionEmpty(this.pendingKvCleanup)) return;
    this.kvSyncBusy = true;
    const gen = this.gen;
    later(this.rt.sim, 2000, ctx, `${this.actor}.kv_sync_thread`, () => {
      if (gen === this.gen) this.kvSyncThread(ctx);
    });
  }

  /** _kv_sync_thread: flush data, submit the batch, then the synchronous WAL commit. */
  private kvSyncThread(ctx: ProcContext): void {
    const batch = this.kvQueue;
    this.kvQueue = [];
    const cleanup = this.pendingKvCleanup;
    this.pendingKvCleanup = newKvTransaction();
    const cleanedL = this.pendingCleanupL;
    this.pendingCleanupL = [];
    // bdev->flush(): direct aio data and finished deferred writes must be stable before the
    // KV commit that points at them (or forgets their `L` record).
    const needFlush = batch.some((t) => t.aios.length > 0) || cleanedL.length > 0;
    const gen = this.gen;
    const dev = this.dev;
    const kv = this.kv;
    const submitted = (t: TransContext): void => this.setState(t, 'KV_SUBMITTED');
    function* sync(): Proc<WalSync> {
      if (needFlush) yield* dev.flush();
      for (const t of batch) {
        kv.submitTransaction(t.kvt);
        submitted(t);
      }
      if (!kvTransactionEmpty(cleanup)) kv.submitTransaction(cleanup);
      return yield* kv.syncWal();
    }
    const first = batch[0];
    const done = this.rt.sim.spawn(`${this.actor}.kv_sync`, sync(), first?.ctx ?? ctx);
    done.onSettle(() => {
      if (gen !== this.gen) return;
      const wal = done.value;
      for (const n of cleanedL) this.outstandingL.delete(n);
      if (cleanedL.length > 0) this.releaseHeld();
      runIn(this.rt.sim, first?.ctx ?? ctx, `${this.actor}.kv_sync_thread`, () =>
        this.traceKvSync(wal, batch, needFlush, cleanedL.length),
      );
      for (const t of batch) {
        runIn(this.rt.sim, t.ctx, `${this.actor}.kv_finalize`, () => {
          this.rt.trace.point('submit_transaction_sync', this.actor, {
            data: { txc: t.seq, wal_lba: wal.lba, wal_blocks: wal.blocks },
            effects: [{ kind: 'kv.commit', dev: this.dev.id, lba: wal.lba, blocks: wal.blocks }],
          });
          this.txcCommittedKv(t);
        });
      }
      this.kvSyncBusy = false;
      this.kickKvSync(ctx);
    });
  }

  /** Give back held frees no outstanding `L` record can be replayed over any more. */
  private releaseHeld(): void {
    let min = Infinity;
    for (const n of this.outstandingL) if (n < min) min = n;
    const keep: Array<{ lba: number; belowL: number }> = [];
    for (const h of this.heldFrees) {
      if (min >= h.belowL) this.alloc.release(h.lba);
      else keep.push(h);
    }
    this.heldFrees = keep;
  }

  /** One event per kv_sync batch: the device flush, the WAL record, a memtable flush. */
  private traceKvSync(
    wal: WalSync,
    batch: readonly TransContext[],
    flushed: boolean,
    cleaned: number,
  ): void {
    const dev = this.dev.id;
    const effects: Effect[] = [];
    if (flushed) effects.push({ kind: 'nvme.flush', dev });
    if (wal.blocks > 0)
      effects.push({ kind: 'kv.wal_append', dev, lba: wal.lba, blocks: wal.blocks, seq: wal.seq });
    if (wal.table)
      effects.push({
        kind: 'kv.table_flush',
        dev,
        lba: wal.table.lba,
        blocks: wal.table.blocks,
        slot: wal.table.slot,
      });
    this.rt.trace.point('_kv_sync_thread', this.actor, {
      data: {
        txcs: batch.map((t) => t.seq),
        bdev_flush: flushed,
        wal_seq: wal.seq,
        deferred_cleaned: cleaned,
        memtable_flushed: wal.table !== undefined,
      },
      effects,
    });
  }

  /** _txc_committed_kv → KV_DONE: commit callbacks go to the collection's commit queue. */
  private txcCommittedKv(txc: TransContext): void {
    this.setState(txc, 'KV_DONE');
    txc.hooks.onCommit();
    if (txc.deferred.length > 0) {
      this.setState(txc, 'DEFERRED_QUEUED');
      this.deferredQueue.push(txc);
      let ops = 0;
      for (const t of this.deferredQueue) ops += t.deferred.length;
      if (ops >= this.deferredBatchOps) this.deferredSubmit(txc.ctx);
      else if (!this.deferredTimerArmed) {
        this.deferredTimerArmed = true;
        const gen = this.gen;
        later(this.rt.sim, MAX_DEFER_INTERVAL_NS, txc.ctx, `${this.actor}.deferred_timer`, () => {
          if (gen !== this.gen) return;
          this.deferredTimerArmed = false;
          if (this.deferredQueue.length > 0) this.deferredSubmit(txc.ctx);
        });
      }
    } else {
      this.txcFinish(txc);
    }
  }

  /** _deferred_submit_unlock: the batch goes as aio to the final locations. */
  private deferredSubmit(ctx: ProcContext): void {
    const batch = this.deferredQueue;
    this.deferredQueue = [];
    const gen = this.gen;
    const dev = this.dev;
    const writes: BlockWrite[] = [];
    for (const t of batch) for (const w of t.deferred) writes.push(w);
    this.rt.trace.point('_deferred_submit_unlock', this.actor, {
      data: { txcs: batch.map((t) => t.seq), blocks: writes.length },
      effects: [{ kind: 'nvme.write', dev: dev.id, lbas: writes.map((w) => w.lba) }],
    });
    function* io(): Proc<void> {
      for (const w of writes) yield* dev.write(w.lba, w.data);
    }
    this.rt.sim.spawn(`${this.actor}.deferred_aio`, io(), ctx).onSettle(() => {
      if (gen !== this.gen) return;
      // _deferred_aio_finish
      for (const w of writes) if (this.overlay.get(w.lba) === w.data) this.overlay.delete(w.lba);
      for (const t of batch) {
        runIn(this.rt.sim, t.ctx, `${this.actor}.deferred_finish`, () => {
          this.setState(t, 'DEFERRED_CLEANUP');
          if (t.deferredKey) {
            this.pendingKvCleanup.rms.push(t.deferredKey);
            this.pendingCleanupL.push(t.deferredNo);
          }
          this.txcFinish(t);
        });
      }
      this.kickKvSync(ctx);
    });
  }

  /** _txc_finish: leave the sequencer in order, release space. */
  private txcFinish(txc: TransContext): void {
    this.setState(txc, 'FINISHING');
    for (const w of txc.aios) if (this.overlay.get(w.lba) === w.data) this.overlay.delete(w.lba);
    if (this.outstandingL.size === 0) for (const l of txc.freed) this.alloc.release(l);
    else for (const l of txc.freed) this.heldFrees.push({ lba: l, belowL: this.deferredSeq + 1 });
    if (txc.freed.length > 0) {
      // rides on the DONE state event below (the allocator gets the space back here)
      this.rt.trace.effect({ kind: 'free', media: 'nvme', dev: this.dev.id, lbas: [...txc.freed] });
    }
    const q = this.osr.get(txc.coll);
    if (q) {
      const i = q.indexOf(txc);
      if (i >= 0) q.splice(i, 1);
    }
    this.setState(txc, 'DONE');
  }

  *read(coll: string, oid: string, off: number, len: number): Proc<Uint8Array> {
    const o = this.table.get(coll, oid);
    if (!o) throw errnoError('ENOENT', `${coll}/${oid}`);
    const out = readOnode(o, off, len, this.peek);
    yield* this.dev.read(0, Math.max(1, Math.min(1024, Math.ceil(out.length / 4096))));
    return out;
  }

  readSync(coll: string, oid: string, off: number, len: number): Uint8Array {
    const o = this.table.get(coll, oid);
    if (!o) throw errnoError('ENOENT', `${coll}/${oid}`);
    return readOnode(o, off, len, this.peek);
  }

  stat(coll: string, oid: string): ObjectStat | undefined {
    const o = this.table.get(coll, oid);
    return o ? { size: o.size } : undefined;
  }

  getattr(coll: string, oid: string, name: string): Uint8Array | undefined {
    return this.table.get(coll, oid)?.attrs.get(name);
  }

  omapGet(coll: string, oid: string): ReadonlyMap<string, Uint8Array> | undefined {
    return this.table.get(coll, oid)?.omap;
  }

  list(coll: string): string[] {
    return this.table.list(coll);
  }

  kill(): void {
    this.gen++;
    this.dropMemory();
  }

  private dropMemory(): void {
    this.kvQueue = [];
    this.kvSyncBusy = false;
    this.deferredQueue = [];
    this.deferredTimerArmed = false;
    this.pendingKvCleanup = newKvTransaction();
    this.pendingCleanupL = [];
    this.osr.clear();
    this.overlay.clear();
    // Everything in memory is gone; mount rebuilds it from the device.
    this.kv.crash();
    this.table.clear();
    this.outstandingL.clear();
    this.heldFrees = [];
  }

  /** True when the device holds a BlueStore (its RocksDB superblock). */
  hasFilesystem(): boolean {
    return new KeyValueDB(this.dev, this.walBlocks).load((l, n) => this.dev.peek(l, n)).formatted;
  }

  /**
   * BlueStore::mount → `_open_db` (RocksDB: table + WAL replay) → onodes and omap from `O` /
   * `M`, the allocator from the `b` freelist (`_open_alloc`) → `_deferred_replay` of the `L`
   * records (their data to its final place, flushed, then the records removed in one sync).
   */
  *mount(): Proc<void> {
    const m = this.openDb();
    // Charge the metadata reads: the superblock, the live table and the WAL records.
    yield* this.dev.read(this.kv.region.superLba, 1);
    if (m.walRecords > 0) yield* this.dev.read(0, Math.min(1024, m.walRecords));
    let blocks = 0;
    for (const r of m.deferred) {
      for (const w of r.writes) {
        yield* this.dev.write(w.lba, w.data);
        blocks++;
      }
    }
    if (m.deferred.length > 0) {
      yield* this.dev.flush();
      const t = newKvTransaction();
      for (const r of m.deferred) t.rms.push(r.key);
      this.kv.submitTransaction(t);
      yield* this.kv.syncWal();
      for (const r of m.deferred) this.outstandingL.delete(r.no);
    }
    this.rt.trace.point('_deferred_replay', this.actor, {
      data: { records: m.deferred.length, blocks },
      effects: blocks > 0 ? [{ kind: 'nvme.flush', dev: this.dev.id }] : undefined,
    });
  }

  /**
   * Mount before the simulation starts (a device kept from an earlier run): the same as
   * `mount`, with the deferred data written straight to the durable image by `writeDirect`;
   * the `L` records are removed at the first kv sync.
   */
  mountAtBoot(writeDirect: (lba: number, data: Uint8Array) => void): void {
    const m = this.openDb(false);
    for (const r of m.deferred) {
      for (const w of r.writes) writeDirect(w.lba, w.data);
      this.pendingKvCleanup.rms.push(r.key);
      this.pendingCleanupL.push(r.no);
    }
  }

  /** `_open_db` + `_open_collections` + `_open_alloc`: the in-memory state from the device. */
  private openDb(traced = true): {
    walRecords: number;
    deferred: Array<{ key: string; no: number; writes: BlockWrite[] }>;
  } {
    this.dropMemory();
    const peek = (l: number, n: number): Uint8Array => this.dev.peek(l, n);
    const loaded = this.kv.load(peek);
    for (const k of this.kv.keys('O')) {
      const [coll, oid] = splitObjectKey(k.slice(1));
      this.table.set(coll, oid, decodeOnode(new Dec(this.kv.get(k) as Uint8Array)));
    }
    for (const k of this.kv.keys('M')) {
      const sep = k.indexOf('\u0000');
      const [coll, oid] = splitObjectKey(k.slice(1, sep));
      const o = this.table.get(coll, oid);
      const v = this.kv.get(k);
      if (o && v) o.omap.set(k.slice(sep + 1), v);
    }
    const data = dataRange(this.dev.blocks, this.walBlocks);
    this.alloc = BlockAllocator.fromUsed(
      data.base,
      data.count,
      freelistUsed(this.kv, this.dev.blocks),
    );
    const deferred: Array<{ key: string; no: number; writes: BlockWrite[] }> = [];
    let maxL = this.deferredSeq;
    for (const k of this.kv.keys('L')) {
      const no = Number(k.slice(1));
      maxL = Math.max(maxL, no);
      this.outstandingL.add(no);
      deferred.push({ key: k, no, writes: decodeDeferred(this.kv.get(k) as Uint8Array) });
    }
    this.deferredSeq = maxL;
    if (traced)
      this.rt.trace.point('_open_db', this.actor, {
        data: {
          formatted: loaded.formatted,
          wal_records: loaded.walRecords,
          keys: this.kv.size,
          onodes: this.kv.keys('O').length,
          deferred: deferred.length,
          used_blocks: this.alloc.used,
        },
      });
    return { walRecords: loaded.walRecords, deferred };
  }

  /**
   * `_fsck` (the part about space): every onode block is marked in the freelist, no block
   * belongs to two objects, and the freelist marks nothing else (no leak). Returns the errors.
   */
  fsck(): string[] {
    const errors: string[] = [];
    const used = freelistUsed(this.kv, this.dev.blocks);
    const owner = new Map<number, string>();
    for (const k of this.kv.keys('O')) {
      const o = decodeOnode(new Dec(this.kv.get(k) as Uint8Array));
      for (const lba of o.blocks.values()) {
        const prev = owner.get(lba);
        if (prev !== undefined) errors.push(`lba ${lba} in ${prev} and ${k.slice(1)}`);
        owner.set(lba, k.slice(1));
        if (!used.has(lba)) errors.push(`lba ${lba} of ${k.slice(1)} is free in the freelist`);
      }
    }
    for (const lba of used) if (!owner.has(lba)) errors.push(`lba ${lba} allocated, no owner`);
    return errors;
  }
}

/** Blocks per freelist key (BitmapFreelistManager: bytes_per_key). */
const FREELIST_SEG = 1024;

function freelistKey(seg: number): string {
  return `b${seg.toString(16).padStart(8, '0')}`;
}

/** The XOR deltas of one txc's allocations and releases, one merge per touched segment. */
function freelistMerges(kvt: KvTransaction, writes: readonly BlockWrite[], freed: number[]): void {
  let segs: Map<number, Uint8Array> | undefined;
  const flip = (lba: number): void => {
    const seg = Math.floor(lba / FREELIST_SEG);
    segs ??= new Map<number, Uint8Array>();
    let x = segs.get(seg);
    if (!x) {
      x = new Uint8Array(FREELIST_SEG / 8);
      segs.set(seg, x);
    }
    const bit = lba % FREELIST_SEG;
    x[bit >> 3] = (x[bit >> 3] as number) ^ (1 << (bit & 7));
  };
  for (const w of writes) if (w.fresh) flip(w.lba);
  for (const l of freed) flip(l);
  if (segs) for (const [seg, x] of segs) kvt.merges.push([freelistKey(seg), x]);
}

/** The allocated blocks the freelist records. */
function freelistUsed(kv: KeyValueDB, blocks: number): Set<number> {
  const used = new Set<number>();
  for (const k of kv.keys('b')) {
    const seg = parseInt(k.slice(1), 16);
    const v = kv.get(k) as Uint8Array;
    for (let i = 0; i < v.length; i++) {
      const byte = v[i] as number;
      if (byte === 0) continue;
      for (let b = 0; b < 8; b++) {
        const lba = seg * FREELIST_SEG + i * 8 + b;
        if (byte & (1 << b) && lba < blocks) used.add(lba);
      }
    }
  }
  return used;
}

function deferredKeyOf(no: number): string {
  return `L${String(no).padStart(16, '0')}`;
}

/** bluestore_deferred_transaction_t: (lba, block) pairs. */
function encodeDeferred(writes: readonly BlockWrite[]): Uint8Array {
  // Exactly sized: the encoder's buffer is the value (it lives in the memtable until removed).
  let size = 4;
  for (const w of writes) size += 8 + w.data.length;
  const e = new Enc(size);
  e.u32(writes.length);
  for (const w of writes) {
    e.u64(w.lba);
    e.raw(w.data);
  }
  return e.buf;
}

function decodeDeferred(v: Uint8Array): BlockWrite[] {
  const d = new Dec(v);
  const n = d.u32();
  const out: BlockWrite[] = [];
  for (let i = 0; i < n; i++) {
    const lba = d.u64();
    out.push({ lba, data: v.slice(d.pos, d.pos + 4096), fresh: false });
    d.pos += 4096;
  }
  return out;
}

function freshLbas(writes: readonly BlockWrite[]): number[] {
  const out: number[] = [];
  for (const w of writes) if (w.fresh) out.push(w.lba);
  return out;
}

function txDataBytes(t: Transaction): number {
  let n = 0;
  for (const o of t.ops) if (o.op === 'write') n += o.data.length;
  return n;
}
