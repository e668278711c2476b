/**
 * The sequence diagram (`data-view="sequence"`): actors as lifelines across, the trace prefix
 * down to the cursor (one row per event — a compressed virtual-time axis, each row labelled with
 * its virtual time), messages as arrows (solid: modelled messages; dashed: handoffs of work
 * between actors), in-flight messages as arrows that leave the window, ops as spans on the
 * lifelines, the cursor as a line. Click an arrow to seek to its send event.
 *
 * SVG is fine here: at most a few hundred elements (a window of rows), not a block map.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  createSequenceLog,
  dropAt,
  opSpans,
  orderActors,
  rowOf,
  sequenceRows,
  type SeqDrop,
  type SeqMessage,
} from '../../derive/sequence.ts';
import { trace, useApp } from '../../state/store.ts';
import { formatVirtualTime } from '../caption/time.ts';
import { ViewPanel } from '../scm/shell.tsx';
import { useTraceCursor } from '../scm/useTraceCursor.ts';
import { registerWarm } from '../../state/warmer.ts';
import { openFaultMenu } from '../faults/faultMenuState.ts';
import { placeLabels, type Box, type LabelRequest } from './labelLayout.ts';
import './sequence.css';

const log = createSequenceLog();
registerWarm(log);
const ROW = 15;
const HEAD = 44;
const GUTTER = 78;

/** Messages visible in rows [lo, hi]: sent in the window, or received in it, or still in flight. */
function visibleMessages(
  all: readonly SeqMessage[],
  n: number,
  lo: number,
  hi: number,
): SeqMessage[] {
  const out: SeqMessage[] = [];
  for (let k = n - 1; k >= 0; k--) {
    const m = all[k] as SeqMessage;
    if (m.i < lo - 5000) break;
    const recv = m.recvI !== undefined && m.recvI <= hi ? m.recvI : undefined;
    const d = dropAt(m, hi);
    const lostAt = d?.lost ? d.at : undefined;
    // Sent in the window, received in it, or lost in it. (A message sent before the window and
    // never received — e.g. a reply whose receive the engine does not trace — would only add
    // noise.)
    if (m.i >= lo || (recv !== undefined && recv >= lo) || (lostAt !== undefined && lostAt >= lo))
      out.push(m);
    if (out.length > 400) break;
  }
  return out.reverse();
}

/** What a fault did to `m` as seen at cursor `hi`: lost, delivered late, or nothing (yet). */
function faultOf(m: SeqMessage, hi: number): 'lost' | 'late' | undefined {
  const d = dropAt(m, hi);
  return d === undefined ? undefined : d.lost ? 'lost' : 'late';
}

export function SequenceView() {
  const { count, cursor } = useTraceCursor();
  const setCursor = useApp((s) => s.setCursor);
  const body = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 520, h: 560 });

  const hasData = count > 0;
  useEffect(() => {
    const el = body.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, [hasData]);

  const maxRows = Math.max(8, Math.floor((size.h - HEAD - 8) / ROW));
  const hi = cursor;
  // One row per event where something happens between actors; solo runs collapse.
  const rowIdx = useMemo(
    () => (count > 0 && hi >= 0 ? sequenceRows(trace, hi, maxRows) : []),
    [count, hi, maxRows],
  );
  const lo = rowIdx[0] ?? 0;

  const view = useMemo(() => {
    if (count <= 0 || hi < 0) return null;
    // Only as far as the cursor: the idle warmer extends the log past it.
    const all = log.sync(trace, hi + 1);
    const n = log.upTo(trace, hi);
    const msgs = visibleMessages(all, n, lo, hi);
    const names = new Set<string>();
    for (const [a, first] of log.context.actors) if (first <= hi) names.add(a);
    for (const m of msgs) {
      names.add(m.from);
      names.add(m.to);
    }
    return { actors: orderActors(names), msgs, spans: opSpans(trace, lo, hi) };
  }, [count, lo, hi]);

  if (!view || view.actors.length === 0) {
    return (
      <ViewPanel
        name="sequence"
        title="Sequence"
        empty={<p>No events yet — load a scenario (top left) or run a command in the console.</p>}
      />
    );
  }

  const { actors, msgs, spans } = view;
  const w = Math.max(320, size.w - 4);
  const colW = (w - GUTTER - 10) / Math.max(1, actors.length);
  const xOf = new Map(actors.map((a, k) => [a, GUTTER + colW * (k + 0.5)]));
  const yOf = (i: number): number => HEAD + rowOf(rowIdx, i) * ROW + ROW / 2;
  const height = HEAD + rowIdx.length * ROW + 10;
  const rotate = colW < 70;
  const rowsEls = [];
  for (let r = 0; r < rowIdx.length; r++) {
    const i = rowIdx[r] as number;
    if (i >= trace.length) continue;
    // Header columns only: no event object per row.
    const e = {
      actor: trace.actorOf(i) as string,
      op: trace.opOf(i) as number,
      t: trace.t[i] as number,
      step: trace.stepOf(i) as string,
    };
    const x = xOf.get(e.actor);
    const newOp = i === 0 || trace.opOf(i - 1) !== e.op;
    // events folded into this row (same actor, nothing exchanged)
    const folded = (rowIdx[r + 1] ?? hi + 1) - i - 1;
    rowsEls.push(
      // Keyed by row slot, not event: a seek updates the rows' attributes in place instead of
      // replacing every row's elements.
      <g
        key={r}
        className={i === cursor ? 'sq-row is-cursor' : 'sq-row'}
        onClick={() => setCursor(i)}
      >
        <rect x={0} y={yOf(i) - ROW / 2} width={w} height={ROW} className="sq-hit" />
        {newOp || i === lo || i === cursor ? (
          <text x={4} y={yOf(i) + 4} className="sq-time">
            {formatVirtualTime(e.t)}
          </text>
        ) : null}
        {newOp && e.op >= 0 ? (
          <text x={GUTTER - 6} y={yOf(i) + 4} className="sq-op" textAnchor="end">
            op {e.op}
          </text>
        ) : null}
        {x !== undefined ? (
          <>
            <circle cx={x} cy={yOf(i)} r={i === cursor ? 5 : 2.5} className="sq-dot" />
            {folded > 0 ? (
              <text x={x + 7} y={yOf(i) + 3} className="sq-fold">
                +{folded}
              </text>
            ) : null}
            {i === cursor ? (
              <text x={x + 8} y={yOf(i) - 6} className="sq-step">
                {e.step}
              </text>
            ) : null}
          </>
        ) : null}
      </g>,
    );
  }

  /**
   * Where a message's arrow runs. A message lost by cursor `hi` stops half-way, at the row of
   * the event that knew it lost (its send, or the connection's mark-down), and ends in a cross.
   */
  const msgGeometry = (m: SeqMessage): { y1: number; x2: number; y2: number } => {
    const x1 = xOf.get(m.from) as number;
    const x2 = xOf.get(m.to) as number;
    const y1 = m.i < lo ? HEAD - 2 : yOf(m.i);
    if (faultOf(m, hi) === 'lost') {
      const at = (dropAt(m, hi) as SeqDrop).at;
      const yl = at < lo ? HEAD - 2 : Math.max(y1, yOf(at));
      return { y1, x2: x1 === x2 ? x1 + 24 : (x1 + x2) / 2, y2: yl + (yl === y1 ? ROW / 2 : 0) };
    }
    const arrived = m.recvI !== undefined && m.recvI <= hi;
    return { y1, x2, y2: arrived ? yOf(m.recvI as number) : height - 6 };
  };

  // Message labels: placed along their arrows so none overlaps another or a fold count.
  const obstacles: Box[] = [];
  for (let r = 0; r < rowIdx.length; r++) {
    const i = rowIdx[r] as number;
    const x = xOf.get(trace.actorOf(i) ?? '');
    if (x === undefined) continue;
    const folded = (rowIdx[r + 1] ?? hi + 1) - i - 1;
    if (folded > 0)
      obstacles.push({ x: x + 6, y: yOf(i) - 6, w: 6 + 5.2 * String(folded).length, h: 10 });
  }
  const curStep = trace.stepOf(cursor);
  const curX = xOf.get(trace.actorOf(cursor) ?? '');
  if (curStep !== undefined && curX !== undefined)
    obstacles.push({ x: curX + 7, y: yOf(cursor) - 16, w: 6.2 * curStep.length + 4, h: 12 });
  const labelReqs: LabelRequest[] = [];
  const labelOf: number[] = [];
  msgs.forEach((m, k) => {
    const x1 = xOf.get(m.from);
    const x2 = xOf.get(m.to);
    if (x1 === undefined || x2 === undefined || m.kind !== 'msg') return;
    const g = msgGeometry(m);
    const fault = faultOf(m, hi);
    labelOf[k] = labelReqs.length;
    labelReqs.push({
      x1,
      x2: g.x2,
      y1: g.y1,
      y2: g.y2,
      self: x1 === x2,
      text:
        (m.bytes !== undefined ? `${m.label} (${m.bytes} B)` : m.label) +
        (fault === 'lost' ? ' ✕ lost' : fault === 'late' ? ' ↻ resent' : ''),
      short: fault === 'lost' ? `${m.label} ✕` : fault === 'late' ? `${m.label} ↻` : m.label,
    });
  });
  const labels = placeLabels(labelReqs, obstacles, { minX: GUTTER - 4, maxX: w });

  return (
    <ViewPanel
      name="sequence"
      cursor={cursor}
      title="Sequence"
      controls={
        <span className="muted">
          events {lo}–{hi} · {msgs.filter((m) => m.kind === 'msg').length} messages · solo runs
          folded (+n)
        </span>
      }
    >
      <div className="sq-body" ref={body}>
        <svg
          width={w}
          height={height}
          className="sq"
          role="img"
          aria-label={`Sequence diagram of events ${lo} to ${hi}`}
        >
          <defs>
            <marker
              id="sq-arrow"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M0,0 L10,5 L0,10 z" className="sq-head" />
            </marker>
          </defs>
          {actors.map((a) => {
            const x = xOf.get(a) as number;
            return (
              <g
                key={a}
                className="sq-actor"
                data-actor={a}
                onContextMenu={(e) => {
                  e.preventDefault();
                  openFaultMenu(e, [a], a);
                }}
              >
                <line x1={x} x2={x} y1={HEAD - 4} y2={height - 4} className="sq-life" />
                <text
                  x={x}
                  y={HEAD - 10}
                  textAnchor={rotate ? 'start' : 'middle'}
                  transform={rotate ? `rotate(-28 ${x} ${HEAD - 10})` : undefined}
                  className="sq-name"
                >
                  {a}
                </text>
              </g>
            );
          })}
          {spans.map((s) => {
            const x = xOf.get(s.actor);
            if (x === undefined) return null;
            return (
              <rect
                key={`${s.op}|${s.actor}`}
                x={x - 4}
                y={yOf(s.from) - 6}
                width={8}
                height={yOf(s.to) - yOf(s.from) + 12}
                className={`sq-span op-${s.op % 2}`}
              >
                <title>{`op ${s.op} on ${s.actor}`}</title>
              </rect>
            );
          })}
          {rowsEls}
          <line x1={0} x2={w} y1={yOf(cursor)} y2={yOf(cursor)} className="sq-cursor" />
          {msgs.map((m, k) => {
            const x1 = xOf.get(m.from);
            const x2 = xOf.get(m.to);
            if (x1 === undefined || x2 === undefined) return null;
            const arrived = m.recvI !== undefined && m.recvI <= hi;
            const fault = faultOf(m, hi);
            const { y1, x2: xe, y2 } = msgGeometry(m);
            const self = x1 === x2;
            const d =
              self && fault !== 'lost'
                ? `M${x1},${y1} C${x1 + 40},${y1} ${x2 + 40},${y2} ${x2 + 4},${y2}`
                : `M${x1},${y1} L${xe},${y2}`;
            const cls = `sq-msg ${m.kind === 'handoff' ? 'is-handoff' : ''} ${arrived || fault === 'lost' ? '' : 'is-flight'} ${
              fault ? `is-${fault}` : ''
            } ${m.i === cursor || m.recvI === cursor || dropAt(m, hi)?.at === cursor ? 'is-current' : ''}`;
            const label = labelOf[k] === undefined ? null : labels[labelOf[k]];
            const drop = dropAt(m, hi);
            return (
              <g
                key={k}
                className={cls}
                onClick={() => setCursor(m.i)}
                role="button"
                aria-label={`${m.label} from ${m.from} to ${m.to}, event ${m.i}${
                  drop ? `, ${fault === 'lost' ? 'lost' : 'delayed'}: ${drop.reason}` : ''
                }`}
                data-seq-msg={m.i}
                data-fault={fault}
              >
                <path d={d} className="sq-msg-hit" />
                <path
                  d={d}
                  className="sq-msg-line"
                  markerEnd={fault === 'lost' ? undefined : 'url(#sq-arrow)'}
                />
                {fault === 'lost' ? (
                  // The cross where the message died: a shape, not only a colour.
                  <path
                    d={`M${xe - 4},${y2 - 4} L${xe + 4},${y2 + 4} M${xe - 4},${y2 + 4} L${xe + 4},${y2 - 4}`}
                    className="sq-lost-cross"
                  />
                ) : null}
                {label ? (
                  <text
                    x={label.x}
                    y={label.y - 3}
                    textAnchor="middle"
                    className={label.shortened ? 'sq-label is-short' : 'sq-label'}
                  >
                    {label.text}
                  </text>
                ) : null}
                <title>{`${m.kind === 'handoff' ? 'handoff' : 'message'} ${m.label}: ${m.from} → ${m.to}, sent at event ${m.i}${
                  drop ? `; ${drop.reason} at event ${drop.at}: ${drop.next}` : ''
                }${arrived ? `, received at ${m.recvI}` : fault === 'lost' ? '' : ', in flight'} — click to seek`}</title>
              </g>
            );
          })}
        </svg>
      </div>
    </ViewPanel>
  );
}
