/**
 * BlueStore's metadata database (RocksDB on BlueFS in the real system) with its durable truth
 * on the simulated device (`MetaRegion`):
 *
 * - `submitTransaction` puts a batch in the memtable (visible at once) and queues it for the
 *   WAL; `syncWal` (`submit_transaction_sync`) appends the queued batches as ONE checksummed,
 *   sequence-numbered WAL record and makes it durable — BlueStore's commit point (spec §6.3,
 *   KV_QUEUED → KV_SUBMITTED).
 * - When the WAL passes half its ring (or a record would not fit) the memtable is flushed:
 *   the whole key space is written as a table to the idle slot, the device is flushed, and the
 *   superblock switches to it (`FlushMemTableToOutputFile` + a MANIFEST switch, collapsed into
 *   one full compaction — the table is small next to the data).
 * - `load` rebuilds the memtable from the device: table, then every valid WAL record after it.
 *   Nothing of the memtable survives a crash in memory: `crash()` just drops it.
 *
 * Keys carry BlueStore's prefixes: `O` onodes, `M` omap, `L` deferred transactions, `b` the
 * bitmap freelist (merged with XOR like BitmapFreelistManager's merge operator, so
 * transactions committing in any order compose).
 */
import type { Proc } from '../../core/sim.ts';
import type { NvmeDevice } from '../../media/types.ts';
import { Dec, Enc } from './codec.ts';
import { type MetaRegion, REC_HEADER, storeRegion } from './meta-region.ts';

export interface KvTransaction {
  readonly sets: Array<[string, Uint8Array]>;
  readonly rms: string[];
  /** XOR merges (freelist bitmap segments). */
  readonly merges: Array<[string, Uint8Array]>;
}

export function newKvTransaction(): KvTransaction {
  return { sets: [], rms: [], merges: [] };
}

export function kvTransactionEmpty(t: KvTransaction): boolean {
  return t.sets.length === 0 && t.rms.length === 0 && t.merges.length === 0;
}

/** What one WAL sync did (for the trace). */
export interface WalSync {
  /** WAL record position and size (0 blocks when the batch went straight into a table). */
  readonly lba: number;
  readonly blocks: number;
  readonly seq: number;
  readonly batches: number;
  /** Set when this sync also flushed the memtable to a table. */
  readonly table?: { lba: number; blocks: number; slot: number };
}

export class KeyValueDB {
  /** What a reader sees (memtable + table). */
  private readonly mem = new Map<string, Uint8Array>();
  private unsynced: KvTransaction[] = [];
  readonly region: MetaRegion;
  private readonly walScratch = new Enc(1 << 15);
  /**
   * The table is encoded into one reused buffer (it keeps the size it grew to): the device
   * copies the bytes when the write is submitted, and the CRC is taken before that, so nothing
   * reads this buffer once the table write is under way. A fresh table-sized buffer per flush
   * was most of a flush's cost (allocation, zero-fill, GC).
   */
  private readonly tableScratch = new Enc(1 << 16);

  constructor(
    private readonly dev: NvmeDevice,
    /** The WAL region: the device's first `walBlocks` blocks (tables at its end). */
    walBlocks: number,
  ) {
    this.region = storeRegion(dev.blocks, walBlocks);
  }

  get(key: string): Uint8Array | undefined {
    return this.mem.get(key);
  }

  /** Keys with a prefix, sorted (iterator over a prefix). */
  keys(prefix: string): string[] {
    const out: string[] = [];
    for (const k of this.mem.keys()) if (k.startsWith(prefix)) out.push(k);
    return out.sort();
  }

  get size(): number {
    return this.mem.size;
  }

  /** RocksDB Write without sync: visible at once, durable at the next sync. */
  submitTransaction(t: KvTransaction): void {
    applyKv(this.mem, t);
    this.unsynced.push(t);
  }

  /** Write the pending batches as one WAL record and make it durable (fsync of the WAL). */
  *syncWal(): Proc<WalSync> {
    const batch = this.unsynced;
    this.unsynced = [];
    // The record is encoded in place behind its header in a scratch buffer (the device
    // copies the bytes when the write is submitted, before this generator goes on).
    const e = this.walScratch;
    e.reset();
    e.skip(REC_HEADER);
    e.u32(batch.length);
    for (const t of batch) encodeKvTransaction(e, t);
    const len = e.len - REC_HEADER;
    const region = this.region;
    if (!region.fits(len)) {
      // The ring is full: the batch goes durable inside a table instead of a WAL record.
      const table = yield* this.flushMemtable();
      return { lba: table.lba, blocks: 0, seq: region.nextRecordSeq, batches: batch.length, table };
    }
    const rec = region.sealRecord(e.padded(4096), len);
    yield* this.dev.write(rec.lba, rec.data);
    yield* this.dev.flush();
    const out: WalSync = { lba: rec.lba, blocks: rec.blocks, seq: rec.seq, batches: batch.length };
    if (region.usedBlocks * 2 > region.ringBlocks) {
      return { ...out, table: yield* this.flushMemtable() };
    }
    return out;
  }

  /** FlushMemTableToOutputFile: the whole key space to the idle slot, then the switch. */
  *flushMemtable(): Proc<{ lba: number; blocks: number; slot: number }> {
    const e = this.tableScratch;
    e.reset();
    e.u32(this.mem.size);
    for (const [k, v] of this.mem) {
      e.str(k);
      e.bytes(v);
    }
    const padded = e.padded(4096);
    return yield* this.writeTable(padded.subarray(0, e.len), padded);
  }

  private *writeTable(
    table: Uint8Array,
    padded: Uint8Array,
  ): Proc<{ lba: number; blocks: number; slot: number }> {
    const plan = this.region.planTable(table, this.region.nextRecordSeq, 0, padded);
    for (const w of plan.table) yield* this.dev.write(w.lba, w.data);
    if (plan.table.length > 0) yield* this.dev.flush();
    yield* this.dev.write(plan.superblock.lba, plan.superblock.data, { fua: true });
    this.region.committed(plan);
    const t = plan.table[0];
    return {
      lba: t?.lba ?? plan.superblock.lba,
      blocks: (t?.data.length ?? 0) / 4096,
      slot: plan.slot,
    };
  }

  /** Crash: the memtable and the unsynced batches are gone (`load` rebuilds from the device). */
  crash(): void {
    this.mem.clear();
    this.unsynced = [];
  }

  /**
   * DB open: the table, then WAL replay (RocksDB's RecoverLogFiles). False on a blank device.
   * Returns the number of WAL records replayed through `records`.
   */
  load(peek: (lba: number, n: number) => Uint8Array): { formatted: boolean; walRecords: number } {
    this.mem.clear();
    this.unsynced = [];
    const r = this.region.load(peek);
    if (!r) return { formatted: false, walRecords: 0 };
    if (r.table.length > 0) {
      const d = new Dec(r.table);
      const n = d.u32();
      for (let i = 0; i < n; i++) {
        const k = d.str();
        this.mem.set(k, d.bytes());
      }
    }
    for (const rec of r.records) {
      const d = new Dec(rec.payload);
      const n = d.u32();
      for (let i = 0; i < n; i++) applyKv(this.mem, decodeKvTransaction(d));
    }
    return { formatted: true, walRecords: r.records.length };
  }
}

function applyKv(mem: Map<string, Uint8Array>, t: KvTransaction): void {
  for (const [k, v] of t.sets) mem.set(k, v);
  for (const k of t.rms) mem.delete(k);
  for (const [k, x] of t.merges) {
    // Merged values are created here and never shared: XOR in place when the size allows.
    const old = mem.get(k);
    let v = old;
    if (!v || v.length < x.length) {
      v = new Uint8Array(x.length);
      if (old) v.set(old);
      mem.set(k, v);
    }
    for (let i = 0; i < x.length; i++) v[i] = (v[i] as number) ^ (x[i] as number);
  }
}

function encodeKvTransaction(e: Enc, t: KvTransaction): void {
  e.u32(t.sets.length);
  for (const [k, v] of t.sets) {
    e.str(k);
    e.bytes(v);
  }
  e.u32(t.rms.length);
  for (const k of t.rms) e.str(k);
  e.u32(t.merges.length);
  for (const [k, v] of t.merges) {
    e.str(k);
    e.bytes(v);
  }
}

function decodeKvTransaction(d: Dec): KvTransaction {
  const t = newKvTransaction();
  const ns = d.u32();
  for (let i = 0; i < ns; i++) {
    const k = d.str();
    t.sets.push([k, d.bytes()]);
  }
  const nr = d.u32();
  for (let i = 0; i < nr; i++) t.rms.push(d.str());
  const nm = d.u32();
  for (let i = 0; i < nm; i++) {
    const k = d.str();
    t.merges.push([k, d.bytes()]);
  }
  return t;
}
