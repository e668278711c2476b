/**
 * The client library's object I/O (`src/client/api/object.c`, `src/object/cli_obj.c`,
 * `cli_shard.c`; spec §3 and §5.1): `daos_obj_update` and `daos_obj_fetch` as blocking calls,
 * each a TSE task that validates, places the dkey, sends one RPC and waits for the reply.
 */
import { der, derError, rcOf } from '../core/errors.ts';
import { u64Hex } from '../core/bytes.ts';
import { sleep, wait, type Future, type Proc } from '../core/sim.ts';
import type { Json } from '../trace/event.ts';
import type { DaosCluster, ObjHandle } from './cluster.ts';
import { DAOS_BULK_LIMIT, DAOS_EPOCH_MAX, LAYOUT_VER, OBJ_RPC, ORF } from './constants.ts';
import { COST } from './costs.ts';
import { iodDump, keyDump, sglDump, sglsPackedSize, type DaosIod, type Sgl } from './io-types.ts';
import { objReqValid } from './obj-req-valid.ts';
import { oidText } from './oid.ts';
import { dkeyGroup, dkeyHash, groupLeaderShard, type ShardPlacement } from './placement.ts';
import {
  CRT_TIMEOUT_NS,
  OPC_NAMES,
  rwInWireBytes,
  withTimeout,
  type ObjRwIn,
  type ObjRwOut,
  type ShardTgt,
} from './rpc.ts';
import { crtHandleRpc, sendToTarget } from './server.ts';
import { traced, type Data } from './traced.ts';
import { blockingTask, newObjAuxi, registerObjCompCb } from './obj-task.ts';
import { tseTaskRegisterCompCb, type TseTask } from './tse.ts';

const CLIENT = 'client';
/** `OBJ_FETCH_LEADER_INTERVAL`: 2 s after a write, fetches of that group go to the leader. */
const OBJ_FETCH_LEADER_INTERVAL_NS = 2_000_000_000;

export interface ObjIoArgs {
  /** The scenario name of the object handle (null/unknown = invalid handle). */
  oh: string;
  flags: number;
  dkey: Uint8Array;
  iods: DaosIod[];
  /** NULL sgls = `null`. */
  sgls: (Sgl | null)[] | null;
}

function apiData(cl: DaosCluster, a: ObjIoArgs, oh: ObjHandle | undefined): Data {
  return {
    oh: { cookie: oh?.cookie ?? 0, name: a.oh },
    th: 'DAOS_TX_NONE',
    flags: a.flags,
    dkey: keyDump(a.dkey),
    nr: a.iods.length,
    iods: a.iods.map(iodDump),
    sgls: a.sgls ? a.sgls.map(sglDump) : null,
    pool_map_ver: oh?.cont.pool.mapVer ?? null,
    targets: cl.targets.length,
  };
}

/**
 * Build the shard-target list of an update: the group leader first, then the other replicas in
 * cyclic order. A leader DOWN in the client's pool map is passed over for the next live replica
 * of the group (`obj_shards_2_fwtgts`); no live replica → -DER_IO.
 */
function updateTargets(
  oh: ObjHandle,
  hash: bigint,
): { grp: number; tgts: ShardTgt[]; leader: ShardPlacement } {
  const layout = oh.layout;
  const grp = dkeyGroup(layout, hash);
  const start = grp * layout.grpSize;
  const first = groupLeaderShard(layout, hash, grp);
  let leaderShard = -1;
  for (let k = 0; k < layout.grpSize; k++) {
    const s = start + ((first - start + k) % layout.grpSize);
    if (!oh.excluded.has((layout.shards[s] as ShardPlacement).target)) {
      leaderShard = s;
      break;
    }
  }
  if (leaderShard < 0) throw derError('IO', 'no live replica in the redundancy group');
  const order: number[] = [leaderShard];
  for (let k = 1; k < layout.grpSize; k++)
    order.push(start + ((leaderShard - start + k) % layout.grpSize));
  const tgts = order.map((s) => {
    const p = layout.shards[s] as ShardPlacement;
    return { st_rank: p.rank, st_shard: p.shard, st_tgt_id: p.target, st_tgt_idx: p.idx };
  });
  return { grp, tgts, leader: layout.shards[leaderShard] as ShardPlacement };
}

/**
 * `shard_io` on the object task: `obj_shard_open` (its `close_shard_cb`), then
 * `dc_obj_shard_rw` → `crt_req_send` with `dc_rw_cb` registered to read the reply. Returns at
 * once with the reply's future (the RPC is asynchronous; the task completes when the reply, or
 * the timeout, arrives — `daos_rpc_cb` → `tse_task_complete`).
 */
function* shardIo(
  cl: DaosCluster,
  task: TseTask,
  req: ObjRwIn,
  shard: ShardPlacement,
  isFetch: boolean,
  onReply: (rep: ObjRwOut) => void,
): Proc<Future<ObjRwOut>> {
  const rt = cl.rt;
  const target = cl.target(shard.target);
  const opc = OPC_NAMES[req.opc] ?? String(req.opc);
  tseTaskRegisterCompCb(task, 'close_shard_cb', function* () {
    yield* traced(rt, 'close_shard_cb', CLIENT, { shard: shard.shard }, function* () {
      yield* sleep(COST.clientStep / 4);
    });
  });
  return yield* traced(
    rt,
    'dc_obj_shard_rw',
    CLIENT,
    {
      ep: { rank: target.rank, tag: target.idx },
      target: target.actor,
      obj_rw_in: rwInDumpLite(req),
    },
    function* () {
      yield* sleep(COST.clientStep);
      const fut = yield* sendToTarget(
        cl,
        CLIENT,
        target,
        opc,
        rwInWireBytes(req),
        { inline: !req.bulk },
        () => crtHandleRpc(cl, target, req),
      );
      const timedOut: ObjRwOut = {
        ret: der('TIMEDOUT'),
        mapVersion: req.mapVer,
        epoch: req.epoch,
        iodSizes: [],
        sgls: null,
        nrs: [],
        hlc: 0n,
        lost: true,
      };
      const reply = withTimeout(rt, fut, CRT_TIMEOUT_NS, timedOut);
      // dc_rw_cb: map the reply status into the task result (the first callback to run).
      tseTaskRegisterCompCb(task, 'dc_rw_cb', function* (t) {
        const rep = reply.value;
        yield* traced(
          rt,
          'dc_rw_cb',
          CLIENT,
          {
            orw_ret: rep.ret,
            orw_map_version: rep.mapVersion,
            orw_epoch: u64Hex(rep.epoch),
            ...(isFetch ? { orw_iod_sizes: rep.iodSizes } : {}),
          },
          function* () {
            if (rep.hlc !== 0n) cl.client.hlc.recv(rt.sim.now, rep.hlc);
            yield* sleep(COST.clientStep);
            if (rep.ret === 0) onReply(rep);
            if (t.result === 0) t.result = rep.ret;
          },
        );
      });
      return reply;
    },
  );
}

function newRwIn(
  cl: DaosCluster,
  oh: ObjHandle,
  opc: number,
  a: ObjIoArgs,
  hash: bigint,
  startShard: number,
  shard: number,
  dti: { uuid: string; hlc: bigint } | null = null,
): ObjRwIn {
  const rt = cl.rt;
  const isUpdate = opc === OBJ_RPC.DAOS_OBJ_RPC_UPDATE;
  const hlc = cl.client.hlc.get(rt.sim.now);
  const bulk = sglsPackedSize(a.sgls) >= DAOS_BULK_LIMIT;
  return {
    opc,
    // daos_dti_gen: one id per operation; a resend reuses it.
    dti:
      dti ??
      (isUpdate
        ? {
            uuid: rt.rng
              .fork('daos.dti')
              .fork(String(rt.ids.next('daos.dti')))
              .uuidHex(),
            hlc,
          }
        : { uuid: '0'.repeat(32), hlc: 0n }),
    oid: oh.oid,
    shard,
    layoutVer: LAYOUT_VER,
    poolUuid: oh.cont.pool.uuid,
    coh: oh.coh,
    coUuid: oh.cont.uuid,
    epoch: DAOS_EPOCH_MAX,
    epochFirst: DAOS_EPOCH_MAX,
    apiFlags: a.flags,
    dkeyHash: hash,
    mapVer: oh.mapVer,
    startShard,
    flags: isUpdate ? ORF.ORF_CONTAIN_LEADER | (bulk ? ORF.ORF_BULK_BIND : 0) : 0,
    dkey: a.dkey,
    iods: a.iods.map((d) => ({ ...d, recxs: d.recxs ? d.recxs.map((r) => ({ ...r })) : null })),
    sgls: a.sgls,
    bulk,
    shardTgts: [],
    hlc,
  };
}

/** `daos_obj_update(oh, DAOS_TX_NONE, flags, &dkey, nr, iods, sgls, NULL)` — blocking. */
export function* daosObjUpdate(cl: DaosCluster, a: ObjIoArgs): Proc<void> {
  const rt = cl.rt;
  const ohMaybe = cl.client.objects.get(a.oh);
  const auxi = newObjAuxi(true);
  // The DTX id is generated once per operation and reused by every resend (spec §3.9).
  let dti: { uuid: string; hlc: bigint } | null = null;
  yield* traced(rt, 'daos_obj_update', CLIENT, apiData(cl, a, ohMaybe), () =>
    blockingTask(cl, 'dc_obj_update_task', function* (task) {
      const retry = auxi.retryCnt;
      const sent = yield* traced(
        rt,
        'dc_obj_update_task',
        CLIENT,
        { opc: 'DAOS_OBJ_RPC_UPDATE', task: task.id, ...(retry > 0 ? { retry } : {}) },
        function* () {
          yield* sleep(COST.clientStep);
          const oh = objReqValid(ohMaybe, true, a.flags, a.dkey, a.iods, a.sgls);
          return yield* traced(
            rt,
            'dc_obj_update',
            CLIENT,
            {
              epoch: { oe_value: u64Hex(DAOS_EPOCH_MAX), oe_first: u64Hex(DAOS_EPOCH_MAX) },
              map_ver: oh.mapVer,
            },
            function* () {
              yield* sleep(COST.clientStep);
              registerObjCompCb(cl, task, oh, auxi); // obj_task_init
              const hash = dkeyHash(oh.oid, a.dkey);
              const { grp, tgts, leader } = updateTargets(oh, hash);
              const req = newRwIn(
                cl,
                oh,
                OBJ_RPC.DAOS_OBJ_RPC_UPDATE,
                a,
                hash,
                grp * oh.layout.grpSize,
                leader.shard,
                dti,
              );
              dti = req.dti;
              if (retry > 0) req.flags |= ORF.ORF_RESEND;
              req.shardTgts = tgts;
              // Server dispatch: one target (the group leader), so no shard sub-task.
              const fut = yield* traced(
                rt,
                'obj_req_fanout',
                CLIENT,
                {
                  dkey_hash: u64Hex(hash),
                  grp_idx: grp,
                  grp_nr: oh.layout.grpNr,
                  grp_size: oh.layout.grpSize,
                  leader_shard: leader.shard,
                  srv_disp: oh.layout.grpSize > 1,
                  req_tgts: tgts.map((t) => ({ ...t })),
                },
                () =>
                  shardIo(cl, task, req, leader, false, () => {
                    const g = dkeyGroup(oh.layout, hash);
                    cl.client.lastWrite.set(`${oidText(oh.oid)}/${g}`, rt.sim.now);
                  }),
              );
              return { fut, target: leader.target };
            },
          );
        },
      );
      const rep = yield* wait(sent.fut);
      if (rep.lost === true) auxi.lostTarget = sent.target;
    }),
  );
}

export interface FetchOut {
  /** iod_size per iod as returned by the server. */
  sizes: number[];
}

/** Pick the replica a fetch reads from: the leader shortly after a write, else a random live one. */
function fetchShard(
  cl: DaosCluster,
  oh: ObjHandle,
  hash: bigint,
  retryCnt: number,
): { shard: ShardPlacement; toLeader: boolean } {
  const rt = cl.rt;
  const layout = oh.layout;
  const grp = dkeyGroup(layout, hash);
  const start = grp * layout.grpSize;
  const live: number[] = [];
  for (let k = 0; k < layout.grpSize; k++)
    if (!oh.excluded.has((layout.shards[start + k] as ShardPlacement).target)) live.push(k);
  if (live.length === 0) throw derError('IO', 'no live replica in the redundancy group');
  const last = cl.client.lastWrite.get(`${oidText(oh.oid)}/${grp}`);
  // After -DER_INPROGRESS the retry goes to the leader (spec §5.4).
  const toLeader =
    retryCnt > 0 || (last !== undefined && rt.sim.now - last < OBJ_FETCH_LEADER_INTERVAL_NS);
  let r = live[0] as number;
  if (layout.grpSize > 1 && toLeader) {
    // The leader, or the next live replica after it (cyclic), as updateTargets picks it.
    const l = groupLeaderShard(layout, hash, grp) - start;
    for (let k = 0; k < layout.grpSize; k++) {
      const c = (l + k) % layout.grpSize;
      if (live.includes(c)) {
        r = c;
        break;
      }
    }
  } else if (layout.grpSize > 1) {
    const pick = rt.rng
      .fork('daos.fetch-replica')
      .fork(String(rt.ids.next('daos.fetch')))
      .int(0, layout.grpSize - 1);
    r = live.includes(pick) ? pick : (live[pick % live.length] as number);
  }
  return { shard: layout.shards[start + r] as ShardPlacement, toLeader };
}

/** `daos_obj_fetch(oh, DAOS_TX_NONE, flags, &dkey, nr, iods, sgls, NULL, NULL)` — blocking. */
export function* daosObjFetch(cl: DaosCluster, a: ObjIoArgs): Proc<FetchOut> {
  const rt = cl.rt;
  const ohMaybe = cl.client.objects.get(a.oh);
  const out: FetchOut = { sizes: [] };
  const auxi = newObjAuxi(false);
  const onReply = (r: ObjRwOut): void => {
    if (r.iodSizes.length !== a.iods.length) throw derError('PROTO', 'orw_iod_sizes count');
    out.sizes = r.iodSizes.slice();
    for (let i = 0; i < a.iods.length; i++) {
      (a.iods[i] as DaosIod).size = r.iodSizes[i] as number;
      const dst = a.sgls?.[i];
      const src = r.sgls?.[i];
      if (!dst) continue;
      if (!src) {
        dst.nrOut = 0;
        continue;
      }
      for (let k = 0; k < dst.iovs.length; k++) {
        const d = dst.iovs[k] as { buf: Uint8Array; len: number };
        const s = src.iovs[k];
        d.len = s ? s.len : 0;
        if (s) d.buf.set(s.buf.subarray(0, s.len), 0);
      }
      dst.nrOut = src.nrOut;
    }
  };
  yield* traced(
    rt,
    'daos_obj_fetch',
    CLIENT,
    apiData(cl, a, ohMaybe),
    () =>
      blockingTask(cl, 'dc_obj_fetch_task', function* (task) {
        const retry = auxi.retryCnt;
        const sent = yield* traced(
          rt,
          'dc_obj_fetch_task',
          CLIENT,
          { opc: 'DAOS_OBJ_RPC_FETCH', task: task.id, ...(retry > 0 ? { retry } : {}) },
          function* () {
            yield* sleep(COST.clientStep);
            const oh = objReqValid(ohMaybe, false, a.flags, a.dkey, a.iods, a.sgls);
            registerObjCompCb(cl, task, oh, auxi); // obj_task_init
            const hash = dkeyHash(oh.oid, a.dkey);
            const layout = oh.layout;
            const grp = dkeyGroup(layout, hash);
            const { shard, toLeader } = fetchShard(cl, oh, hash, retry);
            const req = newRwIn(
              cl,
              oh,
              OBJ_RPC.DAOS_OBJ_RPC_FETCH,
              a,
              hash,
              grp * layout.grpSize,
              shard.shard,
            );
            // Client dispatch to one replica: one target, no shard sub-task.
            const fut = yield* traced(
              rt,
              'obj_req_fanout',
              CLIENT,
              {
                dkey_hash: u64Hex(hash),
                grp_idx: grp,
                grp_nr: layout.grpNr,
                grp_size: layout.grpSize,
                shard: shard.shard,
                cli_disp: true,
                to_leader: toLeader,
              },
              () => shardIo(cl, task, req, shard, true, onReply),
            );
            return { fut, target: shard.target };
          },
        );
        const rep = yield* wait(sent.fut);
        if (rep.lost === true) auxi.lostTarget = sent.target;
      }),
    () => ({ iods: a.iods.map(iodDump), sgls: a.sgls ? a.sgls.map(sglDump) : null }),
  );
  return out;
}

/** Catch an IoError from a simulated call and return its rc (0 on success). */
export function* rcOfProc(p: Proc<unknown>): Proc<number> {
  try {
    yield* p;
    return 0;
  } catch (err) {
    return rcOf(err);
  }
}

function rwInDumpLite(req: ObjRwIn): Json {
  return {
    orw_oid: { id_shard: req.shard },
    orw_epoch: u64Hex(req.epoch),
    orw_dkey_hash: u64Hex(req.dkeyHash),
    orw_map_ver: req.mapVer,
    orw_nr: req.iods.length,
    orw_flags: '0x' + req.flags.toString(16),
    bulk: req.bulk,
  };
}
