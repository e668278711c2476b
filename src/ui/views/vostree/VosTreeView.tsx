/**
 * The VOS tree (`data-view="vos-tree"`): VOS → target → object → dkeys → akeys → single-value
 * versions (newest first; the newest is what a fetch at a later epoch sees) or evtree extents
 * with epochs, at the cursor (derive/vostree.ts through checkpoints), laid out by
 * d3-hierarchy. The key path the current event works on is highlighted; values added by the
 * current event pulse; B+tree node splits are listed below with the current one animated.
 */
import { hierarchy, tree, type HierarchyPointNode } from 'd3';
import { useMemo } from 'react';
import { epochText } from '../../derive/grow.ts';
import { trace, useApp } from '../../state/store.ts';
import { ViewPanel } from '../scm/shell.tsx';
import { useTraceCursor } from '../scm/useTraceCursor.ts';
import { useWarmCheckpoints } from '../scm/useWarmCheckpoints.ts';
import { buildTree, leafCount, type TNode } from './buildTree.ts';
import { vosDerived } from './vosDerived.ts';
import './vostree.css';

const ROW = 22;
/** Long names (64-bit oids, HLC epochs) keep head and tail; the full text is in the tooltip. */
const clip = (t: string, max = 18): string =>
  t.length <= max
    ? t
    : `${t.slice(0, Math.ceil((max - 1) / 2))}…${t.slice(t.length - Math.floor((max - 1) / 2))}`;
const COL = 150;
/** Room left of the root node for its label. */
const PAD = 36;

export function VosTreeView() {
  const { count, cursor } = useTraceCursor();
  useWarmCheckpoints(vosDerived);
  const setCursor = useApp((s) => s.setCursor);
  const state = useMemo(() => vosDerived.at(trace, Math.min(cursor, count - 1)), [cursor, count]);
  const actor = trace.get(cursor)?.actor;
  const root = useMemo(() => buildTree(state, cursor, actor), [state, cursor, actor]);
  const layout = useMemo(() => {
    const h = hierarchy<TNode>(root, (n) => n.children);
    return tree<TNode>().nodeSize([ROW, COL])(h);
  }, [root]);

  if (state.targets.size === 0) {
    return (
      <ViewPanel
        name="vos-tree"
        title="VOS tree"
        empty={
          <>
            <p>
              No VOS updates {count > 0 ? 'up to this step' : 'yet'}. The tree appears when a target
              runs <code>vos_update_begin</code> → <code>akey_update_single</code> /{' '}
              <code>evt_insert</code>: object index → dkeys → akeys → values with their epochs.
            </p>
            <p>
              Try stepping forward into a DAOS update, or run a <code>daos_obj_update</code> op in
              the console.
            </p>
          </>
        }
      />
    );
  }

  const nodes = layout.descendants();
  let minX = Infinity;
  let maxX = -Infinity;
  for (const n of nodes) {
    minX = Math.min(minX, n.x);
    maxX = Math.max(maxX, n.x);
  }
  const depth = Math.max(...nodes.map((n) => n.depth));
  const width = PAD + (depth + 1) * COL + 80;
  const height = maxX - minX + ROW * 2;
  const y0 = -minX + ROW;
  const splits = state.splits.slice(-8).reverse();

  const link = (s: HierarchyPointNode<TNode>, t: HierarchyPointNode<TNode>): string => {
    const sx = PAD + s.y + 8;
    const sy = s.x + y0;
    const tx = PAD + t.y - 2;
    const ty = t.x + y0;
    const mx = (sx + tx) / 2;
    return `M${sx},${sy} C${mx},${sy} ${mx},${ty} ${tx},${ty}`;
  };

  return (
    <ViewPanel
      name="vos-tree"
      title="VOS tree"
      controls={
        <span className="muted">
          {leafCount(root)} leaves · {state.splits.length} node splits
        </span>
      }
    >
      <svg className="vt" width={width} height={height} role="img" aria-label="VOS object tree">
        {layout.links().map((l) => (
          <path
            key={`${l.source.data.id}>${l.target.data.id}`}
            d={link(l.source, l.target)}
            className={l.target.data.path ? 'vt-link is-path' : 'vt-link'}
          />
        ))}
        {nodes.map((n) => {
          const d = n.data;
          const cls = `vt-node k-${d.kind}${d.path ? ' is-path' : ''}${d.fresh ? ' is-fresh' : ''}${
            d.punched !== undefined ? ' is-punched' : ''
          }`;
          return (
            <g key={d.id} className={cls} transform={`translate(${PAD + n.y},${n.x + y0})`}>
              <circle r={d.kind === 'sv' || d.kind === 'extent' ? 3 : 4.5} />
              <text x={8} y={d.sub ? -1 : 4} className="vt-label">
                {clip(d.label)}
                {d.punched !== undefined ? ` ✕ punched @${epochText(d.punched)}` : ''}
              </text>
              {d.sub ? (
                <text x={8} y={9} className="vt-sub">
                  {clip(d.sub, 26)}
                </text>
              ) : null}
              <title>{`${d.kind}: ${d.label}${d.sub ? ` (${d.sub})` : ''}`}</title>
            </g>
          );
        })}
      </svg>
      {splits.length ? (
        <>
          <div className="dv-sub">Node splits</div>
          <table className="dv-table">
            <thead>
              <tr>
                <th>#</th>
                <th>tree</th>
                <th>node → new right</th>
                <th>level</th>
              </tr>
            </thead>
            <tbody>
              {splits.map((s) => (
                <tr
                  key={s.i}
                  className={s.i === cursor ? 'is-new is-click vt-split-now' : 'is-click'}
                  onClick={() => setCursor(s.i)}
                >
                  <td>{s.i}</td>
                  <td>{s.tree}</td>
                  <td>
                    0x{s.node.toString(16)} → 0x{s.right.toString(16)}
                  </td>
                  <td>{s.leaf ? 'leaf' : 'internal'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </ViewPanel>
  );
}
