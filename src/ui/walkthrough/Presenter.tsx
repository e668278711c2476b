/**
 * Presenter mode: the app chrome hidden (full screen when the browser allows), the stop's
 * caption over the stage, progress, and clicker keys — → / PageDown / Space next, ← / PageUp
 * previous, `.` blank screen, Esc leave. Keys are taken in the capture phase so the app's own
 * shortcuts (→ = next *event*) do not also fire.
 */
import { useEffect } from 'react';
import { Caption } from './Caption.tsx';
import { goToStop, setPresenting, useWalk } from './store.ts';

export function Presenter() {
  const presenting = useWalk((s) => s.presenting);
  const active = useWalk((s) => s.active);
  const stop = useWalk((s) => s.stop);
  const resolved = useWalk((s) => s.resolved);
  const blank = useWalk((s) => s.blank);

  useEffect(() => {
    document.body.classList.toggle('is-presenting', presenting);
    if (!presenting) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const s = useWalk.getState();
      let handled = true;
      switch (e.key) {
        case 'ArrowRight':
        case 'PageDown':
        case ' ':
          goToStop(s.stop + 1);
          break;
        case 'ArrowLeft':
        case 'PageUp':
          goToStop(s.stop - 1);
          break;
        case '.':
          useWalk.setState({ blank: !s.blank });
          break;
        case 'Escape':
          setPresenting(false);
          break;
        default:
          handled = false;
      }
      if (handled) {
        e.preventDefault();
        e.stopImmediatePropagation();
      }
    };
    window.addEventListener('keydown', onKey, { capture: true });
    const onFs = () => {
      // Leaving the browser's full screen (its own Esc) leaves presenter mode too.
      if (!document.fullscreenElement && useWalk.getState().presenting && fsEntered)
        setPresenting(false);
      fsEntered = !!document.fullscreenElement;
    };
    let fsEntered = !!document.fullscreenElement;
    document.addEventListener('fullscreenchange', onFs);
    return () => {
      window.removeEventListener('keydown', onKey, { capture: true });
      document.removeEventListener('fullscreenchange', onFs);
      document.body.classList.remove('is-presenting');
    };
  }, [presenting]);

  if (!presenting || !active) return null;
  const s = active.stops[stop];
  const n = active.stops.length;
  return (
    <>
      {blank ? <div className="presenter-blank" aria-hidden="true" /> : null}
      <div className="presenter" data-testid="presenter" role="region" aria-label="Walkthrough">
        <div className="presenter-head">
          <span className="presenter-title">{active.title}</span>
          <span className="presenter-progress" data-testid="presenter-progress">
            {stop + 1} / {n}
          </span>
        </div>
        <div className="presenter-bar" aria-hidden="true">
          <div style={{ width: `${((stop + 1) / n) * 100}%` }} />
        </div>
        <p className="presenter-caption" data-testid="presenter-caption" aria-live="polite">
          {resolved === null ? 'Running the scenario…' : s ? <Caption text={s.caption} /> : null}
        </p>
        <div className="presenter-keys">
          <button
            type="button"
            className="btn btn-small"
            onClick={() => goToStop(stop - 1)}
            disabled={stop === 0}
            aria-label="Previous stop (←)"
          >
            ←
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => goToStop(stop + 1)}
            disabled={stop >= n - 1}
            aria-label="Next stop (→)"
          >
            →
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setPresenting(false)}
            aria-label="Leave presenter mode (Esc)"
          >
            Esc
          </button>
        </div>
      </div>
    </>
  );
}
