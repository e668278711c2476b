/**
 * The Ceph placement view (`data-view="placement"`): the CRUSH hierarchy with weights and
 * up/down/in/out (shape + text, not only colour), the selected object's path (name → hash →
 * PG → pps → CRUSH → up/acting → primary) and the PG → OSDs table, at the cursor
 * (derive/placement.ts through checkpoints).
 */
import { useMemo, useState } from 'react';
import { createDerived } from '../../derive/createDerived.ts';
import { registerWarm } from '../../state/warmer.ts';
import {
  crushRoots,
  placementInitial,
  placementReducer,
  type CrushNode,
  type PlacementState,
} from '../../derive/placement.ts';
import { CrushPoolForm } from '../../import/CrushPoolForm.tsx';
import { trace, useApp } from '../../state/store.ts';
import { ViewPanel } from '../scm/shell.tsx';
import { useTraceCursor } from '../scm/useTraceCursor.ts';
import { openFaultMenu } from '../faults/faultMenuState.ts';
import './placement.css';

const derived = createDerived(placementReducer, placementInitial(), 256);
registerWarm(derived);

function OsdBadge({
  s,
  id,
  acting,
  primary,
}: {
  s: PlacementState;
  id: number;
  acting: Set<number>;
  primary: number;
}) {
  const o = s.osds.get(id);
  const node = s.tree.get(id);
  const up = o?.up ?? true;
  const inn = o?.in ?? true;
  return (
    <span
      className={`pm-osd ${up ? 'is-up' : 'is-down'} ${inn ? 'is-in' : 'is-out'} ${acting.has(id) ? 'is-acting' : ''}`}
      data-osd={id}
      onContextMenu={(e) => {
        e.preventDefault();
        openFaultMenu(e, [`osd.${id}`], `osd.${id}`);
      }}
      title="Right-click: kill or restart"
    >
      <span className="pm-shape" aria-hidden="true">
        {up ? '▲' : '▼'}
      </span>
      osd.{id}
      {id === primary ? <span title="primary"> ★</span> : null}
      <span className="pm-state">
        {up ? 'up' : 'down'}/{inn ? 'in' : 'out'}
        {node?.weight !== undefined ? ` · w ${node.weight}` : ''}
        {node?.reweight !== undefined && node.reweight !== 1 ? ` · rw ${node.reweight}` : ''}
      </span>
    </span>
  );
}

function Bucket({
  s,
  n,
  acting,
  primary,
  depth,
}: {
  s: PlacementState;
  n: CrushNode;
  acting: Set<number>;
  primary: number;
  depth: number;
}) {
  return (
    <li>
      <span className="pm-bucket">
        <span className="pm-type">{n.type}</span> {n.name}
        {n.weight !== undefined ? <span className="muted"> · w {n.weight}</span> : null}
      </span>
      <ul>
        {n.children.map((c) => {
          const child = s.tree.get(c);
          if (c >= 0 || !child)
            return (
              <li key={c}>
                <OsdBadge s={s} id={c} acting={acting} primary={primary} />
              </li>
            );
          return depth > 8 ? null : (
            <Bucket key={c} s={s} n={child} acting={acting} primary={primary} depth={depth + 1} />
          );
        })}
      </ul>
    </li>
  );
}

export function PlacementView() {
  const { count, cursor } = useTraceCursor();
  const setCursor = useApp((s) => s.setCursor);
  const s = useMemo(() => derived.at(trace, Math.min(cursor, count - 1)), [cursor, count]);
  const [pick, setPick] = useState('');
  const oids = [...s.objects.keys()];
  const sel =
    s.objects.get(pick) ?? (s.lastOid !== undefined ? s.objects.get(s.lastOid) : undefined);

  if (s.osds.size === 0 && s.pgs.size === 0) {
    return (
      <ViewPanel
        name="placement"
        title="Ceph placement"
        empty={
          <>
            <p>
              This trace has no Ceph placement {count > 0 ? 'up to this step' : 'yet'}. The view
              shows the CRUSH hierarchy, each PG&apos;s OSDs, and how an object name becomes a PG
              and a set of OSDs (<code>_calc_target</code>).
            </p>
            <p>
              Try a Ceph scenario, or run a <code>rados_write</code> or <code>ceph_osd_map</code> op
              in the console.
            </p>
          </>
        }
      />
    );
  }

  const acting = new Set(sel?.acting ?? []);
  const primary = sel?.primary ?? -1;
  const pgs = [...s.pgs.values()].sort((a, b) =>
    a.pgid.localeCompare(b.pgid, 'en', { numeric: true }),
  );

  return (
    <ViewPanel
      name="placement"
      title="Ceph placement"
      controls={
        <>
          {s.epoch !== undefined ? <span className="muted">osdmap e{s.epoch}</span> : null}
          {oids.length ? (
            <label>
              object{' '}
              <select value={pick} onChange={(e) => setPick(e.target.value)} aria-label="Object">
                <option value="">latest ({s.lastOid})</option>
                {oids.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
        </>
      }
    >
      {sel ? (
        <>
          <div className="dv-sub">Object path</div>
          <ol className="pm-path" aria-label={`Placement of ${sel.oid}`}>
            <li>
              <span className="pm-k">name</span> {sel.oid}
              {sel.pool !== undefined ? <span className="muted"> (pool {sel.pool})</span> : null}
            </li>
            {sel.rawHash !== undefined ? (
              <li>
                <span className="pm-k">hash</span> {sel.rawHash}{' '}
                <span className="muted">ceph_str_hash_rjenkins</span>
              </li>
            ) : null}
            {sel.rawPg !== undefined ? (
              <li>
                <span className="pm-k">raw pg</span> {sel.rawPg}
              </li>
            ) : null}
            <li>
              <span className="pm-k">pg</span> {sel.pgid}{' '}
              <span className="muted">stable_mod(hash, pg_num)</span>
            </li>
            {sel.pps !== undefined ? (
              <li>
                <span className="pm-k">pps</span> {sel.pps}{' '}
                <span className="muted">crush input x</span>
              </li>
            ) : null}
            {sel.crush !== undefined ? (
              <li>
                <span className="pm-k">crush</span> <code>{JSON.stringify(sel.crush)}</code>
              </li>
            ) : null}
            <li>
              <span className="pm-k">up</span> [{sel.up.join(', ')}]{' '}
              <span className="pm-k">acting</span> [{sel.acting.join(', ')}]
            </li>
            <li>
              <span className="pm-k">primary</span> osd.{sel.primary}
              {sel.epoch !== undefined ? (
                <span className="muted"> at e{sel.epoch}</span>
              ) : null}{' '}
              <button type="button" className="btn btn-small" onClick={() => setCursor(sel.i)}>
                go to event {sel.i}
              </button>
            </li>
          </ol>
        </>
      ) : null}
      <CrushPoolForm />
      <div className="dv-sub">CRUSH hierarchy</div>
      <ul className="pm-tree">
        {crushRoots(s).map((r) => (
          <Bucket key={r.id} s={s} n={r} acting={acting} primary={primary} depth={0} />
        ))}
      </ul>
      {pgs.length ? (
        <>
          <div className="dv-sub">PG → OSDs · {pgs.length}</div>
          <table className="dv-table">
            <thead>
              <tr>
                <th>pg</th>
                <th>up</th>
                <th>acting</th>
                <th>primary</th>
                <th>epoch</th>
              </tr>
            </thead>
            <tbody>
              {pgs.map((p) => (
                <tr
                  key={p.pgid}
                  className={`is-click${p.i === cursor ? ' is-new' : ''}${sel?.pgid === p.pgid ? ' pm-sel' : ''}`}
                  onClick={() => setCursor(p.i)}
                >
                  <td>{p.pgid}</td>
                  <td>[{p.up.join(',')}]</td>
                  <td>[{p.acting.join(',')}]</td>
                  <td>osd.{p.primary}</td>
                  <td>{p.epoch ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </ViewPanel>
  );
}
