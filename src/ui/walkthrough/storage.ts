/**
 * Saved walkthroughs in IndexedDB (`iopath-walkthroughs` / `walkthroughs`, keyed by id).
 * Everything read back is re-validated with parseWalkthrough: storage is input too.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { parseWalkthrough, type WalkthroughDoc } from './doc.ts';

export interface SavedWalkthrough {
  id: string;
  savedAt: number;
  doc: WalkthroughDoc;
}

const DB = 'iopath-walkthroughs';
const STORE = 'walkthroughs';
let dbp: Promise<IDBPDatabase> | null = null;

function db(): Promise<IDBPDatabase> {
  dbp ??= openDB(DB, 1, {
    upgrade(d) {
      if (!d.objectStoreNames.contains(STORE)) d.createObjectStore(STORE, { keyPath: 'id' });
    },
  });
  return dbp;
}

export async function listSaved(): Promise<SavedWalkthrough[]> {
  const rows = (await (await db()).getAll(STORE)) as unknown[];
  const out: SavedWalkthrough[] = [];
  for (const r of rows) {
    const row = r as Partial<SavedWalkthrough>;
    const p = parseWalkthrough(row.doc);
    if (p.ok && typeof row.id === 'string')
      out.push({ id: row.id, savedAt: Number(row.savedAt) || 0, doc: p.value });
  }
  return out.sort((a, b) => a.savedAt - b.savedAt);
}

export async function saveWalkthrough(id: string, doc: WalkthroughDoc): Promise<void> {
  await (await db()).put(STORE, { id, savedAt: Date.now(), doc });
}

export async function deleteWalkthrough(id: string): Promise<void> {
  await (await db()).delete(STORE, id);
}
