/**
 * The device catalog in IndexedDB (DB `iopath-media`, store `devices`): one record per
 * simulated device on a persistent store, whichever store holds its bytes (OPFS or IndexedDB).
 *
 * It answers "what is on this browser, and did it shut down cleanly?": a device is marked
 * `cleanShutdown: false` when it is opened and `true` (with `lastCleanShutdown`) when it is
 * closed properly (the next load, or the page going away). Opening a device whose record still
 * says `false` means the previous session ended without a clean shutdown (tab killed, crash):
 * the engine runs recovery on its pools anyway (pmemobj_open → ulog_recover), the UI says so.
 *
 * Times are host wall-clock milliseconds (`Date.now()` by default): this is platform code,
 * outside the deterministic engine, and none of it reaches a trace.
 */
export const IDB_NAME = 'iopath-media';
const IDB_VERSION = 1;
export const PAGES = 'pages';
const DEVICES = 'devices';

export interface DeviceRecord {
  name: string;
  /** Bytes the device was last opened with. */
  size: number;
  /** Where its bytes live: `opfs` or `idb`. */
  backend: string;
  created: number;
  lastOpened: number;
  /** False while it is open (and after a session that never closed it). */
  cleanShutdown: boolean;
  /** When it was last closed cleanly (null: never). */
  lastCleanShutdown: number | null;
}

export function idbAvailable(): boolean {
  return typeof globalThis.indexedDB !== 'undefined';
}

export function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

export function txDone(tx: IDBTransaction): Promise<void> {
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

/**
 * Record that `name` is being opened on `backend`; returns the record as it was BEFORE this
 * open (undefined: a new device) — its `cleanShutdown` tells how the last session ended.
 */
export async function catalogOpen(
  db: IDBDatabase,
  name: string,
  backend: string,
  size: number,
  now = Date.now(),
): Promise<DeviceRecord | undefined> {
  const tx = db.transaction(DEVICES, 'readwrite');
  const done = txDone(tx);
  const store = tx.objectStore(DEVICES);
  const prev = normalize((await req(store.get(name))) as Partial<DeviceRecord> | undefined);
  const rec: DeviceRecord = {
    name,
    size,
    backend,
    created: prev?.created ?? now,
    lastOpened: now,
    cleanShutdown: false,
    lastCleanShutdown: prev?.lastCleanShutdown ?? null,
  };
  store.put(rec);
  await done;
  return prev;
}

/** Record a clean shutdown of `name` (its bytes are durable and nothing is open). */
export async function catalogClose(db: IDBDatabase, name: string, now = Date.now()): Promise<void> {
  const tx = db.transaction(DEVICES, 'readwrite');
  const done = txDone(tx);
  const store = tx.objectStore(DEVICES);
  const prev = normalize((await req(store.get(name))) as Partial<DeviceRecord> | undefined);
  if (prev) store.put({ ...prev, cleanShutdown: true, lastCleanShutdown: now });
  await done;
}

/** Every device in the catalog (the settings panel, tests). */
export async function listDevices(): Promise<DeviceRecord[]> {
  const db = await openMediaDb();
  try {
    const all = (await req(
      db.transaction(DEVICES).objectStore(DEVICES).getAll(),
    )) as Partial<DeviceRecord>[];
    return all.map(normalize).filter((r): r is DeviceRecord => r !== undefined);
  } finally {
    db.close();
  }
}

/** Records written before `lastCleanShutdown` existed read as "clean at last open". */
function normalize(r: Partial<DeviceRecord> | undefined): DeviceRecord | undefined {
  if (!r || typeof r.name !== 'string') return undefined;
  const clean = r.cleanShutdown ?? true;
  return {
    name: r.name,
    size: r.size ?? 0,
    backend: r.backend ?? 'idb',
    created: r.created ?? 0,
    lastOpened: r.lastOpened ?? 0,
    cleanShutdown: clean,
    lastCleanShutdown: r.lastCleanShutdown ?? (clean ? (r.lastOpened ?? null) : null),
  };
}
