/**
 * The DAOS ops of the scenario op reference (DESIGN.md contract 1): argument checks and the
 * simulated run of each. Setup ops (pool, container, oid, open) are local/control-plane calls
 * modelled as one `daos.setup` point event each; update and fetch run the full pipelines of
 * `client.ts` / `server.ts`.
 */
import { derError } from '../core/errors.ts';
import { u64Hex } from '../core/bytes.ts';
import { sleep, type Proc } from '../core/sim.ts';
import type { Json } from '../trace/event.ts';
import type { OpDoc, OpOutcome, OpSpec, ScenarioWorld } from '../scenario/types.ts';
import { decodeValue, encodeValue, type ValueDoc } from '../scenario/values.ts';
import { daosCluster, type DaosCluster, type ObjHandle } from './cluster.ts';
import { daosObjFetch, daosObjUpdate, type ObjIoArgs } from './client.ts';
import { dtxBatchedCommitAll } from './dtx.ts';
import {
  COND_FLAGS,
  DAOS_OT_MAX,
  DAOS_PROP_CO_DEDUP,
  DEDUP_THRESHOLD,
  DEDUP_TH_MAX,
  DEDUP_TH_MIN,
  IOD_TYPES,
  OPEN_MODES,
  OTYPES,
  oclassIdByName,
  otypeAkeyIsUint64,
} from './constants.ts';
import { COST } from './costs.ts';
import { u64FromLe, u64ToLe } from './hash.ts';
import { daosObjListKeys, daosObjListKeysPaged, dkeysAreUint64 } from './list.ts';
import { daosObjPunch, type PunchKind } from './punch.ts';
import { utf8Encode } from '../core/bytes.ts';
import { iodDataSize, type DaosIod, type Sgl } from './io-types.ts';
import { oclassFitMax, oidClass, oidJson, oidType, setOid, type ObjId } from './oid.ts';
import {
  checkCondFlags,
  objOpCheck,
  checkData,
  checkIods,
  checkKey,
  first,
  isObj,
  isUint,
  needEnum,
  needString,
  onlyArgs,
  type Check,
} from './op-args.ts';
import { placeObject } from './placement.ts';
import { targetStoreNames } from './store-registry.ts';

const CLIENT = 'client';

/** What `"as"` binds for an oid (`daos_obj_generate_oid`). */
export interface OidBinding {
  kind: 'daos.oid';
  oid: ObjId;
  cont: string;
}

function point(cl: DaosCluster, step: string, data: { [k: string]: Json }): Proc<void> {
  return (function* () {
    yield* sleep(COST.clientStep);
    cl.rt.trace.point(step, CLIENT, { data });
    yield* sleep(0); // end the queue entry: run control can stop right here
  })();
}

/** A key argument as bytes: strings are UTF-8, integers are u64 little-endian. */
export function keyBytes(v: unknown): Uint8Array {
  if (typeof v === 'number') return u64ToLe(BigInt(v));
  return utf8Encode(String(v));
}

function condFlags(v: unknown): number {
  let f = 0;
  if (Array.isArray(v)) for (const n of v) f |= COND_FLAGS[n as keyof typeof COND_FLAGS] ?? 0;
  return f;
}

/** Build `daos_iod_t`s from an op's `iods` (already checked). */
function buildIods(op: OpDoc): DaosIod[] {
  return (op.iods as Record<string, unknown>[]).map((d) => {
    const type =
      d.type === 'DAOS_IOD_SINGLE' ? IOD_TYPES.DAOS_IOD_SINGLE : IOD_TYPES.DAOS_IOD_ARRAY;
    const recxs = Array.isArray(d.recxs)
      ? (d.recxs as { idx: number; nr: number }[]).map((r) => ({ idx: r.idx, nr: r.nr }))
      : null;
    // A single value has iod_nr 1; an array iod without recxs still says it has one extent
    // (a C caller that forgets iod_recxs) — obj_req_valid answers -DER_INVAL.
    const nr = type === IOD_TYPES.DAOS_IOD_SINGLE ? 1 : (recxs?.length ?? 1);
    return {
      name: keyBytes(d.akey),
      type,
      size: d.size as number,
      flags: condFlags(d.flags),
      nr,
      recxs,
    };
  });
}

function openObj(name: unknown): string {
  return typeof name === 'string' ? name : '';
}

// ---- setup ops ----------------------------------------------------------------------------

const poolConnect: OpSpec = {
  name: 'daos_pool_connect',
  pipeline: 'daos.setup',
  check: (op) =>
    first(
      () => onlyArgs(op, ['pool']),
      () => needString(op, 'pool'),
    ),
  *run(op, world) {
    const cl = daosCluster(world);
    const name = op.pool as string;
    let pool = cl.pools.get(name);
    // Simulation note: pools are created by the admin tool (dmg) in real DAOS; here the first
    // connect creates the pool over all targets of the cluster.
    if (!pool) {
      pool = {
        name,
        uuid: cl.rt.rng.fork(`daos.pool/${name}`).uuidHex(),
        mapVer: 1,
        conts: new Map(),
        contHandles: new Map(),
      };
      cl.pools.set(name, pool);
    }
    const cookie = cl.rt.ids.next('daos.hdl', 64);
    cl.client.pools.set(name, { cookie, pool });
    yield* point(cl, 'daos_pool_connect', {
      pool: name,
      pool_uuid: pool.uuid,
      poh: { cookie },
      pool_map_ver: pool.mapVer,
      engines: cl.config.engines,
      targets: cl.targets.map((t) => ({ id: t.id, rank: t.rank, index: t.idx, actor: t.actor })),
    });
    return { rc: 0 };
  },
};

/** The dedup property names `daos_cont_create` takes (`dedup`: DAOS_PROP_CO_DEDUP_*). */
const DEDUP_NAMES = Object.keys(DAOS_PROP_CO_DEDUP) as (keyof typeof DAOS_PROP_CO_DEDUP)[];

const contCreate: OpSpec = {
  name: 'daos_cont_create',
  pipeline: 'daos.setup',
  check: (op) =>
    first(
      () => onlyArgs(op, ['pool', 'cont', 'dedup', 'dedup_th']),
      () => needString(op, 'pool'),
      () => needString(op, 'cont'),
      () => needEnum(op, 'dedup', DEDUP_NAMES, true),
      () =>
        op.dedup_th === undefined ||
        (isUint(op.dedup_th) && op.dedup_th >= DEDUP_TH_MIN && op.dedup_th < DEDUP_TH_MAX)
          ? null
          : `dedup_th: expected an integer in [${DEDUP_TH_MIN}, ${DEDUP_TH_MAX})`,
    ),
  *run(op, world) {
    const cl = daosCluster(world);
    const ph = cl.client.pools.get(op.pool as string);
    if (!ph) throw derError('NO_HDL', `pool ${String(op.pool)} is not connected`);
    const name = op.cont as string;
    if (ph.pool.conts.has(name)) throw derError('EXIST', `container ${name} exists`);
    const uuid = cl.rt.rng.fork(`daos.cont/${ph.pool.name}/${name}`).uuidHex();
    const dedupName = (op.dedup as keyof typeof DAOS_PROP_CO_DEDUP | undefined) ?? 'OFF';
    const dedupTh = (op.dedup_th as number | undefined) ?? DEDUP_THRESHOLD;
    const dedupType = DAOS_PROP_CO_DEDUP[dedupName];
    ph.pool.conts.set(name, {
      name,
      uuid,
      pool: ph.pool,
      ...(dedupType !== DAOS_PROP_CO_DEDUP.OFF
        ? { dedup: { type: dedupType, threshold: dedupTh } }
        : {}),
    });
    yield* point(cl, 'daos_cont_create', {
      pool: ph.pool.name,
      cont: name,
      co_uuid: uuid,
      props: { csum: 'OFF', dedup: dedupName, dedup_th: dedupTh, rf: 0 },
    });
    return { rc: 0 };
  },
};

const contOpen: OpSpec = {
  name: 'daos_cont_open',
  pipeline: 'daos.setup',
  check: (op) =>
    first(
      () => onlyArgs(op, ['pool', 'cont', 'mode']),
      () => needString(op, 'pool'),
      () => needString(op, 'cont'),
      () => needEnum(op, 'mode', ['DAOS_COO_RW', 'DAOS_COO_RO'], true),
    ),
  *run(op, world) {
    const cl = daosCluster(world);
    const ph = cl.client.pools.get(op.pool as string);
    if (!ph) throw derError('NO_HDL', `pool ${String(op.pool)} is not connected`);
    const cont = ph.pool.conts.get(op.cont as string);
    if (!cont) throw derError('NONEXIST', `container ${String(op.cont)} does not exist`);
    const write = op.mode !== 'DAOS_COO_RO';
    const coh = cl.rt.rng.fork(`daos.coh/${cont.uuid}/${cl.rt.ids.next('daos.coh')}`).uuidHex();
    ph.pool.contHandles.set(coh, { cont, write });
    const cookie = cl.rt.ids.next('daos.hdl', 64);
    cl.client.conts.set(cont.name, { cookie, cont, coh });
    yield* point(cl, 'daos_cont_open', {
      cont: cont.name,
      co_uuid: cont.uuid,
      coh: { cookie, uuid: coh },
      capa: write ? 'DAOS_COO_RW' : 'DAOS_COO_RO',
    });
    return { rc: 0 };
  },
};

export const generateOid: OpSpec = {
  name: 'daos_obj_generate_oid',
  pipeline: 'daos.setup',
  check: (op) =>
    first(
      () => onlyArgs(op, ['cont', 'otype', 'oclass', 'lo', 'hi']),
      () => needString(op, 'cont'),
      () => needEnum(op, 'otype', Object.keys(OTYPES)),
      () => needString(op, 'oclass'),
      () => (op.as === undefined ? 'as: expected a name to bind the oid to' : null),
      () =>
        op.lo !== undefined && !isUint(op.lo)
          ? 'lo: expected a non-negative integer (user bits)'
          : null,
      () =>
        op.hi !== undefined && !isUint(op.hi, 0xffffffff)
          ? 'hi: expected an integer 0..4294967295 (user bits)'
          : null,
    ),
  *run(op, world) {
    const cl = daosCluster(world);
    const type = OTYPES[op.otype as keyof typeof OTYPES];
    if (type > DAOS_OT_MAX) throw derError('INVAL', 'bad object type');
    const ch = cl.client.conts.get(op.cont as string);
    if (!ch) throw derError('NO_HDL', `container ${String(op.cont)} is not open`);
    const cid = oclassIdByName(op.oclass as string);
    if (cid === undefined) throw derError('INVAL', `unknown object class ${String(op.oclass)}`);
    // pl_map_query: fault domains = engines (ranks), targets = all targets.
    const { ord, nr } = oclassFitMax(cid, cl.config.engines, cl.targets.length, 0);
    // The user's 96 bits: given, or seeded like the test suites' dts_oid_gen.
    const r = cl.rt.rng.fork(`daos.oid/${cl.rt.ids.next('daos.oid')}`);
    const lo =
      op.lo !== undefined
        ? BigInt(op.lo as number)
        : (BigInt(r.nextU32()) << 32n) | BigInt(r.nextU32());
    const hi = op.hi !== undefined ? BigInt(op.hi as number) : 0n;
    const oid = setOid({ hi, lo }, type, ord, nr);
    const binding: OidBinding = { kind: 'daos.oid', oid, cont: ch.cont.name };
    world.bindings.set(op.as as string, binding);
    yield* point(cl, 'daos_obj_generate_oid', {
      otype: op.otype as string,
      oclass: op.oclass as string,
      cid: '0x' + cid.toString(16).padStart(8, '0'),
      fitted: { ord, nr_grps: nr, class_id: '0x' + oidClass(oid).toString(16).padStart(8, '0') },
      oid: { hi: u64Hex(oid.hi), lo: u64Hex(oid.lo) },
    });
    return { rc: 0, result: { oid: oidJson(oid) } };
  },
};

export const objOpen: OpSpec = {
  name: 'daos_obj_open',
  pipeline: 'daos.setup',
  check: (op) =>
    objOpCheck(op, ['mode'], () =>
      needEnum(op, 'mode', [
        'DAOS_OO_RW',
        'DAOS_OO_RO',
        'DAOS_OO_EXCL',
        'DAOS_OO_IO_RAND',
        'DAOS_OO_IO_SEQ',
      ]),
    ),
  *run(op, world) {
    const cl = daosCluster(world);
    const b = world.bindings.get(op.obj as string) as OidBinding | undefined;
    if (!b || b.kind !== 'daos.oid') throw derError('INVAL', `no oid bound to "${String(op.obj)}"`);
    const ch = cl.client.conts.get(b.cont);
    if (!ch) throw derError('NO_HDL', `container ${b.cont} is not open`);
    const layout = placeObject(b.oid, cl.targets);
    const h: ObjHandle = {
      cookie: cl.rt.ids.next('daos.hdl', 64),
      oid: b.oid,
      mode: OPEN_MODES[op.mode as keyof typeof OPEN_MODES],
      cont: ch.cont,
      coh: ch.coh,
      layout,
      mapVer: ch.cont.pool.mapVer,
      excluded: new Set(cl.excluded),
    };
    cl.client.objects.set(op.obj as string, h);
    yield* point(cl, 'daos_obj_open', {
      oid: { hi: u64Hex(b.oid.hi), lo: u64Hex(b.oid.lo) },
      mode: op.mode as string,
      oh: { cookie: h.cookie },
      layout: {
        grp_nr: layout.grpNr,
        grp_size: layout.grpSize,
        shards: layout.shards.map((s) => ({
          po_shard: s.shard,
          po_target: s.target,
          po_rank: s.rank,
          po_index: s.idx,
        })),
      },
    });
    return { rc: 0 };
  },
};

// ---- I/O ops ------------------------------------------------------------------------------

/**
 * An update as the scenario runs it: the batched-commit ULTs that are due run first (pipeline
 * `dtx.commit`), and an update of a replicated object is traced as `daos.rw.replicated`.
 */
export function* updateWithDtx(cl: DaosCluster, args: ObjIoArgs): Proc<void> {
  yield* dtxBatchedCommitAll(cl);
  const cur = cl.rt.sim.current;
  const oh = cl.client.objects.get(args.oh);
  const saved = cur?.ctx.pipeline;
  if (cur && oh && oh.layout.grpSize > 1 && saved === 'daos.update')
    cur.ctx.pipeline = 'daos.rw.replicated';
  try {
    yield* daosObjUpdate(cl, args);
  } finally {
    if (cur && saved !== undefined) cur.ctx.pipeline = saved;
  }
}

function valueRng(world: ScenarioWorld, index: number, i: number) {
  return world.rt.rng.fork(`value/op${index}/data${i}`);
}

const objUpdate: OpSpec = {
  name: 'daos_obj_update',
  pipeline: 'daos.update',
  check: (op) =>
    objOpCheck(
      op,
      ['dkey', 'flags', 'iods', 'data'],
      () => checkKey(op.dkey, 'dkey'),
      () => checkCondFlags(op.flags, 'flags'),
      () => checkIods(op),
      () => checkData(op),
    ),
  *run(op, world, index) {
    const cl = daosCluster(world);
    const iods = buildIods(op);
    let sgls: (Sgl | null)[] | null = null;
    if (Array.isArray(op.data)) {
      sgls = (op.data as (ValueDoc | null)[]).map((v, i) => {
        if (v === null) return null;
        const bytes = decodeValue(v, valueRng(world, index, i));
        return { iovs: [{ buf: bytes, len: bytes.length }], nrOut: 0 };
      });
    }
    const args: ObjIoArgs = {
      oh: openObj(op.obj),
      flags: condFlags(op.flags),
      dkey: keyBytes(op.dkey),
      iods,
      sgls,
    };
    yield* updateWithDtx(cl, args);
    return { rc: 0 };
  },
};

const objFetch: OpSpec = {
  name: 'daos_obj_fetch',
  pipeline: 'daos.fetch',
  check: (op) =>
    objOpCheck(
      op,
      ['dkey', 'flags', 'iods', 'size_only'],
      () => checkKey(op.dkey, 'dkey'),
      () => checkCondFlags(op.flags, 'flags'),
      () => checkIods(op),
      (): Check =>
        op.size_only !== undefined && typeof op.size_only !== 'boolean'
          ? 'size_only: expected true or false'
          : null,
    ),
  *run(op, world): Proc<OpOutcome> {
    const cl = daosCluster(world);
    const base: Omit<ObjIoArgs, 'iods' | 'sgls'> = {
      oh: openObj(op.obj),
      flags: condFlags(op.flags),
      dkey: keyBytes(op.dkey),
    };
    const iods = buildIods(op);
    if (op.size_only === true) {
      const out = yield* daosObjFetch(cl, { ...base, iods, sgls: null });
      return { rc: 0, result: { iods: out.sizes.map((size) => ({ size })) } };
    }
    if (iods.some((d) => d.size === 0)) {
      // DAOS_REC_ANY: ask for the sizes first (sgls NULL), then fetch into buffers of that
      // size — what an application does when it does not know the size (cf. daos_kv_get).
      const probe = yield* daosObjFetch(cl, { ...base, iods: buildIods(op), sgls: null });
      iods.forEach((d, i) => {
        if (d.size === 0) d.size = probe.sizes[i] ?? 0;
      });
    }
    const sgls: Sgl[] = iods.map((d) => {
      const cap = iodDataSize(d);
      return { iovs: [{ buf: new Uint8Array(cap), len: 0 }], nrOut: 0 };
    });
    const out = yield* daosObjFetch(cl, { ...base, iods, sgls });
    const data: Json[] = sgls.map((s) => {
      const v = s.iovs[0];
      return encodeValue(v && s.nrOut > 0 ? v.buf.subarray(0, v.len) : new Uint8Array(0));
    });
    return { rc: 0, result: { iods: out.sizes.map((size) => ({ size })), data } };
  },
};

/** A listed key as JSON: a number for uint64 keys, a string when UTF-8, else base64. */
function keyResult(key: Uint8Array, uint64: boolean): Json {
  if (uint64 && key.length === 8) {
    const v = u64FromLe(key);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : u64Hex(v);
  }
  const enc = encodeValue(key);
  return typeof enc.utf8 === 'string' ? enc.utf8 : { base64: enc.base64 as string };
}

function checkKeyList(op: OpDoc, key: string): Check {
  const v = op[key];
  if (!Array.isArray(v)) return `${key}: expected a list of keys`;
  for (let i = 0; i < v.length; i++) {
    const p = checkKey(v[i], `${key}[${i}]`);
    if (p) return p;
  }
  return null;
}

/** Optional `nr`: keys per call (the application's `*nr`); the op then loops on the anchor. */
function checkNr(op: OpDoc): Check {
  return op.nr === undefined || (isUint(op.nr) && op.nr >= 1)
    ? null
    : 'nr: expected a whole number ≥ 1 (keys per call)';
}

/** Keys of a listing; with `nr`, page through anchors and also report the number of calls. */
function* listKeys(
  cl: DaosCluster,
  name: string,
  dkey: Uint8Array | null,
  nr: unknown,
): Proc<{ keys: Uint8Array[]; calls?: number }> {
  if (typeof nr !== 'number') return { keys: yield* daosObjListKeys(cl, name, dkey) };
  return yield* daosObjListKeysPaged(cl, name, dkey, nr);
}

const listDkey: OpSpec = {
  name: 'daos_obj_list_dkey',
  pipeline: 'daos.list',
  check: (op) => objOpCheck(op, ['nr'], () => checkNr(op)),
  *run(op, world): Proc<OpOutcome> {
    const cl = daosCluster(world);
    const name = openObj(op.obj);
    const r = yield* listKeys(cl, name, null, op.nr);
    const oh = cl.client.objects.get(name);
    const u64 = oh ? dkeysAreUint64(oh.oid) : false;
    const keys = r.keys.map((k) => keyResult(k, u64));
    return { rc: 0, result: r.calls === undefined ? { keys } : { keys, calls: r.calls } };
  },
};

const listAkey: OpSpec = {
  name: 'daos_obj_list_akey',
  pipeline: 'daos.list',
  check: (op) =>
    objOpCheck(
      op,
      ['dkey', 'nr'],
      () => checkKey(op.dkey, 'dkey'),
      () => checkNr(op),
    ),
  *run(op, world): Proc<OpOutcome> {
    const cl = daosCluster(world);
    const name = openObj(op.obj);
    const r = yield* listKeys(cl, name, keyBytes(op.dkey), op.nr);
    const oh = cl.client.objects.get(name);
    const u64 = oh ? otypeAkeyIsUint64(oidType(oh.oid)) : false;
    const keys = r.keys.map((k) => keyResult(k, u64));
    return { rc: 0, result: r.calls === undefined ? { keys } : { keys, calls: r.calls } };
  },
};

function punchSpec(name: string, kind: PunchKind, args: string[]): OpSpec {
  return {
    name,
    pipeline: 'daos.punch',
    check: (op) =>
      first(
        () => onlyArgs(op, args),
        () => needString(op, 'obj'),
        () => checkCondFlags(op.flags, 'flags'),
        () => (args.includes('dkeys') ? checkKeyList(op, 'dkeys') : null),
        () => (args.includes('dkey') ? checkKey(op.dkey, 'dkey') : null),
        () => (args.includes('akeys') ? checkKeyList(op, 'akeys') : null),
      ),
    *run(op, world): Proc<OpOutcome> {
      const cl = daosCluster(world);
      let dkeys: Uint8Array[] | null = null;
      if (kind === 'dkeys') dkeys = (op.dkeys as unknown[]).map(keyBytes);
      if (kind === 'akeys') dkeys = [keyBytes(op.dkey)];
      const akeys = kind === 'akeys' ? (op.akeys as unknown[]).map(keyBytes) : null;
      yield* daosObjPunch(cl, kind, {
        oh: openObj(op.obj),
        flags: condFlags(op.flags),
        dkeys,
        akeys,
      });
      return { rc: 0 };
    },
  };
}

export const DAOS_OPS: OpSpec[] = [
  poolConnect,
  contCreate,
  contOpen,
  generateOid,
  objOpen,
  objUpdate,
  objFetch,
  listDkey,
  listAkey,
  punchSpec('daos_obj_punch', 'obj', ['obj', 'flags']),
  punchSpec('daos_obj_punch_dkeys', 'dkeys', ['obj', 'dkeys', 'flags']),
  punchSpec('daos_obj_punch_akeys', 'akeys', ['obj', 'dkey', 'akeys', 'flags']),
];

const CLUSTER_KEYS: Record<string, [number, number]> = {
  engines: [1, 64],
  targets_per_engine: [1, 64],
  scm_bytes: [1 << 20, 2 ** 40],
  nvme_bytes: [0, 2 ** 44],
  dtx_threshold_count: [1, 1 << 20],
};

/** `cluster.daos` of a scenario. */
export function checkDaosCluster(section: unknown): string | null {
  if (!isObj(section)) return ': expected an object';
  for (const [k, v] of Object.entries(section)) {
    if (k === 'store') {
      const names = targetStoreNames();
      if (typeof v !== 'string' || !names.includes(v))
        return `store: expected ${names.join(' or ')}`;
      continue;
    }
    const range = CLUSTER_KEYS[k];
    if (!range)
      return `${k}: unknown field (expected ${[...Object.keys(CLUSTER_KEYS), 'store'].join(', ')})`;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < range[0] || v > range[1]) {
      return `${k}: expected an integer ${range[0]}..${range[1]}`;
    }
  }
  return null;
}
