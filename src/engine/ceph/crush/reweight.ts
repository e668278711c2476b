/**
 * CRUSH weight changes (`ceph osd crush reweight`, CrushWrapper::adjust_item_weight):
 * set an item's weight in every bucket that holds it, rebuild that bucket's derived fields
 * (straw lengths are recalculated with the map's straw_calc_version), then propagate the
 * bucket's new total weight to ITS parents, recursively.
 */
import { makeBucket } from './build.ts';
import { CRUSH_BUCKET_UNIFORM, type CrushBucket, type CrushMap } from './types.ts';

/** `get_item_weight`: the item's weight in the first bucket (by index) holding it. */
export function getItemWeight(map: CrushMap, id: number): number | undefined {
  for (const b of map.buckets) {
    if (!b) continue;
    const i = b.items.indexOf(id);
    if (i >= 0) return b.itemWeights[i];
  }
  return undefined;
}

function rebuilt(map: CrushMap, b: CrushBucket, itemWeights: number[]): CrushBucket {
  return makeBucket(
    {
      id: b.id,
      name: b.name,
      type: b.type,
      alg: b.alg,
      hash: b.hash,
      items: b.items,
      itemWeights,
      classIds: b.classIds,
    },
    map.tunables.straw_calc_version,
  );
}

/**
 * Set item `id`'s 16.16 weight everywhere; returns how many buckets changed (0 = not
 * found, Ceph's -ENOENT). Uniform buckets have one weight for all items, as in Ceph.
 */
export function adjustItemWeight(map: CrushMap, id: number, weight: number): number {
  let changed = 0;
  for (let bidx = 0; bidx < map.buckets.length; bidx++) {
    const b = map.buckets[bidx];
    if (!b || !b.items.includes(id)) continue;
    const w =
      b.alg === CRUSH_BUCKET_UNIFORM
        ? b.items.map(() => weight >>> 0)
        : b.items.map((it, i) => (it === id ? weight >>> 0 : b.itemWeights[i]!));
    const nb = rebuilt(map, b, w);
    map.buckets[bidx] = nb;
    adjustItemWeight(map, nb.id, nb.weight);
    changed++;
  }
  return changed;
}
