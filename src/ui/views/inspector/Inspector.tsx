/**
 * The inspector (`data-view="inspector"`): the current event's `data` as a collapsible
 * structure tree, gdb-style, then its `effects`. Re-renders per cursor move, but only this
 * panel and only the visible structure.
 */
import { memo, useDeferredValue } from 'react';
import type { TraceEvent } from '../../../protocol/index.ts';
import { trace, useApp } from '../../state/store.ts';
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

const Tree = memo(function Tree({
  name,
  value,
  depth,
}: {
  name: string;
  value: unknown;
  depth: number;
}) {
  if (!isBranch(value)) return <Scalar name={name} value={value} />;
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [`[${i}]`, v])
    : Object.entries(value);
  return (
    <details className="tree-branch" open={depth < 3 && entries.length <= 64}>
      <summary>
        <span className="tree-key">{name}</span>
        <span className="tree-eq"> = </span>
        <span className="tree-summary">{summarize(value)}</span>
      </summary>
      <div className="tree-children">
        {entries.slice(0, 512).map(([k, v]) => (
          <Tree key={k} name={k} value={v} depth={depth + 1} />
        ))}
        {entries.length > 512 ? (
          <div className="tree-more">… {entries.length - 512} more</div>
        ) : null}
      </div>
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

export function Inspector() {
  // Deferred: during playback React may skip intermediate cursors and render the inspector's
  // tree (hundreds of rows for a big MOSDOp) at low priority, so a step never waits for it.
  const cursor = useDeferredValue(useApp((s) => s.cursor));
  useApp((s) => s.count);
  const e = trace.at(cursor);
  return (
    <section className="panel inspector" data-view="inspector" aria-label="Inspector">
      {e ? <EventData key={e.seq} e={e} /> : <p className="muted">No event selected.</p>}
    </section>
  );
}
