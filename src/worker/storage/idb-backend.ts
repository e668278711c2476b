/**
 * Device images in IndexedDB, for browsers without OPFS sync handles.
 *
 * IndexedDB is asynchronous but BlockBackend is synchronous, so the image lives in memory
 * (loaded at open) and `sync()` ships the 4 KiB pages dirtied since the previous sync in ONE
 * readwrite transaction (batching: ~13k puts/s batched vs ~3k/s one per transaction,
 * browser-limits.md). Transactions commit in order, so the durable image is always the state
 * of some sync; the one caveat against OPFS is that `sync()` returns before its transaction
 * commits — await `flushed()` when that matters (tests, clean shutdown). A failed commit
 * (quota → -DER_NOSPACE) is raised by the next call.
 *
 * The image is **sparse**: only pages ever written exist (in the database and in memory), a
 * page never written reads as zeros. A 256 MiB NVMe device that holds one value costs one
 * page, so opening a whole cluster's devices up front stays fast.
 *
 * The device catalog (name, size, created, last open, last clean shutdown) is `catalog.ts`.
 */
import { checkRange, type BlockBackend } from '../../engine/index.ts';
import {
  catalogClose,
  catalogOpen,
  openMediaDb,
  PAGES,
  req,
  txDone,
  type DeviceRecord,
} from './catalog.ts';
import { storageError } from './errors.ts';

export { IDB_NAME, idbAvailable, listDevices as listIdbDevices } from './catalog.ts';
export type { DeviceRecord } from './catalog.ts';
export const IDB_PAGE = 4096;

export class IdbBackend implements BlockBackend {
  readonly name: string;
  /** page number → its 4 KiB (the last page of an odd-sized device is shorter). */
  private readonly pages: Map<number, Uint8Array>;
  private readonly dirty = new Set<number>();
  private inflight: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private closed = false;
  /** Pages written by sync() so far (benchmarks). */
  pagesShipped = 0;

  private constructor(
    private readonly db: IDBDatabase,
    readonly device: string,
    readonly size: number,
    pages: Map<number, Uint8Array>,
    /** The catalog record as it was before this open (a new device: created now, clean). */
    readonly record: DeviceRecord,
    /** The same, undefined when the device is new. */
    readonly previous: DeviceRecord | undefined,
  ) {
    this.name = `idb:${device}`;
    this.pages = pages;
  }

  /** Open (creating) a device image; `now` is the host time to stamp the catalog with. */
  static async open(device: string, size: number, now = Date.now()): Promise<IdbBackend> {
    if (!Number.isSafeInteger(size) || size <= 0) throw new RangeError(`bad size ${size}`);
    const db = await openMediaDb();
    const pages = new Map<number, Uint8Array>();
    let prev: DeviceRecord | undefined;
    try {
      const tx = db.transaction(PAGES, 'readonly');
      const done = txDone(tx);
      const range = IDBKeyRange.bound([device, 0], [device, Number.MAX_SAFE_INTEGER]);
      const [keys, values] = await Promise.all([
        req(tx.objectStore(PAGES).getAllKeys(range)),
        req(tx.objectStore(PAGES).getAll(range)),
      ]);
      await done;
      keys.forEach((k, i) => {
        const page = (k as [string, number])[1];
        const at = page * IDB_PAGE;
        if (at >= size) return;
        const data = new Uint8Array(Math.min(IDB_PAGE, size - at));
        const stored = new Uint8Array(values[i] as ArrayBuffer);
        data.set(stored.subarray(0, data.length));
        pages.set(page, data);
      });
      prev = await catalogOpen(db, device, 'idb', size, now);
    } catch (e) {
      db.close();
      throw storageError(e, `IndexedDB ${device}`);
    }
    const record: DeviceRecord = prev ?? {
      name: device,
      size,
      backend: 'idb',
      created: now,
      lastOpened: now,
      cleanShutdown: true,
      lastCleanShutdown: null,
    };
    return new IdbBackend(db, device, size, pages, record, prev);
  }

  /** Pages that hold bytes (sparse image). */
  get pageCount(): number {
    return this.pages.size;
  }

  read(off: number, dst: Uint8Array): void {
    this.check();
    checkRange(this, off, dst.length);
    let done = 0;
    while (done < dst.length) {
      const at = off + done;
      const p = Math.floor(at / IDB_PAGE);
      const inPage = at - p * IDB_PAGE;
      const n = Math.min(dst.length - done, IDB_PAGE - inPage);
      const page = this.pages.get(p);
      if (page) dst.set(page.subarray(inPage, inPage + n), done);
      else dst.fill(0, done, done + n);
      done += n;
    }
  }

  write(off: number, src: Uint8Array): void {
    this.check();
    checkRange(this, off, src.length);
    let done = 0;
    while (done < src.length) {
      const at = off + done;
      const p = Math.floor(at / IDB_PAGE);
      const inPage = at - p * IDB_PAGE;
      const n = Math.min(src.length - done, IDB_PAGE - inPage);
      let page = this.pages.get(p);
      if (!page) {
        page = new Uint8Array(Math.min(IDB_PAGE, this.size - p * IDB_PAGE));
        this.pages.set(p, page);
      }
      page.set(src.subarray(done, done + n), inPage);
      this.dirty.add(p);
      done += n;
    }
  }

  sync(): void {
    this.check();
    if (this.dirty.size === 0) return;
    const pages = [...this.dirty].sort((a, b) => a - b);
    this.dirty.clear();
    // Copy now: later writes must not leak into this batch.
    const batch = pages.map((p) => [p, (this.pages.get(p) as Uint8Array).slice().buffer] as const);
    const tx = this.db.transaction(PAGES, 'readwrite');
    try {
      const store = tx.objectStore(PAGES);
      for (const [p, buf] of batch) store.put(buf, [this.device, p]);
    } catch (e) {
      tx.abort();
      for (const [p] of batch) this.dirty.add(p); // still not durable
      throw storageError(e, `IndexedDB ${this.device}`);
    }
    this.pagesShipped += batch.length;
    const done = txDone(tx).catch((e: unknown) => {
      this.failure ??= storageError(e, `IndexedDB ${this.device}`);
    });
    this.inflight = this.inflight.then(() => done);
  }

  /** Resolves when every earlier sync() has committed; rejects with its failure. */
  async flushed(): Promise<void> {
    await this.inflight;
    if (this.failure) throw this.failure;
  }

  /** Flush, mark a clean shutdown in the catalog, close the database. */
  async closeAsync(now = Date.now()): Promise<void> {
    if (this.closed) return;
    this.sync();
    await this.flushed();
    await catalogClose(this.db, this.device, now);
    this.closed = true;
    this.db.close();
  }

  close(): void {
    void this.closeAsync().catch(() => undefined);
  }

  private check(): void {
    if (this.closed) throw new Error(`${this.name}: backend is closed`);
    if (this.failure) {
      const f = this.failure;
      this.failure = null;
      throw f;
    }
  }
}
