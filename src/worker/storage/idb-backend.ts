/**
 * Device images in IndexedDB, for browsers without OPFS sync handles.
 *
 * IndexedDB is asynchronous but BlockBackend is synchronous, so the whole image lives in
 * memory (loaded at open) and `sync()` ships the 4 KiB pages dirtied since the previous sync
 * in ONE readwrite transaction (batching: ~13k puts/s batched vs ~3k/s one per transaction,
 * browser-limits.md). Transactions commit in order, so the durable image is always the state
 * of some sync; the one caveat against OPFS is that `sync()` returns before its transaction
 * commits — await `flushed()` when that matters (tests, clean shutdown). A failed commit
 * (quota → -DER_NOSPACE) is raised by the next call.
 *
 * The same database keeps the device catalog: name, size, created, last open, clean shutdown.
 */
import { checkRange, type BlockBackend } from '../../engine/index.ts';
import { storageError } from './errors.ts';

export const IDB_NAME = 'iopath-media';
const IDB_VERSION = 1;
const PAGES = 'pages';
const DEVICES = 'devices';
export const IDB_PAGE = 4096;

export interface DeviceRecord {
  name: string;
  size: number;
  backend: string;
  created: number;
  lastOpened: number;
  cleanShutdown: boolean;
}

export function idbAvailable(): boolean {
  return typeof globalThis.indexedDB !== 'undefined';
}

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function txDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

export async function openMediaDb(): Promise<IDBDatabase> {
  const r = indexedDB.open(IDB_NAME, IDB_VERSION);
  r.onupgradeneeded = () => {
    const db = r.result;
    if (!db.objectStoreNames.contains(PAGES)) db.createObjectStore(PAGES);
    if (!db.objectStoreNames.contains(DEVICES)) db.createObjectStore(DEVICES, { keyPath: 'name' });
  };
  return req(r);
}

export class IdbBackend implements BlockBackend {
  readonly name: string;
  private readonly image: Uint8Array;
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
    image: Uint8Array,
    readonly record: DeviceRecord,
  ) {
    this.name = `idb:${device}`;
    this.image = image;
  }

  /** Open (creating) a device image; `now` is the host time to stamp the catalog with. */
  static async open(device: string, size: number, now = Date.now()): Promise<IdbBackend> {
    if (!Number.isSafeInteger(size) || size <= 0) throw new RangeError(`bad size ${size}`);
    const db = await openMediaDb();
    const image = new Uint8Array(size);
    const tx = db.transaction([PAGES, DEVICES], 'readwrite');
    const done = txDone(tx);
    const prev = (await req(tx.objectStore(DEVICES).get(device))) as DeviceRecord | undefined;
    const range = IDBKeyRange.bound([device, 0], [device, Number.MAX_SAFE_INTEGER]);
    const [keys, values] = await Promise.all([
      req(tx.objectStore(PAGES).getAllKeys(range)),
      req(tx.objectStore(PAGES).getAll(range)),
    ]);
    keys.forEach((k, i) => {
      const page = (k as [string, number])[1];
      const data = new Uint8Array(values[i] as ArrayBuffer);
      const at = page * IDB_PAGE;
      if (at < size) image.set(data.subarray(0, Math.min(data.length, size - at)), at);
    });
    const record: DeviceRecord = {
      name: device,
      size: Math.max(size, prev?.size ?? 0),
      backend: 'idb',
      created: prev?.created ?? now,
      lastOpened: now,
      cleanShutdown: false,
    };
    tx.objectStore(DEVICES).put(record);
    try {
      await done;
    } catch (e) {
      db.close();
      throw storageError(e, `IndexedDB ${device}`);
    }
    return new IdbBackend(db, device, size, image, {
      ...record,
      cleanShutdown: prev?.cleanShutdown ?? true,
    });
  }

  read(off: number, dst: Uint8Array): void {
    this.check();
    checkRange(this, off, dst.length);
    dst.set(this.image.subarray(off, off + dst.length));
  }

  write(off: number, src: Uint8Array): void {
    this.check();
    checkRange(this, off, src.length);
    this.image.set(src, off);
    if (src.length === 0) return;
    const first = Math.floor(off / IDB_PAGE);
    const last = Math.floor((off + src.length - 1) / IDB_PAGE);
    for (let p = first; p <= last; p++) this.dirty.add(p);
  }

  sync(): void {
    this.check();
    if (this.dirty.size === 0) return;
    const pages = [...this.dirty].sort((a, b) => a - b);
    this.dirty.clear();
    // Copy now: later writes must not leak into this batch.
    const batch = pages.map((p) => {
      const start = p * IDB_PAGE;
      return [p, this.image.slice(start, Math.min(start + IDB_PAGE, this.size)).buffer] as const;
    });
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
    const tx = this.db.transaction(DEVICES, 'readwrite');
    tx.objectStore(DEVICES).put({ ...this.record, lastOpened: now, cleanShutdown: true });
    await txDone(tx);
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

/** Every device in the catalog (for the settings panel). */
export async function listIdbDevices(): Promise<DeviceRecord[]> {
  const db = await openMediaDb();
  try {
    return (await req(db.transaction(DEVICES).objectStore(DEVICES).getAll())) as DeviceRecord[];
  } finally {
    db.close();
  }
}
