/**
 * Object layout: which target holds each shard, and which group a dkey belongs to.
 *
 * Simulation note (spec §2.3): the real jump-map placement descends the pool-map tree with
 * CRC-keyed jump hashes. We use a simplified placement with the properties the pipelines
 * depend on: (a) a pure function of the oid and the pool map, (b) the shards of one group sit
 * on distinct engines (ranks), (c) groups spread over all targets before any target is reused.
 * dkey → group and the replica leader follow the real rules exactly (§2.2).
 */
import { jumpHash, murmur64, u64FromLe, DKEY_HASH_SEED } from './hash.ts';
import { otypeDkeyIsUint64 } from './constants.ts';
import { oidGrpNr, oidRedun, oidType, type ObjId } from './oid.ts';

export interface TargetRef {
  /** Global target id (`co_id`). */
  id: number;
  rank: number;
  /** Target index inside its engine (the RPC tag). */
  idx: number;
}

export interface ShardPlacement {
  /** `po_shard`: shard index within the object. */
  shard: number;
  /** `po_target`: global target id. */
  target: number;
  rank: number;
  idx: number;
}

export interface ObjLayout {
  grpNr: number;
  grpSize: number;
  shards: ShardPlacement[];
}

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64 — a tiny deterministic stream keyed by the oid. */
function splitmix64(state: { s: bigint }): bigint {
  state.s = (state.s + 0x9e3779b97f4a7c15n) & MASK64;
  let z = state.s;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** Compute the layout of an object over the pool's targets (`pl_obj_place`, simplified). */
export function placeObject(oid: ObjId, targets: readonly TargetRef[]): ObjLayout {
  const redun = oidRedun(oid);
  const grpNr = Math.max(1, oidGrpNr(oid));
  const grpSize = redun.grpSize;
  // Deterministic permutation of the targets keyed by the oid (Fisher–Yates).
  const order = targets.slice();
  const st = { s: (oid.hi ^ (oid.lo * 0x9e3779b97f4a7c15n)) & MASK64 };
  for (let i = order.length - 1; i > 0; i--) {
    const j = Number(splitmix64(st) % BigInt(i + 1));
    const t = order[i] as TargetRef;
    order[i] = order[j] as TargetRef;
    order[j] = t;
  }
  const shards: ShardPlacement[] = [];
  let usedByObj = new Set<number>();
  let cursor = 0;
  for (let g = 0; g < grpNr; g++) {
    const ranksInGroup = new Set<number>();
    for (let r = 0; r < grpSize; r++) {
      if (usedByObj.size >= order.length) usedByObj = new Set();
      let pick: TargetRef | undefined;
      for (let k = 0; k < order.length && !pick; k++) {
        const t = order[(cursor + k) % order.length] as TargetRef;
        if (!usedByObj.has(t.id) && !ranksInGroup.has(t.rank)) {
          pick = t;
          cursor = (cursor + k + 1) % order.length;
        }
      }
      // More replicas than ranks cannot happen (oclassFitMax checks grp_size ≤ domains), but
      // fall back to any unused target rather than loop.
      if (!pick) pick = order.find((t) => !usedByObj.has(t.id));
      if (!pick) throw new Error('placeObject: no target left');
      usedByObj.add(pick.id);
      ranksInGroup.add(pick.rank);
      shards.push({ shard: g * grpSize + r, target: pick.id, rank: pick.rank, idx: pick.idx });
    }
  }
  return { grpNr, grpSize, shards };
}

/** `obj_dkey2hash`: uint64-dkey types hash to the key value, others to murmur64(seed 5731). */
export function dkeyHash(oid: ObjId, dkey: Uint8Array): bigint {
  if (otypeDkeyIsUint64(oidType(oid))) return u64FromLe(dkey);
  return murmur64(dkey, DKEY_HASH_SEED);
}

/** `obj_dkey2grpidx`: jump hash of the dkey hash over the group count. */
export function dkeyGroup(layout: ObjLayout, hash: bigint): number {
  return jumpHash(hash, layout.grpNr);
}

/**
 * `obj_replica_leader_select` with a healthy group: replica `(dkey_hash + grp_idx) mod
 * grp_size`. Returns the shard index.
 */
export function groupLeaderShard(layout: ObjLayout, hash: bigint, grp: number): number {
  const r = Number((hash + BigInt(grp)) % BigInt(layout.grpSize));
  return grp * layout.grpSize + r;
}
