/**
 * VOS-level scenario ops (DESIGN.md op reference): `vos_obj_update`, `vos_obj_fetch`,
 * `vos_obj_punch` — the arguments of the `daos_obj_*` ones plus `target` (`engine0.tgt1`),
 * `cont`, `oid` ({hi, lo} hex strings) or `obj` (a bound oid / open object) and an explicit
 * `epoch`. They call the target's VOS directly, like DAOS's own VOS tests (vts_*.c), with no
 * client, placement or RPC. The target's store must be VOS (`cluster.daos.store: "vos"`), or
 * these ops give the target a VOS store of its own.
 *
 * `registerVos()` registers the `vos` target store and these ops (called from systems.ts).
 */
import { derError, IoError } from '../core/errors.ts';
import type { Proc } from '../core/sim.ts';
import { u64ToLe } from '../daos/hash.ts';
import { IOD_TYPES, COND_FLAGS } from '../daos/constants.ts';
import { daosCluster } from '../daos/cluster.ts';
import {
  checkCondFlags,
  checkData,
  checkIods,
  checkKey,
  first,
  isObj,
  needString,
  onlyArgs,
  type Check,
} from '../daos/op-args.ts';
import { registerTargetStore } from '../daos/store-registry.ts';
import { registerOps } from '../scenario/registry.ts';
import type { OpDoc, OpOutcome, OpSpec, ScenarioWorld } from '../scenario/types.ts';
import { decodeValue, encodeValue, type ValueDoc } from '../scenario/values.ts';
import { utf8Encode } from '../core/bytes.ts';
import type { Json } from '../trace/event.ts';
import { vosObjFetch, vosObjPunch, vosObjUpdate } from './api.ts';
import { addVosSteps } from './catalog.ts';
import type { VosCont, VosPool } from './pool.ts';
import { contUuidBytes, VosTargetStore } from './target-store.ts';
import { DAOS_IOD_ARRAY, DAOS_IOD_SINGLE, type VosIod, type VosOid, type VosSgl } from './types.ts';

function keyBytes(v: unknown): Uint8Array {
  if (typeof v === 'number') return u64ToLe(BigInt(v));
  return utf8Encode(String(v));
}

function condFlags(v: unknown): number {
  let f = 0;
  if (Array.isArray(v)) for (const n of v) f |= COND_FLAGS[n as keyof typeof COND_FLAGS] ?? 0;
  return f;
}

function buildIods(op: OpDoc): VosIod[] {
  return (op.iods as Record<string, unknown>[]).map((d) => ({
    name: keyBytes(d.akey),
    type: d.type === 'DAOS_IOD_SINGLE' ? DAOS_IOD_SINGLE : DAOS_IOD_ARRAY,
    size: d.size as number,
    flags: condFlags(d.flags),
    recxs: Array.isArray(d.recxs)
      ? (d.recxs as { idx: number; nr: number }[]).map((r) => ({ idx: BigInt(r.idx), nr: r.nr }))
      : null,
  }));
}

const COMMON = ['target', 'cont', 'oid', 'obj', 'epoch'];

function checkCommon(op: OpDoc): Check {
  return first(
    () => needString(op, 'target'),
    () => needString(op, 'cont'),
    (): Check => {
      if (op.obj !== undefined)
        return typeof op.obj === 'string'
          ? null
          : 'obj: expected the name of a bound oid or open object';
      if (!isObj(op.oid) || typeof op.oid.hi !== 'string' || typeof op.oid.lo !== 'string')
        return 'oid: expected {"hi": "0x…", "lo": "0x…"} (or give obj)';
      return /^(0x)?[0-9a-fA-F]{1,16}$/.test(op.oid.hi) &&
        /^(0x)?[0-9a-fA-F]{1,16}$/.test(op.oid.lo)
        ? null
        : 'oid: hi/lo must be 64-bit hex';
    },
    (): Check =>
      typeof op.epoch === 'number' && Number.isSafeInteger(op.epoch) && op.epoch > 0
        ? null
        : 'epoch: expected a positive integer',
  );
}

/** The VOS pool of `target`: its DAOS store if that is VOS, else a VOS store of its own. */
function vosOf(world: ScenarioWorld, op: OpDoc): { pool: VosPool; cont: VosCont; oid: VosOid } {
  const cl = daosCluster(world);
  const t = cl.targetByName(op.target as string);
  if (t === undefined) throw derError('NONEXIST', `no target ${String(op.target)}`);
  let store = t.store;
  if (!(store instanceof VosTargetStore)) {
    const own = world.system('vos.targets', () => new Map<string, VosTargetStore>());
    let s = own.get(t.actor);
    if (!s) {
      s = new VosTargetStore(world.rt, t.actor, {
        scmBytes: cl.config.scmBytes,
        nvmeBytes: cl.config.nvmeBytes,
      });
      own.set(t.actor, s);
    }
    store = s;
  }
  const pool = (store as VosTargetStore).vos.pool;
  // The container: one created by daos_cont_create (its uuid), else the name itself.
  let uuid: string = op.cont as string;
  for (const p of cl.pools.values()) {
    const c = p.conts.get(op.cont as string);
    if (c) uuid = c.uuid;
  }
  let oid: VosOid;
  if (typeof op.obj === 'string') {
    const b = world.bindings.get(op.obj) as { oid?: { hi: bigint; lo: bigint } } | undefined;
    const h = cl.client.objects.get(op.obj);
    const o = b?.oid ?? h?.oid;
    if (o === undefined) throw derError('NONEXIST', `no oid bound to ${op.obj}`);
    oid = { hi: o.hi, lo: o.lo, shard: 0 };
  } else {
    const x = op.oid as { hi: string; lo: string };
    const hex = (s: string): bigint => BigInt(s.startsWith('0x') ? s : `0x${s}`);
    oid = { hi: hex(x.hi), lo: hex(x.lo), shard: 0 };
  }
  return { pool, cont: pool.cont(contUuidBytes(uuid)), oid };
}

function* rcOf(p: Proc<OpOutcome>): Proc<OpOutcome> {
  try {
    return yield* p;
  } catch (e) {
    if (e instanceof IoError) return { rc: e.rc };
    throw e;
  }
}

const vosUpdateOp: OpSpec = {
  name: 'vos_obj_update',
  pipeline: 'daos.update',
  check: (op) =>
    first(
      () => onlyArgs(op, [...COMMON, 'dkey', 'flags', 'iods', 'data']),
      () => checkCommon(op),
      () => checkKey(op.dkey, 'dkey'),
      () => checkCondFlags(op.flags, 'flags'),
      () => checkIods(op),
      () => checkData(op),
    ),
  run(op, world, index) {
    return rcOf(
      (function* (): Proc<OpOutcome> {
        const { pool, cont, oid } = vosOf(world, op);
        const iods = buildIods(op);
        const data = Array.isArray(op.data) ? (op.data as (ValueDoc | null)[]) : [];
        const sgls: (VosSgl | null)[] = iods.map((_, i) => {
          const v = data[i];
          if (v === undefined || v === null) return null;
          const bytes = decodeValue(v, world.rt.rng.fork(`value/op${index}/data${i}`));
          return { iovs: [{ buf: bytes, len: bytes.length }], nrOut: 0 };
        });
        yield* vosObjUpdate(
          pool,
          {
            cont,
            oid,
            epoch: BigInt(op.epoch as number),
            flags: condFlags(op.flags),
            dkey: keyBytes(op.dkey),
            iods,
          },
          sgls,
        );
        return { rc: 0 };
      })(),
    );
  },
};

const vosFetchOp: OpSpec = {
  name: 'vos_obj_fetch',
  pipeline: 'daos.fetch',
  check: (op) =>
    first(
      () => onlyArgs(op, [...COMMON, 'dkey', 'flags', 'iods', 'size_only']),
      () => checkCommon(op),
      () => checkKey(op.dkey, 'dkey'),
      () => checkCondFlags(op.flags, 'flags'),
      () => checkIods(op),
      (): Check =>
        op.size_only !== undefined && typeof op.size_only !== 'boolean'
          ? 'size_only: expected true or false'
          : null,
    ),
  run(op, world) {
    return rcOf(
      (function* (): Proc<OpOutcome> {
        const { pool, cont, oid } = vosOf(world, op);
        const base = {
          cont,
          oid,
          epoch: BigInt(op.epoch as number),
          flags: condFlags(op.flags),
          dkey: keyBytes(op.dkey),
        };
        // Sizes first (DAOS_REC_ANY), then buffers of exactly the visible size.
        const probe = buildIods(op);
        yield* vosObjFetch(pool, { ...base, iods: probe, sizeOnly: true }, null);
        if (op.size_only === true)
          return { rc: 0, result: { iods: probe.map((d) => ({ size: d.size })) } };
        const iods = buildIods(op).map((d, i) => ({
          ...d,
          size: d.size === 0 ? (probe[i] as VosIod).size : d.size,
        }));
        const sgls: VosSgl[] = iods.map((d) => {
          const n =
            d.type === IOD_TYPES.DAOS_IOD_SINGLE
              ? d.size
              : (d.recxs ?? []).reduce((s, r) => s + r.nr, 0) * d.size;
          return { iovs: [{ buf: new Uint8Array(n), len: 0 }], nrOut: 0 };
        });
        yield* vosObjFetch(pool, { ...base, iods }, sgls);
        const out: Json[] = sgls.map((s, i) => {
          const iov = s.iovs[0];
          if (iov === undefined || (iods[i] as VosIod).size === 0) return null;
          // Up to iov_len: trailing holes are trimmed (ioc_trim_tail_holes).
          const full = iov.buf.subarray(0, iov.len);
          return { ...encodeValue(full), len: full.length };
        });
        return { rc: 0, result: { iods: iods.map((d) => ({ size: d.size })), data: out } };
      })(),
    );
  },
};

const vosPunchOp: OpSpec = {
  name: 'vos_obj_punch',
  pipeline: 'daos.punch',
  check: (op) =>
    first(
      () => onlyArgs(op, [...COMMON, 'dkey', 'akeys', 'flags']),
      () => checkCommon(op),
      () => (op.dkey === undefined ? null : checkKey(op.dkey, 'dkey')),
      (): Check => {
        if (op.akeys === undefined) return null;
        if (op.dkey === undefined) return 'akeys: needs a dkey';
        if (!Array.isArray(op.akeys)) return 'akeys: expected an array of keys';
        for (let i = 0; i < op.akeys.length; i++) {
          const c = checkKey(op.akeys[i], `akeys[${i}]`);
          if (c) return c;
        }
        return null;
      },
      () => checkCondFlags(op.flags, 'flags'),
    ),
  run(op, world) {
    return rcOf(
      (function* (): Proc<OpOutcome> {
        const { pool, cont, oid } = vosOf(world, op);
        yield* vosObjPunch(pool, {
          cont,
          oid,
          epoch: BigInt(op.epoch as number),
          flags: condFlags(op.flags),
          ...(op.dkey !== undefined ? { dkey: keyBytes(op.dkey) } : {}),
          ...(Array.isArray(op.akeys) ? { akeys: (op.akeys as unknown[]).map(keyBytes) } : {}),
        });
        return { rc: 0 };
      })(),
    );
  },
};

export const VOS_OPS: OpSpec[] = [vosUpdateOp, vosFetchOp, vosPunchOp];

let registered = false;

/** Register the `vos` target store (not the default) and the VOS-level ops. */
export function registerVos(makeDefault = false): void {
  if (registered) return;
  registered = true;
  registerTargetStore(
    'vos',
    (rt, t, config) => new VosTargetStore(rt, t.actor, config),
    makeDefault,
  );
  registerOps(VOS_OPS);
  addVosSteps();
}
