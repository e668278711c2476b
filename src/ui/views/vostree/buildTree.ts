/**
 * The VOS tree as a d3 hierarchy: VOS → target → object → dkey → akey → value leaves (SV
 * versions newest first, or the akey's evtree extents). Children beyond `cap` fold into a
 * "+N more" node so a 10 000-dkey object stays drawable. Pure (tested).
 */
import type { VosTreeState } from '../../derive/vostree.ts';
import type { VosCtx } from '../../derive/vosContext.ts';
import { cmpBig, epochText } from '../../derive/grow.ts';

export interface TNode {
  id: string;
  label: string;
  sub?: string;
  kind: 'root' | 'target' | 'object' | 'dkey' | 'akey' | 'sv' | 'extent' | 'more';
  /** On the key path the current actor is working on. */
  path?: boolean;
  /** Added by the event at the cursor. */
  fresh?: boolean;
  punched?: bigint;
  children?: TNode[];
}

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

function capped(nodes: TNode[], cap: number, idBase: string): TNode[] {
  if (nodes.length <= cap) return nodes;
  // keep the path node visible even when folded
  const keep = nodes.slice(0, cap);
  const onPath = nodes.slice(cap).find((n) => n.path);
  if (onPath) keep[cap - 1] = onPath;
  return [...keep, { id: `${idBase}/+`, label: `+${nodes.length - cap} more`, kind: 'more' }];
}

export function buildTree(
  s: VosTreeState,
  cursor: number,
  actor: string | undefined,
  cap = 16,
): TNode {
  const ctx: VosCtx | undefined = actor === undefined ? undefined : s.ctx.get(actor);
  const targets: TNode[] = [];
  for (const t of [...s.targets.keys()].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  )) {
    const objs = s.targets.get(t)!;
    const tPath = t === actor;
    const objNodes: TNode[] = [];
    for (const [oid, o] of objs) {
      const oPath = tPath && ctx?.oid === oid;
      const dk: TNode[] = [];
      for (const [dname, d] of [...o.dkeys].sort((a, b) =>
        a[0].localeCompare(b[0], 'en', { numeric: true }),
      )) {
        const dPath = oPath && ctx?.dkey === dname;
        const ak: TNode[] = [];
        for (const [aname, a] of d.akeys) {
          const aPath = dPath && ctx?.akey === aname;
          const leaves: TNode[] = [];
          const vs = [...a.versions].sort((x, y) => cmpBig(y.epoch, x.epoch));
          vs.forEach((v, k) =>
            leaves.push({
              id: `${t}/${oid}/${dname}/${aname}/v${v.i}`,
              label: `epoch ${epochText(v.epoch)}`,
              sub: `${v.size} B · ${v.media}${k === 0 ? ' · visible' : ''}`,
              kind: 'sv',
              fresh: v.i === cursor,
            }),
          );
          for (const x of [...a.extents].sort((p, q) => cmpBig(q.epoch, p.epoch) || p.lo - q.lo)) {
            leaves.push({
              id: `${t}/${oid}/${dname}/${aname}/x${x.i}`,
              label: `[${x.lo}, ${x.hi}]`,
              sub: `epoch ${epochText(x.epoch)} · ${x.media}`,
              kind: 'extent',
              fresh: x.i === cursor,
            });
          }
          const n: TNode = {
            id: `${t}/${oid}/${dname}/${aname}`,
            label: aname,
            sub: a.extents.length
              ? `array · ${plural(a.extents.length, 'extent')}`
              : `single value · ${plural(a.versions.length, 'version')}`,
            kind: 'akey',
            path: aPath,
            children: capped(leaves, Math.min(cap, 6), `${t}/${oid}/${dname}/${aname}`),
          };
          if (a.punched !== undefined) n.punched = a.punched;
          ak.push(n);
        }
        const n: TNode = {
          id: `${t}/${oid}/${dname}`,
          label: dname,
          kind: 'dkey',
          path: dPath,
          children: capped(ak, cap, `${t}/${oid}/${dname}`),
        };
        if (d.punched !== undefined) n.punched = d.punched;
        dk.push(n);
      }
      const n: TNode = {
        id: `${t}/${oid}`,
        label: oid,
        sub: `${o.dkeys.size} dkeys`,
        kind: 'object',
        path: oPath,
        children: capped(dk, cap, `${t}/${oid}`),
      };
      if (o.punched !== undefined) n.punched = o.punched;
      objNodes.push(n);
    }
    targets.push({
      id: t,
      label: t,
      kind: 'target',
      path: tPath,
      children: capped(objNodes, cap, t),
    });
  }
  return { id: 'vos', label: 'VOS', kind: 'root', children: targets };
}

/** Count leaves (for sizing the drawing). */
export function leafCount(n: TNode): number {
  return n.children && n.children.length ? n.children.reduce((a, c) => a + leafCount(c), 0) : 1;
}
