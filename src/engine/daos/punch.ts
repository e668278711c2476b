/**
 * Punch (`daos_obj_punch_dkeys`, `daos_obj_punch_akeys`, `daos_obj_punch`; spec §1.9, §7.4):
 * the client sends one RPC to the leader of each group concerned; the leader picks the epoch,
 * forwards to the replicas and punches locally (`vos_obj_punch`).
 */
import { IoError, der, derError, rcOf } from '../core/errors.ts';
import { u64Hex } from '../core/bytes.ts';
import { sleep, waitAll, wait, type Future, type Proc } from '../core/sim.ts';
import type { Json } from '../trace/event.ts';
import type { DaosCluster, DaosTarget, ObjHandle } from './cluster.ts';
import { COST, wireNs } from './costs.ts';
import { blockingTask, newObjAuxi, objReqFanout, registerObjCompCb } from './obj-task.ts';
import { keyDump } from './io-types.ts';
import { LAYOUT_VER, OO_WRITE_MASK } from './constants.ts';
import type { ObjId } from './oid.ts';
import { dkeyGroup, dkeyHash, groupLeaderShard, type ShardPlacement } from './placement.ts';
import { CRT_TIMEOUT_NS, crtReqSend, withTimeout, type ShardTgt } from './rpc.ts';
import { objIocBegin, sendToTarget } from './server.ts';
import { traced } from './traced.ts';

const CLIENT = 'client';

export type PunchKind = 'obj' | 'dkeys' | 'akeys';

interface PunchIn {
  opc: string;
  oid: ObjId;
  shard: number;
  layoutVer: number;
  coh: string;
  coUuid: string;
  mapVer: number;
  dkey: Uint8Array | null;
  akeys: Uint8Array[] | null;
  flags: number;
  epoch: bigint;
  replicas: ShardTgt[];
  hlc: bigint;
}

const API: Record<PunchKind, [string, string, string]> = {
  obj: ['daos_obj_punch', 'dc_obj_punch_task', 'DAOS_OBJ_RPC_PUNCH'],
  dkeys: ['daos_obj_punch_dkeys', 'dc_obj_punch_dkeys_task', 'DAOS_OBJ_RPC_PUNCH_DKEYS'],
  akeys: ['daos_obj_punch_akeys', 'dc_obj_punch_akeys_task', 'DAOS_OBJ_RPC_PUNCH_AKEYS'],
};

function* objLocalPunch(cl: DaosCluster, target: DaosTarget, req: PunchIn): Proc<void> {
  yield* traced(
    cl.rt,
    'obj_local_punch',
    target.actor,
    { epoch: u64Hex(req.epoch), shard: req.shard },
    () =>
      target.store.punch({
        cont: req.coUuid,
        oid: req.oid,
        shard: req.shard,
        epoch: req.epoch,
        dkey: req.dkey,
        akeys: req.akeys,
        flags: req.flags,
      }),
  );
}

/** A replica: `ds_obj_tgt_punch_handler` for the leader's forwarded punch. */
function* tgtPunchHandler(cl: DaosCluster, target: DaosTarget, req: PunchIn): Proc<number> {
  const rt = cl.rt;
  let ret = 0;
  yield* traced(
    rt,
    'crt_handle_rpc',
    target.actor,
    { opc: 'DAOS_OBJ_RPC_TGT_PUNCH' },
    function* () {
      target.hlc.recv(rt.sim.now, req.epoch);
      yield* traced(
        rt,
        'ds_obj_tgt_punch_handler',
        target.actor,
        { epoch: u64Hex(req.epoch), shard: req.shard },
        function* () {
          try {
            yield* objLocalPunch(cl, target, req);
          } catch (err) {
            ret = rcOf(err);
          }
        },
      );
      yield* traced(
        rt,
        'crt_reply_send',
        target.actor,
        { opc: 'DAOS_OBJ_RPC_TGT_PUNCH', to: 'leader', bytes: 64 },
        function* () {
          yield* sleep(COST.serverStep / 4);
        },
      );
    },
  );
  yield* sleep(wireNs(64));
  return ret;
}

/** The leader: `crt_handle_rpc` → `ds_obj_punch_handler`. */
function* punchHandler(cl: DaosCluster, target: DaosTarget, req: PunchIn): Proc<number> {
  const rt = cl.rt;
  let ret = 0;
  rt.trace.effect({ kind: 'msg.recv', at: target.actor, opc: req.opc, bytes: 200 });
  yield* traced(rt, 'crt_handle_rpc', target.actor, { opc: req.opc, from: CLIENT }, function* () {
    target.hlc.recv(rt.sim.now, req.hlc);
    yield* traced(
      rt,
      'ds_obj_punch_handler',
      target.actor,
      {
        opc: req.opc,
        opi_oid: { id_shard: req.shard },
        opi_dkeys: req.dkey ? [keyDump(req.dkey)] : [],
        opi_akeys: (req.akeys ?? []).map(keyDump),
        opi_api_flags: req.flags,
        opi_shard_tgts: req.replicas.map((t) => ({ ...t })),
      },
      function* () {
        try {
          yield* objIocBegin(cl, target, req, true);
          yield* traced(
            rt,
            'process_epoch',
            target.actor,
            { opi_epoch: u64Hex(req.epoch) },
            function* () {
              yield* sleep(COST.serverStep / 4);
              req.epoch = target.hlcGet(rt.sim.now);
            },
            () => ({ opi_epoch: u64Hex(req.epoch), result: 'PE_OK_LOCAL' }),
          );
          const fwd: Future<number>[] = [];
          for (const st of req.replicas) {
            const rtgt = cl.target(st.st_tgt_id);
            const sub: PunchIn = { ...req, shard: st.st_shard, replicas: [] };
            fwd.push(
              yield* crtReqSend(
                rt,
                target.actor,
                rtgt.actor,
                'DAOS_OBJ_RPC_TGT_PUNCH',
                200,
                {},
                () => tgtPunchHandler(cl, rtgt, sub),
              ),
            );
          }
          let rc = 0;
          try {
            yield* objLocalPunch(cl, target, req);
          } catch (err) {
            rc = rcOf(err);
          }
          for (const r of yield* waitAll(fwd)) if (rc === 0) rc = r;
          if (rc !== 0) throw new IoError(rc);
        } catch (err) {
          ret = rcOf(err);
        }
      },
      () => ({ ret }),
    );
    yield* traced(
      rt,
      'obj_punch_complete',
      target.actor,
      { opo_ret: ret, opo_map_version: req.mapVer },
      function* () {
        rt.trace.effect({
          kind: 'msg.send',
          from: target.actor,
          to: CLIENT,
          opc: `${req.opc} reply`,
          bytes: 64,
        });
        yield* traced(
          rt,
          'crt_reply_send',
          target.actor,
          { opc: req.opc, to: CLIENT, bytes: 64 },
          function* () {
            yield* sleep(COST.serverStep / 4);
          },
        );
      },
    );
  });
  yield* sleep(wireNs(64));
  return ret;
}

export interface PunchArgs {
  oh: string;
  flags: number;
  dkeys: Uint8Array[] | null;
  akeys: Uint8Array[] | null;
}

/** `daos_obj_punch` / `daos_obj_punch_dkeys` / `daos_obj_punch_akeys` — blocking. */
export function* daosObjPunch(cl: DaosCluster, kind: PunchKind, a: PunchArgs): Proc<void> {
  const rt = cl.rt;
  const [api, task, opc] = API[kind];
  const oh: ObjHandle | undefined = cl.client.objects.get(a.oh);
  const apiData: { [k: string]: Json } = {
    oh: { cookie: oh?.cookie ?? 0, name: a.oh },
    th: 'DAOS_TX_NONE',
    flags: a.flags,
    ...(a.dkeys ? { nr: a.dkeys.length, dkeys: a.dkeys.map(keyDump) } : {}),
    ...(a.akeys ? { akeys: a.akeys.map(keyDump) } : {}),
  };
  const auxi = newObjAuxi(true);
  yield* traced(rt, api, CLIENT, apiData, () =>
    blockingTask(cl, task, function* (tsk) {
      const sent = yield* traced(
        rt,
        task,
        CLIENT,
        { opc, task: tsk.id, ...(auxi.retryCnt > 0 ? { retry: auxi.retryCnt } : {}) },
        function* () {
          yield* sleep(COST.clientStep);
          if (!oh) throw derError('NO_HDL', 'object handle is not open');
          if ((oh.mode & OO_WRITE_MASK) === 0) throw derError('NO_PERM', 'object opened read-only');
          if (kind === 'dkeys' && (a.dkeys?.length ?? 0) !== 1)
            throw derError('INVAL', 'daos_obj_punch_dkeys: nr must be 1');
          if (kind === 'akeys' && (a.akeys?.length ?? 0) === 0)
            throw derError('INVAL', 'daos_obj_punch_akeys: nr is 0');
          for (const k of [...(a.dkeys ?? []), ...(a.akeys ?? [])])
            if (k.length === 0) throw derError('INVAL', 'empty key');
          registerObjCompCb(cl, tsk, oh, auxi); // obj_task_init
          const layout = oh.layout;
          const dkey = a.dkeys?.[0] ?? null;
          const hash = dkey ? dkeyHash(oh.oid, dkey) : 0n;
          const groups = dkey
            ? [dkeyGroup(layout, hash)]
            : Array.from({ length: layout.grpNr }, (_, g) => g);
          /** `dc_obj_shard_punch` to the (live) leader of group `g`; the reply's future. */
          const shardPunch = function* (g: number): Proc<{ fut: Future<number>; tgt: number }> {
            const { leader, replicas } = punchTargets(oh, hash, g);
            const target = cl.target(leader.target);
            const req: PunchIn = {
              opc,
              oid: oh.oid,
              shard: leader.shard,
              layoutVer: LAYOUT_VER,
              coh: oh.coh,
              coUuid: oh.cont.uuid,
              mapVer: oh.mapVer,
              dkey,
              akeys: a.akeys,
              flags: a.flags,
              epoch: 0n,
              replicas,
              hlc: cl.client.hlc.get(rt.sim.now),
            };
            const fut = yield* traced(
              rt,
              'dc_obj_shard_punch',
              CLIENT,
              { opc, target: target.actor, shard: leader.shard, epoch: 'DAOS_EPOCH_MAX' },
              function* () {
                yield* sleep(COST.clientStep);
                const f = yield* sendToTarget(cl, CLIENT, target, opc, 200, {}, () =>
                  punchHandler(cl, target, req),
                );
                return withTimeout(rt, f, CRT_TIMEOUT_NS, LOST);
              },
            );
            return { fut, tgt: target.id };
          };
          return yield* traced(
            rt,
            'obj_req_fanout',
            CLIENT,
            { groups, dkey_hash: dkey ? u64Hex(hash) : null, srv_disp: layout.grpSize > 1 },
            function* () {
              // One target: the shard I/O runs on the object task. Several (object punch of a
              // multi-group object): one shard sub-task per group leader.
              if (groups.length === 1) return yield* shardPunch(groups[0] as number);
              yield* objReqFanout(cl, tsk, groups.length, function* (_sub, i) {
                const one = yield* shardPunch(groups[i] as number);
                const r = yield* wait(one.fut);
                if (r === LOST) auxi.lostTarget = one.tgt;
                return r;
              });
              return null;
            },
          );
        },
      );
      if (sent === null) return;
      const r = yield* wait(sent.fut);
      if (r === LOST) auxi.lostTarget = sent.tgt;
      if (r !== 0) throw new IoError(r, 'punch failed on the server');
    }),
  );
}

/** The reply value standing for "no answer" (the client's RPC timeout). */
const LOST = der('TIMEDOUT');

/** The leader of group `g` for `hash` (the next live replica when it is DOWN) and the others. */
function punchTargets(
  oh: ObjHandle,
  hash: bigint,
  g: number,
): { leader: ShardPlacement; replicas: ShardTgt[] } {
  const layout = oh.layout;
  const start = g * layout.grpSize;
  const first = groupLeaderShard(layout, hash, g);
  let leader: ShardPlacement | undefined;
  for (let k = 0; k < layout.grpSize && !leader; k++) {
    const s = layout.shards[start + ((first - start + k) % layout.grpSize)] as ShardPlacement;
    if (!oh.excluded.has(s.target)) leader = s;
  }
  if (!leader) throw derError('IO', 'no live replica in the redundancy group');
  const replicas: ShardTgt[] = [];
  for (let k = 0; k < layout.grpSize; k++) {
    const s = layout.shards[start + k] as ShardPlacement;
    // Every other replica, DOWN ones included: reintegration replays only missed updates, so
    // a punch still reaches the store of an excluded target (see README).
    if (s.shard !== leader.shard)
      replicas.push({ st_rank: s.rank, st_shard: s.shard, st_tgt_id: s.target, st_tgt_idx: s.idx });
  }
  return { leader, replicas };
}
