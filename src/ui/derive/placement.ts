/**
 * Ceph placement state at the cursor: the CRUSH hierarchy and OSD states, PG → OSD mappings and
 * each object's placement path, from event data:
 *   - `_calc_target {oid, raw_hash, pgid, up, acting, primary, epoch, pps?, pool?, raw_pg?,
 *     crush?}` (Objecter) and any event whose data has `pgid|pg` + `up` + `acting` arrays
 *     (e.g. `ceph_osd_map` results) → PG rows and object paths;
 *   - `osd_tree` in the shape `ceph osd tree -f json` prints (`{nodes:[{id, name, type,
 *     children?, crush_weight?, reweight?, status?}]}`) on any event → the hierarchy;
 *   - `OSDMonitor::update_from_paxos {epoch, down:[ids]}` → up/down for every known OSD;
 *   - `pgs: [{pgid, up, acting, primary}]` (a whole pool, e.g. a crushtool map import) → rows.
 * Without an `osd_tree` the hierarchy is just the OSDs the trace mentions (the engine does
 * not emit its CRUSH map yet).
 */
import type { TraceEvent } from '../../protocol/index.ts';
import type { Json } from '../../engine/trace/event.ts';
import type { Reducer } from './createDerived.ts';
import {
  actorOf,
  foldEventOf,
  mayHaveDataKey,
  jsonKey,
  stepOf,
  type EventList,
} from './eventList.ts';
import { num, str } from './grow.ts';

export interface CrushNode {
  id: number;
  name: string;
  type: string;
  children: number[];
  weight?: number;
  reweight?: number;
}

export interface OsdInfo {
  id: number;
  up: boolean;
  in: boolean;
}

export interface PgRow {
  pgid: string;
  up: number[];
  acting: number[];
  primary: number;
  epoch?: number;
  i: number;
}

export interface ObjectPath extends PgRow {
  oid: string;
  rawHash?: string;
  pool?: string;
  rawPg?: string;
  pps?: string;
  /** CRUSH steps as the engine reports them (free-form JSON rendered as text). */
  crush?: Json;
}

export interface PlacementState {
  tree: Map<number, CrushNode>;
  osds: Map<number, OsdInfo>;
  pgs: Map<string, PgRow>;
  objects: Map<string, ObjectPath>;
  epoch?: number;
  /** Object placed by the most recent mapping event. */
  lastOid?: string;
}

export const placementInitial = (): PlacementState => ({
  tree: new Map(),
  osds: new Map(),
  pgs: new Map(),
  objects: new Map(),
});

type Rec = { [k: string]: Json };
const rec = (v: Json | undefined): Rec | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
const ints = (v: Json | undefined): number[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'number') ? v : undefined;
const text = (v: Json | undefined): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

function osd(s: PlacementState, id: number): OsdInfo {
  let o = s.osds.get(id);
  if (!o) {
    o = { id, up: true, in: true };
    s.osds.set(id, o);
  }
  return o;
}

function readTree(s: PlacementState, t: Rec): void {
  const nodes = Array.isArray(t.nodes) ? t.nodes : [];
  s.tree = new Map();
  for (const n of nodes) {
    const r = rec(n);
    const id = num(r, 'id');
    if (!r || id === undefined) continue;
    const node: CrushNode = {
      id,
      name: str(r, 'name') ?? (id >= 0 ? `osd.${id}` : `bucket${id}`),
      type: str(r, 'type') ?? (id >= 0 ? 'osd' : 'bucket'),
      children: ints(r.children) ?? [],
    };
    const w = num(r, 'crush_weight');
    if (w !== undefined) node.weight = w;
    const rw = num(r, 'reweight');
    if (rw !== undefined) node.reweight = rw;
    s.tree.set(id, node);
    if (id >= 0) {
      const o = osd(s, id);
      const st = str(r, 'status');
      if (st !== undefined) o.up = st === 'up';
      if (rw !== undefined) o.in = rw > 0;
    }
  }
}

export function applyPlacement(s: PlacementState, e: TraceEvent): PlacementState {
  const d = e.data;
  if (!d) return s;
  const t = rec(d.osd_tree);
  if (t) readTree(s, t);
  if (e.step === 'OSDMonitor::update_from_paxos') {
    const ep = num(d, 'epoch');
    if (ep !== undefined) s.epoch = ep;
    const down = new Set(ints(d.down) ?? []);
    for (const o of s.osds.values()) o.up = !down.has(o.id);
    for (const id of down) osd(s, id).up = false;
  }
  // A whole pool's PG table at once (the crushtool map import: data.pgs rows).
  if (Array.isArray(d.pgs))
    for (const r of d.pgs) {
      const row = rec(r);
      const id = text(row?.pgid);
      const rup = ints(row?.up);
      const ract = ints(row?.acting);
      if (!row || id === undefined || !rup || !ract) continue;
      for (const o of [...rup, ...ract]) if (o >= 0 && o !== 0x7fffffff) osd(s, o);
      s.pgs.set(id, {
        pgid: id,
        up: rup,
        acting: ract,
        primary: num(row, 'primary') ?? ract[0] ?? -1,
        i: e.seq,
      });
    }
  const up = ints(d.up);
  const acting = ints(d.acting);
  const pgid = text(d.pgid) ?? text(d.pg);
  if (up && acting && pgid !== undefined) {
    for (const id of [...up, ...acting]) if (id >= 0 && id !== 0x7fffffff) osd(s, id);
    const ep = num(d, 'epoch');
    const row: PgRow = {
      pgid,
      up,
      acting,
      primary: num(d, 'primary') ?? acting[0] ?? -1,
      i: e.seq,
    };
    if (ep !== undefined) {
      row.epoch = ep;
      s.epoch = Math.max(s.epoch ?? 0, ep);
    }
    s.pgs.set(pgid, row);
    const oid = str(d, 'oid');
    if (oid !== undefined) {
      const p: ObjectPath = { ...row, oid };
      const rh = text(d.raw_hash);
      if (rh !== undefined) p.rawHash = rh;
      const pool = text(d.pool);
      if (pool !== undefined) p.pool = pool;
      const rp = text(d.raw_pg) ?? text(d.raw_pgid);
      if (rp !== undefined) p.rawPg = rp;
      const pps = text(d.pps);
      if (pps !== undefined) p.pps = pps;
      if (d.crush !== undefined) p.crush = d.crush;
      s.objects.set(oid, p);
      s.lastOid = oid;
    }
  }
  // actors named osd.N exist even before any mapping mentions them
  const id = actorOsd(e.actor);
  if (id !== undefined) osd(s, id);
  return s;
}

/** `osd.N` → N (undefined for other actors); memoized: a trace has a handful of actors. */
const actorOsds = new Map<string, number | undefined>();
function actorOsd(actor: string): number | undefined {
  if (actorOsds.has(actor)) return actorOsds.get(actor);
  const m = /^osd\.(\d+)$/.exec(actor);
  const id = m ? Number(m[1]) : undefined;
  actorOsds.set(actor, id);
  return id;
}

/** The data keys applyPlacement reads (`pgid`/`pg` and `up` come with `acting`). */
const PLACEMENT_KEYS = ['osd_tree', 'pgs', 'acting'].map(jsonKey);

/**
 * Fold event i from the list: only events with a placement key in their raw data bytes (or the
 * monitor's map updates) are decoded — a Ceph trace's data is mostly op structures the
 * placement view never reads, and decoding every event's data dominated warming a 1M trace.
 * The rest only register their OSD actor, as applyPlacement does for any event with data.
 */
function applyPlacementAt(s: PlacementState, l: EventList, i: number): PlacementState {
  if (stepOf(l, i) === 'OSDMonitor::update_from_paxos' || mayHaveDataKey(l, i, PLACEMENT_KEYS))
    return applyPlacement(s, foldEventOf(l, i) as TraceEvent);
  if (l.dataBytes && l.dataBytes(i) === undefined) return s;
  const id = actorOsd(actorOf(l, i) as string);
  if (id !== undefined) osd(s, id);
  return s;
}

export const placementReducer: Reducer<PlacementState> = {
  apply: (s, e) => applyPlacement(s, e),
  applyAt: applyPlacementAt,
  clone: (s) => {
    const c: PlacementState = {
      tree: s.tree, // replaced wholesale on change, never mutated: share it
      osds: new Map([...s.osds].map(([k, o]) => [k, { ...o }])),
      pgs: new Map(s.pgs),
      objects: new Map(s.objects),
    };
    if (s.epoch !== undefined) c.epoch = s.epoch;
    if (s.lastOid !== undefined) c.lastOid = s.lastOid;
    return c;
  },
};

/** Roots of the hierarchy (nodes nobody lists as a child); without a tree, one synthetic root. */
export function crushRoots(s: PlacementState): CrushNode[] {
  if (s.tree.size === 0) {
    return [
      {
        id: -1,
        name: 'default (from the OSDs in the trace)',
        type: 'root',
        children: [...s.osds.keys()].sort((a, b) => a - b),
      },
    ];
  }
  const child = new Set<number>();
  for (const n of s.tree.values()) for (const c of n.children) child.add(c);
  return [...s.tree.values()].filter((n) => !child.has(n.id));
}
