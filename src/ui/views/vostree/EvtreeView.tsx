/**
 * The evtree plot (`data-view="evtree"`): for one array akey, every extent as a rectangle —
 * record index across, epoch up (one band per distinct epoch, so sparse epochs stay readable).
 * The parts a fetch at the newest epoch sees are solid; parts covered by newer extents are
 * hatched. Extents added by the current event are outlined in the accent colour.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { visibleRuns, type Extent } from '../../derive/vostree.ts';
import { trace } from '../../state/store.ts';
import { cmpBig, epochText } from '../../derive/grow.ts';
import { ViewPanel } from '../scm/shell.tsx';
import { useTraceCursor } from '../scm/useTraceCursor.ts';
import { useWarmCheckpoints } from '../scm/useWarmCheckpoints.ts';
import { vosDerived as derived } from './vosDerived.ts';
import './vostree.css';

interface ArrayKey {
  id: string;
  label: string;
  extents: Extent[];
}

const PAD_L = 64;
const PAD_R = 14;
const BAND = 26;

export function EvtreeView() {
  const { count, cursor } = useTraceCursor();
  useWarmCheckpoints(derived);
  const state = useMemo(() => derived.at(trace, Math.min(cursor, count - 1)), [cursor, count]);
  const [pick, setPick] = useState('');
  const box = useRef<HTMLDivElement>(null);
  const [boxW, setBoxW] = useState(520);
  const arrays = useMemo(() => {
    const out: ArrayKey[] = [];
    for (const [t, objs] of state.targets)
      for (const [oid, o] of objs)
        for (const [dk, d] of o.dkeys)
          for (const [ak, a] of d.akeys)
            if (a.extents.length)
              out.push({
                id: `${t}/${oid}/${dk}/${ak}`,
                label: `${t} · ${oid} · ${dk} · ${ak}`,
                extents: a.extents,
              });
    return out;
  }, [state]);

  const actor = trace.get(cursor)?.actor;
  const ctx = actor === undefined ? undefined : state.ctx.get(actor);
  const followed = ctx ? `${actor}/${ctx.oid}/${ctx.dkey}/${ctx.akey}` : '';
  const sel =
    arrays.find((a) => a.id === pick) ??
    arrays.find((a) => a.id === followed) ??
    arrays.reduce<ArrayKey | undefined>((best, a) => {
      const last = (x: ArrayKey): number => Math.max(...x.extents.map((e) => e.i));
      return !best || last(a) > last(best) ? a : best;
    }, undefined);

  const hasSel = sel !== undefined;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setBoxW(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, [hasSel]);

  if (!sel) {
    return (
      <ViewPanel
        name="evtree"
        title="Evtree (extent × epoch)"
        empty={
          <>
            <p>
              No array extents {count > 0 ? 'up to this step' : 'yet'}. Array values (
              <code>DAOS_IOD_ARRAY</code>) go into an evtree: each update inserts a rectangle [lo,
              hi] × epoch (<code>evt_insert</code>), and a fetch sees the newest epoch per index.
            </p>
            <p>
              Try a <code>daos_obj_update</code> with a <code>DAOS_IOD_ARRAY</code> iod and{' '}
              <code>recxs</code>, or <code>daos_array_write</code>, in the console.
            </p>
          </>
        }
      />
    );
  }

  const ext = sel.extents;
  const epochs = [...new Set(ext.map((e) => e.epoch))].sort(cmpBig);
  const lo = Math.min(...ext.map((e) => e.lo));
  const hi = Math.max(...ext.map((e) => e.hi));
  const W = Math.max(320, Math.min(1200, boxW));
  const H = epochs.length * BAND + 40;
  const xs = (v: number): number =>
    PAD_L + ((v - lo) / Math.max(1, hi + 1 - lo)) * (W - PAD_L - PAD_R);
  const ys = (epoch: bigint): number => 10 + (epochs.length - 1 - epochs.indexOf(epoch)) * BAND;
  const top = epochs[epochs.length - 1] as bigint;
  const vis = visibleRuns(ext, top);
  const ticks = [lo, Math.round((lo + hi) / 2), hi + 1];

  return (
    <ViewPanel
      name="evtree"
      title="Evtree (extent × epoch)"
      controls={
        <label>
          akey{' '}
          <select value={pick} onChange={(e) => setPick(e.target.value)} aria-label="Array akey">
            <option value="">follow the cursor</option>
            {arrays.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
      }
    >
      <div ref={box} />
      <div className="dv-stats">
        {sel.label}: {ext.length} extents, epochs {epochText(epochs[0] as bigint)}–{epochText(top)}
      </div>
      <svg
        width={W}
        height={H}
        className="ev-plot"
        role="img"
        aria-label={`Evtree extents of ${sel.label}`}
      >
        <defs>
          <pattern
            id="ev-hatch"
            width="5"
            height="5"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width="5" height="5" className="ev-hatch-bg" />
            <line x1="0" y1="0" x2="0" y2="5" className="ev-hatch-line" />
          </pattern>
        </defs>
        {epochs.map((ep) => (
          <g key={ep}>
            <line
              x1={PAD_L}
              x2={W - PAD_R}
              y1={ys(ep) + BAND - 4}
              y2={ys(ep) + BAND - 4}
              className="ev-grid"
            />
            <text x={PAD_L - 6} y={ys(ep) + BAND / 2 + 2} textAnchor="end" className="ev-axis">
              {epochText(ep)}
            </text>
          </g>
        ))}
        {ext.map((e) => (
          <rect
            key={`x${e.i}`}
            x={xs(e.lo)}
            y={ys(e.epoch) + 2}
            width={Math.max(2, xs(e.hi + 1) - xs(e.lo))}
            height={BAND - 8}
            className={`ev-ext is-hidden${e.i === cursor ? ' is-fresh' : ''}`}
          >
            <title>{`[${e.lo}, ${e.hi}] @ epoch ${epochText(e.epoch)} on ${e.media} (event ${e.i})`}</title>
          </rect>
        ))}
        {vis.map((r) => (
          <rect
            key={`v${r.lo}`}
            x={xs(r.lo)}
            y={ys(r.from.epoch) + 2}
            width={Math.max(2, xs(r.hi + 1) - xs(r.lo))}
            height={BAND - 8}
            className={`ev-ext is-visible m-${r.from.media}${r.from.i === cursor ? ' is-fresh' : ''}`}
          >
            <title>{`visible: [${r.lo}, ${r.hi}] from epoch ${epochText(r.from.epoch)} (${r.from.media})`}</title>
          </rect>
        ))}
        {ticks.map((t) => (
          <text key={t} x={xs(t)} y={H - 8} textAnchor="middle" className="ev-axis">
            {t}
          </text>
        ))}
        <text x={4} y={H - 8} className="ev-axis">
          index →
        </text>
      </svg>
      <ul className="dv-legend">
        <li>
          <svg width="18" height="10" aria-hidden="true">
            <rect width="18" height="10" className="ev-ext is-visible m-SCM" />
          </svg>
          visible at {epochText(top)} (SCM)
        </li>
        <li>
          <svg width="18" height="10" aria-hidden="true">
            <rect width="18" height="10" className="ev-ext is-visible m-NVMe" />
          </svg>
          visible (NVMe)
        </li>
        <li>
          <svg width="18" height="10" aria-hidden="true">
            <rect width="18" height="10" className="ev-ext is-hidden" />
          </svg>
          covered by a newer epoch
        </li>
      </ul>
    </ViewPanel>
  );
}
