/**
 * `OSDMap`: the CRUSH map, the pools and the per-OSD state (exists/up, in-weight,
 * primary affinity), pg_temp/primary_temp, and the PG → OSD pipeline of spec §3.3:
 *
 *   object name ─ceph_str_hash_rjenkins→ raw ps ─ceph_stable_mod(pg_num)→ pg seed
 *   ─raw_pg_to_pps (hashpspool)→ pps ─crush_do_rule→ raw ─remove nonexistent→
 *   ─pg_upmap(_items)→ ─drop down→ up, up_primary ─primary affinity→ ─pg_temp/primary_temp→
 *   acting. (`raw` in the results is CRUSH's output before upmap, as osdmaptool prints it.)
 *
 * Every mutation bumps the epoch like a new map from the monitor would.
 */
import { crushDoRule } from '../crush/mapper.ts';
import { CRUSH_ITEM_NONE, type CrushMap } from '../crush/types.ts';
import { crushHash32_2 } from '../hash/rjenkins.ts';
import { formatPgId, type PgId } from './pg.ts';
import {
  POOL_TYPE_REPLICATED,
  poolHashKey,
  rawPgToPgSeed,
  rawPgToPps,
  type PgPool,
} from './pool.ts';

/** 16.16 "fully in" reweight and the default (maximum) primary affinity. */
export const CEPH_OSD_IN = 0x10000;
export const CEPH_OSD_OUT = 0;
export const CEPH_OSD_DEFAULT_PRIMARY_AFFINITY = 0x10000;
export const CEPH_OSD_MAX_PRIMARY_AFFINITY = 0x10000;

export interface OsdState {
  exists: boolean;
  up: boolean;
  /** The in/reweight value fed to CRUSH (0x10000 in, 0 out, fraction = reweight). */
  weight: number;
  primaryAffinity: number;
}

/** What `pg_to_up_acting_osds` returns. */
export interface PgMapping {
  pgid: PgId;
  /** The CRUSH input x (pps). */
  pps: number;
  /** CRUSH output after removing nonexistent OSDs. */
  raw: number[];
  up: number[];
  upPrimary: number;
  acting: number[];
  actingPrimary: number;
}

export interface ObjectMapping extends PgMapping {
  /** Raw pg: pool + full 32-bit object hash (`2.bd554330`). */
  rawPgid: PgId;
}

export class OsdMap {
  epoch: number;
  readonly crush: CrushMap;
  readonly pools = new Map<number, PgPool>();
  readonly osds: OsdState[] = [];
  /** pg_temp / primary_temp keyed by printed pg id. */
  readonly pgTemp = new Map<string, number[]>();
  readonly primaryTemp = new Map<string, number>();
  /** pg_upmap (whole raw vector) and pg_upmap_items (pairwise replacements), by pg id. */
  readonly pgUpmap = new Map<string, number[]>();
  readonly pgUpmapItems = new Map<string, [number, number][]>();

  constructor(crush: CrushMap, maxOsd = crush.maxDevices, epoch = 1) {
    this.crush = crush;
    this.epoch = epoch;
    this.setMaxOsd(maxOsd);
  }

  get maxOsd(): number {
    return this.osds.length;
  }

  /** Grow/shrink the OSD table; new OSDs exist, are up and in (`--mark-up-in`). */
  setMaxOsd(n: number): void {
    while (this.osds.length < n)
      this.osds.push({
        exists: true,
        up: true,
        weight: CEPH_OSD_IN,
        primaryAffinity: CEPH_OSD_DEFAULT_PRIMARY_AFFINITY,
      });
    this.osds.length = n;
    this.weightCache = undefined;
  }

  addPool(pool: PgPool): void {
    this.pools.set(pool.id, pool);
  }

  poolByName(name: string): PgPool | undefined {
    for (const p of this.pools.values()) if (p.name === name) return p;
    return undefined;
  }

  // -- OSD state (each change is a new epoch) ------------------------------------------

  private osd(id: number): OsdState {
    const o = this.osds[id];
    if (o === undefined)
      throw new RangeError(`osd.${id} does not exist (max_osd ${this.osds.length})`);
    return o;
  }
  exists(id: number): boolean {
    return id >= 0 && id < this.osds.length && this.osds[id]!.exists;
  }
  isUp(id: number): boolean {
    return this.exists(id) && this.osds[id]!.up;
  }
  isIn(id: number): boolean {
    return this.exists(id) && this.osds[id]!.weight !== CEPH_OSD_OUT;
  }
  markDown(id: number): void {
    this.osd(id).up = false;
    this.changed();
  }
  markUp(id: number): void {
    this.osd(id).up = true;
    this.changed();
  }
  markOut(id: number): void {
    this.osd(id).weight = CEPH_OSD_OUT;
    this.changed();
  }
  markIn(id: number): void {
    this.osd(id).weight = CEPH_OSD_IN;
    this.changed();
  }
  /** `ceph osd reweight ID W` with W already in 16.16. */
  setWeight(id: number, weight16: number): void {
    this.osd(id).weight = weight16;
    this.changed();
  }
  /** `ceph osd primary-affinity ID A` with A in 16.16 (0 .. 0x10000). */
  setPrimaryAffinity(id: number, affinity16: number): void {
    this.osd(id).primaryAffinity = affinity16;
    this.changed();
  }
  setPgTemp(pg: PgId, osds: number[] | undefined): void {
    if (osds && osds.length) this.pgTemp.set(formatPgId(pg), [...osds]);
    else this.pgTemp.delete(formatPgId(pg));
    this.changed();
  }
  setPrimaryTemp(pg: PgId, osd: number | undefined): void {
    if (osd === undefined || osd < 0) this.primaryTemp.delete(formatPgId(pg));
    else this.primaryTemp.set(formatPgId(pg), osd);
    this.changed();
  }

  /** `ceph osd pg-upmap PG OSD…` (undefined or [] removes it). */
  setPgUpmap(pg: PgId, osds: number[] | undefined): void {
    if (osds && osds.length) this.pgUpmap.set(formatPgId(pg), [...osds]);
    else this.pgUpmap.delete(formatPgId(pg));
    this.changed();
  }
  /** `ceph osd pg-upmap-items PG FROM TO [FROM TO]…` (undefined or [] removes it). */
  setPgUpmapItems(pg: PgId, pairs: [number, number][] | undefined): void {
    if (pairs && pairs.length)
      this.pgUpmapItems.set(
        formatPgId(pg),
        pairs.map(([a, b]) => [a, b]),
      );
    else this.pgUpmapItems.delete(formatPgId(pg));
    this.changed();
  }

  /** Every mutator ends here: a new epoch, and the cached weight vector is stale. */
  private changed(): void {
    this.epoch++;
    this.weightCache = undefined;
  }
  private weightCache: number[] | undefined;

  /**
   * The reweight vector CRUSH sees (osd_weight[0..max_osd)), cached between mutations —
   * change OSD state through the methods above, not by writing `osds[i]` directly.
   */
  weightVector(): number[] {
    return (this.weightCache ??= this.osds.map((o) => (o.exists ? o.weight : 0)));
  }

  // -- placement ---------------------------------------------------------------------

  /** `object_locator_to_pg`: raw pg of an object (full 32-bit hash as the seed). */
  objectToRawPg(pool: PgPool, oid: string, nspace = '', key = ''): PgId {
    return { pool: pool.id, seed: poolHashKey(pool, key !== '' ? key : oid, nspace) };
  }

  /** `raw_pg_to_pg`. */
  rawPgToPg(pool: PgPool, raw: PgId): PgId {
    return { pool: raw.pool, seed: rawPgToPgSeed(pool, raw.seed) };
  }

  /**
   * `crush->find_rule(crush_rule, pool type, size)`: with Luminous+ "uniform" rules the
   * rule id is the ruleset; the rule must exist and its type match the pool's.
   */
  findRule(pool: PgPool): number {
    const r = this.crush.rules[pool.crushRule];
    return r !== undefined && r.type === pool.type ? r.id : -1;
  }

  /** `_pg_to_raw_osds`: CRUSH then drop OSDs that do not exist. */
  pgToRawOsds(pool: PgPool, pg: PgId): { raw: number[]; pps: number } {
    const pps = rawPgToPps(pool, pg.seed);
    const ruleno = this.findRule(pool);
    let raw: number[] = [];
    if (ruleno >= 0)
      raw = crushDoRule(
        this.crush,
        ruleno,
        pps,
        pool.size,
        this.weightVector(),
        undefined,
        pool.id,
      );
    raw = this.removeNonexistent(pool, raw);
    return { raw, pps };
  }

  private canShift(pool: PgPool): boolean {
    return pool.type === POOL_TYPE_REPLICATED;
  }

  private removeNonexistent(pool: PgPool, osds: number[]): number[] {
    if (this.canShift(pool)) return osds.filter((o) => this.exists(o));
    return osds.map((o) => (o !== CRUSH_ITEM_NONE && !this.exists(o) ? CRUSH_ITEM_NONE : o));
  }

  private markedOut(osd: number): boolean {
    return (
      osd !== CRUSH_ITEM_NONE && osd >= 0 && osd < this.osds.length && this.osds[osd]!.weight === 0
    );
  }

  /**
   * `_apply_upmap`: an explicit pg_upmap replaces the whole vector unless one of its targets
   * is marked out; then each pg_upmap_items pair replaces its `from` OSD, skipped when the
   * target is out or already in the vector (so a swap [[1,2],[2,1]] does not swap).
   */
  private applyUpmap(pg: PgId, raw: number[]): number[] {
    const key = formatPgId(pg);
    let out = raw;
    const um = this.pgUpmap.get(key);
    if (um !== undefined && !um.some((o) => this.markedOut(o))) out = [...um];
    const items = this.pgUpmapItems.get(key);
    if (items !== undefined) {
      out = [...out];
      for (const [from, to] of items) {
        let exists = false;
        let pos = -1;
        for (let i = 0; i < out.length; i++) {
          const osd = out[i]!;
          if (osd === to) {
            exists = true;
            break;
          }
          if (osd === from && pos < 0 && !this.markedOut(to)) pos = i;
        }
        if (!exists && pos >= 0) out[pos] = to;
      }
    }
    return out;
  }

  /** `_raw_to_up_osds`: down OSDs leave (replicated) or become holes (EC). */
  private rawToUp(pool: PgPool, raw: number[]): number[] {
    if (this.canShift(pool)) return raw.filter((o) => this.isUp(o));
    return raw.map((o) => (o !== CRUSH_ITEM_NONE && this.isUp(o) ? o : CRUSH_ITEM_NONE));
  }

  private static pickPrimary(osds: number[]): number {
    for (const o of osds) if (o !== CRUSH_ITEM_NONE) return o;
    return -1;
  }

  /**
   * `_apply_primary_affinity`: only when some member has a non-default affinity. Walk
   * the set; an OSD is accepted when its affinity is max or `hash32_2(pps, osd) >> 16`
   * falls below it; the first rejected one is the fallback. Replicated: move to front.
   */
  private applyPrimaryAffinity(
    pps: number,
    pool: PgPool,
    osds: number[],
    primary: number,
  ): { osds: number[]; primary: number } {
    let any = false;
    for (const o of osds) {
      if (
        o !== CRUSH_ITEM_NONE &&
        this.osds[o]!.primaryAffinity !== CEPH_OSD_DEFAULT_PRIMARY_AFFINITY
      ) {
        any = true;
        break;
      }
    }
    if (!any) return { osds, primary };
    let pos = -1;
    for (let i = 0; i < osds.length; i++) {
      const o = osds[i]!;
      if (o === CRUSH_ITEM_NONE) continue;
      const a = this.osds[o]!.primaryAffinity;
      if (a < CEPH_OSD_MAX_PRIMARY_AFFINITY && crushHash32_2(pps, o) >>> 16 >= a) {
        if (pos < 0) pos = i;
      } else {
        pos = i;
        break;
      }
    }
    if (pos < 0) return { osds, primary };
    const newPrimary = osds[pos]!;
    const out = [...osds];
    if (this.canShift(pool) && pos > 0) {
      for (let i = pos; i > 0; i--) out[i] = out[i - 1]!;
      out[0] = newPrimary;
    }
    return { osds: out, primary: newPrimary };
  }

  /** `_get_temp_osds`: pg_temp minus down OSDs, and primary_temp. */
  private tempOsds(pool: PgPool, pg: PgId): { temp: number[]; tempPrimary: number } {
    const key = formatPgId(pg);
    const t = this.pgTemp.get(key) ?? [];
    const temp: number[] = [];
    for (const o of t) {
      if (!this.exists(o) || !this.isUp(o)) {
        if (!this.canShift(pool)) temp.push(CRUSH_ITEM_NONE);
      } else temp.push(o);
    }
    let tempPrimary = this.primaryTemp.get(key) ?? -1;
    if (tempPrimary === -1 && temp.length) tempPrimary = OsdMap.pickPrimary(temp);
    return { temp, tempPrimary };
  }

  /** `pg_to_up_acting_osds` for an actual pg (seed < pg_num). */
  pgToUpActing(pool: PgPool, pg: PgId): PgMapping {
    const { raw, pps } = this.pgToRawOsds(pool, pg);
    let up = this.rawToUp(pool, this.applyUpmap(pg, raw));
    let upPrimary = OsdMap.pickPrimary(up);
    ({ osds: up, primary: upPrimary } = this.applyPrimaryAffinity(pps, pool, up, upPrimary));
    const { temp, tempPrimary } = this.tempOsds(pool, pg);
    const acting = temp.length ? temp : [...up];
    const actingPrimary =
      temp.length || tempPrimary !== -1
        ? tempPrimary !== -1
          ? tempPrimary
          : upPrimary
        : upPrimary;
    return { pgid: pg, pps, raw, up, upPrimary, acting, actingPrimary };
  }

  /** Object → PG → OSDs, what `ceph osd map POOL OID` prints. */
  mapObject(pool: PgPool, oid: string, nspace = '', key = ''): ObjectMapping {
    const rawPgid = this.objectToRawPg(pool, oid, nspace, key);
    const pg = this.rawPgToPg(pool, rawPgid);
    return { rawPgid, ...this.pgToUpActing(pool, pg) };
  }
}
