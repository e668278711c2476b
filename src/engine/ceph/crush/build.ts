/**
 * Assembling CRUSH maps in memory: `makeBucket` (crush_make_*_bucket: derived fields per
 * algorithm), `finalizeMap` (max_devices), and the 16.16 weight conversions crushtool uses.
 */
import { calcListSums, calcStraws, calcTreeNodeWeights } from './buckets.ts';
import {
  CRUSH_BUCKET_LIST,
  CRUSH_BUCKET_STRAW,
  CRUSH_BUCKET_TREE,
  type CrushBucket,
  type CrushMap,
} from './types.ts';

/**
 * A decimal weight as CrushCompiler stores it: `(unsigned)(strtof(s) * (float)0x10000)`.
 * Float math matters: 0.9 → 58982, 1.1 → 72089 (spec §1).
 */
export function weightFromFloat(w: number): number {
  const f = Math.fround(Math.fround(w) * 65536);
  return f <= 0 ? 0 : Math.trunc(f) >>> 0;
}

/**
 * `crushtool --weight DEV W` / `ceph osd reweight`: `(int)(W * 0x10000)` clamped to
 * [0, 0x10000] (0.5 → 32768, 0.3 → 19660).
 */
export function reweightFromFloat(w: number): number {
  const v = Math.trunc(w * 0x10000);
  return v < 0 ? 0 : v > 0x10000 ? 0x10000 : v;
}

export interface BucketSpec {
  id: number;
  name: string;
  type: number;
  alg: number;
  hash?: number;
  items: number[];
  itemWeights: number[];
  classIds?: Map<string, number>;
}

/** Build a bucket and its algorithm's derived fields (straws need straw_calc_version). */
export function makeBucket(spec: BucketSpec, strawCalcVersion: number): CrushBucket {
  const weights = spec.itemWeights.map((w) => w >>> 0);
  let total = 0;
  for (const w of weights) total = (total + w) >>> 0;
  return {
    id: spec.id,
    name: spec.name,
    type: spec.type,
    alg: spec.alg,
    hash: spec.hash ?? 0,
    weight: total,
    items: [...spec.items],
    itemWeights: weights,
    straws: spec.alg === CRUSH_BUCKET_STRAW ? calcStraws(weights, strawCalcVersion) : [],
    sumWeights: spec.alg === CRUSH_BUCKET_LIST ? calcListSums(weights) : [],
    nodeWeights: spec.alg === CRUSH_BUCKET_TREE ? calcTreeNodeWeights(weights) : [],
    classIds: spec.classIds ?? new Map<string, number>(),
  };
}

/** `crush_finalize` + CrushWrapper: max_devices = 1 + highest device id seen anywhere. */
export function finalizeMap(map: CrushMap): CrushMap {
  let max = 0;
  for (const b of map.buckets) {
    if (!b) continue;
    for (const it of b.items) if (it >= max) max = it + 1;
  }
  for (const id of map.devices.keys()) if (id >= max) max = id + 1;
  map.maxDevices = max;
  return map;
}

/** Is device `id` an item of some bucket (`check_item_present`)? */
export function isItemPresent(map: CrushMap, id: number): boolean {
  for (const b of map.buckets) if (b && b.items.includes(id)) return true;
  return false;
}

/**
 * The weight vector crushtool --test uses: 0x10000 for devices present in the hierarchy,
 * 0 for others, then the `--weight DEV W` overrides.
 */
export function crushtoolWeights(
  map: CrushMap,
  overrides: ReadonlyMap<number, number> = new Map(),
): number[] {
  const w: number[] = [];
  for (let o = 0; o < map.maxDevices; o++) {
    const ov = overrides.get(o);
    w.push(ov !== undefined ? ov : isItemPresent(map, o) ? 0x10000 : 0);
  }
  return w;
}
