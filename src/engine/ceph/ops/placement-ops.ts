/**
 * Scenario ops `ceph_osd_map` (pool, oid → pg, up, acting, primary — what `ceph osd map`
 * prints) and `crush_map` (x, rule, num_rep, reweight? → osds — what `crushtool --test
 * --show-mappings` prints), traced as pipeline `ceph.placement`.
 *
 * The OSDMap comes from the scenario's `cluster.ceph` (`buildOsdMap`). When the Ceph IO
 * system (`world.system('ceph')`) already runs, `ceph_osd_map` follows its current epoch's
 * up/down state (a killed OSD leaves the up set as soon as the monitor marks it down).
 */
import { errno } from '../../core/errors.ts';
import { sleep, type Proc } from '../../core/sim.ts';
import type { Runtime } from '../../core/runtime.ts';
import { registerPipeline } from '../../pipelines/index.ts';
import type { Json } from '../../trace/event.ts';
import { registerOps } from '../../scenario/registry.ts';
import type { OpDoc, OpOutcome, OpSpec, ScenarioWorld } from '../../scenario/types.ts';
import { crushtoolWeights, reweightFromFloat } from '../crush/build.ts';
import { crushDoRule, type CrushEvent } from '../crush/mapper.ts';
import type { CrushMap } from '../crush/types.ts';
import { buildOsdMap, ConfigError } from '../osdmap/build-osdmap.ts';
import type { OsdMap } from '../osdmap/osdmap.ts';
import { formatPgId } from '../osdmap/pg.ts';
import { calcPgMask } from '../hash/stable-mod.ts';
import { CEPH_PLACEMENT } from './placement-pipeline.ts';

const PIPELINE = CEPH_PLACEMENT.id;
const MON = 'mon.a';
const CRUSHTOOL = 'crushtool';
/** Virtual cost of one OSDMap computation step / one CRUSH event (ns): pure CPU work. */
const STEP_NS = 1_000;
const CRUSH_EVENT_NS = 100;

/** The placement state of a scenario: an OSDMap built once from `cluster.ceph`. */
interface PlacementState {
  osdmap: OsdMap;
}

/** What we read from the Ceph IO system when it exists (duck-typed: no import cycle). */
interface LiveCephMap {
  map: { epoch: number; isUp(osd: number): boolean };
}

function isLive(v: unknown): v is LiveCephMap {
  if (typeof v !== 'object' || v === null || !('map' in v)) return false;
  const m = v.map;
  return (
    typeof m === 'object' && m !== null && typeof (m as { isUp?: unknown }).isUp === 'function'
  );
}

function placement(world: ScenarioWorld): PlacementState {
  return world.system<PlacementState>('ceph.placement', () => ({
    osdmap: buildOsdMap(world.doc.cluster?.ceph),
  }));
}

/** Bring our OSDMap's up/down state and epoch in line with the running cluster, if any. */
function syncWithLiveCluster(world: ScenarioWorld, om: OsdMap): void {
  const peek = (world as Partial<{ peekSystem(name: string): unknown }>).peekSystem;
  const live = peek?.call(world, 'ceph');
  if (!isLive(live)) return;
  for (let i = 0; i < om.maxOsd; i++) if (om.exists(i)) om.osds[i]!.up = live.map.isUp(i);
  om.epoch = live.map.epoch;
}

// ---- argument checks -------------------------------------------------------------------

function onlyArgs(op: OpDoc, allowed: readonly string[]): string | null {
  for (const k of Object.keys(op)) {
    if (k === 'op' || k === 'as') continue;
    if (!allowed.includes(k)) return `${k}: unknown argument (expected ${allowed.join(', ')})`;
  }
  return null;
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function checkOsdMapOp(op: OpDoc): string | null {
  const e = onlyArgs(op, ['pool', 'oid', 'namespace']);
  if (e) return e;
  if (!(typeof op.pool === 'string' && op.pool !== '') && !(isInt(op.pool) && op.pool >= 0))
    return 'pool: expected a pool name or id';
  if (typeof op.oid !== 'string' || op.oid === '') return 'oid: expected an object name';
  if (op.namespace !== undefined && typeof op.namespace !== 'string')
    return 'namespace: expected a string';
  return null;
}

function checkCrushMapOp(op: OpDoc): string | null {
  const e = onlyArgs(op, ['x', 'rule', 'num_rep', 'reweight']);
  if (e) return e;
  if (!isInt(op.x) || op.x < -2147483648 || op.x > 4294967295)
    return 'x: expected a 32-bit integer';
  if (!isInt(op.rule) || op.rule < 0) return 'rule: expected a rule id (integer >= 0)';
  if (!isInt(op.num_rep) || op.num_rep < 1 || op.num_rep > 64)
    return 'num_rep: expected an integer in 1..64';
  if (op.reweight !== undefined) {
    if (typeof op.reweight !== 'object' || op.reweight === null || Array.isArray(op.reweight))
      return 'reweight: expected {"<osd id>": weight 0..1}';
    for (const [k, w] of Object.entries(op.reweight as Record<string, unknown>)) {
      if (!/^\d+$/.test(k)) return `reweight.${k}: expected an OSD id`;
      if (typeof w !== 'number' || !(w >= 0)) return `reweight.${k}: expected a weight >= 0`;
    }
  }
  return null;
}

// ---- traced CRUSH ------------------------------------------------------------------------

function bucketName(map: CrushMap, id: number): string {
  if (id >= 0) return map.devices.get(id)?.name ?? `osd.${id}`;
  return map.buckets[-1 - id]?.name ?? `bucket${id}`;
}

/**
 * Run crush_do_rule with its events recorded, then replay them as trace events (enter/exit
 * for the choose functions, points for draws and rejections) with a small virtual cost each.
 */
function* tracedDoRule(
  rt: Runtime,
  actor: string,
  map: CrushMap,
  ruleno: number,
  x: number,
  resultMax: number,
  weights: number[],
): Proc<number[]> {
  const events: CrushEvent[] = [];
  const result = crushDoRule(map, ruleno, x, resultMax, weights, (e) => events.push(e));
  const rule = map.rules[ruleno];
  rt.trace.enter('crush_do_rule', actor, {
    data: { rule: ruleno, rule_name: rule?.name ?? null, x: x >>> 0, result_max: resultMax },
    caption: `crush_do_rule(rule ${ruleno}, x=${x >>> 0}, result_max=${resultMax})`,
  });
  const open: string[] = [];
  for (const e of events) {
    yield* sleep(CRUSH_EVENT_NS);
    switch (e.kind) {
      case 'step':
        break; // the rule's steps show through the choose calls they cause
      case 'choose_begin': {
        const step = e.mode === 'firstn' ? 'crush_choose_firstn' : 'crush_choose_indep';
        open.push(step);
        rt.trace.enter(step, actor, {
          data: {
            bucket: e.bucket,
            bucket_name: bucketName(map, e.bucket),
            numrep: e.numrep,
            type: map.types.get(e.type) ?? e.type,
            recurse_to_leaf: e.leaf,
            outpos: e.outpos,
            parent_r: e.parentR,
          },
        });
        break;
      }
      case 'choose_end': {
        const step = open.pop() ?? 'crush_choose_firstn';
        rt.trace.exit(step, actor, { data: { bucket: e.bucket, out: e.out } });
        break;
      }
      case 'bucket_choose':
        rt.trace.point('crush_bucket_choose', actor, {
          data: {
            bucket: e.bucket,
            bucket_name: bucketName(map, e.bucket),
            x: x >>> 0,
            r: e.r,
            item: e.item,
            item_name: bucketName(map, e.item),
          },
        });
        break;
      case 'reject':
        if (e.reason === 'out')
          rt.trace.point('is_out', actor, {
            data: { item: e.item, reweight: weights[e.item] ?? 0, ftotal: e.ftotal, out: true },
          });
        else
          rt.trace.point(open[open.length - 1] ?? 'crush_choose_firstn', actor, {
            data: { reject: e.reason, item: e.item, ftotal: e.ftotal },
          });
        break;
      case 'emit':
        break;
    }
  }
  rt.trace.exit('crush_do_rule', actor, { data: { result } });
  return result;
}

// ---- ops -----------------------------------------------------------------------------------

const cephOsdMap: OpSpec = {
  name: 'ceph_osd_map',
  pipeline: PIPELINE,
  check: checkOsdMapOp,
  *run(op, world): Proc<OpOutcome> {
    const rt = world.rt;
    let st: PlacementState;
    try {
      st = placement(world);
    } catch (e) {
      if (e instanceof ConfigError) return { rc: errno('EINVAL') };
      throw e;
    }
    const om = st.osdmap;
    syncWithLiveCluster(world, om);
    const pool =
      typeof op.pool === 'number' ? om.pools.get(op.pool) : om.poolByName(op.pool as string);
    const oid = op.oid as string;
    const nspace = (op.namespace as string | undefined) ?? '';
    rt.trace.enter('preprocess_command', MON, {
      data: { prefix: 'osd map', pool: op.pool as Json, object: oid, epoch: om.epoch },
      caption: `ceph osd map ${String(op.pool)} ${oid}`,
    });
    if (pool === undefined) {
      const rc = errno('ENOENT');
      rt.trace.exit('preprocess_command', MON, {
        rc,
        data: { error: `pool '${String(op.pool)}' does not exist` },
      });
      return { rc };
    }
    yield* sleep(STEP_NS);
    const raw = om.objectToRawPg(pool, oid, nspace);
    rt.trace.point('object_locator_to_pg', MON, {
      data: {
        oid,
        namespace: nspace,
        object_hash: 'rjenkins',
        hash: `0x${raw.seed.toString(16).padStart(8, '0')}`,
        raw_pg: formatPgId(raw),
      },
    });
    yield* sleep(STEP_NS);
    const pg = om.rawPgToPg(pool, raw);
    rt.trace.point('raw_pg_to_pg', MON, {
      data: {
        raw_pg: formatPgId(raw),
        pg_num: pool.pgNum,
        pg_num_mask: calcPgMask(pool.pgNum),
        pg: formatPgId(pg),
      },
    });
    yield* sleep(STEP_NS);
    const { pps } = om.pgToRawOsds(pool, pg);
    rt.trace.point('raw_pg_to_pps', MON, {
      data: {
        pg: formatPgId(pg),
        pgp_num: pool.pgpNum,
        hashpspool: (pool.flags & 1) !== 0,
        pool: pool.id,
        pps,
      },
    });
    const ruleno = om.findRule(pool);
    if (ruleno >= 0)
      yield* tracedDoRule(rt, MON, om.crush, ruleno, pps, pool.size, om.weightVector());
    const m = om.pgToUpActing(pool, pg);
    yield* sleep(STEP_NS);
    rt.trace.point('_pg_to_up_acting_osds', MON, {
      data: {
        pg: formatPgId(pg),
        raw: m.raw,
        up: m.up,
        up_primary: m.upPrimary,
        acting: m.acting,
        acting_primary: m.actingPrimary,
      },
    });
    const result: { [k: string]: Json } = {
      pg: formatPgId(pg),
      raw_pg: formatPgId(raw),
      pool_id: pool.id,
      epoch: om.epoch,
      up: m.up,
      up_primary: m.upPrimary,
      acting: m.acting,
      primary: m.actingPrimary,
    };
    rt.trace.exit('preprocess_command', MON, {
      rc: 0,
      data: result,
      caption:
        `osdmap e${om.epoch} pool '${pool.name}' (${pool.id}) object '${oid}' -> pg ${formatPgId(raw)} ` +
        `(${formatPgId(pg)}) -> up ([${m.up.join(',')}], p${m.upPrimary}) acting ([${m.acting.join(',')}], p${m.actingPrimary})`,
    });
    yield* sleep(0);
    return { rc: 0, result };
  },
};

const crushMapOp: OpSpec = {
  name: 'crush_map',
  pipeline: PIPELINE,
  check: checkCrushMapOp,
  *run(op, world): Proc<OpOutcome> {
    let st: PlacementState;
    try {
      st = placement(world);
    } catch (e) {
      if (e instanceof ConfigError) return { rc: errno('EINVAL') };
      throw e;
    }
    const map = st.osdmap.crush;
    const rule = op.rule as number;
    if (map.rules[rule] === undefined) return { rc: errno('ENOENT') };
    const overrides = new Map<number, number>();
    for (const [k, w] of Object.entries((op.reweight as Record<string, number> | undefined) ?? {}))
      overrides.set(Number(k), reweightFromFloat(w));
    const weights = crushtoolWeights(map, overrides);
    const x = (op.x as number) | 0;
    const osds = yield* tracedDoRule(
      world.rt,
      CRUSHTOOL,
      map,
      rule,
      x,
      op.num_rep as number,
      weights,
    );
    yield* sleep(0);
    return { rc: 0, result: { osds, line: `CRUSH rule ${rule} x ${x} [${osds.join(',')}]` } };
  },
};

export const PLACEMENT_OPS: readonly OpSpec[] = [cephOsdMap, crushMapOp];

/** Install the placement ops and the `ceph.placement` pipeline (called from scenario/systems.ts). */
export function registerPlacement(): void {
  registerPipeline(CEPH_PLACEMENT);
  registerOps(PLACEMENT_OPS);
}
