/**
 * Immutable per-epoch views over the placement helper's mutable `OsdMap` (osdmap/osdmap.ts).
 * Each view records which OSDs are up at its epoch and memoises PG mappings (Pacific memoises
 * `pg_to_up_acting_osds` per epoch too), so the hot path does CRUSH once per PG per epoch.
 */
import type { OsdMap } from '../osdmap/osdmap.ts';
import type { PgPool } from '../osdmap/pool.ts';
import type { PgId } from '../types.ts';
import { rawPgToPps } from '../osdmap/pool.ts';
import type { Json } from '../../trace/event.ts';
import { crushSteps } from './crush-steps.ts';
import { osdTreeJson } from './osd-tree.ts';
import type { ObjectPlacement, OsdMapView, PgCrush, PgPlacement, PoolInfo } from './map.ts';

export class OsdMapViewImpl implements OsdMapView {
  readonly pools: readonly PoolInfo[];
  readonly osds: readonly number[];
  private readonly pgCache = new Map<number, PgPlacement>();
  private readonly crushCache = new Map<number, PgCrush>();
  private tree: { [k: string]: Json } | undefined;

  private constructor(
    private readonly map: OsdMap,
    readonly epoch: number,
    private readonly down: ReadonlySet<number>,
  ) {
    this.pools = [...map.pools.values()].map((p) => ({
      id: p.id,
      name: p.name,
      size: p.size,
      minSize: p.minSize,
      pgNum: p.pgNum,
    }));
    const osds: number[] = [];
    for (let i = 0; i < map.maxOsd; i++) if (map.exists(i)) osds.push(i);
    this.osds = osds;
  }

  static fromOsdMap(map: OsdMap): OsdMapViewImpl {
    const down = new Set<number>();
    for (let i = 0; i < map.maxOsd; i++) if (map.exists(i) && !map.isUp(i)) down.add(i);
    return new OsdMapViewImpl(map, map.epoch, down);
  }

  isUp(osd: number): boolean {
    return this.osds.includes(osd) && !this.down.has(osd);
  }

  poolByName(name: string): PoolInfo | undefined {
    return this.pools.find((p) => p.name === name);
  }

  poolById(id: number): PoolInfo | undefined {
    return this.pools.find((p) => p.id === id);
  }

  private pool(id: number): PgPool {
    const p = this.map.pools.get(id);
    if (!p) throw new RangeError(`pool ${id} does not exist`);
    return p;
  }

  mapObject(pool: number, name: string): ObjectPlacement {
    const p = this.pool(pool);
    const raw = this.map.objectToRawPg(p, name);
    const pg = this.map.rawPgToPg(p, raw);
    const pgid: PgId = { pool, ps: pg.seed };
    return { pgid, rawHash: raw.seed, ...this.mapPg(pgid) };
  }

  mapPg(pgid: PgId): PgPlacement {
    const key = pgid.pool * 0x100000000 + pgid.ps;
    const hit = this.pgCache.get(key);
    if (hit) return hit;
    // Put this epoch's up/down state on the shared map, then run the real pipeline.
    for (const o of this.osds) {
      const st = this.map.osds[o];
      if (st) st.up = !this.down.has(o);
    }
    const m = this.map.pgToUpActing(this.pool(pgid.pool), { pool: pgid.pool, seed: pgid.ps });
    const r: PgPlacement = { up: m.up, acting: m.acting, primary: m.actingPrimary };
    this.pgCache.set(key, r);
    return r;
  }

  osdTree(): { [k: string]: Json } {
    this.tree ??= osdTreeJson(this.map.crush, {
      exists: (o) => this.map.exists(o),
      isUp: (o) => this.isUp(o),
      reweight16: (o) => this.map.osds[o]?.weight ?? 0,
      primaryAffinity16: (o) => this.map.osds[o]?.primaryAffinity ?? 0,
    });
    return this.tree;
  }

  crushOf(pgid: PgId): PgCrush {
    const key = pgid.pool * 0x100000000 + pgid.ps;
    const hit = this.crushCache.get(key);
    if (hit) return hit;
    const p = this.pool(pgid.pool);
    const pps = rawPgToPps(p, pgid.ps);
    const ruleno = this.map.findRule(p);
    // The same call as OsdMap.pgToRawOsds (in/out weights only: up/down is not CRUSH's input).
    const r =
      ruleno >= 0
        ? crushSteps(this.map.crush, ruleno, pps, p.size, this.map.weightVector(), p.id)
        : { result: [], steps: [] };
    const c: PgCrush = { pps, steps: r.steps, raw: r.result };
    this.crushCache.set(key, c);
    return c;
  }

  withOsdDown(osd: number, down: boolean): OsdMapView {
    const d = new Set(this.down);
    if (down) d.add(osd);
    else d.delete(osd);
    return new OsdMapViewImpl(this.map, this.epoch + 1, d);
  }
}
