/**
 * Pick where a device's bytes live in the browser: OPFS (sync handles, fastest, truly
 * synchronous flush) → IndexedDB (batched pages) → memory (nothing survives a reload).
 * `preference` (from `?store=` or the settings control) moves that kind to the front; a kind
 * that is unavailable falls through to the next with a note saying why. A store held by
 * another tab is an error, never a silent fallback: the user would think their data vanished.
 */
import { createMemoryBackend, type BlockBackend } from '../../engine/index.ts';
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
  /** Close the backend and release the store lock. */
  close(): Promise<void>;
}

export function parseStoreKind(s: string | null | undefined): StoreKind | undefined {
  return s === 'memory' || s === 'opfs' || s === 'idb' ? s : undefined;
}

export async function openBestBackend(
  name: string,
  size: number,
  preference?: StoreKind,
): Promise<OpenedBackend> {
  const order: StoreKind[] = ['opfs', 'idb', 'memory'];
  if (preference) order.sort((a, b) => Number(b === preference) - Number(a === preference));
  const notes: string[] = [];
  for (const kind of order) {
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
      release = await acquireStoreLock(name);
      if (kind === 'opfs') {
        const b = await OpfsBackend.open(name, size);
        const rel = release;
        return { backend: b, kind, notes, close: () => (b.close(), rel(), Promise.resolve()) };
      }
      const b = await IdbBackend.open(name, size);
      const rel = release;
      return { backend: b, kind, notes, close: () => b.closeAsync().finally(rel) };
    } catch (e) {
      release?.();
      if (e instanceof StoreInUseError) throw e;
      notes.push(`${kind} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new Error('unreachable: memory always opens');
}
