/**
 * What the Save command and the Saved panel do: save what is loaded (its scenario document, or
 * its trace), open a saved item the way a picked file opens (app/openFile.ts routing), export
 * it as a file. Errors go to the app's error banner.
 */
import { openFiles } from '../app/openFile.ts';
import { download } from '../export/download.ts';
import { traceFileText } from '../export/traceFile.ts';
import { trace, useApp } from '../state/store.ts';
import { makeSavedItem, savedFileName, type SavedItem, type SavedKind } from './savedItem.ts';
import { deleteSavedItem, putSavedItem } from './storage.ts';

/**
 * The text to save for `kind`: a scenario is the loaded (normalized) document; a trace is the
 * replayed trace file itself, or the events on screen with their document. Null: nothing to save.
 */
export function currentText(kind: SavedKind): string | null {
  const s = useApp.getState();
  if (s.status !== 'ready' || s.source === null) return null;
  if (kind === 'scenario') return s.doc === null ? null : JSON.stringify(s.doc, null, 2);
  if (s.source.kind === 'trace') return s.source.text;
  return traceFileText(s.doc, trace.toArray());
}

/** Save what is loaded; `kind` defaults to trace when a trace file is loaded, else scenario. */
export async function saveCurrent(kind?: SavedKind): Promise<SavedItem | null> {
  const s = useApp.getState();
  const k: SavedKind =
    kind ?? (s.source?.kind === 'trace' || s.source?.kind === 'traceFile' ? 'trace' : 'scenario');
  const text = currentText(k);
  if (text === null) {
    s.showError({ message: `save: nothing loaded to save as a ${k}` });
    return null;
  }
  const made = makeSavedItem(s.scenarioName, k, text, Date.now());
  if (!made.ok) {
    s.showError({ message: `save: ${made.error}` });
    return null;
  }
  try {
    await putSavedItem(made.item);
  } catch (e) {
    s.showError({ message: `save: ${(e as Error).message}` }); // e.g. QuotaExceededError
    return null;
  }
  return made.item;
}

export async function openSaved(item: SavedItem): Promise<void> {
  await openFiles([new File([item.text], savedFileName(item), { type: 'application/json' })]);
}

export function exportSaved(item: SavedItem): void {
  download(savedFileName(item), item.text);
}

export async function removeSaved(item: SavedItem): Promise<void> {
  try {
    await deleteSavedItem(item.id);
  } catch (e) {
    useApp.getState().showError({ message: `delete: ${(e as Error).message}` });
  }
}
