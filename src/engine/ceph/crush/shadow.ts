/**
 * Device-class shadow trees (CrushWrapper::populate_classes / device_class_clone). For every
 * root and every device class, Ceph keeps a copy of the tree named `<bucket>~<class>` that
 * holds only that class's devices: same type, alg and hash, items in the original order,
 * devices with their weight in the original bucket, child buckets as their (possibly empty)
 * shadow copy weighted by its total. A rule `step take default class ssd` walks the copy, so
 * the shadow ids (the `id -N class C` lines of the text map) enter the straw2 hashes.
 */
import { makeBucket } from './build.ts';
import type { CrushBucket, CrushMap } from './types.ts';

/** All device classes: those of devices, then those only named by `id -N class C`. */
export function deviceClasses(map: CrushMap): string[] {
  const out: string[] = [];
  for (const id of [...map.devices.keys()].sort((a, b) => a - b)) {
    const c = map.devices.get(id)!.className;
    if (c !== undefined && !out.includes(c)) out.push(c);
  }
  for (const b of map.buckets)
    if (b && !b.shadowOf) for (const c of b.classIds.keys()) if (!out.includes(c)) out.push(c);
  return out;
}

/** Drop any shadow buckets and rebuild them from the real tree. */
export function buildShadowTrees(map: CrushMap): void {
  for (let i = 0; i < map.buckets.length; i++)
    if (map.buckets[i]?.shadowOf) map.buckets[i] = undefined;
  const real = map.buckets.filter((b): b is CrushBucket => b !== undefined);
  const classes = deviceClasses(map);
  if (classes.length === 0) return;
  const children = new Set<number>();
  for (const b of real) for (const it of b.items) if (it < 0) children.add(it);
  const roots = real.filter((b) => !children.has(b.id)).map((b) => b.id);
  const used = new Set<number>();
  for (const b of real) {
    used.add(b.id);
    for (const id of b.classIds.values()) used.add(id);
  }
  const byName = new Map<string, number>();
  const clone = (id: number, cls: string): CrushBucket => {
    const orig = map.buckets[-1 - id]!;
    const name = `${orig.name}~${cls}`;
    const have = byName.get(name);
    if (have !== undefined) return map.buckets[-1 - have]!;
    const items: number[] = [];
    const weights: number[] = [];
    orig.items.forEach((it, i) => {
      if (it >= 0) {
        if (map.devices.get(it)?.className === cls) {
          items.push(it);
          weights.push(orig.itemWeights[i]!);
        }
      } else {
        const child = clone(it, cls);
        items.push(child.id);
        weights.push(child.weight);
      }
    });
    let sid = orig.classIds.get(cls);
    if (sid === undefined) {
      // Not declared in the text: Ceph allocates an unused id; take the first from -1 down.
      for (sid = -1; used.has(sid); sid--);
      orig.classIds.set(cls, sid);
    }
    used.add(sid);
    const b = makeBucket(
      {
        id: sid,
        name,
        type: orig.type,
        alg: orig.alg,
        hash: orig.hash,
        items,
        itemWeights: weights,
      },
      map.tunables.straw_calc_version,
    );
    b.shadowOf = { id: orig.id, className: cls };
    map.buckets[-1 - sid] = b;
    byName.set(name, sid);
    return b;
  };
  for (const r of roots) for (const c of classes) clone(r, c);
}
