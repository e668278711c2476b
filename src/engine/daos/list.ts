/**
 * Key enumeration (`daos_obj_list_dkey` / `daos_obj_list_akey`, spec §1.8): client loop over
 * anchors, `dc_obj_shard_list` RPC, and the server's `ds_obj_enum_handler` → `obj_local_enum`
 * → `vos_iterate`.
 */
import { der, derError, rcOf } from '../core/errors.ts';
import { u64Hex } from '../core/bytes.ts';
import { sleep, wait, type Future, type Proc } from '../core/sim.ts';
import type { DaosCluster, DaosTarget, ObjHandle } from './cluster.ts';
import { COST, wireNs } from './costs.ts';
import { blockingTask, newObjAuxi, registerObjCompCb } from './obj-task.ts';
import { tseTaskRegisterCompCb } from './tse.ts';
import { keyDump } from './io-types.ts';
import { LAYOUT_VER, otypeDkeyIsUint64 } from './constants.ts';
import { oidType, type ObjId } from './oid.ts';
import { dkeyGroup, dkeyHash, type ShardPlacement } from './placement.ts';
import { CRT_TIMEOUT_NS, withTimeout } from './rpc.ts';
import { objIocBegin, sendToTarget } from './server.ts';
import { traced } from './traced.ts';

const CLIENT = 'client';

interface EnumIn {
  opc: 'DAOS_OBJ_DKEY_RPC_ENUMERATE' | 'DAOS_OBJ_AKEY_RPC_ENUMERATE';
  oid: ObjId;
  shard: number;
  layoutVer: number;
  coh: string;
  coUuid: string;
  mapVer: number;
  dkey: Uint8Array | null;
  hlc: bigint;
}

interface EnumOut {
  ret: number;
  keys: Uint8Array[];
  epoch: bigint;
  /** No answer (dead target or lost message): the client's timeout. */
  lost?: boolean;
}

function keysBytes(keys: readonly Uint8Array[]): number {
  let n = 0;
  for (const k of keys) n += k.length + 16;
  return n;
}

/** Server: `crt_handle_rpc` → `ds_obj_enum_handler` on `target`. */
function* enumHandler(cl: DaosCluster, target: DaosTarget, req: EnumIn): Proc<EnumOut> {
  const rt = cl.rt;
  const out: EnumOut = { ret: 0, keys: [], epoch: 0n };
  rt.trace.effect({ kind: 'msg.recv', at: target.actor, opc: req.opc, bytes: 200 });
  yield* traced(rt, 'crt_handle_rpc', target.actor, { opc: req.opc, from: CLIENT }, function* () {
    target.hlc.recv(rt.sim.now, req.hlc);
    yield* traced(
      rt,
      'ds_obj_enum_handler',
      target.actor,
      {
        opc: req.opc,
        oei_oid: { id_shard: req.shard },
        oei_map_ver: req.mapVer,
        dkey: req.dkey ? keyDump(req.dkey) : null,
      },
      function* () {
        try {
          yield* objIocBegin(cl, target, req, false);
          // epoch range [0, MAX] → this target's clock
          out.epoch = target.hlcGet(rt.sim.now);
          out.keys = yield* traced(
            rt,
            'obj_local_enum',
            target.actor,
            { epr: { epr_lo: u64Hex(0n), epr_hi: u64Hex(out.epoch) } },
            () =>
              target.store.iterate({
                cont: req.coUuid,
                oid: req.oid,
                shard: req.shard,
                epoch: out.epoch,
                dkey: req.dkey,
              }),
            (keys) => ({ nr: keys.length }),
          );
        } catch (err) {
          out.ret = rcOf(err);
        }
      },
      () => ({ ret: out.ret }),
    );
    yield* traced(
      rt,
      'obj_enum_complete',
      target.actor,
      {
        oeo_ret: out.ret,
        oeo_kds: out.keys.map((k) => ({ kd_key_len: k.length })),
        oeo_epoch: u64Hex(out.epoch),
      },
      function* () {
        rt.trace.effect({
          kind: 'msg.send',
          from: target.actor,
          to: CLIENT,
          opc: `${req.opc} reply`,
          bytes: 96 + keysBytes(out.keys),
        });
        yield* traced(
          rt,
          'crt_reply_send',
          target.actor,
          { opc: req.opc, to: CLIENT, bytes: 96 + keysBytes(out.keys) },
          function* () {
            yield* sleep(COST.serverStep / 4);
          },
        );
      },
    );
  });
  yield* sleep(wireNs(96 + keysBytes(out.keys)));
  return out;
}

/** One `daos_obj_list_dkey`/`daos_obj_list_akey` call against one group. */
function* listCall(
  cl: DaosCluster,
  ohName: string,
  oh: ObjHandle | undefined,
  grp: number,
  dkey: Uint8Array | null,
): Proc<Uint8Array[]> {
  const rt = cl.rt;
  const api = dkey ? 'daos_obj_list_akey' : 'daos_obj_list_dkey';
  const task = dkey ? 'dc_obj_list_akey' : 'dc_obj_list_dkey';
  const opc = dkey ? 'DAOS_OBJ_AKEY_RPC_ENUMERATE' : 'DAOS_OBJ_DKEY_RPC_ENUMERATE';
  let keys: Uint8Array[] = [];
  const auxi = newObjAuxi(false);
  let lastTarget: number | null = null;
  yield* traced(
    rt,
    api,
    CLIENT,
    {
      oh: { cookie: oh?.cookie ?? 0, name: ohName },
      th: 'DAOS_TX_NONE',
      anchor: {
        da_type: grp === 0 ? 'DAOS_ANCHOR_TYPE_ZERO' : 'DAOS_ANCHOR_TYPE_HKEY',
        da_shard: grp,
      },
      ...(dkey ? { dkey: keyDump(dkey) } : {}),
    },
    () =>
      blockingTask(cl, task, function* (tsk) {
        const fut: Future<EnumOut> = yield* traced(
          rt,
          task,
          CLIENT,
          { opc, grp_idx: grp, ...(auxi.retryCnt > 0 ? { retry: auxi.retryCnt } : {}) },
          function* () {
            yield* sleep(COST.clientStep);
            if (!oh) throw derError('NO_HDL', 'object handle is not open');
            if (dkey && dkey.length === 0) throw derError('INVAL', 'empty dkey');
            registerObjCompCb(cl, tsk, oh, auxi); // obj_task_init
            const layout = oh.layout;
            // A random healthy replica of the group (spec §2.2 step 6).
            const live: number[] = [];
            for (let k = 0; k < layout.grpSize; k++)
              if (
                !oh.excluded.has((layout.shards[grp * layout.grpSize + k] as ShardPlacement).target)
              )
                live.push(k);
            if (live.length === 0) throw derError('IO', 'no live replica in the redundancy group');
            const pick =
              layout.grpSize > 1
                ? rt.rng
                    .fork('daos.list-replica')
                    .fork(String(rt.ids.next('daos.list')))
                    .int(0, layout.grpSize - 1)
                : 0;
            const r = live.includes(pick) ? pick : (live[pick % live.length] as number);
            const shard = layout.shards[grp * layout.grpSize + r] as ShardPlacement;
            const target = cl.target(shard.target);
            lastTarget = target.id;
            const req: EnumIn = {
              opc,
              oid: oh.oid,
              shard: shard.shard,
              layoutVer: LAYOUT_VER,
              coh: oh.coh,
              coUuid: oh.cont.uuid,
              mapVer: oh.mapVer,
              dkey,
              hlc: cl.client.hlc.get(rt.sim.now),
            };
            return yield* traced(
              rt,
              'obj_req_fanout',
              CLIENT,
              { grp_idx: grp, shard: shard.shard, cli_disp: true },
              () =>
                traced(
                  rt,
                  'dc_obj_shard_list',
                  CLIENT,
                  { opc, target: target.actor, ep: { rank: target.rank, tag: target.idx } },
                  function* () {
                    yield* sleep(COST.clientStep);
                    const f = yield* sendToTarget(
                      cl,
                      CLIENT,
                      target,
                      opc,
                      200 + (dkey?.length ?? 0),
                      {},
                      () => enumHandler(cl, target, req),
                    );
                    const lost: EnumOut = { ret: der('TIMEDOUT'), keys: [], epoch: 0n, lost: true };
                    const reply = withTimeout(rt, f, CRT_TIMEOUT_NS, lost);
                    tseTaskRegisterCompCb(tsk, 'dc_enumerate_cb', function* (t) {
                      const rep = reply.value;
                      const last = !dkey && grp === layout.grpNr - 1;
                      yield* traced(
                        rt,
                        'dc_enumerate_cb',
                        CLIENT,
                        {
                          ret: rep.ret,
                          nr: rep.keys.length,
                          kds: rep.keys.map((k) => ({ kd_key_len: k.length })),
                          anchor_out: {
                            da_type:
                              dkey || last ? 'DAOS_ANCHOR_TYPE_EOF' : 'DAOS_ANCHOR_TYPE_HKEY',
                            da_shard: dkey || last ? grp : grp + 1,
                          },
                        },
                        function* () {
                          if (rep.epoch !== 0n) cl.client.hlc.recv(rt.sim.now, rep.epoch);
                          yield* sleep(COST.clientStep);
                          if (rep.ret === 0) keys = rep.keys;
                          if (t.result === 0) t.result = rep.ret;
                        },
                      );
                    });
                    return reply;
                  },
                ),
            );
          },
        );
        const rep = yield* wait(fut);
        if (rep.lost === true) auxi.lostTarget = lastTarget;
      }),
    () => ({ nr: keys.length }),
  );
  return keys;
}

/**
 * The application's loop: `daos_obj_list_dkey` with an anchor until EOF (one call per group);
 * `daos_obj_list_akey` for one dkey (one call to the dkey's group).
 */
export function* daosObjListKeys(
  cl: DaosCluster,
  ohName: string,
  dkey: Uint8Array | null,
): Proc<Uint8Array[]> {
  const oh = cl.client.objects.get(ohName);
  if (dkey) {
    const grp = oh ? dkeyGroup(oh.layout, dkeyHash(oh.oid, dkey)) : 0;
    return yield* listCall(cl, ohName, oh, grp, dkey);
  }
  const all: Uint8Array[] = [];
  const groups = oh?.layout.grpNr ?? 1;
  for (let g = 0; g < groups; g++) all.push(...(yield* listCall(cl, ohName, oh, g, null)));
  return all;
}

/** Whether an object's dkeys are uint64 (results list them as numbers). */
export function dkeysAreUint64(oid: ObjId): boolean {
  return otypeDkeyIsUint64(oidType(oid));
}
