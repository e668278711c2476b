/**
 * The object server on one target (`src/object/srv_obj.c`, spec §4–§5.2): `ds_obj_rw_handler`
 * and what it calls, top to bottom. Storage goes through the target's `TargetStore` (the VOS
 * of the target); this file only emits the server-lane steps.
 */
import { IoError, der, derError, rcOf } from '../core/errors.ts';
import { u64Hex } from '../core/bytes.ts';
import { sleep, waitAll, type Future, type Proc } from '../core/sim.ts';
import type { Runtime } from '../core/runtime.ts';
import type { Json } from '../trace/event.ts';
import {
  DTX_FLAGS,
  DTX_ST,
  DTX_ST_NAMES,
  dtiDump,
  dtxCommit,
  dtxRefresh,
  vosDtxAbort,
  vosDtxCommit,
  type DtxEntry,
} from './dtx.ts';
import { DAOS_EPOCH_MAX, DAOS_PROP_CO_DEDUP, OBJ_RPC, ORF, REDUN_BY_ORD } from './constants.ts';
import { COST, wireNs } from './costs.ts';
import type { DaosCluster, DaosTarget } from './cluster.ts';
import type { Sgl } from './io-types.ts';
import { oidOrd, oidText } from './oid.ts';
import {
  CRT_FWD_TIMEOUT_NS,
  OPC_NAMES,
  crtReplySend,
  neverReplies,
  withTimeout,
  crtReqSend,
  rwInDump,
  rwInWireBytes,
  rwOutDump,
  rwOutWireBytes,
  type ObjRwIn,
  type ObjRwOut,
} from './rpc.ts';
import type { StoreDedup, StoreIoh } from './target-store.ts';
import { traced } from './traced.ts';

/** Return codes the DTX logic tests for. */
const IO_ERR = {
  TIMEDOUT: der('TIMEDOUT'),
  ALREADY: der('ALREADY'),
  INPROGRESS: der('INPROGRESS'),
} as const;

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
    req.epoch = target.hlcGet(now);
    if (req.epochFirst === 0n || req.epochFirst === DAOS_EPOCH_MAX) req.epochFirst = req.epoch;
    req.flags &= ~ORF.ORF_EPOCH_UNCERTAIN;
  }
}

/**
 * Send an RPC to a target through the simulated fabric: a dead target (or a dropped message)
 * never answers, so the returned future only settles by `withTimeout`.
 */
export function* sendToTarget<R>(
  cl: DaosCluster,
  from: string,
  target: DaosTarget,
  opc: string,
  bytes: number,
  data: { [k: string]: Json },
  handler: () => Proc<R>,
): Proc<Future<R>> {
  const rt = cl.rt;
  const lost = !target.alive || cl.dropMessage(from, target.actor);
  return yield* crtReqSend(rt, from, target.actor, opc, bytes, data, () =>
    lost ? neverReplies<R>(rt) : handler(),
  );
}

function replyOf(req: ObjRwIn, ret: number): ObjRwOut {
  return {
    ret,
    mapVersion: req.mapVer,
    epoch: req.epoch,
    iodSizes: [],
    sgls: null,
    nrs: [],
    hlc: 0n,
  };
}

/**
 * The update branch (spec §4.1 steps 3–9, §6.1): `obj_gen_dtx_mbs`, resend check,
 * `dtx_leader_begin`, `dtx_leader_exec_ops` (forward `TGT_UPDATE` to every live replica BEFORE
 * the local `obj_tgt_update`), `dtx_leader_end` (abort on any failure; sync commit for a new
 * object; otherwise committable and batched / piggybacked later).
 */
function* updateBody(cl: DaosCluster, ioc: IoContext, req: ObjRwIn): Proc<void> {
  const rt = cl.rt;
  const leader = ioc.target;
  const actor = leader.actor;
  const oidKey = oidText(req.oid);
  // obj_gen_dtx_mbs: the forward list minus the leader; targets DOWN in the pool map are
  // skipped (the write goes to the remaining replicas; reintegration restores them later).
  const others = req.shardTgts.slice(1);
  const replicas = others.filter((st) => !cl.excluded.has(st.st_tgt_id));
  const skipped = others.filter((st) => cl.excluded.has(st.st_tgt_id));
  const solo = others.length === 0;
  if ((req.flags & ORF.ORF_RESEND) !== 0) {
    // obj_handle_resend → dtx_handle_resend → vos_dtx_check (spec §6.6).
    const prev = leader.dtx.get(req.dti);
    const st = prev?.state;
    const already = st === DTX_ST.DTX_ST_COMMITTED || st === DTX_ST.DTX_ST_COMMITTABLE;
    yield* traced(
      rt,
      'obj_handle_resend',
      actor,
      { dti: dtiDump(req.dti), state: st === undefined ? 'NONEXIST' : (DTX_ST_NAMES[st] ?? st) },
      function* () {
        yield* sleep(COST.serverStep / 2);
      },
      () => ({ result: already ? 'DER_ALREADY → 0 (not re-executed)' : 'execute' }),
    );
    if (already && prev) {
      req.epoch = prev.epoch;
      return;
    }
  }
  const newObj = !leader.knownObjs.has(oidKey);
  const sync = !solo && newObj;
  const cos = solo ? [] : leader.dtx.cosFor(req.oid, req.dkeyHash);
  const flags = solo
    ? DTX_FLAGS.DTX_SOLO | DTX_FLAGS.DTX_DROP_CMT | DTX_FLAGS.DTX_EPOCH_OWNER
    : DTX_FLAGS.DTX_EPOCH_OWNER | (sync ? DTX_FLAGS.DTX_SYNC : 0);
  const ent: DtxEntry = {
    xid: req.dti,
    epoch: req.epoch,
    oid: req.oid,
    dkeyHash: req.dkeyHash,
    state: DTX_ST.DTX_ST_INITED,
    leader: true,
    mbs: [leader.id, ...replicas.map((st) => st.st_tgt_id)],
    since: rt.sim.now,
  };
  yield* traced(
    rt,
    'dtx_leader_begin',
    actor,
    {
      dti: dtiDump(req.dti),
      epoch: u64Hex(req.epoch),
      tgt_cnt: replicas.length,
      flags: Object.entries(DTX_FLAGS)
        .filter(([, v]) => (flags & v) !== 0)
        .map(([k]) => k),
      dth_mbs: ent.mbs.map((id) => cl.target(id).actor),
      dti_cos: cos.map((e) => dtiDump(e.xid)),
      ...(skipped.length > 0 ? { skipped_down: skipped.map((st) => st.st_tgt_id) } : {}),
    },
    function* () {
      yield* sleep(COST.serverStep / 2);
      leader.dtx.put(ent);
    },
  );
  for (const st of skipped)
    cl.target(st.st_tgt_id).missed.push({ req: { ...req, shard: st.st_shard } });
  const results: { tgt: number; ret: number }[] = [];
  yield* traced(
    rt,
    'dtx_leader_exec_ops',
    actor,
    { forward_cnt: replicas.length, sub_cnt: replicas.length + 1 },
    function* () {
      // Forward to every replica first (the IO-forward chore), then run locally, then wait.
      const forwards: { tgt: number; fut: Future<ObjRwOut> }[] = [];
      for (const st of replicas) {
        const rtgt = cl.target(st.st_tgt_id);
        const fwd: ObjRwIn = {
          ...req,
          opc: OBJ_RPC.DAOS_OBJ_RPC_TGT_UPDATE,
          shard: st.st_shard,
          shardTgts: req.shardTgts,
          flags: (req.flags | ORF.ORF_BULK_BIND) & ~ORF.ORF_LEADER,
          dtiCos: cos.map((e) => e.xid),
        };
        const fut = yield* traced(
          rt,
          'obj_tgt_update',
          actor,
          { idx: forwards.length, tgt: rtgt.actor, shard: st.st_shard },
          () =>
            sendToTarget(cl, actor, rtgt, 'DAOS_OBJ_RPC_TGT_UPDATE', rwInWireBytes(fwd), {}, () =>
              tgtUpdateHandler(cl, rtgt, leader, fwd),
            ),
        );
        forwards.push({
          tgt: rtgt.id,
          fut: withTimeout(rt, fut, CRT_FWD_TIMEOUT_NS, replyOf(fwd, IO_ERR.TIMEDOUT)),
        });
      }
      let rc = 0;
      yield* traced(rt, 'obj_tgt_update', actor, { idx: -1, local: true }, function* () {
        try {
          yield* objLocalRwUpdate(cl, leader, req);
        } catch (err) {
          rc = rcOf(err);
        }
      });
      results.push({ tgt: leader.id, ret: rc });
      const outs = yield* waitAll(forwards.map((f) => f.fut));
      outs.forEach((o, i) =>
        results.push({ tgt: (forwards[i] as { tgt: number }).tgt, ret: o.ret }),
      );
    },
  );
  // dtx_comp_cb: the first failure wins, but -DER_INPROGRESS / -DER_AGAIN yield to any other.
  let result = 0;
  for (const r of results) {
    if (r.ret === 0 || r.ret === IO_ERR.ALREADY) continue;
    if (result === 0 || result === IO_ERR.INPROGRESS) result = r.ret;
  }
  const failed = results.filter((r) => r.ret !== 0).map((r) => r.tgt);
  if (result !== 0 && failed.some((id) => id !== leader.id)) {
    // A replica that does not answer is reported to the pool service, which excludes it.
    for (const r of results)
      if (r.ret === IO_ERR.TIMEDOUT && r.tgt !== leader.id && !cl.target(r.tgt).alive)
        cl.excludeTarget(r.tgt);
  }
  yield* traced(
    rt,
    'dtx_leader_end',
    actor,
    {
      dti: dtiDump(req.dti),
      result,
      sub_results: results.map((r) => ({ tgt: cl.target(r.tgt).actor, ret: r.ret })),
    },
    function* () {
      yield* sleep(COST.serverStep / 2);
      if (result !== 0) {
        // dtx_abort: DTX_ABORT to the other participants that prepared, then local abort.
        yield* traced(rt, 'dtx_abort', actor, { dti: dtiDump(req.dti) }, function* () {
          const futs: Future<void>[] = [];
          for (const r of results) {
            if (r.tgt === leader.id || r.ret !== 0) continue;
            const t = cl.target(r.tgt);
            futs.push(
              withTimeout(
                rt,
                yield* sendToTarget(cl, actor, t, 'DTX_ABORT', 88, {}, function* () {
                  yield* traced(rt, 'dtx_handler', t.actor, { opc: 'DTX_ABORT' }, () =>
                    vosDtxAbort(cl, t, req.dti),
                  );
                }),
                CRT_FWD_TIMEOUT_NS,
                undefined,
              ),
            );
          }
          yield* waitAll(futs);
          yield* vosDtxAbort(cl, leader, req.dti);
        });
        return;
      }
      leader.knownObjs.add(oidKey);
      if (solo) {
        leader.dtx.setState(req.dti, DTX_ST.DTX_ST_COMMITTED, rt.sim.now);
      } else if (sync) {
        // A new object on this target: dth_sync → commit before replying.
        leader.dtx.setState(req.dti, DTX_ST.DTX_ST_COMMITTABLE, rt.sim.now);
        yield* dtxCommit(cl, leader, [ent]);
      } else {
        // dtx_cos_add + vos_dtx_mark_committable; the batched commit or a piggyback commits it.
        yield* traced(
          rt,
          'dtx_cos_add',
          actor,
          { dti: dtiDump(req.dti), dkey_hash: u64Hex(req.dkeyHash), flags: 'DCF_SHARED' },
          function* () {
            yield* sleep(COST.serverStep / 4);
            leader.dtx.setState(req.dti, DTX_ST.DTX_ST_COMMITTABLE, rt.sim.now);
          },
        );
      }
      // Piggybacked ids were committed by the replicas with this update: commit them here.
      if (cos.length > 0)
        yield* vosDtxCommit(
          cl,
          leader,
          cos.map((e) => e.xid),
        );
    },
    () => ({ state: DTX_ST_NAMES[leader.dtx.get(req.dti)?.state ?? 0] ?? '' }),
  );
  if (result !== 0) throw new IoError(result, 'update failed on a target of the group');
}

/** A replica's handler for the leader's forwarded update (`ds_obj_tgt_update_handler`). */
function* tgtUpdateHandler(
  cl: DaosCluster,
  target: DaosTarget,
  leader: DaosTarget,
  req: ObjRwIn,
): Proc<ObjRwOut> {
  const rt = cl.rt;
  const rep = replyOf(req, 0);
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
        const cos = req.dtiCos ?? [];
        try {
          yield* traced(
            rt,
            'dtx_begin',
            target.actor,
            {
              dti: dtiDump(req.dti),
              epoch: u64Hex(req.epoch),
              sub_ops: 1,
              dti_cos: cos.map(dtiDump),
            },
            function* () {
              yield* sleep(COST.serverStep / 4);
              const prev = target.dtx.get(req.dti);
              if (prev && prev.state !== DTX_ST.DTX_ST_ABORTED)
                throw derError('ALREADY', 'DTX already prepared here (resend)');
              target.dtx.put({
                xid: req.dti,
                epoch: req.epoch,
                oid: req.oid,
                dkeyHash: req.dkeyHash,
                state: DTX_ST.DTX_ST_INITED,
                leader: false,
                mbs: [leader.id, ...req.shardTgts.slice(1).map((st) => st.st_tgt_id)],
                since: rt.sim.now,
              });
            },
          );
          // Piggybacked committable DTXs commit in the same local transaction as this update.
          if (cos.length > 0) yield* vosDtxCommit(cl, target, cos);
          yield* objLocalRwUpdate(cl, target, req);
          target.knownObjs.add(oidText(req.oid));
          yield* traced(rt, 'dtx_end', target.actor, { result: 0 }, function* () {
            yield* sleep(COST.serverStep / 4);
            // vos_dtx_prepared: the active entry is persisted as PREPARED.
            target.dtx.setState(req.dti, DTX_ST.DTX_ST_PREPARED, rt.sim.now);
          });
        } catch (err) {
          rep.ret = rcOf(err);
          if (rep.ret !== IO_ERR.ALREADY)
            target.dtx.setState(req.dti, DTX_ST.DTX_ST_ABORTED, rt.sim.now);
        }
      });
      yield* crtReplySend(
        rt,
        target.actor,
        leader.actor,
        'DAOS_OBJ_RPC_TGT_UPDATE',
        rwOutWireBytes(rep),
      );
    },
  );
  yield* sleep(wireNs(rwOutWireBytes(rep)));
  return rep;
}

/**
 * The dedup part of obj_local_rw's VOS flags: only a bulk (RMA) update of a container with the
 * dedup property on gets VOS_OF_DEDUP (and VOS_OF_DEDUP_VERIFY when the property is MEMCMP),
 * with the property's threshold; an inline update is never deduplicated.
 */
function dedupFor(cl: DaosCluster, req: ObjRwIn): StoreDedup | null {
  if (!req.bulk) return null;
  for (const pool of cl.pools.values()) {
    for (const c of pool.conts.values()) {
      if (c.uuid !== req.coUuid) continue;
      const d = c.dedup;
      if (d === undefined || d.type === DAOS_PROP_CO_DEDUP.OFF) return null;
      return { type: d.type, threshold: d.threshold, sgls: req.sgls ?? req.iods.map(() => null) };
    }
  }
  return null;
}

/** `obj_local_rw` for an update (spec §4.5): VOS begin, BIO prep/copy, verify, VOS end. */
export function* objLocalRwUpdate(cl: DaosCluster, target: DaosTarget, req: ObjRwIn): Proc<void> {
  const rt = cl.rt;
  const store = target.store;
  const actor = target.actor;
  const dedup = dedupFor(cl, req);
  yield* traced(
    rt,
    'obj_local_rw',
    actor,
    {
      opc: OPC_NAMES[req.opc] ?? req.opc,
      rma: req.bulk,
      ...(dedup === null
        ? {}
        : {
            vos_flags:
              dedup.type === DAOS_PROP_CO_DEDUP.MEMCMP
                ? 'VOS_OF_DEDUP | VOS_OF_DEDUP_VERIFY'
                : 'VOS_OF_DEDUP',
            dedup_th: dedup.threshold,
          }),
    },
    function* () {
      for (const iod of req.iods) {
        if (iod.type === 2 && iod.nr > 0 && iod.recxs === null)
          throw derError('IO_INVAL', 'array iod without recxs');
      }
      // A distributed DTX (more than one participant) tags the records with its local id.
      const ent = target.dtx.get(req.dti);
      const ioh: StoreIoh = yield* store.updateBegin({
        cont: req.coUuid,
        oid: req.oid,
        shard: req.shard,
        epoch: req.epoch,
        flags: req.apiFlags,
        dkey: req.dkey,
        iods: req.iods,
        ...(dedup === null ? {} : { dedup }),
        ...(ent && ent.mbs.length > 1 && ent.state !== DTX_ST.DTX_ST_COMMITTED
          ? {
              dtx: {
                xid: ent.xid,
                epoch: ent.epoch,
                dkeyHash: ent.dkeyHash,
                leader: ent.leader,
                mbs: ent.mbs,
              },
            }
          : {}),
      });
      let rc = 0;
      try {
        yield* store.bioIodPrep(ioh);
        const sgls = req.sgls ?? req.iods.map(() => null);
        if (req.bulk) {
          yield* objBulkTransfer(rt, actor, 'CRT_BULK_GET', req.iods.length, sgls);
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
        try {
          yield* store.updateEnd(ioh, rc);
        } catch (err) {
          // VOS's own "partial overwrite at the same epoch" code never leaves the server:
          // obj_rw_complete answers -DER_NO_PERM instead (spec §4.5 step 13, §9.2).
          if (rcOf(err) === der('VOS_PARTIAL_UPDATE'))
            throw derError('NO_PERM', 'partial overwrite at the same epoch (VOS_PARTIAL_UPDATE)');
          throw err;
        }
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
    // vos_dtx_check_availability (spec §5.4): a PREPARED DTX of another leader on this dkey
    // is refreshed with its leader (up to twice); still undecided → -DER_INPROGRESS.
    for (let tries = 0; ; tries++) {
      const ent = target.dtx.preparedOn(req.oid, req.dkeyHash);
      if (!ent) break;
      if (tries >= 2) throw derError('INPROGRESS', 'prepared DTX on a non-leader replica');
      yield* traced(
        rt,
        'vos_dtx_check_availability',
        actor,
        { dti: dtiDump(ent.xid), state: 'DTX_ST_PREPARED', leader: false },
        function* () {
          yield* sleep(COST.vosStep / 4);
        },
        () => ({ result: 'DER_INPROGRESS → dtx_refresh' }),
      );
      yield* dtxRefresh(cl, target, ent);
    }
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
              yield* objBulkTransfer(rt, actor, 'CRT_BULK_PUT', req.iods.length, replySgls);
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
  rep.hlc = target.hlcGet(rt.sim.now);
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

/**
 * `obj_bulk_transfer`: the server pulls (update, CRT_BULK_GET) or pushes (fetch, CRT_BULK_PUT)
 * the sgl bytes over RDMA; it takes the wire time of every iov it moves.
 */
function* objBulkTransfer(
  rt: Runtime,
  actor: string,
  op: 'CRT_BULK_GET' | 'CRT_BULK_PUT',
  bulks: number,
  sgls: readonly (Sgl | null)[],
): Proc<void> {
  yield* traced(rt, 'obj_bulk_transfer', actor, { op, bulks }, function* () {
    let bytes = 0;
    for (const s of sgls) for (const v of s?.iovs ?? []) bytes += v.len;
    yield* sleep(wireNs(bytes));
  });
}
