/**
 * `buildOsdMap(cephConfig)`: the OSDMap of a scenario's `cluster.ceph` section
 * (DESIGN.md "Cluster"): `crush_map` is crushtool text or `{hosts, osds_per_host}`
 * (default 3 × 1); `pools` get ids 1, 2, … in order unless `id` is given; hashpspool on;
 * every OSD of the CRUSH map exists, is up and in. Invalid configs throw ConfigError with
 * the JSON path of the problem (`crush_map: line 4: …`, `pools[1].size: …`).
 */
import { buildDefaultCrushMap } from '../crush/default-map.ts';
import { CrushParseError, parseCrushMap } from '../crush/text-parser.ts';
import type { CrushMap } from '../crush/types.ts';
import { OsdMap } from './osdmap.ts';
import { makePool, type PoolSpec } from './pool.ts';

export class ConfigError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_CEPH_POOLS: readonly Record<string, unknown>[] = [{ name: 'rbd' }];

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function posInt(v: unknown, path: string, min = 1): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw new ConfigError(path, `expected an integer >= ${min}`);
  return v;
}

/** The CRUSH map of a `cluster.ceph.crush_map` value. */
export function buildCrushMap(crushCfg: unknown, path = 'crush_map'): CrushMap {
  if (crushCfg === undefined) return buildDefaultCrushMap({ hosts: 3, osds_per_host: 1 });
  if (typeof crushCfg === 'string') {
    try {
      return parseCrushMap(crushCfg);
    } catch (e) {
      if (e instanceof CrushParseError) throw new ConfigError(path, e.message);
      throw e;
    }
  }
  if (!isObj(crushCfg))
    throw new ConfigError(path, 'expected crushtool text or {"hosts":N,"osds_per_host":M}');
  const hosts = posInt(crushCfg.hosts, `${path}.hosts`) ?? 3;
  const per = posInt(crushCfg.osds_per_host, `${path}.osds_per_host`) ?? 1;
  const names = crushCfg.host_names;
  if (names !== undefined && (!Array.isArray(names) || names.some((n) => typeof n !== 'string')))
    throw new ConfigError(`${path}.host_names`, 'expected a list of strings');
  return buildDefaultCrushMap({
    hosts,
    osds_per_host: per,
    ...(names ? { host_names: names as string[] } : {}),
  });
}

/** Build the OSDMap for `cluster.ceph` (may be undefined: all defaults). */
export function buildOsdMap(cephConfig: Record<string, unknown> | undefined): OsdMap {
  const cfg = cephConfig ?? {};
  const crush = buildCrushMap(cfg.crush_map);
  const osdmap = new OsdMap(crush, crush.maxDevices, 1);
  const pools = cfg.pools ?? DEFAULT_CEPH_POOLS;
  if (!Array.isArray(pools)) throw new ConfigError('pools', 'expected a list of pools');
  let nextId = 1;
  const names = new Set<string>();
  pools.forEach((p: unknown, i) => {
    const path = `pools[${i}]`;
    if (!isObj(p)) throw new ConfigError(path, 'expected an object');
    if (typeof p.name !== 'string' || p.name === '')
      throw new ConfigError(`${path}.name`, 'expected a pool name');
    if (names.has(p.name)) throw new ConfigError(`${path}.name`, `pool '${p.name}' defined twice`);
    names.add(p.name);
    const id = posInt(p.id, `${path}.id`) ?? nextId;
    if (osdmap.pools.has(id)) throw new ConfigError(`${path}.id`, `pool id ${id} already used`);
    nextId = Math.max(nextId, id + 1);
    const spec: PoolSpec = { id, name: p.name };
    const size = posInt(p.size, `${path}.size`);
    if (size !== undefined) spec.size = size;
    const minSize = posInt(p.min_size, `${path}.min_size`);
    if (minSize !== undefined) spec.minSize = minSize;
    const pgNum = posInt(p.pg_num, `${path}.pg_num`);
    if (pgNum !== undefined) spec.pgNum = pgNum;
    const pgpNum = posInt(p.pgp_num, `${path}.pgp_num`);
    if (pgpNum !== undefined) spec.pgpNum = pgpNum;
    const rule = posInt(p.crush_rule, `${path}.crush_rule`, 0);
    if (rule !== undefined) {
      if (crush.rules[rule] === undefined)
        throw new ConfigError(`${path}.crush_rule`, `no CRUSH rule ${rule}`);
      spec.crushRule = rule;
    }
    if (p.hashpspool !== undefined) {
      if (typeof p.hashpspool !== 'boolean')
        throw new ConfigError(`${path}.hashpspool`, 'expected a boolean');
      spec.hashpspool = p.hashpspool;
    }
    const pool = makePool(spec);
    if (pool.pgpNum > pool.pgNum)
      throw new ConfigError(`${path}.pgp_num`, 'pgp_num must be <= pg_num');
    if (pool.minSize > pool.size)
      throw new ConfigError(`${path}.min_size`, 'min_size must be <= size');
    osdmap.addPool(pool);
  });
  return osdmap;
}

/**
 * Validator for the placement part of `cluster.ceph` (crush_map, pools), in the shape of
 * the scenario registry's ClusterCheck: the first problem as "<path>: message", or null.
 */
export function checkCephPlacementConfig(section: unknown): string | null {
  if (
    section !== undefined &&
    (typeof section !== 'object' || section === null || Array.isArray(section))
  )
    return 'expected an object';
  try {
    buildOsdMap(section as Record<string, unknown> | undefined);
    return null;
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
}
