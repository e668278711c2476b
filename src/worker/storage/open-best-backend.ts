/**
 * Pick where a device's bytes live in the browser: OPFS (sync handles, fastest, truly
 * synchronous flush) → IndexedDB (batched pages) → memory (nothing survives a reload).
 * `preference` (from `?store=` or the settings control) moves that kind to the front; a kind
 * that is unavailable falls through to the next with a note saying why. A store held by
 * another tab is an error here, never a silent fallback: the caller decides (an explicit
 * choice shows the error; the automatic choice runs on memory and says so, media.ts).
 *
 * Persistent devices are recorded in the catalog (catalog.ts): `previous` says how the last
 * session that used the device ended; `close()` records a clean shutdown.
 */
import { createMemoryBackend, type BlockBackend } from '../../engine/index.ts';
import { catalogClose, catalogOpen, openMediaDb, type DeviceRecord } from './catalog.ts';
import { StoreInUseError } from './errors.ts';
import { IdbBackend, idbAvailable } from './idb-backend.ts';
import { acquireStoreLock, type ReleaseLock } from './lock.ts';
import { OpfsBackend, opfsAvailable } from './opfs-backend.ts';

export type StoreKind = 'memory' | 'opfs' | 'idb';

export interface OpenedBackend {
  backend: BlockBackend;
  kind: StoreKind;
  /** Why a preferred kind was skipped (shown in the UI), if one was. */
  notes: string[];
  /** The device's catalog record before this open (undefined: new, or memory). */
  previous?: DeviceRecord | undefined;
  /** Close the backend (flushing it), record a clean shutdown, release the store lock. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** How long to wait for a store another worker is releasing (ms; 0: fail at once). */
  waitMs?: number;
}

export function parseStoreKind(s: string | null | undefined): StoreKind | undefined {
  return s === 'memory' || s === 'opfs' || s === 'idb' ? s : undefined;
}

/** The kinds in the order they are tried (feature detection happens as each is tried). */
export function storeOrder(preference?: StoreKind): StoreKind[] {
  const order: StoreKind[] = ['opfs', 'idb', 'memory'];
  if (preference) order.sort((a, b) => Number(b === preference) - Number(a === preference));
  return order;
}

export async function openBestBackend(
  name: string,
  size: number,
  preference?: StoreKind,
  opts: OpenOptions = {},
): Promise<OpenedBackend> {
  const notes: string[] = [];
  for (const kind of storeOrder(preference)) {
    if (kind === 'memory') {
      const backend = createMemoryBackend(size);
      return { backend, kind, notes, close: () => Promise.resolve() };
    }
    if (kind === 'opfs' && !opfsAvailable()) {
      notes.push('OPFS sync access handles are not available here');
      continue;
    }
    if (kind === 'idb' && !idbAvailable()) {
      notes.push('IndexedDB is not available here');
      continue;
    }
    let release: ReleaseLock | undefined;
    try {
      release = await acquireStoreLock(name, opts.waitMs ?? 0);
      const rel = release;
      if (kind === 'opfs') return await openOpfs(name, size, notes, rel);
      const b = await IdbBackend.open(name, size);
      return {
        backend: b,
        kind,
        notes,
        previous: b.previous,
        close: () => b.closeAsync().finally(rel),
      };
    } catch (e) {
      release?.();
      if (e instanceof StoreInUseError) throw e;
      notes.push(`${kind} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new Error('unreachable: memory always opens');
}

async function openOpfs(
  name: string,
  size: number,
  notes: string[],
  release: ReleaseLock,
): Promise<OpenedBackend> {
  const b = await OpfsBackend.open(name, size);
  // The catalog is best effort for OPFS devices: a browser without IndexedDB still runs.
  let db: IDBDatabase | null = null;
  let previous: DeviceRecord | undefined;
  if (idbAvailable()) {
    try {
      db = await openMediaDb();
      previous = await catalogOpen(db, name, 'opfs', size);
    } catch {
      db?.close();
      db = null;
    }
  }
  return {
    backend: b,
    kind: 'opfs',
    notes,
    previous,
    close: async () => {
      try {
        b.sync();
        b.close();
        if (db) await catalogClose(db, name);
      } finally {
        db?.close();
        release();
      }
    },
  };
}
