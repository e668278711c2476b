/**
 * The walkthrough side tab: built-in and saved walkthroughs (present, export, delete), and
 * record mode — start a draft over the loaded scenario, step to an event, "Add stop here",
 * type its caption, reorder, save (IndexedDB), export as a file, present.
 */
import { useEffect, useState } from 'react';
import './walkthrough.css';
import { download, fileStem } from '../export/download.ts';
import { BUILTIN_WALKTHROUGHS } from './builtins/index.ts';
import { describeAt } from './resolve.ts';
import {
  goToStop,
  newDraft,
  openWalkthrough,
  refreshLibrary,
  removeSaved,
  saveDraft,
  setPresenting,
  stopAtCursor,
  updateDraft,
  useWalk,
} from './store.ts';
import type { WalkthroughDoc } from './doc.ts';

function exportDoc(w: WalkthroughDoc): void {
  download(`${fileStem(w.title)}.walkthrough.json`, JSON.stringify(w, null, 2) + '\n');
}

function move<T>(list: T[], i: number, d: number): T[] {
  const j = i + d;
  if (j < 0 || j >= list.length) return list;
  const out = [...list];
  [out[i], out[j]] = [out[j] as T, out[i] as T];
  return out;
}

export function WalkthroughPanel() {
  const library = useWalk((s) => s.library);
  const draft = useWalk((s) => s.draft);
  const active = useWalk((s) => s.active);
  const problem = useWalk((s) => s.problem);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    void refreshLibrary();
  }, []);

  return (
    <section className="panel walkthrough-panel" data-view="walkthrough" aria-label="Walkthroughs">
      <h2 className="panel-title">Walkthroughs</h2>
      <ul className="wt-list" data-testid="wt-builtins">
        {Object.entries(BUILTIN_WALKTHROUGHS).map(([name, w]) => (
          <li key={name}>
            <span className="wt-name">{w.title}</span>
            <button
              type="button"
              className="btn btn-small"
              data-wt-present={name}
              onClick={() => openWalkthrough(w, { present: true })}
            >
              Present
            </button>
          </li>
        ))}
      </ul>
      <h3 className="panel-subtitle">Saved in this browser</h3>
      <ul className="wt-list" data-testid="wt-saved-list">
        {library.length === 0 ? <li className="muted">none yet</li> : null}
        {library.map((s) => (
          <li key={s.id} data-wt-saved={s.id}>
            <span className="wt-name">{s.doc.title}</span>{' '}
            <span className="muted">({s.doc.stops.length} stops)</span>
            <button
              type="button"
              className="btn btn-small"
              data-testid="wt-saved-present"
              onClick={() => openWalkthrough(s.doc, { present: true })}
            >
              Present
            </button>
            <button
              type="button"
              className="btn btn-small"
              data-testid="wt-saved-export"
              onClick={() => exportDoc(s.doc)}
            >
              Export
            </button>
            <button
              type="button"
              className="btn btn-small"
              aria-label={`Delete ${s.doc.title}`}
              onClick={() => void removeSaved(s.id)}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
      {active && !draft ? (
        <p className="muted">
          Open: <strong>{active.title}</strong>{' '}
          <button type="button" className="btn btn-small" onClick={() => setPresenting(true)}>
            Present
          </button>
        </p>
      ) : null}
      <h3 className="panel-subtitle">Record</h3>
      {draft === null ? (
        <button
          type="button"
          className="btn"
          data-testid="wt-new"
          onClick={() => setNote(newDraft())}
        >
          New walkthrough from this scenario
        </button>
      ) : (
        <div className="wt-draft">
          <label className="wt-field">
            Title
            <input
              data-testid="wt-title"
              value={draft.title}
              maxLength={200}
              onChange={(e) => updateDraft((d) => ({ ...d, title: e.target.value }))}
            />
          </label>
          <button
            type="button"
            className="btn"
            data-testid="wt-add-stop"
            onClick={() => {
              const s = stopAtCursor();
              if (s) updateDraft((d) => ({ ...d, stops: [...d.stops, s] }));
            }}
          >
            Add stop at this step
          </button>
          <ol className="wt-stops">
            {draft.stops.map((s, i) => (
              <li key={i}>
                <div className="wt-stop-head">
                  <code>{describeAt(s.at)}</code> · {s.view ?? 'flow'}
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-label={`Move stop ${i + 1} up`}
                    onClick={() => updateDraft((d) => ({ ...d, stops: move(d.stops, i, -1) }))}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-label={`Move stop ${i + 1} down`}
                    onClick={() => updateDraft((d) => ({ ...d, stops: move(d.stops, i, 1) }))}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-label={`Remove stop ${i + 1}`}
                    onClick={() =>
                      updateDraft((d) => ({ ...d, stops: d.stops.filter((_, j) => j !== i) }))
                    }
                  >
                    ✕
                  </button>
                </div>
                <textarea
                  data-testid={`wt-caption-${i}`}
                  aria-label={`Caption of stop ${i + 1}`}
                  value={s.caption}
                  rows={2}
                  onChange={(e) =>
                    updateDraft((d) => ({
                      ...d,
                      stops: d.stops.map((x, j) =>
                        j === i ? { ...x, caption: e.target.value } : x,
                      ),
                    }))
                  }
                />
              </li>
            ))}
          </ol>
          <div className="wt-actions">
            <button
              type="button"
              className="btn"
              data-testid="wt-save"
              disabled={draft.stops.length === 0}
              onClick={() =>
                void saveDraft().then((err) => setNote(err ?? 'Saved in this browser.'))
              }
            >
              Save
            </button>
            <button
              type="button"
              className="btn"
              disabled={draft.stops.length === 0}
              onClick={() => exportDoc(draft)}
            >
              Export file
            </button>
            <button
              type="button"
              className="btn"
              data-testid="wt-present"
              disabled={draft.stops.length === 0}
              onClick={() => openWalkthrough(draft, { present: true })}
            >
              Present
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => useWalk.setState({ draft: null, draftId: null })}
            >
              Close draft
            </button>
          </div>
        </div>
      )}
      {note ? (
        <p className="muted" role="status">
          {note}
        </p>
      ) : null}
      {problem ? (
        <p className="wt-problem" role="alert">
          {problem}
        </p>
      ) : null}
      <p className="muted">
        Tip: open a <code>.walkthrough.json</code> file with “Open file…”. In presenter mode: → /
        PageDown next, ← / PageUp back, <kbd>.</kbd> blank, Esc leave.
      </p>
      {active ? (
        <ol className="wt-stops" aria-label="Stops">
          {active.stops.map((s, i) => (
            <li key={i}>
              <button
                type="button"
                className="btn btn-small"
                data-wt-stop={i}
                onClick={() => goToStop(i)}
              >
                {i + 1}
              </button>{' '}
              <code>{describeAt(s.at)}</code>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
