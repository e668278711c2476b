/**
 * What is happening now, in words: the catalog caption of the current step, the event's own
 * caption, the real function name and its source file, who runs it, when, and its rc.
 *
 * React renders the panel's frame once; each step writes the changed texts and classes into it
 * (captionModel.ts, storePatch.ts) — no render per step, which in playback is up to 60 a second.
 */
import { useRef } from 'react';
import { trace, useApp, type Store } from '../../state/store.ts';
import { useStorePatch } from '../timeline/storePatch.ts';
import { captionModel, captionParts, patchCaption } from './captionModel.ts';
import './caption.css';

const changed = (s: Store, p: Store): boolean =>
  s.cursor !== p.cursor || s.count !== p.count || s.catalog !== p.catalog || s.doc !== p.doc;

function patch(root: HTMLElement, s: Store): void {
  const e = trace.at(s.cursor);
  const parts = captionParts(root);
  if (e && parts) patchCaption(parts, captionModel(e, s.catalog, s.doc));
}

function CaptionBody() {
  const root = useRef<HTMLElement>(null);
  useStorePatch(root, patch, changed);
  return (
    <section ref={root} className="panel caption-panel" aria-label="Step caption">
      <div className="caption-top">
        <code className="fn-name" title="real function name" data-part="fn" />
        <span className="phase-badge" data-part="phase" />
        <span className="rc-badge" data-part="rc" hidden />
        <span className="caption-meta">
          <span title="where it runs" data-part="actor" /> ·{' '}
          <span title="virtual time" data-part="time" /> ·{' '}
          <span title="scenario op">
            <span data-part="op" />
            <code data-part="opName" />
          </span>
        </span>
      </div>
      <p className="caption-text" aria-live="polite">
        <span data-part="caption" />
        <span className="event-caption" data-part="eventCaption" hidden />
      </p>
      <p className="caption-source" data-part="source" hidden>
        source: <code data-part="sourceFile" />
      </p>
    </section>
  );
}

export function CaptionPanel() {
  const loaded = useApp((s) => s.count > 0);
  if (!loaded) {
    return (
      <section className="panel caption-panel" aria-label="Step caption" aria-live="polite">
        <p className="muted">No trace loaded.</p>
      </section>
    );
  }
  return <CaptionBody />;
}
