/** The error banner and the keyboard help overlay. */
import { useEffect, useRef } from 'react';
import { COMMANDS } from '../commands/commands.ts';
import { useApp } from '../state/store.ts';

export function ErrorBanner() {
  const error = useApp((s) => s.error);
  const showError = useApp((s) => s.showError);
  if (!error) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <span className="error-icon" aria-hidden="true">
        ⚠
      </span>
      <span className="error-text">
        {error.path ? (
          <>
            <code className="error-path">{error.path}</code>
            {error.message.startsWith(error.path)
              ? error.message.slice(error.path.length)
              : `: ${error.message}`}
          </>
        ) : (
          error.message
        )}
      </span>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => showError(null)}
        aria-label="Dismiss error"
      >
        Dismiss
      </button>
    </div>
  );
}

export function HelpOverlay() {
  const open = useApp((s) => s.helpOpen);
  const setOpen = useApp((s) => s.setHelpOpen);
  const closeBtn = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) closeBtn.current?.focus();
  }, [open]);
  if (!open) return null;
  return (
    <div className="help-backdrop" onClick={() => setOpen(false)}>
      <div
        className="help"
        role="dialog"
        aria-modal="true"
        aria-labelledby="help-title"
        data-testid="help"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id="help-title">Keyboard</h2>
        <table>
          <tbody>
            {COMMANDS.map((c) => (
              <tr key={c.id}>
                <td>
                  <kbd>{c.keyHint}</kbd>
                </td>
                <td>{c.label}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">
          Every view is a function of the cursor: stepping back is exact. Links keep the position:{' '}
          <code>?scenario=…&amp;step=K</code>.
        </p>
        <button ref={closeBtn} type="button" className="btn" onClick={() => setOpen(false)}>
          Close (Esc)
        </button>
      </div>
    </div>
  );
}
