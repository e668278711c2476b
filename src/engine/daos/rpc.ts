/**
 * The object RPC (`obj_rw_in` / `obj_rw_out`, spec §3.8) and a CaRT-like transport in virtual
 * time: `crt_req_send` emits the send, the handler runs as a new process on the target after
 * the wire latency, and the reply comes back the same way. Inline payloads add wire time per
 * byte; bulk payloads move separately (`obj_bulk_transfer`).
 */
import { u64Hex } from '../core/bytes.ts';
import type { Runtime } from '../core/runtime.ts';
import { Future, sleep, wait, type Proc } from '../core/sim.ts';
import type { Json } from '../trace/event.ts';
import { OBJ_RPC, orfNames } from './constants.ts';
import { COST, wireNs } from './costs.ts';
import { iodDump, keyDump, sglDump, type DaosIod, type Sgl } from './io-types.ts';
import { oidJson, type ObjId } from './oid.ts';
import { traced } from './traced.ts';

export interface ShardTgt {
  st_rank: number;
  st_shard: number;
  st_tgt_id: number;
  st_tgt_idx: number;
}

export interface ObjRwIn {
  opc: number;
  dti: { uuid: string; hlc: bigint };
  oid: ObjId;
  shard: number;
  layoutVer: number;
  poolUuid: string;
  coh: string;
  coUuid: string;
  epoch: bigint;
  epochFirst: bigint;
  apiFlags: number;
  dkeyHash: bigint;
  mapVer: number;
  startShard: number;
  flags: number;
  dkey: Uint8Array;
  iods: DaosIod[];
  /** Update: inline data; fetch: the client's buffers (only their sizes travel). Null = NULL. */
  sgls: (Sgl | null)[] | null;
  /** True when the data moves by RDMA bulk instead of inline. */
  bulk: boolean;
  shardTgts: ShardTgt[];
  /** Sender HLC in the CaRT header. */
  hlc: bigint;
  /** `orw_dti_cos`: committable DTXs piggybacked on a forwarded update (leader → replica). */
  dtiCos?: { uuid: string; hlc: bigint }[];
}

export interface ObjRwOut {
  ret: number;
  mapVersion: number;
  epoch: bigint;
  iodSizes: number[];
  /** Fetch: inline reply data. */
  sgls: (Sgl | null)[] | null;
  nrs: number[];
  hlc: bigint;
  /** Set on the reply the client makes up when no reply came in time (CaRT timeout). */
  lost?: boolean;
}

export const OPC_NAMES: Record<number, string> = {
  [OBJ_RPC.DAOS_OBJ_RPC_UPDATE]: 'DAOS_OBJ_RPC_UPDATE',
  [OBJ_RPC.DAOS_OBJ_RPC_FETCH]: 'DAOS_OBJ_RPC_FETCH',
  [OBJ_RPC.DAOS_OBJ_RPC_TGT_UPDATE]: 'DAOS_OBJ_RPC_TGT_UPDATE',
};

/** Bytes on the wire: a fixed header, keys, iods and the inline payload. */
export function rwInWireBytes(req: ObjRwIn): number {
  let n = 256 + req.dkey.length;
  for (const iod of req.iods) n += 48 + iod.name.length + 16 * (iod.recxs?.length ?? 0);
  if (!req.bulk && req.opc !== OBJ_RPC.DAOS_OBJ_RPC_FETCH && req.sgls) {
    for (const s of req.sgls) for (const v of s?.iovs ?? []) n += v.len;
  }
  return n;
}

export function rwOutWireBytes(rep: ObjRwOut): number {
  let n = 128 + 8 * rep.iodSizes.length;
  for (const s of rep.sgls ?? []) for (const v of s?.iovs ?? []) n += v.len;
  return n;
}

/** `obj_rw_in` as trace data (field names of `CQF_obj_rw_v10`). */
export function rwInDump(req: ObjRwIn): { [k: string]: Json } {
  return {
    opc: OPC_NAMES[req.opc] ?? req.opc,
    orw_dti: { dti_uuid: req.dti.uuid, dti_hlc: u64Hex(req.dti.hlc) },
    orw_oid: { id_pub: oidJson(req.oid), id_shard: req.shard, id_layout_ver: req.layoutVer },
    orw_pool_uuid: req.poolUuid,
    orw_co_hdl: req.coh,
    orw_co_uuid: req.coUuid,
    orw_epoch: u64Hex(req.epoch),
    orw_epoch_first: u64Hex(req.epochFirst),
    orw_api_flags: req.apiFlags,
    orw_dkey_hash: u64Hex(req.dkeyHash),
    orw_map_ver: req.mapVer,
    orw_nr: req.iods.length,
    orw_start_shard: req.startShard,
    orw_flags: { value: '0x' + req.flags.toString(16), names: orfNames(req.flags) },
    orw_dkey: keyDump(req.dkey),
    orw_iod_array: { oia_iod_nr: req.iods.length, oia_iods: req.iods.map(iodDump) },
    orw_sgls: req.bulk || !req.sgls ? null : req.sgls.map(sglDump),
    orw_bulks: req.bulk
      ? req.iods.map((_, i) => ({ bulk: i, perm: req.opc === 0 ? 'RO' : 'RW' }))
      : null,
    orw_shard_tgts: req.shardTgts.map((t) => ({ ...t })),
  };
}

export function rwOutDump(rep: ObjRwOut): { [k: string]: Json } {
  return {
    orw_ret: rep.ret,
    orw_map_version: rep.mapVersion,
    orw_epoch: u64Hex(rep.epoch),
    orw_iod_sizes: rep.iodSizes,
    orw_nrs: rep.nrs,
    orw_sgls: rep.sgls ? rep.sgls.map(sglDump) : null,
  };
}

/**
 * `crt_req_send`: emit the send on `fromActor`, then run `handler` as a new process on the
 * receiving side after the wire time. The returned future resolves with the handler's reply
 * (the handler itself models the reply's way back, see `crtReplySend`).
 */
export function* crtReqSend<R>(
  rt: Runtime,
  fromActor: string,
  toActor: string,
  opcName: string,
  wireBytes: number,
  data: { [k: string]: Json },
  handler: () => Proc<R>,
): Proc<Future<R>> {
  let reply: Future<R> | undefined;
  // The effect rides on the step's enter event (the moment the message leaves).
  rt.trace.effect({
    kind: 'msg.send',
    from: fromActor,
    to: toActor,
    opc: opcName,
    bytes: wireBytes,
  });
  yield* traced(
    rt,
    'crt_req_send',
    fromActor,
    { opc: opcName, to: toActor, bytes: wireBytes, ...data },
    function* () {
      yield* sleep(COST.clientStep / 3);
      reply = rt.sim.spawn(
        `${opcName}@${toActor}`,
        (function* () {
          yield* sleep(wireNs(wireBytes));
          return yield* handler();
        })(),
      );
    },
  );
  return reply as unknown as Future<R>;
}

/** `crt_reply_send`: emit on the server, then the reply spends its wire time. */
export function* crtReplySend(
  rt: Runtime,
  fromActor: string,
  toActor: string,
  opcName: string,
  wireBytes: number,
): Proc<void> {
  rt.trace.effect({
    kind: 'msg.send',
    from: fromActor,
    to: toActor,
    opc: `${opcName} reply`,
    bytes: wireBytes,
  });
  yield* traced(
    rt,
    'crt_reply_send',
    fromActor,
    { opc: opcName, to: toActor, bytes: wireBytes },
    function* () {
      yield* sleep(COST.serverStep / 4);
    },
  );
  yield* sleep(wireNs(wireBytes));
}

/** `CRT_DEFAULT_TIMEOUT` (60 s): a client RPC without a reply by then ends in -DER_TIMEDOUT. */
export const CRT_TIMEOUT_NS = 60_000_000_000;
/** The leader's forwarded sub-requests give up first, so it can answer before the client does. */
export const CRT_FWD_TIMEOUT_NS = 30_000_000_000;

/**
 * A future that settles with `fut`'s value, or with `onTimeout` after `ns` of virtual time if
 * `fut` has not settled by then (CaRT's RPC timeout).
 */
export function withTimeout<T>(rt: Runtime, fut: Future<T>, ns: number, onTimeout: T): Future<T> {
  const out = new Future<T>(`${fut.label}+timeout`);
  fut.onSettle((r) => {
    if (out.done) return;
    if (r.ok) out.resolve(r.value);
    else out.reject(r.error);
  });
  rt.sim.schedule(ns, () => {
    if (!out.done) out.resolve(onTimeout);
  });
  return out;
}

/** A reply that never comes (the destination is dead, or the message was dropped). */
export function* neverReplies<T>(rt: Runtime): Proc<T> {
  void rt;
  return yield* wait(new Future<T>('lost'));
}
