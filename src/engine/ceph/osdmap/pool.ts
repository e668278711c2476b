/**
 * `pg_pool_t`, the parts placement needs: size/min_size, pg_num/pgp_num with their masks,
 * the hashpspool flag, crush_rule and object_hash (spec §3.2–3.3).
 */
import { crushHash32_2 } from '../hash/rjenkins.ts';
import { calcPgMask, cephStableMod } from '../hash/stable-mod.ts';
import { CEPH_STR_HASH_RJENKINS, cephStrHash, cephStrHashName } from '../hash/str-hash.ts';

export const POOL_TYPE_REPLICATED = 1;
export const POOL_TYPE_ERASURE = 3;
export const FLAG_HASHPSPOOL = 1;

export interface PgPool {
  id: number;
  name: string;
  /** 1 = replicated, 3 = erasure. */
  type: number;
  size: number;
  minSize: number;
  crushRule: number;
  /** CEPH_STR_HASH_*: 2 = rjenkins (default). */
  objectHash: number;
  pgNum: number;
  pgpNum: number;
  /** Pool flags; FLAG_HASHPSPOOL (1) is on by default. */
  flags: number;
  /** Application tag printed by `osdmaptool --print` (`application rbd`). */
  application?: string;
  lastChange: number;
}

export interface PoolSpec {
  id: number;
  name: string;
  size?: number;
  minSize?: number;
  pgNum?: number;
  pgpNum?: number;
  crushRule?: number;
  hashpspool?: boolean;
  type?: number;
  objectHash?: number;
  application?: string;
}

/** Pacific defaults: size 3, min_size = size - size/2, pg_num 32, hashpspool on. */
export function makePool(spec: PoolSpec): PgPool {
  const size = spec.size ?? 3;
  const pgNum = spec.pgNum ?? 32;
  const pool: PgPool = {
    id: spec.id,
    name: spec.name,
    type: spec.type ?? POOL_TYPE_REPLICATED,
    size,
    minSize: spec.minSize ?? size - Math.floor(size / 2),
    crushRule: spec.crushRule ?? 0,
    objectHash: spec.objectHash ?? CEPH_STR_HASH_RJENKINS,
    pgNum,
    pgpNum: spec.pgpNum ?? pgNum,
    flags: spec.hashpspool === false ? 0 : FLAG_HASHPSPOOL,
    lastChange: 0,
  };
  if (spec.application !== undefined) pool.application = spec.application;
  return pool;
}

export function pgNumMask(pool: PgPool): number {
  return calcPgMask(pool.pgNum);
}
export function pgpNumMask(pool: PgPool): number {
  return calcPgMask(pool.pgpNum);
}

/** `pg_pool_t::hash_key(key, ns)`: the namespace is prefixed with a 0x1f separator. */
export function poolHashKey(pool: PgPool, key: string, nspace = ''): number {
  return cephStrHash(pool.objectHash, nspace === '' ? key : `${nspace}\x1f${key}`);
}

/** `raw_pg_to_pg`: fold a raw 32-bit placement seed into [0, pg_num). */
export function rawPgToPgSeed(pool: PgPool, ps: number): number {
  return cephStableMod(ps, pool.pgNum, pgNumMask(pool));
}

/**
 * `raw_pg_to_pps`: the CRUSH input x for a PG. With hashpspool the (pgp-folded) seed is
 * hashed with the pool id so pools don't overlap; otherwise the pool id is added.
 */
export function rawPgToPps(pool: PgPool, ps: number): number {
  const s = cephStableMod(ps, pool.pgpNum, pgpNumMask(pool));
  if (pool.flags & FLAG_HASHPSPOOL) return crushHash32_2(s, pool.id);
  return (s + pool.id) >>> 0;
}

/** `osdmaptool --print` pool line (the fields a fresh replicated pool shows). */
export function formatPoolLine(pool: PgPool): string {
  const type = pool.type === POOL_TYPE_ERASURE ? 'erasure' : 'replicated';
  const flags = pool.flags & FLAG_HASHPSPOOL ? ' flags hashpspool' : '';
  const app = pool.application ? ` application ${pool.application}` : '';
  return (
    `pool ${pool.id} '${pool.name}' ${type} size ${pool.size} min_size ${pool.minSize} crush_rule ${pool.crushRule}` +
    ` object_hash ${cephStrHashName(pool.objectHash)} pg_num ${pool.pgNum} pgp_num ${pool.pgpNum} autoscale_mode on` +
    ` last_change ${pool.lastChange}${flags} stripe_width 0${app}`
  );
}
