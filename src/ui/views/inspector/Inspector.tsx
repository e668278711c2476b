/**
 * The inspector (`data-view="inspector"`): the current event's `data` as a collapsible
 * structure tree, gdb-style, then its `effects`. Re-renders per cursor move (sampled during
 * fast playback), but only this panel and only the open branches.
 */
import { memo, useDeferredValue, useEffect, useState } from 'react';
import type { TraceEvent } from '../../../protocol/index.ts';
import { SPEEDS, trace, useApp } from '../../state/store.ts';
import { formatScalar, isBranch, summarize } from './format.ts';

function Scalar({ name, value }: { name: string; value: unknown }) {
  const f = formatScalar(name, value);
  return (
    <div className="tree-leaf">
      <span className="tree-key">{name}</span>
      <span className="tree-eq"> = </span>
      <span className={`tree-val v-${f.cls}`}>{f.text}</span>
      {f.note ? <span className="tree-note"> ({f.note})</span> : null}
    </div>
  );
}

/** Branches open by default: the top levels, unless they are long lists. */
export function openByDefault(depth: number, entries: number): boolean {
  return depth < 3 && entries <= 64;
}

/** At most this many children of one branch are rendered (the rest are counted). */
const MAX_CHILDREN = 512;

/**
 * One structure node. A closed branch renders only its summary line: its children are built
 * when it is opened (a big MOSDOp has hundreds of rows below the default-open levels; building
 * them hidden made every step pay for rows nobody opened).
 */
const Tree = memo(function Tree({
  name,
  value,
  depth,
}: {
  name: string;
  value: unknown;
  depth: number;
}) {
  const branch = isBranch(value);
  const entries: [string, unknown][] = !branch
    ? []
    : Array.isArray(value)
      ? value.map((v, i) => [`[${i}]`, v])
      : Object.entries(value);
  const [open, setOpen] = useState(() => openByDefault(depth, entries.length));
  if (!branch) return <Scalar name={name} value={value} />;
  return (
    <details className="tree-branch" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <span className="tree-key">{name}</span>
        <span className="tree-eq"> = </span>
        <span className="tree-summary">{summarize(value)}</span>
      </summary>
      {open ? (
        <div className="tree-children">
          {entries.slice(0, MAX_CHILDREN).map(([k, v]) => (
            <Tree key={k} name={k} value={v} depth={depth + 1} />
          ))}
          {entries.length > MAX_CHILDREN ? (
            <div className="tree-more">… {entries.length - MAX_CHILDREN} more</div>
          ) : null}
        </div>
      ) : null}
    </details>
  );
});

function EventData({ e }: { e: TraceEvent }) {
  const data = e.data ? Object.entries(e.data) : [];
  return (
    <>
      <h3 className="inspector-sub">data</h3>
      {data.length === 0 ? (
        <p className="muted">(no structures at this step)</p>
      ) : (
        <div className="tree" role="tree" aria-label="Event data">
          {data.map(([k, v]) => (
            <Tree key={k} name={k} value={v} depth={0} />
          ))}
        </div>
      )}
      <h3 className="inspector-sub">effects</h3>
      {!e.effects || e.effects.length === 0 ? (
        <p className="muted">(no state changed)</p>
      ) : (
        <ol className="effects">
          {e.effects.map((fx, i) => {
            const { kind, ...rest } = fx;
            return (
              <li key={i} className="effect">
                <span className="effect-kind">{kind}</span>
                <span className="effect-fields">
                  {Object.entries(rest).map(([k, v]) => {
                    const f = formatScalar(k, v);
                    return (
                      <span key={k} className="effect-field">
                        {k}=<span className={`v-${f.cls}`}>{f.text}</span>
                        {f.note ? <span className="tree-note"> ({f.note})</span> : null}
                      </span>
                    );
                  })}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </>
  );
}

/** While playing at least this fast (steps/s), the inspector refreshes on a timer, not per step. */
const FAST_STEPS_PER_S = 20;
/** Refresh interval during fast playback (ms): a few times a second, readable, cheap. */
const FAST_REFRESH_MS = 250;

/**
 * The event index the inspector shows. Paused, stepping or slow playback: the cursor. Fast
 * playback (≥ 20 steps/s): the cursor sampled every 250 ms — rebuilding a tree of up to
 * hundreds of rows 60 times a second is layout and paint in every frame for text nobody can
 * read at that speed. The value is also deferred: React renders the tree at low priority and
 * may skip intermediate cursors, so a step never waits for it.
 */
function useInspectedCursor(): number {
  const [shown, setShown] = useState(() => {
    const s = useApp.getState();
    return { cursor: s.cursor, count: s.count };
  });
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const show = () => {
      timer = undefined;
      const s = useApp.getState();
      setShown((o) =>
        o.cursor === s.cursor && o.count === s.count ? o : { cursor: s.cursor, count: s.count },
      );
    };
    const unsubscribe = useApp.subscribe((s, p) => {
      if (s.cursor === p.cursor && s.count === p.count && s.playing === p.playing) return;
      const fast = s.playing && (SPEEDS[s.speedIndex] ?? 0) >= FAST_STEPS_PER_S;
      if (!fast) {
        clearTimeout(timer);
        show();
      } else timer ??= setTimeout(show, FAST_REFRESH_MS);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, []);
  return useDeferredValue(shown.cursor);
}

export function Inspector() {
  const cursor = useInspectedCursor();
  const e = trace.at(cursor);
  return (
    <section className="panel inspector" data-view="inspector" aria-label="Inspector">
      {e ? <EventData key={e.seq} e={e} /> : <p className="muted">No event selected.</p>}
    </section>
  );
}
