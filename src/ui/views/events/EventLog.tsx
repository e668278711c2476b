/**
 * The event log (`data-view="events"`): every trace event, virtualized (only the rows in view
 * are in the DOM, so a million-event trace scrolls like a ten-event one). Click a row to move
 * the cursor there; the cursor's row stays in view. A filter narrows rows by text.
 *
 * A step does not re-render the rows: the row list depends on the scroll band and the filter
 * only, and the cursor's highlight (class + aria-selected) is moved on the DOM by a store
 * subscription — a step costs two attribute flips, plus a scroll when the row leaves the view.
 */
import {
  memo,
  useDeferredValue,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
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

/** Where event `cursor` sits among the shown rows (binary search: `rows` is ascending). */
function rowOf(rows: readonly number[] | null, cursor: number): number {
  if (!rows) return cursor;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = rows[mid] as number;
    if (v === cursor) return mid;
    if (v < cursor) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Mark event `i`'s row (if it is in the DOM) as the cursor's, or unmark it. */
function markRow(box: HTMLElement | null, i: number, on: boolean): void {
  const el = box?.querySelector<HTMLElement>(`[data-index="${i}"]`);
  if (!el) return;
  el.classList.toggle('is-cursor', on);
  el.setAttribute('aria-selected', on ? 'true' : 'false');
}

interface RowsProps {
  rows: readonly number[] | null;
  first: number;
  last: number;
  onPick: (i: number) => void;
}

/**
 * The rows of the band [first, last). Rendered without the cursor (it reads the store once, so
 * rows born while the cursor sits on them come out highlighted); EventLog moves the highlight.
 */
const Rows = memo(function Rows({ rows, first, last, onPick }: RowsProps) {
  const cursor = useApp.getState().cursor;
  const items = [];
  for (let r = first; r < last; r++) {
    const i = rows ? rows[r]! : r;
    const e = trace.get(i);
    if (!e) continue;
    items.push(
      <div
        key={i}
        role="row"
        data-index={i}
        aria-selected={i === cursor}
        className={i === cursor ? 'ev-row is-cursor' : 'ev-row'}
        style={{ top: r * ROW_H }}
        onClick={() => onPick(i)}
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
  return <>{items}</>;
});

export function EventLog() {
  const count = useApp((s) => s.count);
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

  // Follow the cursor outside React: move the highlight and keep its row in view (a scroll
  // fires onScroll, which re-renders the band only when the band actually moves).
  useLayoutEffect(() => {
    const follow = (cursor: number): void => {
      const el = scroller.current;
      if (!el) return;
      const idx = rowOf(rows, cursor);
      if (idx < 0) return;
      const top = idx * ROW_H;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + ROW_H > el.scrollTop + el.clientHeight)
        el.scrollTop = top + ROW_H - el.clientHeight;
    };
    follow(useApp.getState().cursor);
    return useApp.subscribe((s, p) => {
      if (s.cursor === p.cursor) return;
      markRow(scroller.current, p.cursor, false);
      markRow(scroller.current, s.cursor, true);
      follow(s.cursor);
    });
  }, [rows]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_H) - OVERSCAN);
  const last = Math.min(total, Math.ceil((scrollTop + height) / ROW_H) + OVERSCAN);
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
          <Rows rows={rows} first={first} last={last} onPick={setCursor} />
        </div>
      </div>
    </section>
  );
}
