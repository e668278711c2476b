/**
 * The event log (`data-view="events"`): every trace event, virtualized (only the rows in view
 * are in the DOM, so a million-event trace scrolls like a ten-event one). Click a row to move
 * the cursor there; the cursor's row stays in view. A filter narrows rows by text.
 */
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { trace, useApp } from '../../state/store.ts';
import { formatVirtualTime } from '../caption/time.ts';

const ROW_H = 24;
const OVERSCAN = 8;

function matchingRows(count: number, filter: string): number[] | null {
  const f = filter.trim().toLowerCase();
  if (f === '') return null;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const e = trace.get(i);
    if (!e) continue;
    if (
      e.step.toLowerCase().includes(f) ||
      e.actor.toLowerCase().includes(f) ||
      e.pipeline.toLowerCase().includes(f)
    )
      out.push(i);
  }
  return out;
}

export function EventLog() {
  const count = useApp((s) => s.count);
  const cursor = useApp((s) => s.cursor);
  const setCursor = useApp((s) => s.setCursor);
  const [filter, setFilter] = useState('');
  const deferred = useDeferredValue(filter);
  const rows = useMemo(() => matchingRows(count, deferred), [count, deferred]);
  const total = rows ? rows.length : count;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(300);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Keep the cursor's row in view.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const idx = rows ? rows.indexOf(cursor) : cursor;
    if (idx < 0) return;
    const top = idx * ROW_H;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_H > el.scrollTop + el.clientHeight)
      el.scrollTop = top + ROW_H - el.clientHeight;
  }, [cursor, rows]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_H) - OVERSCAN);
  const last = Math.min(total, Math.ceil((scrollTop + height) / ROW_H) + OVERSCAN);
  const items = [];
  for (let r = first; r < last; r++) {
    const i = rows ? rows[r]! : r;
    const e = trace.get(i);
    if (!e) continue;
    items.push(
      <div
        key={i}
        role="row"
        aria-selected={i === cursor}
        className={i === cursor ? 'ev-row is-cursor' : 'ev-row'}
        style={{ top: r * ROW_H }}
        onClick={() => setCursor(i)}
      >
        <span className="ev-seq">{e.seq}</span>
        <span className="ev-t">{formatVirtualTime(e.t)}</span>
        <span className="ev-op">{e.op}</span>
        <span className="ev-actor">{e.actor}</span>
        <span className={`ev-phase phase-${e.phase}`}>{e.phase}</span>
        <span className="ev-step">{e.step}</span>
        <span className={e.rc !== undefined && e.rc < 0 ? 'ev-rc rc-bad' : 'ev-rc'}>
          {e.rc ?? ''}
        </span>
      </div>,
    );
  }
  return (
    <section className="panel event-log" data-view="events" aria-label="Event log">
      <div className="ev-tools">
        <label>
          <span className="sr-only">Filter events</span>
          <input
            type="search"
            placeholder="filter: step, actor or pipeline"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        </label>
        <span className="muted">
          {total} / {count} events
        </span>
      </div>
      <div className="ev-head" role="row">
        <span className="ev-seq">seq</span>
        <span className="ev-t">t</span>
        <span className="ev-op">op</span>
        <span className="ev-actor">actor</span>
        <span className="ev-phase">phase</span>
        <span className="ev-step">step</span>
        <span className="ev-rc">rc</span>
      </div>
      <div
        ref={scroller}
        className="ev-scroll"
        role="grid"
        aria-rowcount={total}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div className="ev-spacer" style={{ height: total * ROW_H }}>
          {items}
        </div>
      </div>
    </section>
  );
}
