/**
 * A `crushtool -d` text map (issue 8, item 7b) as a one-event trace for the placement view.
 *
 * The engine's own CRUSH compiler (`parseCrushMap`, the text grammar `crushtool -c` accepts)
 * parses it; the hierarchy goes out as `osd_tree` in the `ceph osd tree -f json` shape the
 * engine's maps already carry (`osdTreeJson`), on a `handle_osd_map` point — the catalog step
 * where a client first receives its map and the hierarchy — so src/ui/derive/placement.ts needs
 * no new input. A text map has no OSD states: every device counts as existing, up and in.
 *
 * PG → OSD mappings: the map is put in an OSDMap (`buildOsdMap`, the engine's bit-exact CRUSH)
 * with one pool — id 1, hashpspool, replicated; size, pg_num and rule are the importer's
 * choice (default 3, 32 and the map's first rule) — and every PG's up/acting/primary goes out
 * as `pgs` (the same rows `crushtool --test --pool-id 1 --min-x 0 --max-x pg_num-1
 * --show-mappings` prints; __fixtures__/crush-pg). The page asks for another pool with an
 * `iopath.crush-import/1` document: `{schema, crush_map: "<text>", pool: {size, pg_num,
 * crush_rule}}`.
 */
import {
  buildOsdMap,
  CrushParseError,
  parseCrushMap,
  type Json,
  type TraceEvent,
} from '../engine/index.ts';
import { osdTreeJson } from '../engine/ceph/cluster/osd-tree.ts';
import { formatPgId } from '../engine/ceph/osdmap/pg.ts';

export const CRUSH_IMPORT_SCHEMA = 'iopath.crush-import/1';
/** Bounds of the importer's pool (PG rows travel in one event: keep it readable). */
export const MAX_IMPORT_PG_NUM = 4096;
export const MAX_IMPORT_SIZE = 10;

export interface CrushPool {
  size: number;
  pg_num: number;
  crush_rule: number;
}

/** Not JSON: a crushtool text map is tried for anything that does not open with `{` or `[`. */
export function maybeCrushText(text: string): boolean {
  return !/^\s*[[{]/.test(text);
}

export type CrushImport = { ok: true; events: TraceEvent[] } | { ok: false; error: string };

const isNat = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * An `iopath.crush-import/1` document (a crush map + the pool to map) → its events; null when
 * the text is not one (then it is a trace, a dump or crushtool text).
 */
export function crushImportDocToEvents(text: string): CrushImport | null {
  if (!text.trimStart().startsWith('{') || !text.includes(CRUSH_IMPORT_SCHEMA)) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null) return null;
  const d = doc as Record<string, unknown>;
  if (d.schema !== CRUSH_IMPORT_SCHEMA) return null;
  if (typeof d.crush_map !== 'string')
    return { ok: false, error: 'crush_map: expected crushtool -d text' };
  const p = d.pool;
  if (typeof p !== 'object' || p === null || Array.isArray(p))
    return { ok: false, error: 'pool: expected {size, pg_num, crush_rule}' };
  const q = p as Record<string, unknown>;
  const pool: Partial<CrushPool> = {};
  for (const k of ['size', 'pg_num', 'crush_rule'] as const) {
    const v = q[k];
    if (v === undefined) continue;
    if (!isNat(v)) return { ok: false, error: `pool.${k}: expected an integer ≥ 0` };
    pool[k] = v;
  }
  return crushTextToEvents(d.crush_map, pool);
}

/** The pool's checks, as `pool.<field>: …` (null: fine). */
function checkPool(pool: CrushPool, ruleIds: readonly number[]): string | null {
  if (pool.size < 1 || pool.size > MAX_IMPORT_SIZE)
    return `pool.size: expected 1..${MAX_IMPORT_SIZE}`;
  if (pool.pg_num < 1 || pool.pg_num > MAX_IMPORT_PG_NUM)
    return `pool.pg_num: expected 1..${MAX_IMPORT_PG_NUM}`;
  if (!ruleIds.includes(pool.crush_rule))
    return `pool.crush_rule: the map has no rule ${pool.crush_rule} (rules: ${ruleIds.join(', ')})`;
  return null;
}

export function crushTextToEvents(text: string, want: Partial<CrushPool> = {}): CrushImport {
  let map;
  try {
    map = parseCrushMap(text);
  } catch (e) {
    const msg = e instanceof CrushParseError ? e.message : String((e as Error).message ?? e);
    return { ok: false, error: `crush map: ${msg}` };
  }
  const realBuckets = map.buckets.filter((b) => b !== undefined && !b.shadowOf);
  if (map.devices.size === 0 && realBuckets.length === 0)
    return { ok: false, error: 'crush map: no devices and no buckets (not a crushtool -d map?)' };
  const tree = osdTreeJson(map, {
    exists: (id) => map.devices.has(id),
    isUp: () => true,
    reweight16: () => 0x10000,
    primaryAffinity16: () => 0x10000,
  });
  const ruleList = map.rules.flatMap((r, id) => (r === undefined ? [] : [{ id, name: r.name }]));
  const rules = ruleList.map((r) => r.name);
  const data: Record<string, Json> = {
    source: 'crushtool -d',
    devices: map.devices.size,
    buckets: realBuckets.length,
    rules,
    rule_ids: ruleList.map((r) => r.id),
    osd_tree: tree,
  };
  let caption = `CRUSH map imported from crushtool -d text: ${map.devices.size} devices, ${realBuckets.length} buckets, ${rules.length} rules.`;
  const first = ruleList[0];
  if (first !== undefined && map.devices.size > 0) {
    const pool: CrushPool = {
      size: want.size ?? 3,
      pg_num: want.pg_num ?? 32,
      crush_rule: want.crush_rule ?? first.id,
    };
    const bad = checkPool(pool, data.rule_ids as number[]);
    if (bad) return { ok: false, error: bad };
    const pgs: Json[] = [];
    try {
      const osdmap = buildOsdMap({
        crush_map: text,
        pools: [
          {
            name: 'imported',
            id: 1,
            size: pool.size,
            pg_num: pool.pg_num,
            crush_rule: pool.crush_rule,
          },
        ],
      });
      const pgPool = osdmap.pools.get(1)!;
      for (let ps = 0; ps < pool.pg_num; ps++) {
        const m = osdmap.pgToUpActing(pgPool, { pool: 1, seed: ps });
        pgs.push({
          pgid: formatPgId(m.pgid),
          up: m.up,
          acting: m.acting,
          primary: m.actingPrimary,
          pps: m.pps,
        });
      }
    } catch (e) {
      // A map the parser took but CRUSH cannot run (e.g. a rule that takes a missing bucket).
      return { ok: false, error: `crush map: PG mapping: ${(e as Error).message}` };
    }
    const ruleName = ruleList.find((r) => r.id === pool.crush_rule)?.name ?? '';
    data.pool = { id: 1, name: 'imported', ...pool, rule_name: ruleName };
    data.pgs = pgs;
    caption += ` Pool 1 (size ${pool.size}, pg_num ${pool.pg_num}, rule ${pool.crush_rule} ${ruleName}): ${pool.pg_num} PGs mapped by CRUSH.`;
  }
  return {
    ok: true,
    events: [
      {
        seq: 0,
        t: 0,
        pipeline: 'ceph.write',
        op: -1,
        step: 'handle_osd_map',
        phase: 'point',
        actor: 'client',
        caption,
        data,
      },
    ],
  };
}
