/**
 * Saved scenarios and traces in IndexedDB (`iopath-saved` / `items`, keyed by id), on the UI
 * side like walkthrough/storage.ts: the worker's device catalog (worker/storage/catalog.ts)
 * belongs to the device store the worker holds open, and saved documents outlive any store
 * choice. Every row read back goes through parseSavedRow.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { parseSavedRow, sortSaved, type SavedItem } from './savedItem.ts';

const DB = 'iopath-saved';
const STORE = 'items';
/** Window event fired after a save or delete (the Saved panel re-reads the list). */
export const SAVED_CHANGED = 'iopath:saved-changed';
let dbp: Promise<IDBPDatabase> | null = null;

function db(): Promise<IDBPDatabase> {
  dbp ??= openDB(DB, 1, {
    upgrade(d) {
      if (!d.objectStoreNames.contains(STORE)) d.createObjectStore(STORE, { keyPath: 'id' });
    },
  });
  return dbp;
}

export async function listSavedItems(): Promise<SavedItem[]> {
  const rows = (await (await db()).getAll(STORE)) as unknown[];
  return sortSaved(rows.map(parseSavedRow).filter((r): r is SavedItem => r !== null));
}

export async function getSavedItem(id: string): Promise<SavedItem | null> {
  return parseSavedRow(await (await db()).get(STORE, id));
}

export async function putSavedItem(item: SavedItem): Promise<void> {
  await (await db()).put(STORE, item);
  window.dispatchEvent(new Event(SAVED_CHANGED));
}

export async function deleteSavedItem(id: string): Promise<void> {
  await (await db()).delete(STORE, id);
  window.dispatchEvent(new Event(SAVED_CHANGED));
}
