/**
 * BlueStore's metadata database (RocksDB on BlueFS in the real system), reduced to what the
 * write path relies on: `submit_transaction` puts a batch in the memtable and appends it to
 * the WAL buffer; `submit_transaction_sync` writes the WAL records to the device and flushes —
 * the durability point (spec §6.3, KV_QUEUED → KV_SUBMITTED). After a crash only synced
 * batches survive; `recover` returns that state.
 *
 * Keys carry BlueStore's prefixes: `O` onodes, `M` omap, `L` deferred transactions, `S` statfs.
 */
import type { Proc } from '../../core/sim.ts';
import { NVME_BLOCK, type NvmeDevice } from '../../media/types.ts';

export type KvValue = Uint8Array | { readonly [k: string]: unknown };

export interface KvTransaction {
  readonly sets: Array<[string, KvValue, number]>;
  readonly rms: string[];
}

export function newKvTransaction(): KvTransaction {
  return { sets: [], rms: [] };
}

export class KeyValueDB {
  /** What a reader sees (memtable + sst). */
  private readonly mem = new Map<string, KvValue>();
  /**
   * Undo records of the batches submitted since the last WAL sync: a crash rolls them back,
   * so what remains is exactly what was synced (cheaper than keeping a second, durable map).
   */
  private undoKeys: string[] = [];
  private undoVals: Array<KvValue | undefined> = [];
  private unsynced: KvTransaction[] = [];
  private walHead = 0;
  /** Reused WAL record buffer (the device copies what it is given). */
  private scratch = new Uint8Array(NVME_BLOCK);

  constructor(
    private readonly dev: NvmeDevice,
    /** WAL ring on the device: [walBase, walBase + walBlocks). */
    private readonly walBase: number,
    private readonly walBlocks: number,
  ) {}

  get(key: string): KvValue | undefined {
    return this.mem.get(key);
  }

  /** Keys with a prefix, sorted (iterator over a prefix). */
  keys(prefix: string): string[] {
    const out: string[] = [];
    for (const k of this.mem.keys()) if (k.startsWith(prefix)) out.push(k);
    return out.sort();
  }

  /** RocksDB Write without sync: visible at once, durable at the next sync. */
  submitTransaction(t: KvTransaction): void {
    const mem = this.mem;
    const uk = this.undoKeys;
    const uv = this.undoVals;
    for (const [k, v] of t.sets) {
      uk.push(k);
      uv.push(mem.get(k));
      mem.set(k, v);
    }
    for (const k of t.rms) {
      uk.push(k);
      uv.push(mem.get(k));
      mem.delete(k);
    }
    this.unsynced.push(t);
  }

  /** Write the pending WAL records to the device and flush it (fsync of the WAL file). */
  *syncWal(): Proc<{ lba: number; blocks: number; batches: number }> {
    const batch = this.unsynced;
    this.unsynced = [];
    let bytes = 16;
    for (const t of batch) {
      for (const [k, , n] of t.sets) bytes += k.length + n + 8;
      for (const k of t.rms) bytes += k.length + 8;
    }
    const blocks = Math.max(1, Math.ceil(bytes / NVME_BLOCK));
    const lba = this.walBase + (this.walHead % Math.max(1, this.walBlocks - blocks));
    this.walHead += blocks;
    if (this.scratch.length < blocks * NVME_BLOCK)
      this.scratch = new Uint8Array(blocks * NVME_BLOCK);
    const rec = this.scratch.subarray(0, blocks * NVME_BLOCK);
    new DataView(rec.buffer).setUint32(0, batch.length, true);
    // Batches submitted after this point are not covered by this sync.
    const covered = this.undoKeys.length;
    yield* this.dev.write(lba, rec, { fua: true });
    yield* this.dev.flush();
    this.undoKeys.splice(0, covered);
    this.undoVals.splice(0, covered);
    return { lba, blocks, batches: batch.length };
  }

  /** Crash: the memtable is rebuilt from the synced WAL only. */
  crash(): void {
    for (let i = this.undoKeys.length - 1; i >= 0; i--) {
      const k = this.undoKeys[i] as string;
      const v = this.undoVals[i];
      if (v === undefined) this.mem.delete(k);
      else this.mem.set(k, v);
    }
    this.undoKeys = [];
    this.undoVals = [];
    this.unsynced = [];
  }
}
