/**
 * The object server on one target (`src/object/srv_obj.c`, spec §4–§5.2): `ds_obj_rw_handler`
 * and what it calls, top to bottom. Storage goes through the target's `TargetStore` (the VOS
 * of the target); this file only emits the server-lane steps.
 */
import { IoError, derError, rcOf } from '../core/errors.ts';
import { u64Hex } from '../core/bytes.ts';
import { sleep, waitAll, type Future, type Proc } from '../core/sim.ts';
import { DAOS_EPOCH_MAX, OBJ_RPC, ORF, REDUN_BY_ORD } from './constants.ts';
import { COST, wireNs } from './costs.ts';
import type { DaosCluster, DaosTarget } from './cluster.ts';
import type { Sgl } from './io-types.ts';
import { oidOrd } from './oid.ts';
import {
  OPC_NAMES,
  crtReplySend,
  crtReqSend,
  rwInDump,
  rwInWireBytes,
  rwOutDump,
  rwOutWireBytes,
  type ObjRwIn,
  type ObjRwOut,
} from './rpc.ts';
import type { StoreIoh } from './target-store.ts';
import { traced } from './traced.ts';

export interface IoContext {
  target: DaosTarget;
  write: boolean;
  mapVer: number;
}

/** `crt_handle_rpc` → `ds_obj_rw_handler` on `target`; returns the reply (after its wire time). */
export function* crtHandleRpc(cl: DaosCluster, target: DaosTarget, req: ObjRwIn): Proc<ObjRwOut> {
  const rt = cl.rt;
  const opc = OPC_NAMES[req.opc] ?? String(req.opc);
  // The effect rides on the step's enter event (the moment the message arrives).
  rt.trace.effect({ kind: 'msg.recv', at: target.actor, opc, bytes: rwInWireBytes(req) });
  const reply = yield* traced(
    rt,
    'crt_handle_rpc',
    target.actor,
    { opc, from: 'client', ep: { rank: target.rank, tag: target.idx } },
    function* () {
      target.hlc.recv(rt.sim.now, req.hlc);
      yield* sleep(COST.serverStep / 2);
      return yield* dsObjRwHandler(cl, target, req);
    },
    (rep) => ({ orw_ret: rep.ret }),
  );
  yield* sleep(wireNs(rwOutWireBytes(reply)));
  return reply;
}

function* dsObjRwHandler(cl: DaosCluster, target: DaosTarget, req: ObjRwIn): Proc<ObjRwOut> {
  const rt = cl.rt;
  const isUpdate = req.opc === OBJ_RPC.DAOS_OBJ_RPC_UPDATE;
  const rep: ObjRwOut = {
    ret: 0,
    mapVersion: req.mapVer,
    epoch: req.epoch,
    iodSizes: [],
    sgls: null,
    nrs: [],
    hlc: 0n,
  };
  return yield* traced(
    rt,
    'ds_obj_rw_handler',
    target.actor,
    rwInDump(req),
    function* () {
      try {
        const ioc = yield* objIocBegin(cl, target, req, isUpdate);
        rep.mapVersion = ioc.mapVer;
        yield* traced(
          rt,
          'process_epoch',
          target.actor,
          { orw_epoch: u64Hex(req.epoch), orw_epoch_first: u64Hex(req.epochFirst) },
          function* () {
            yield* sleep(COST.serverStep / 4);
            processEpoch(target, req, rt.sim.now);
          },
          () => ({
            orw_epoch: u64Hex(req.epoch),
            orw_epoch_first: u64Hex(req.epochFirst),
            result: 'PE_OK_LOCAL',
          }),
        );
        rep.epoch = req.epoch;
        if (isUpdate) yield* updateBody(cl, ioc, req);
        else yield* fetchBody(cl, ioc, req, rep);
      } catch (err) {
        rep.ret = rcOf(err);
      }
      yield* objRwReply(cl, target, req, rep);
      return rep;
    },
    (r) => ({ orw_ret: r.ret }),
  );
}

/** What `obj_ioc_begin` reads from any object RPC. */
export type IocRequest = Pick<ObjRwIn, 'coh' | 'coUuid' | 'mapVer' | 'oid' | 'layoutVer'>;

/** `obj_ioc_begin`: handle, map version, capability and class checks (spec §4.2). */
export function* objIocBegin(
  cl: DaosCluster,
  target: DaosTarget,
  req: IocRequest,
  isWrite: boolean,
): Proc<IoContext> {
  const rt = cl.rt;
  return yield* traced(
    rt,
    'obj_ioc_begin',
    target.actor,
    { orw_co_hdl: req.coh, orw_map_ver: req.mapVer, write: isWrite },
    function* () {
      yield* sleep(COST.serverStep);
      const h = cl.findContHandle(req.coh);
      if (!h) throw derError('NO_HDL', 'container handle not found (ds_cont_find_hdl)');
      if (h.cont.uuid !== req.coUuid) throw derError('NONEXIST', 'handle of another container');
      const mapVer = h.cont.pool.mapVer;
      if (req.mapVer < mapVer) throw derError('STALE', `client map ${req.mapVer} < ${mapVer}`);
      if (isWrite && !h.write)
        throw derError('NO_PERM', 'container handle has no write capability');
      if (!REDUN_BY_ORD.has(oidOrd(req.oid))) throw derError('INVAL', 'unknown object class');
      return { target, write: isWrite, mapVer };
    },
    (ioc) => ({
      ioc_map_ver: ioc.mapVer,
      ioc_layout_ver: req.layoutVer,
      capa: isWrite ? 'RW' : 'RO',
    }),
  );
}

/** `process_epoch`: epoch 0/MAX → this target's HLC (PE_OK_LOCAL). */
function processEpoch(target: DaosTarget, req: ObjRwIn, now: number): void {
  if (req.epoch === 0n || req.epoch === DAOS_EPOCH_MAX) {
    req.epoch = target.hlc.get(now);
    if (req.epochFirst === 0n || req.epochFirst === DAOS_EPOCH_MAX) req.epochFirst = req.epoch;
    req.flags &= ~ORF.ORF_EPOCH_UNCERTAIN;
  }
}

/** The update branch: DTX leader, forward to replicas, local update (spec §4.1 steps 3–9). */
function* updateBody(cl: DaosCluster, ioc: IoContext, req: ObjRwIn): Proc<void> {
  const rt = cl.rt;
  const actor = ioc.target.actor;
  // obj_gen_dtx_mbs: the forward list minus the leader; one target = solo.
  const replicas = req.shardTgts.slice(1);
  const solo = replicas.length === 0;
  yield* traced(
    rt,
    'dtx_leader_begin',
    actor,
    {
      dti: { dti_uuid: req.dti.uuid, dti_hlc: u64Hex(req.dti.hlc) },
      epoch: u64Hex(req.epoch),
      tgt_cnt: replicas.length,
      flags: solo ? ['DTX_SOLO', 'DTX_DROP_CMT', 'DTX_EPOCH_OWNER'] : ['DTX_EPOCH_OWNER'],
    },
    function* () {
      yield* sleep(COST.serverStep / 2);
    },
  );
  yield* traced(rt, 'obj_tgt_update', actor, { idx: -1, replicas: replicas.length }, function* () {
    // dtx_leader_exec_ops: forward to every replica first, then run locally, then wait.
    const forwards: Future<ObjRwOut>[] = [];
    for (const st of replicas) {
      const rtgt = cl.target(st.st_tgt_id);
      const fwd: ObjRwIn = {
        ...req,
        opc: OBJ_RPC.DAOS_OBJ_RPC_TGT_UPDATE,
        shard: st.st_shard,
        shardTgts: [],
      };
      forwards.push(
        yield* crtReqSend(
          rt,
          actor,
          rtgt.actor,
          'DAOS_OBJ_RPC_TGT_UPDATE',
          rwInWireBytes(fwd),
          {},
          () => tgtUpdateHandler(cl, rtgt, fwd),
        ),
      );
    }
    let rc = 0;
    try {
      yield* objLocalRwUpdate(cl, ioc.target, req);
    } catch (err) {
      rc = rcOf(err);
    }
    const outs = yield* waitAll(forwards);
    for (const o of outs) if (rc === 0 && o.ret !== 0) rc = o.ret;
    if (rc !== 0) throw new IoError(rc, 'update failed on a target of the group');
  });
  yield* traced(
    rt,
    'dtx_leader_end',
    actor,
    { result: solo ? 'committed (solo)' : 'committable' },
    function* () {
      yield* sleep(COST.serverStep / 2);
    },
  );
}

/** A replica's handler for the leader's forwarded update (`ds_obj_tgt_update_handler`). */
function* tgtUpdateHandler(cl: DaosCluster, target: DaosTarget, req: ObjRwIn): Proc<ObjRwOut> {
  const rt = cl.rt;
  const rep: ObjRwOut = {
    ret: 0,
    mapVersion: req.mapVer,
    epoch: req.epoch,
    iodSizes: [],
    sgls: null,
    nrs: [],
    hlc: 0n,
  };
  rt.trace.effect({
    kind: 'msg.recv',
    at: target.actor,
    opc: 'DAOS_OBJ_RPC_TGT_UPDATE',
    bytes: rwInWireBytes(req),
  });
  yield* traced(
    rt,
    'crt_handle_rpc',
    target.actor,
    { opc: 'DAOS_OBJ_RPC_TGT_UPDATE' },
    function* () {
      target.hlc.recv(rt.sim.now, req.epoch);
      yield* traced(rt, 'ds_obj_tgt_update_handler', target.actor, rwInDump(req), function* () {
        try {
          yield* objLocalRwUpdate(cl, target, req);
        } catch (err) {
          rep.ret = rcOf(err);
        }
      });
      yield* crtReplySend(
        rt,
        target.actor,
        'leader',
        'DAOS_OBJ_RPC_TGT_UPDATE',
        rwOutWireBytes(rep),
      );
    },
  );
  return rep;
}

/** `obj_local_rw` for an update (spec §4.5): VOS begin, BIO prep/copy, verify, VOS end. */
function* objLocalRwUpdate(cl: DaosCluster, target: DaosTarget, req: ObjRwIn): Proc<void> {
  const rt = cl.rt;
  const store = target.store;
  const actor = target.actor;
  yield* traced(
    rt,
    'obj_local_rw',
    actor,
    { opc: OPC_NAMES[req.opc] ?? req.opc, rma: req.bulk },
    function* () {
      for (const iod of req.iods) {
        if (iod.type === 2 && iod.nr > 0 && iod.recxs === null)
          throw derError('IO_INVAL', 'array iod without recxs');
      }
      const ioh: StoreIoh = yield* store.updateBegin({
        cont: req.coUuid,
        oid: req.oid,
        shard: req.shard,
        epoch: req.epoch,
        flags: req.apiFlags,
        dkey: req.dkey,
        iods: req.iods,
      });
      let rc = 0;
      try {
        yield* store.bioIodPrep(ioh);
        const sgls = req.sgls ?? req.iods.map(() => null);
        if (req.bulk) {
          yield* traced(
            rt,
            'obj_bulk_transfer',
            actor,
            { op: 'CRT_BULK_GET', bulks: req.iods.length },
            function* () {
              let bytes = 0;
              for (const s of sgls) for (const v of s?.iovs ?? []) bytes += v.len;
              yield* sleep(wireNs(bytes));
            },
          );
        }
        yield* store.bioIodCopy(ioh, sgls);
        yield* store.dedupVerify(ioh);
        yield* traced(
          rt,
          'obj_verify_bio_csum',
          actor,
          { csummer: null, note: 'checksums off (container default): nothing to verify' },
          function* () {
            yield* sleep(50);
          },
        );
        yield* store.bioIodPost(ioh);
      } catch (err) {
        rc = rcOf(err);
      }
      // obj_rw_complete → vos_update_end (publish, or cancel when rc ≠ 0).
      yield* traced(rt, 'obj_rw_complete', actor, { status: rc }, function* () {
        yield* store.updateEnd(ioh, rc);
      });
      if (rc !== 0) throw new IoError(rc);
    },
  );
}

/** The fetch branch (spec §5.2). */
function* fetchBody(cl: DaosCluster, ioc: IoContext, req: ObjRwIn, rep: ObjRwOut): Proc<void> {
  const rt = cl.rt;
  const target = ioc.target;
  const actor = target.actor;
  const store = target.store;
  yield* traced(
    rt,
    'dtx_begin',
    actor,
    {
      dti: { dti_uuid: req.dti.uuid, dti_hlc: u64Hex(req.dti.hlc) },
      sub_ops: 0,
      epoch: u64Hex(req.epoch),
    },
    function* () {
      yield* sleep(COST.serverStep / 4);
    },
  );
  let rc = 0;
  try {
    yield* traced(
      rt,
      'obj_local_rw',
      actor,
      { opc: 'DAOS_OBJ_RPC_FETCH', rma: req.bulk },
      function* () {
        // spec_fetch: no buffers at all → size-only fetch.
        const sizeOnly = req.sgls === null;
        const iods = req.iods.map((d) => ({
          ...d,
          recxs: d.recxs ? d.recxs.map((r) => ({ ...r })) : null,
        }));
        const ioh = yield* store.fetchBegin({
          cont: req.coUuid,
          oid: req.oid,
          shard: req.shard,
          epoch: req.epoch,
          flags: req.apiFlags,
          dkey: req.dkey,
          iods,
          sizeOnly,
        });
        // obj_set_reply_sizes
        rep.iodSizes = iods.map((d) => d.size);
        let frc = 0;
        try {
          if (!sizeOnly) {
            // obj_prep_fetch_sgls: reply buffers of the client's iov_buf_len sizes.
            const replySgls: (Sgl | null)[] = (req.sgls ?? []).map((s) =>
              s
                ? {
                    nrOut: 0,
                    iovs: s.iovs.map((v) => ({ buf: new Uint8Array(v.buf.length), len: 0 })),
                  }
                : null,
            );
            yield* store.bioIodPrep(ioh);
            yield* store.bioIodCopy(ioh, replySgls);
            if (req.bulk) {
              yield* traced(
                rt,
                'obj_bulk_transfer',
                actor,
                { op: 'CRT_BULK_PUT', bulks: req.iods.length },
                function* () {
                  let bytes = 0;
                  for (const s of replySgls) for (const v of s?.iovs ?? []) bytes += v.len;
                  yield* sleep(wireNs(bytes));
                },
              );
            }
            rep.sgls = replySgls;
            rep.nrs = replySgls.map((s) => s?.nrOut ?? 0);
          }
        } catch (err) {
          frc = rcOf(err);
        }
        yield* traced(rt, 'obj_rw_complete', actor, { status: frc }, function* () {
          yield* store.fetchEnd(ioh, frc);
        });
        if (frc !== 0) throw new IoError(frc);
      },
    );
  } catch (err) {
    rc = rcOf(err);
  }
  yield* traced(rt, 'dtx_end', actor, { result: rc }, function* () {
    yield* sleep(COST.serverStep / 4);
  });
  if (rc !== 0) throw new IoError(rc);
}

/** `obj_rw_reply`: status, map version, epoch (and fetch sizes/data), then `crt_reply_send`. */
function* objRwReply(cl: DaosCluster, target: DaosTarget, req: ObjRwIn, rep: ObjRwOut): Proc<void> {
  const rt = cl.rt;
  rep.hlc = target.hlc.get(rt.sim.now);
  // A bulk fetch moved its data already; the reply carries only sizes.
  const wire: ObjRwOut = req.bulk ? { ...rep, sgls: null } : rep;
  yield* traced(rt, 'obj_rw_reply', target.actor, rwOutDump(rep), function* () {
    yield* sleep(COST.serverStep / 4);
    // The reply's wire time is spent by crt_handle_rpc after it returns (the client waits).
    rt.trace.effect({
      kind: 'msg.send',
      from: target.actor,
      to: 'client',
      opc: `${OPC_NAMES[req.opc] ?? req.opc} reply`,
      bytes: rwOutWireBytes(wire),
    });
    yield* traced(
      rt,
      'crt_reply_send',
      target.actor,
      { opc: OPC_NAMES[req.opc] ?? req.opc, to: 'client', bytes: rwOutWireBytes(wire) },
      function* () {
        yield* sleep(COST.serverStep / 4);
      },
    );
  });
}
