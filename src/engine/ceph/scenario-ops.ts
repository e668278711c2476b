/**
 * The Ceph IO ops of the scenario op reference (DESIGN.md contract 1): librados
 * (`rados_write`, `rados_write_full`, `rados_append`, `rados_read`, `rados_remove`,
 * `rados_stat`), librbd (`rbd_create`, `rbd_open`, `rbd_write`, `rbd_read`) and the faults
 * `fault_kill_osd` and `restart` (`osd`). The cluster is `world.system('ceph')`, built from
 * `cluster.ceph` on first use. Each op runs the full simulated path and returns the real rc.
 */
import { type Proc, sleep } from '../core/sim.ts';
import type { Json } from '../trace/event.ts';
import type { OpDoc, OpOutcome, OpSpec, ScenarioWorld } from '../scenario/types.ts';
import { checkValue, decodeValue, encodeValue, type ValueDoc } from '../scenario/values.ts';
import { registerClusterCheck, registerOps } from '../scenario/registry.ts';
import { checkCephPlacementConfig } from './osdmap/build-osdmap.ts';
import { CephCluster } from './cluster/cluster.ts';
import type { OsdMapView } from './cluster/map.ts';
import { Librbd } from './client/librbd.ts';
import { RadosClient } from './client/rados.ts';

/** The running Ceph system of a scenario. */
export class CephSystem {
  readonly cluster: CephCluster;
  readonly rados: RadosClient;
  readonly rbd: Librbd;

  constructor(world: ScenarioWorld) {
    this.cluster = new CephCluster(world.rt, world.doc.cluster?.ceph);
    this.rados = new RadosClient(this.cluster);
    this.rbd = new Librbd(this.rados);
  }

  /** The monitor's current OSDMap (ceph_osd_map follows its up/down state). */
  get map(): OsdMapView {
    return this.cluster.map;
  }
}

export function cephSystem(world: ScenarioWorld): CephSystem {
  return world.system('ceph', () => new CephSystem(world));
}

// ---- argument checks ------------------------------------------------------------------------

/** One argument's check: the problem with `op[k]`, or null. */
type ArgCheck = (op: OpDoc, k: string) => string | null;

const str: ArgCheck = (op, k) =>
  typeof op[k] === 'string' && op[k] !== '' ? null : `${k}: expected a non-empty string`;

function uintArg(optional: boolean): ArgCheck {
  return (op, k) => {
    const v = op[k];
    if (v === undefined && optional) return null;
    return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
      ? null
      : `${k}: expected a non-negative integer`;
  };
}
const uint = uintArg(false);
const optUint = uintArg(true);
const valueArg: ArgCheck = (op, k) => checkValue(op[k], k);

/**
 * An op's `check` from its argument list: unknown names are refused (listing the allowed ones
 * in this order), then each argument is checked in order; the first problem wins.
 */
function args(spec: Readonly<Record<string, ArgCheck>>): (op: OpDoc) => string | null {
  const allowed = Object.keys(spec);
  return (op) => {
    for (const k of Object.keys(op)) {
      if (k === 'op' || k === 'as') continue;
      if (!allowed.includes(k)) return `${k}: unknown argument (expected ${allowed.join(', ')})`;
    }
    for (const k of allowed) {
      const r = (spec[k] as ArgCheck)(op, k);
      if (r) return r;
    }
    return null;
  };
}

const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);

/** The op's value (seeded per op index for `fill: random`). */
function value(op: OpDoc, world: ScenarioWorld, index: number): Uint8Array {
  return decodeValue(op.value as ValueDoc, world.rt.rng.fork(`ceph.value.${index}`));
}

function api(
  world: ScenarioWorld,
  step: string,
  phase: 'enter' | 'exit',
  data: { [k: string]: Json },
  rc?: number,
): void {
  const d: { data: { [k: string]: Json }; rc?: number } = { data };
  if (rc !== undefined) d.rc = rc;
  if (phase === 'enter') world.rt.trace.enter(step, 'client', d);
  else world.rt.trace.exit(step, 'client', d);
}

/** Wrap an API call: enter/exit events at the client with the rc. */
function* traced<T>(
  world: ScenarioWorld,
  name: string,
  args: { [k: string]: Json },
  body: Proc<T>,
): Proc<T> {
  api(world, name, 'enter', args);
  try {
    const r = yield* body;
    api(world, name, 'exit', args, 0);
    return r;
  } catch (e) {
    const rc = (e as { rc?: unknown }).rc;
    api(world, name, 'exit', args, typeof rc === 'number' ? rc : -5);
    throw e;
  } finally {
    yield* sleep(0);
  }
}

// ---- librados ---------------------------------------------------------------------------------

function radosWriteSpec(name: 'rados_write' | 'rados_write_full' | 'rados_append'): OpSpec {
  return {
    name,
    pipeline: 'ceph.write',
    check: args({ pool: str, oid: str, offset: optUint, value: valueArg }),
    *run(op, world, index): Proc<OpOutcome> {
      const sys = cephSystem(world);
      const data = value(op, world, index);
      const pool = op.pool as string;
      const oid = op.oid as string;
      const args = { pool, oid, len: data.length, offset: num(op.offset, 0) };
      const r = sys.rados;
      const body =
        name === 'rados_write'
          ? r.write(pool, oid, num(op.offset, 0), data)
          : name === 'rados_write_full'
            ? r.writeFull(pool, oid, data)
            : r.append(pool, oid, data);
      yield* traced(world, name, args, body);
      return { rc: 0 };
    },
  };
}

const radosRead: OpSpec = {
  name: 'rados_read',
  pipeline: 'ceph.read',
  check: args({ pool: str, oid: str, offset: optUint, len: optUint }),
  *run(op, world): Proc<OpOutcome> {
    const sys = cephSystem(world);
    const pool = op.pool as string;
    const oid = op.oid as string;
    const off = num(op.offset, 0);
    const len = num(op.len, 4 * 1024 * 1024);
    const data = yield* traced(
      world,
      'rados_read',
      { pool, oid, offset: off, len },
      sys.rados.read(pool, oid, off, len),
    );
    return { rc: 0, result: { value: encodeValue(data) } };
  },
};

const radosRemove: OpSpec = {
  name: 'rados_remove',
  pipeline: 'ceph.write',
  check: args({ pool: str, oid: str }),
  *run(op, world): Proc<OpOutcome> {
    const sys = cephSystem(world);
    const pool = op.pool as string;
    const oid = op.oid as string;
    yield* traced(world, 'rados_remove', { pool, oid }, sys.rados.remove(pool, oid));
    return { rc: 0 };
  },
};

const radosStat: OpSpec = {
  name: 'rados_stat',
  pipeline: 'ceph.read',
  check: args({ pool: str, oid: str }),
  *run(op, world): Proc<OpOutcome> {
    const sys = cephSystem(world);
    const pool = op.pool as string;
    const oid = op.oid as string;
    const size = yield* traced(world, 'rados_stat', { pool, oid }, sys.rados.stat(pool, oid));
    return { rc: 0, result: { size } };
  },
};

// ---- librbd -----------------------------------------------------------------------------------

const rbdCreate: OpSpec = {
  name: 'rbd_create',
  pipeline: 'ceph.write',
  check: args({
    pool: str,
    image: str,
    size: uint,
    order: (op) =>
      op.order === undefined ||
      (typeof op.order === 'number' &&
        Number.isInteger(op.order) &&
        op.order >= 12 &&
        op.order <= 25)
        ? null
        : 'order: expected an integer 12..25',
    id: (op) =>
      op.id === undefined || (typeof op.id === 'string' && /^[0-9a-f]{1,14}$/.test(op.id))
        ? null
        : 'id: expected 1-14 lower-case hex digits',
  }),
  *run(op, world): Proc<OpOutcome> {
    const sys = cephSystem(world);
    const pool = op.pool as string;
    const image = op.image as string;
    const size = op.size as number;
    const order = num(op.order, 22);
    const id = yield* traced(
      world,
      'rbd_create',
      { pool, image, size, order },
      sys.rbd.create(pool, image, size, order, op.id as string | undefined),
    );
    if (op.as !== undefined) world.bindings.set(op.as, { kind: 'ceph.rbd_image', image });
    return { rc: 0, result: { id } };
  },
};

const rbdOpen: OpSpec = {
  name: 'rbd_open',
  pipeline: 'ceph.read',
  check: args({ pool: str, image: str }),
  *run(op, world): Proc<OpOutcome> {
    const sys = cephSystem(world);
    const pool = op.pool as string;
    const image = op.image as string;
    const img = yield* traced(world, 'rbd_open', { pool, image }, sys.rbd.open(pool, image));
    return { rc: 0, result: { id: img.id, size: img.size, order: img.order } };
  },
};

const rbdWrite: OpSpec = {
  name: 'rbd_write',
  pipeline: 'ceph.write',
  check: args({ image: str, offset: uint, value: valueArg }),
  *run(op, world, index): Proc<OpOutcome> {
    const sys = cephSystem(world);
    const data = value(op, world, index);
    const image = op.image as string;
    const offset = op.offset as number;
    const n = yield* traced(
      world,
      'rbd_write',
      { image, offset, len: data.length },
      sys.rbd.write(image, offset, data),
    );
    return { rc: 0, result: { len: n } };
  },
};

const rbdRead: OpSpec = {
  name: 'rbd_read',
  pipeline: 'ceph.read',
  check: args({ image: str, offset: uint, len: uint }),
  *run(op, world): Proc<OpOutcome> {
    const sys = cephSystem(world);
    const image = op.image as string;
    const offset = op.offset as number;
    const len = op.len as number;
    const data = yield* traced(
      world,
      'rbd_read',
      { image, offset, len },
      sys.rbd.read(image, offset, len),
    );
    return { rc: 0, result: { value: encodeValue(data) } };
  },
};

// ---- faults -----------------------------------------------------------------------------------

const faultKillOsd: OpSpec = {
  name: 'fault_kill_osd',
  pipeline: 'ceph.recovery',
  check: args({ osd: uint }),
  *run(op, world): Proc<OpOutcome> {
    const sys = cephSystem(world);
    const id = op.osd as number;
    if (!sys.cluster.osds[id]) return { rc: -2 };
    api(world, 'fault_kill_osd', 'enter', { osd: id });
    sys.cluster.killOsd(id);
    api(world, 'fault_kill_osd', 'exit', { osd: id }, 0);
    yield* sleep(0);
    return { rc: 0 };
  },
};

const restart: OpSpec = {
  name: 'restart',
  pipeline: 'ceph.recovery',
  check: args({ osd: uint }),
  *run(op, world): Proc<OpOutcome> {
    const sys = cephSystem(world);
    const id = op.osd as number;
    if (!sys.cluster.osds[id]) return { rc: -2 };
    yield* traced(world, 'restart', { osd: id }, sys.cluster.restartOsd(id));
    return { rc: 0 };
  },
};

export const CEPH_IO_OPS: readonly OpSpec[] = [
  radosWriteSpec('rados_write'),
  radosWriteSpec('rados_write_full'),
  radosWriteSpec('rados_append'),
  radosRead,
  radosRemove,
  radosStat,
  rbdCreate,
  rbdOpen,
  rbdWrite,
  rbdRead,
  faultKillOsd,
  restart,
];

/**
 * `cluster.ceph` check: the placement part (CRUSH map, pools) plus the IO-path fields
 * `objectstore` (filestore | bluestore), `device_class` (hdd | ssd), `op_history_size`,
 * `rados_osd_op_timeout` (client op timeout in seconds; 0, the default, waits forever),
 * `release` (pacific | hammer: the IO path of that release, see release.ts),
 * `filestore_journal` (writeahead | parallel), `osd_min_pg_log_entries`,
 * `osd_max_pg_log_entries`, `osd_pg_log_trim_min` (PG log length: how far back a returning
 * OSD can recover from the log before it needs backfill), `device_write_cache` (OSD devices
 * with a volatile write cache; default false = power-loss protection).
 */
export function checkCephCluster(section: unknown): string | null {
  const placement = checkCephPlacementConfig(section);
  if (placement) return placement;
  const s = (section ?? {}) as Record<string, unknown>;
  if (s.objectstore !== undefined && s.objectstore !== 'filestore' && s.objectstore !== 'bluestore')
    return 'objectstore: expected "filestore" or "bluestore"';
  if (s.device_class !== undefined && s.device_class !== 'hdd' && s.device_class !== 'ssd')
    return 'device_class: expected "hdd" or "ssd"';
  if (s.release !== undefined && s.release !== 'pacific' && s.release !== 'hammer')
    return 'release: expected "pacific" or "hammer"';
  if (s.release === 'hammer' && s.objectstore === 'bluestore')
    return 'objectstore: Hammer has no BlueStore (its OSDs run FileStore + FileJournal)';
  if (
    s.filestore_journal !== undefined &&
    s.filestore_journal !== 'writeahead' &&
    s.filestore_journal !== 'parallel'
  )
    return 'filestore_journal: expected "writeahead" (XFS/ext4) or "parallel" (btrfs)';
  for (const k of ['osd_min_pg_log_entries', 'osd_max_pg_log_entries', 'osd_pg_log_trim_min']) {
    const v = s[k];
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= 1))
      return `${k}: expected an integer >= 1`;
  }
  if (s.device_write_cache !== undefined && typeof s.device_write_cache !== 'boolean')
    return 'device_write_cache: expected true (volatile cache, lost on power cut unless flushed) or false';
  const to = s.rados_osd_op_timeout;
  if (to !== undefined && !(typeof to === 'number' && Number.isFinite(to) && to >= 0))
    return 'rados_osd_op_timeout: expected seconds >= 0 (0 = wait forever)';
  const h = s.op_history_size;
  if (h !== undefined && !(typeof h === 'number' && Number.isInteger(h) && h >= 1 && h <= 100000))
    return 'op_history_size: expected an integer 1..100000';
  return null;
}

/** Install the Ceph IO ops and the `cluster.ceph` check (called once from scenario/systems.ts). */
export function registerCephIo(): void {
  registerOps(CEPH_IO_OPS);
  registerClusterCheck('ceph', checkCephCluster);
}

/** Background work after the last op (replica `done` marks, deferred writes) gets this long. */
const SETTLE_NS = 2_000_000_000;

/**
 * `dump_historic_ops` of every simulated OSD (`{"osd.0": {...}, …}`), after letting the
 * cluster's background work finish; undefined when the scenario never used Ceph.
 */
export function cephOsdDumps(world: ScenarioWorld): Record<string, Json> | undefined {
  const peek = (world as Partial<{ peekSystem(name: string): unknown }>).peekSystem;
  const sys = peek?.call(world, 'ceph');
  if (!(sys instanceof CephSystem)) return undefined;
  world.rt.sim.run({ untilTime: world.rt.sim.now + SETTLE_NS });
  return sys.cluster.historicOps();
}
