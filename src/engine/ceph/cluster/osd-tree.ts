/**
 * `ceph osd tree -f json` for the trace: `{nodes, stray}` with the CRUSH hierarchy (buckets
 * with `children`, devices with `crush_weight`, `status` up/down, `reweight`), so a view can
 * draw root → hosts → OSDs without knowing CRUSH. Shape as Pacific's OSDTreeFormattingDumper:
 * nodes depth-first from each root, a bucket's `children` listed last-item-first (as Ceph
 * prints them), device-class shadow buckets (`default~hdd`) hidden. One addition: buckets also
 * carry `crush_weight` (their CRUSH weight, the sum of their items'), which the plain-text
 * `ceph osd tree` shows in its WEIGHT column but the JSON leaves out.
 */
import type { CrushMap } from '../crush/types.ts';
import type { Json } from '../../trace/event.ts';

export interface OsdTreeState {
  exists(osd: number): boolean;
  isUp(osd: number): boolean;
  /** The in/reweight value, 16.16 (0x10000 in, 0 out). */
  reweight16(osd: number): number;
  primaryAffinity16(osd: number): number;
}

const w = (v16: number): number => Math.round((v16 / 0x10000) * 1e5) / 1e5;

export function osdTreeJson(crush: CrushMap, st: OsdTreeState): { [k: string]: Json } {
  const child = new Set<number>();
  const real = crush.buckets.filter((b) => b !== undefined && !b.shadowOf && !b.name.includes('~'));
  for (const b of real) for (const i of b!.items) child.add(i);
  const roots = real
    .filter((b) => !child.has(b!.id))
    .map((b) => b!.id)
    .sort((a, b) => b - a);
  const nodes: Json[] = [];
  const seen = new Set<number>();
  const visit = (id: number, weight16: number, depth: number): void => {
    if (seen.has(id)) return;
    seen.add(id);
    if (id < 0) {
      const b = crush.buckets[-1 - id];
      if (!b) return;
      nodes.push({
        id,
        name: b.name,
        type: crush.types.get(b.type) ?? `type${b.type}`,
        type_id: b.type,
        crush_weight: w(b.weight),
        depth,
        children: [...b.items].reverse(),
      });
      b.items.forEach((it, k) => visit(it, b.itemWeights[k] ?? 0, depth + 1));
      return;
    }
    const dev = crush.devices.get(id);
    const node: { [k: string]: Json } = { id };
    if (dev?.className) node.device_class = dev.className;
    node.name = dev?.name ?? `osd.${id}`;
    node.type = crush.types.get(0) ?? 'osd';
    node.type_id = 0;
    node.crush_weight = w(weight16);
    node.depth = depth;
    node.exists = st.exists(id) ? 1 : 0;
    node.status = st.isUp(id) ? 'up' : 'down';
    node.reweight = w(st.reweight16(id));
    node.primary_affinity = w(st.primaryAffinity16(id));
    nodes.push(node);
  };
  for (const r of roots) visit(r, 0, 0);
  // OSDs that exist but are in no bucket
  const stray: Json[] = [];
  for (const [id, dev] of [...crush.devices].sort((a, b) => a[0] - b[0])) {
    if (seen.has(id) || !st.exists(id)) continue;
    stray.push({
      id,
      name: dev.name,
      type: 'osd',
      type_id: 0,
      crush_weight: 0,
      depth: 0,
      exists: 1,
      status: st.isUp(id) ? 'up' : 'down',
      reweight: w(st.reweight16(id)),
      primary_affinity: w(st.primaryAffinity16(id)),
    });
  }
  return { nodes, stray };
}
