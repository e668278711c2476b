/**
 * `daos_obj_query_key(oh, th, flags, dkey, akey, recx, ev)` (`src/object/cli_obj.c`
 * `dc_obj_query_key`, server `ds_obj_query_key_handler` → `vos_obj_query_key`): the min or max
 * dkey / akey / recx of an object. With `DAOS_GET_DKEY` the dkey can live in any redundancy
 * group, so the client asks one live shard of every group — one shard sub-task per group, all
 * dependencies of the object task (`obj_req_fanout`) — and keeps the max (or min) dkey among
 * the answers (`obj_query_key_cb` merging; uint64 dkeys compare as numbers, others bytewise).
 * Without it the dkey names its group and one shard is asked.
 */
import { der, derError, rcOf } from '../core/errors.ts';
import { u64Hex } from '../core/bytes.ts';
import { sleep, wait, type Proc } from '../core/sim.ts';
import type { DaosCluster, DaosTarget, ObjHandle } from './cluster.ts';
import { COST, wireNs } from './costs.ts';
import { LAYOUT_VER, otypeDkeyIsUint64 } from './constants.ts';
import { u64FromLe } from './hash.ts';
import { keyDump } from './io-types.ts';
import { blockingTask, newObjAuxi, objReqFanout, registerObjCompCb } from './obj-task.ts';
import { oidType, type ObjId } from './oid.ts';
import { dkeyGroup, dkeyHash, type ShardPlacement } from './placement.ts';
import { CRT_TIMEOUT_NS, withTimeout } from './rpc.ts';
import { objIocBegin, sendToTarget } from './server.ts';
import type { StoreQueryResult } from './target-store.ts';
import { traced, type Data } from './traced.ts';

const CLIENT = 'client';
const OPC = 'DAOS_OBJ_RPC_QUERY_KEY';

/** `daos_obj_query_key` flags (`daos_obj.h`). */
export const DAOS_GET = {
  DAOS_GET_MAX: 1,
  DAOS_GET_MIN: 2,
  DAOS_GET_DKEY: 4,
  DAOS_GET_AKEY: 8,
  DAOS_GET_RECX: 16,
} as const;

export interface QueryKeyArgs {
  oh: string;
  flags: number;
  /** In: the dkey unless `DAOS_GET_DKEY`. */
  dkey: Uint8Array | null;
  /** In: the akey unless `DAOS_GET_AKEY`. */
  akey: Uint8Array | null;
}

interface QueryIn {
  oid: ObjId;
  shard: number;
  layoutVer: number;
  coh: string;
  coUuid: string;
  mapVer: number;
  flags: number;
  dkey: Uint8Array | null;
  akey: Uint8Array | null;
  hlc: bigint;
}

interface QueryOut {
  ret: number;
  res: StoreQueryResult | null;
  lost?: boolean;
}

function flagNames(flags: number): string[] {
  return Object.entries(DAOS_GET)
    .filter(([, v]) => (flags & v) !== 0)
    .map(([k]) => k);
}

/** Server: `crt_handle_rpc` → `ds_obj_query_key_handler` → `vos_obj_query_key`. */
function* queryHandler(cl: DaosCluster, target: DaosTarget, req: QueryIn): Proc<QueryOut> {
  const rt = cl.rt;
  const out: QueryOut = { ret: 0, res: null };
  rt.trace.effect({ kind: 'msg.recv', at: target.actor, opc: OPC, bytes: 160 });
  yield* traced(rt, 'crt_handle_rpc', target.actor, { opc: OPC, from: CLIENT }, function* () {
    target.hlc.recv(rt.sim.now, req.hlc);
    yield* traced(
      rt,
      'ds_obj_query_key_handler',
      target.actor,
      {
        okqi_oid: { id_shard: req.shard },
        okqi_api_flags: flagNames(req.flags),
        okqi_map_ver: req.mapVer,
        ...(req.dkey ? { okqi_dkey: keyDump(req.dkey) } : {}),
        ...(req.akey ? { okqi_akey: keyDump(req.akey) } : {}),
      },
      function* () {
        try {
          yield* objIocBegin(cl, target, req, false);
          const store = target.store;
          if (!store.queryKey) throw derError('NOSYS', `${store.kind} store has no query_key`);
          out.res = yield* store.queryKey({
            cont: req.coUuid,
            oid: req.oid,
            shard: req.shard,
            epoch: target.hlcGet(rt.sim.now),
            dkey: req.dkey,
            akey: req.akey,
            flags: req.flags,
          });
        } catch (err) {
          out.ret = rcOf(err);
        }
      },
      () => ({ ret: out.ret }),
    );
    yield* traced(
      rt,
      'crt_reply_send',
      target.actor,
      { opc: OPC, to: CLIENT, bytes: 128 },
      function* () {
        rt.trace.effect({
          kind: 'msg.send',
          from: target.actor,
          to: CLIENT,
          opc: `${OPC} reply`,
          bytes: 128,
        });
        yield* sleep(COST.serverStep / 4);
      },
    );
  });
  yield* sleep(wireNs(128));
  return out;
}

/** -1 / 0 / 1: dkey order as VOS keeps it (uint64 numerically, else bytewise). */
function cmpKey(a: Uint8Array, b: Uint8Array, u64: boolean): number {
  if (u64 && a.length === 8 && b.length === 8) {
    const x = u64FromLe(a);
    const y = u64FromLe(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/** A live shard of group `g` (the first one not DOWN in the client's map). */
function liveShard(oh: ObjHandle, g: number): ShardPlacement {
  const L = oh.layout;
  for (let k = 0; k < L.grpSize; k++) {
    const s = L.shards[g * L.grpSize + k] as ShardPlacement;
    if (!oh.excluded.has(s.target)) return s;
  }
  throw derError('IO', 'no live replica in the redundancy group');
}

/**
 * `daos_obj_query_key` — blocking. Returns null when nothing matches (DAOS: -DER_NONEXIST,
 * which `daos_array_get_size` reads as size 0).
 */
export function* daosObjQueryKey(cl: DaosCluster, a: QueryKeyArgs): Proc<StoreQueryResult | null> {
  const rt = cl.rt;
  const oh = cl.client.objects.get(a.oh);
  const auxi = newObjAuxi(false);
  const getMax = (a.flags & DAOS_GET.DAOS_GET_MAX) !== 0;
  const u64 = oh !== undefined && otypeDkeyIsUint64(oidType(oh.oid));
  let best: StoreQueryResult | null = null;
  /** `obj_shard_query_key_cb`: keep the max (min) dkey among the groups' answers. */
  const merge = (res: StoreQueryResult): void => {
    if (best === null || !best.dkey || !res.dkey) {
      best ??= res;
      return;
    }
    const c = cmpKey(res.dkey, best.dkey, u64);
    if (getMax ? c > 0 : c < 0) best = res;
  };
  yield* traced(
    rt,
    'daos_obj_query_key',
    CLIENT,
    {
      oh: { cookie: oh?.cookie ?? 0, name: a.oh },
      flags: flagNames(a.flags),
      ...(a.dkey ? { dkey: keyDump(a.dkey) } : {}),
      ...(a.akey ? { akey: keyDump(a.akey) } : {}),
    },
    () =>
      blockingTask(cl, 'dc_obj_query_key', function* (task) {
        best = null;
        yield* traced(
          rt,
          'dc_obj_query_key',
          CLIENT,
          { opc: OPC, task: task.id, ...(auxi.retryCnt > 0 ? { retry: auxi.retryCnt } : {}) },
          function* () {
            yield* sleep(COST.clientStep);
            if (!oh) throw derError('NO_HDL', 'object handle is not open');
            if (getMax === ((a.flags & DAOS_GET.DAOS_GET_MIN) !== 0))
              throw derError('INVAL', 'exactly one of DAOS_GET_MAX / DAOS_GET_MIN');
            if (!(a.flags & DAOS_GET.DAOS_GET_DKEY) && !a.dkey)
              throw derError('INVAL', 'no dkey and no DAOS_GET_DKEY');
            if (a.flags & DAOS_GET.DAOS_GET_RECX && !(a.flags & DAOS_GET.DAOS_GET_AKEY) && !a.akey)
              throw derError('INVAL', 'DAOS_GET_RECX needs an akey or DAOS_GET_AKEY');
            registerObjCompCb(cl, task, oh, auxi); // obj_task_init
            const layout = oh.layout;
            const groups =
              a.flags & DAOS_GET.DAOS_GET_DKEY || !a.dkey
                ? Array.from({ length: layout.grpNr }, (_, g) => g)
                : [dkeyGroup(layout, dkeyHash(oh.oid, a.dkey))];
            /** One group: `dc_obj_shard_query_key` to a live shard, wait, merge. */
            const shardQuery = function* (g: number): Proc<number> {
              const shard = liveShard(oh, g);
              const target = cl.target(shard.target);
              const req: QueryIn = {
                oid: oh.oid,
                shard: shard.shard,
                layoutVer: LAYOUT_VER,
                coh: oh.coh,
                coUuid: oh.cont.uuid,
                mapVer: oh.mapVer,
                flags: a.flags,
                dkey: a.dkey,
                akey: a.akey,
                hlc: cl.client.hlc.get(rt.sim.now),
              };
              const fut = yield* traced(
                rt,
                'dc_obj_shard_query_key',
                CLIENT,
                { opc: OPC, grp_idx: g, shard: shard.shard, target: target.actor },
                function* () {
                  yield* sleep(COST.clientStep);
                  const f = yield* sendToTarget(cl, CLIENT, target, OPC, 160, {}, () =>
                    queryHandler(cl, target, req),
                  );
                  const lost: QueryOut = { ret: der('TIMEDOUT'), res: null, lost: true };
                  return withTimeout(rt, f, CRT_TIMEOUT_NS, lost);
                },
              );
              const out = yield* wait(fut);
              if (out.lost === true) auxi.lostTarget = target.id;
              if (out.ret === 0 && out.res) merge(out.res);
              // A group without any matching key answers -DER_NONEXIST: not a failure here.
              return out.ret === der('NONEXIST') ? 0 : out.ret;
            };
            yield* traced(rt, 'obj_req_fanout', CLIENT, { groups, cli_disp: true }, () =>
              objReqFanout(cl, task, groups.length, (_t, i) => shardQuery(groups[i] as number)),
            );
          },
        );
      }),
    () => ({ found: best !== null, ...resultDump(best) }),
  );
  return best;
}

function resultDump(r: StoreQueryResult | null): Data {
  if (!r) return {};
  return {
    ...(r.dkey ? { dkey: keyDump(r.dkey) } : {}),
    ...(r.akey ? { akey: keyDump(r.akey) } : {}),
    ...(r.recx ? { recx_idx: u64Hex(r.recx.idx), recx_nr: r.recx.nr } : {}),
  };
}
