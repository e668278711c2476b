/**
 * What is happening now, in words: the catalog caption of the current step, the event's own
 * caption, the real function name and its source file, who runs it, when, and its rc.
 */
import { trace, useApp } from '../../state/store.ts';
import { formatVirtualTime } from './time.ts';

const PHASE_TEXT = { enter: 'enter', exit: 'return', point: 'event' } as const;

export function CaptionPanel() {
  const cursor = useApp((s) => s.cursor);
  const count = useApp((s) => s.count);
  const catalog = useApp((s) => s.catalog);
  const doc = useApp((s) => s.doc);
  const e = trace.at(cursor);
  if (!e) {
    return (
      <section className="panel caption-panel" aria-label="Step caption" aria-live="polite">
        <p className="muted">{count === 0 ? 'No trace loaded.' : ''}</p>
      </section>
    );
  }
  const def = catalog?.pipelines.get(e.pipeline)?.steps.find((s) => s.id === e.step);
  const opName = e.op >= 0 ? (doc?.ops[e.op]?.op ?? `op ${e.op}`) : 'setup';
  const rcName =
    e.rc === undefined ? undefined : (catalog?.rcNames[String(e.rc)] ?? (e.rc === 0 ? 'OK' : ''));
  return (
    <section className="panel caption-panel" aria-label="Step caption">
      <div className="caption-top">
        <code className="fn-name" title="real function name">
          {e.step}()
        </code>
        <span className={`phase-badge phase-${e.phase}`}>{PHASE_TEXT[e.phase]}</span>
        {e.rc !== undefined ? (
          <span className={e.rc < 0 ? 'rc-badge rc-bad' : 'rc-badge'}>
            rc = {e.rc}
            {rcName ? ` ${rcName}` : ''}
          </span>
        ) : null}
        <span className="caption-meta">
          <span title="where it runs">{e.actor}</span> ·{' '}
          <span title="virtual time">t = {formatVirtualTime(e.t)}</span> ·{' '}
          <span title="scenario op">
            op {e.op >= 0 ? e.op : '–'} <code>{opName}</code>
          </span>
        </span>
      </div>
      <p className="caption-text" aria-live="polite">
        {def?.caption ?? ''}
        {e.caption ? <span className="event-caption"> {e.caption}</span> : null}
      </p>
      {def?.source ? (
        <p className="caption-source">
          source: <code>{def.source}</code>
        </p>
      ) : null}
    </section>
  );
}
