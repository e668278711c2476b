/**
 * The "Saved" side tab: save what is loaded (scenario document or trace) in this browser, and
 * the list of saved items with Open / Export / Delete. The list lives in IndexedDB
 * (storage.ts), so it survives reloads.
 */
import { useCallback, useEffect, useState } from 'react';
import './saved.css';
import { useApp } from '../state/store.ts';
import { exportSaved, openSaved, removeSaved, saveCurrent } from './actions.ts';
import type { SavedItem } from './savedItem.ts';
import { listSavedItems, SAVED_CHANGED } from './storage.ts';

const sizeLabel = (n: number) =>
  n < 1024
    ? `${n} B`
    : n < 1048576
      ? `${(n / 1024).toFixed(1)} KiB`
      : `${(n / 1048576).toFixed(1)} MiB`;

export function SavedPanel() {
  const [items, setItems] = useState<SavedItem[] | null>(null);
  const ready = useApp((s) => s.status === 'ready');
  const hasDoc = useApp((s) => s.doc !== null);
  const refresh = useCallback(() => {
    void listSavedItems().then(setItems, (e: unknown) =>
      useApp.getState().showError({ message: `saved list: ${(e as Error).message}` }),
    );
  }, []);
  useEffect(() => {
    refresh();
    window.addEventListener(SAVED_CHANGED, refresh);
    return () => window.removeEventListener(SAVED_CHANGED, refresh);
  }, [refresh]);

  return (
    <section
      className="panel saved-panel"
      data-view="saved"
      aria-label="Saved scenarios and traces"
    >
      <h2 className="panel-title">Saved in this browser</h2>
      <div className="saved-actions">
        <button
          type="button"
          className="btn"
          data-testid="save-scenario"
          disabled={!ready || !hasDoc}
          aria-label="Save the current scenario in this browser"
          onClick={() => void saveCurrent('scenario')}
        >
          Save scenario
        </button>
        <button
          type="button"
          className="btn"
          data-testid="save-trace"
          disabled={!ready}
          aria-label="Save the current trace in this browser"
          onClick={() => void saveCurrent('trace')}
        >
          Save trace
        </button>
      </div>
      <ul className="saved-list" data-testid="saved-list" aria-label="Saved items">
        {items === null ? <li className="muted">reading…</li> : null}
        {items?.length === 0 ? <li className="muted">none yet</li> : null}
        {items?.map((it) => (
          <li key={it.id} data-saved-id={it.id} data-saved-kind={it.kind}>
            <span className="saved-name">{it.name}</span>
            <span className="muted">
              {it.kind} · {it.system} · {sizeLabel(it.size)} ·{' '}
              <time dateTime={new Date(it.created).toISOString()}>
                {new Date(it.created).toLocaleString()}
              </time>
            </span>
            <span className="saved-buttons">
              <button
                type="button"
                className="btn btn-small"
                aria-label={`Open ${it.kind} ${it.name}`}
                data-testid="saved-open"
                onClick={() => void openSaved(it)}
              >
                Open
              </button>
              <button
                type="button"
                className="btn btn-small"
                aria-label={`Export ${it.kind} ${it.name} as a file`}
                data-testid="saved-export"
                onClick={() => exportSaved(it)}
              >
                Export
              </button>
              <button
                type="button"
                className="btn btn-small"
                aria-label={`Delete ${it.kind} ${it.name}`}
                data-testid="saved-delete"
                onClick={() => void removeSaved(it)}
              >
                Delete
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
