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
import type { NvmeDevice } from '../../media/types.ts';
import { currentCtx, later, runIn } from '../sched.ts';
import { ObjectTable, applyTransaction, splitObjectKey } from './apply.ts';
import { KeyValueDB, type KvTransaction, newKvTransaction } from './kv.ts';
import { BlockAllocator, type BlockWrite, type Onode, newOnode, readOnode } from './onode.ts';
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
  /** Blocks at the start of the device for the RocksDB WAL (BlueFS). */
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
  private readonly alloc: BlockAllocator;
  private readonly preferDeferredSize: number;
  private readonly deferredBatchOps: number;
  /** Blocks whose newest data is not yet at its final location (buffer cache). */
  private readonly overlay = new Map<number, Uint8Array>();
  private readonly osr = new Map<string, TransContext[]>();
  private kvQueue: TransContext[] = [];
  private kvSyncBusy = false;
  private pendingKvCleanup: KvTransaction = newKvTransaction();
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
    this.kv = new KeyValueDB(dev, 0, opts.walBlocks);
    this.alloc = new BlockAllocator(opts.walBlocks, dev.blocks - opts.walBlocks);
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
    };
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
          txc.kvt.sets.push([base + k, { v }, k.length + v.length]);
        }
      } else if (op.op === 'omap_rmkeys') {
        const base = this.table.kvNamesOf(t.coll, op.oid).omapBase;
        for (const k of op.keys) txc.kvt.rms.push(base + k);
      } else if (op.op === 'remove') {
        const base = this.table.kvNamesOf(t.coll, op.oid).omapBase;
        for (const k of this.kv.keys(base)) txc.kvt.rms.push(k);
      }
    }
    for (const oid of oids) {
      const key = this.table.kvNamesOf(t.coll, oid).onode;
      const o = this.table.get(t.coll, oid);
      if (o) txc.kvt.sets.push([key, onodeRecord(o), 64 + o.blocks.size * 8]);
      else txc.kvt.rms.push(key);
    }
    if (txc.deferred.length > 0) {
      // bluestore_deferred_transaction_t with the data, under prefix "L".
      txc.deferredKey = `L${String(++this.deferredSeq).padStart(16, '0')}`;
      txc.kvt.sets.push([txc.deferredKey, { writes: txc.deferred }, txc.deferred.length * 4096]);
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
    if (this.kvQueue.length === 0 && this.pendingKvCleanup.rms.length === 0) return;
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
    const anyAio = batch.some((t) => t.aios.length > 0);
    const gen = this.gen;
    const dev = this.dev;
    const kv = this.kv;
    const submitted = (t: TransContext): void => this.setState(t, 'KV_SUBMITTED');
    function* sync(): Proc<{ lba: number; blocks: number; batches: number }> {
      if (anyAio) yield* dev.flush();
      for (const t of batch) {
        kv.submitTransaction(t.kvt);
        submitted(t);
      }
      if (cleanup.rms.length > 0) kv.submitTransaction(cleanup);
      return yield* kv.syncWal();
    }
    const first = batch[0];
    const done = this.rt.sim.spawn(`${this.actor}.kv_sync`, sync(), first?.ctx ?? ctx);
    done.onSettle(() => {
      if (gen !== this.gen) return;
      const wal = done.value;
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
          if (t.deferredKey) this.pendingKvCleanup.rms.push(t.deferredKey);
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
    for (const l of txc.freed) this.alloc.release(l);
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
    this.kvQueue = [];
    this.kvSyncBusy = false;
    this.deferredQueue = [];
    this.deferredTimerArmed = false;
    this.pendingKvCleanup = newKvTransaction();
    this.osr.clear();
    this.overlay.clear();
    this.kv.crash();
  }

  /** BlueStore::mount: onodes from the KV, then _deferred_replay of the `L` records. */
  *mount(): Proc<void> {
    this.table.clear();
    for (const k of this.kv.keys('O')) {
      const v = this.kv.get(k) as unknown as OnodeRecord;
      const [coll, oid] = splitObjectKey(k.slice(1));
      this.table.set(coll, oid, onodeFromRecord(v));
    }
    for (const k of this.kv.keys('M')) {
      const sep = k.indexOf('\u0000');
      const [coll, oid] = splitObjectKey(k.slice(1, sep));
      const o = this.table.get(coll, oid);
      const v = this.kv.get(k) as { v: Uint8Array } | undefined;
      if (o && v) o.omap.set(k.slice(sep + 1), v.v);
    }
    const replay = newKvTransaction();
    let n = 0;
    for (const k of this.kv.keys('L')) {
      const rec = this.kv.get(k) as { writes: readonly BlockWrite[] };
      for (const w of rec.writes) yield* this.dev.write(w.lba, w.data);
      replay.rms.push(k);
      n++;
    }
    if (replay.rms.length > 0) {
      this.kv.submitTransaction(replay);
      yield* this.kv.syncWal();
    }
    this.rt.trace.point('_deferred_replay', this.actor, { data: { records: n } });
  }
}

/**
 * The onode as BlueStore encodes it under "O": size, extent map, xattrs (omap is in "M").
 * Flat arrays, not Maps: one is written per object per transaction and read only at mount.
 */
interface OnodeRecord {
  readonly size: number;
  /** block index, lba, block index, lba … */
  readonly blocks: readonly number[];
  /** name, value, name, value … */
  readonly attrs: ReadonlyArray<string | Uint8Array>;
  readonly allocHint: Onode['allocHint'];
}

function onodeRecord(o: Onode): { readonly [k: string]: unknown } {
  const blocks: number[] = [];
  for (const [b, lba] of o.blocks) blocks.push(b, lba);
  const attrs: Array<string | Uint8Array> = [];
  for (const [k, v] of o.attrs) attrs.push(k, v);
  const r: OnodeRecord = { size: o.size, blocks, attrs, allocHint: o.allocHint };
  return r as unknown as { readonly [k: string]: unknown };
}

function onodeFromRecord(r: OnodeRecord): Onode {
  const o = newOnode();
  o.size = r.size;
  for (let i = 0; i < r.blocks.length; i += 2)
    o.blocks.set(r.blocks[i] as number, r.blocks[i + 1] as number);
  for (let i = 0; i < r.attrs.length; i += 2)
    o.attrs.set(r.attrs[i] as string, r.attrs[i + 1] as Uint8Array);
  if (r.allocHint) o.allocHint = r.allocHint;
  return o;
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
