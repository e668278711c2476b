/**
 * The client library's object I/O (`src/client/api/object.c`, `src/object/cli_obj.c`,
 * `cli_shard.c`; spec §3 and §5.1): `daos_obj_update` and `daos_obj_fetch` as blocking calls,
 * each a TSE task that validates, places the dkey, sends one RPC and waits for the reply.
 */
import { IoError, der, derError, rcOf } from '../core/errors.ts';
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

/** The TSE wrapper every blocking object call goes through: create, schedule, run, wait. */
export function* blockingTask<T>(cl: DaosCluster, taskName: string, body: () => Proc<T>): Proc<T> {
  const rt = cl.rt;
  const taskId = rt.ids.next('daos.tse.task');
  yield* traced(
    rt,
    'dc_task_create',
    CLIENT,
    { task: taskId, func: taskName, ev: 'private (blocking call)' },
    function* () {
      yield* sleep(COST.clientStep);
    },
  );
  return yield* traced(rt, 'dc_task_schedule', CLIENT, { task: taskId, instant: true }, body);
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
 * `dc_obj_shard_rw` → `crt_req_send`: send one object RPC to a shard. Returns at once with the
 * reply's future (the RPC is asynchronous; the task completes when the reply arrives).
 */
function* shardRw(cl: DaosCluster, req: ObjRwIn, shard: ShardPlacement): Proc<Future<ObjRwOut>> {
  const rt = cl.rt;
  const target = cl.target(shard.target);
  const opc = OPC_NAMES[req.opc] ?? String(req.opc);
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
      return withTimeout(rt, fut, CRT_TIMEOUT_NS, timedOut);
    },
  );
}

/** `obj_retry_error`: the results the client retries (spec §3.9, the ones this model produces). */
const RETRYABLE = new Set([der('TIMEDOUT'), der('STALE'), der('INPROGRESS')]);
/** This model gives up after this many retries (DAOS retries retryable errors indefinitely). */
export const MAX_RETRIES = 20;

/**
 * `dc_obj_retry_delay` (µs → ns): `(rand | 31) & 1023`, × 1024 after an update timeout, else
 * shifted left by retry_cnt + 1 for modifications (retry_cnt − 1 for reads); capped near 3 s.
 */
export function retryDelayNs(rand: number, rc: number, retryCnt: number, update: boolean): number {
  let d = (rand | 31) & 1023;
  if (update && rc === der('TIMEDOUT')) d *= 1024;
  else if (update) d <<= Math.min(retryCnt + 1, 12);
  else if (retryCnt > 1) d <<= Math.min(retryCnt - 1, 12);
  else if (retryCnt <= 1) d = retryCnt === 0 ? 0 : d;
  return Math.min(d, 3_000_000) * 1000;
}

/**
 * `dc_rw_cb` then `obj_comp_cb`: read the reply status and decide on a retry. Returns the
 * retry delay in ns, or null when the task completes (throws the error if it failed).
 */
function* completeRw(
  cl: DaosCluster,
  rep: ObjRwOut,
  isFetch: boolean,
  retryCnt: number,
  onReply: (rep: ObjRwOut) => void,
): Proc<number | null> {
  const rt = cl.rt;
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
    },
  );
  const retry = RETRYABLE.has(rep.ret) && retryCnt < MAX_RETRIES;
  const delay = retry
    ? retryDelayNs(
        rt.rng
          .fork('daos.retry')
          .fork(String(rt.ids.next('daos.retry')))
          .int(0, 1 << 30),
        rep.ret,
        retryCnt,
        !isFetch,
      )
    : 0;
  yield* traced(
    rt,
    'obj_comp_cb',
    CLIENT,
    { result: rep.ret, retry, ...(retry ? { retry_cnt: retryCnt + 1, delay_ns: delay } : {}) },
    function* () {
      yield* sleep(COST.clientStep / 2);
    },
  );
  if (retry) return delay;
  if (rep.ret !== 0) throw new IoError(rep.ret, 'reply from the server');
  return null;
}

/**
 * Before a retry: `dc_task_reinit` after the delay, and a pool map refresh (the pool-query task
 * the retry depends on) when the reply says the map moved or the target did not answer.
 */
function* reinitForRetry(
  cl: DaosCluster,
  oh: ObjHandle | undefined,
  rc: number,
  delay: number,
  target: number | null,
): Proc<void> {
  const rt = cl.rt;
  if (rc === der('TIMEDOUT') && target !== null && !cl.target(target).alive) {
    // A dead target is detected (SWIM) and excluded by the pool service; a target that only
    // lost a message stays in the map and the resend goes to it again.
    cl.excludeTarget(target);
  }
  yield* traced(rt, 'dc_task_reinit', CLIENT, { delay_ns: delay, rc }, function* () {
    yield* sleep(delay);
  });
  if (oh && (rc === der('STALE') || rc === der('TIMEDOUT') || oh.mapVer < oh.cont.pool.mapVer)) {
    yield* traced(
      rt,
      'obj_pool_query_task',
      CLIENT,
      { old_map_ver: oh.mapVer },
      function* () {
        yield* sleep(2 * COST.netLatency);
        oh.mapVer = oh.cont.pool.mapVer;
        oh.excluded = new Set(cl.excluded);
      },
      () => ({ new_map_ver: oh.mapVer, down: [...oh.excluded] }),
    );
  }
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
  yield* traced(rt, 'daos_obj_update', CLIENT, apiData(cl, a, ohMaybe), () =>
    blockingTask(cl, 'dc_obj_update_task', function* () {
      // The DTX id is generated once per operation and reused by every resend (spec §3.9).
      let dti: { uuid: string; hlc: bigint } | null = null;
      for (let retryCnt = 0; ; retryCnt++) {
        const { fut, target } = yield* traced(
          rt,
          'dc_obj_update_task',
          CLIENT,
          { opc: 'DAOS_OBJ_RPC_UPDATE', ...(retryCnt > 0 ? { retry: retryCnt } : {}) },
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
                if (retryCnt > 0) req.flags |= ORF.ORF_RESEND;
                req.shardTgts = tgts;
                const f = yield* traced(
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
                  () => shardRw(cl, req, leader),
                );
                return { fut: f, target: leader.target };
              },
            );
          },
        );
        const rep = yield* wait(fut);
        const delay = yield* completeRw(cl, rep, false, retryCnt, () => {
          const oh = ohMaybe as ObjHandle;
          const grp = dkeyGroup(oh.layout, dkeyHash(oh.oid, a.dkey));
          cl.client.lastWrite.set(`${oidText(oh.oid)}/${grp}`, rt.sim.now);
        });
        if (delay === null) return;
        yield* reinitForRetry(cl, ohMaybe, rep.ret, delay, rep.lost === true ? target : null);
      }
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
  yield* traced(
    rt,
    'daos_obj_fetch',
    CLIENT,
    apiData(cl, a, ohMaybe),
    () =>
      blockingTask(cl, 'dc_obj_fetch_task', function* () {
        for (let retryCnt = 0; ; retryCnt++) {
          const { fut, target } = yield* traced(
            rt,
            'dc_obj_fetch_task',
            CLIENT,
            { opc: 'DAOS_OBJ_RPC_FETCH', ...(retryCnt > 0 ? { retry: retryCnt } : {}) },
            function* () {
              yield* sleep(COST.clientStep);
              const oh = objReqValid(ohMaybe, false, a.flags, a.dkey, a.iods, a.sgls);
              const hash = dkeyHash(oh.oid, a.dkey);
              const layout = oh.layout;
              const grp = dkeyGroup(layout, hash);
              const { shard, toLeader } = fetchShard(cl, oh, hash, retryCnt);
              const req = newRwIn(
                cl,
                oh,
                OBJ_RPC.DAOS_OBJ_RPC_FETCH,
                a,
                hash,
                grp * layout.grpSize,
                shard.shard,
              );
              const f = yield* traced(
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
                () => shardRw(cl, req, shard),
              );
              return { fut: f, target: shard.target };
            },
          );
          const rep = yield* wait(fut);
          const delay = yield* completeRw(cl, rep, true, retryCnt, (r) => {
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
          });
          if (delay === null) return;
          yield* reinitForRetry(cl, ohMaybe, rep.ret, delay, rep.lost === true ? target : null);
        }
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
