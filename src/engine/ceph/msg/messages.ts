/**
 * The messages of the model, with Ceph's message type numbers (spec §1) and the descriptions
 * OpTracker prints for them (spec §9.2).
 */
import type { Eversion, HObject, OSDOp, PgId, PgLogEntry, ReqId } from '../types.ts';
import { OSD_FLAG, evStr, hobjStr, osdFlagString, osdOpStr, pgStr, reqidStr } from '../types.ts';
import type { Transaction } from '../objectstore/transaction.ts';

export const MSG_TYPE = {
  CEPH_MSG_OSD_MAP: 41,
  CEPH_MSG_OSD_OP: 42,
  CEPH_MSG_OSD_OPREPLY: 43,
  MSG_OSD_PING: 70,
  MSG_OSD_BOOT: 71,
  MSG_OSD_FAILURE: 72,
  MSG_OSD_PG_PUSH: 105,
  MSG_OSD_PG_PULL: 106,
  MSG_OSD_PG_PUSH_REPLY: 107,
  MSG_OSD_REPOP: 112,
  MSG_OSD_REPOPREPLY: 113,
} as const;

/** Client → primary OSD. */
export interface MOSDOp {
  readonly type: 'osd_op';
  readonly reqid: ReqId;
  readonly pgid: PgId;
  readonly hobj: HObject;
  readonly ops: OSDOp[];
  readonly flags: number;
  /** The client's OSDMap epoch. */
  readonly epoch: number;
  readonly retryAttempt: number;
  readonly clientAddr: string;
}

/** Per-op results carried back (rval + outdata). */
export interface OpOut {
  readonly rval: number;
  readonly outdata?: Uint8Array;
}

export interface MOSDOpReply {
  readonly type: 'osd_op_reply';
  readonly reqid: ReqId;
  readonly result: number;
  readonly version: Eversion;
  readonly flags: number;
  readonly outs: OpOut[];
  readonly retryAttempt: number;
  readonly epoch: number;
}

/** Primary → replica: the encoded transaction and log entries (ReplicatedBackend::generate_subop). */
export interface MOSDRepOp {
  readonly type: 'osd_repop';
  readonly reqid: ReqId;
  readonly pgid: PgId;
  readonly hobj: HObject;
  readonly mapEpoch: number;
  readonly minEpoch: number;
  readonly version: Eversion;
  readonly txn: Transaction;
  readonly logEntries: PgLogEntry[];
  readonly mlcod: Eversion;
  /** pg_trim_to: the replica trims its log up to here. */
  readonly pgTrimTo: Eversion;
  readonly repTid: number;
  readonly from: number;
}

export interface MOSDRepOpReply {
  readonly type: 'osd_repop_reply';
  readonly reqid: ReqId;
  readonly pgid: PgId;
  readonly mapEpoch: number;
  readonly minEpoch: number;
  readonly ackType: number;
  readonly result: number;
  readonly lastCompleteOndisk: Eversion;
  readonly repTid: number;
  readonly from: number;
}

/** Recovery push of a whole object (MOSDPGPush) and its reply. */
export interface MOSDPGPush {
  readonly type: 'pg_push';
  readonly pgid: PgId;
  readonly from: number;
  readonly oid: string;
  readonly version: Eversion;
  /** null: the object was deleted. */
  readonly data: Uint8Array | null;
  readonly attrs: Record<string, Uint8Array>;
  readonly omap: Record<string, Uint8Array>;
  readonly mapEpoch: number;
}

export interface MOSDPGPushReply {
  readonly type: 'pg_push_reply';
  readonly pgid: PgId;
  readonly from: number;
  readonly oid: string;
  readonly mapEpoch: number;
}

export interface MOSDPGPull {
  readonly type: 'pg_pull';
  readonly pgid: PgId;
  readonly from: number;
  readonly oid: string;
  readonly mapEpoch: number;
}

/** pg_info_t as the peering messages carry it (spec §7). */
export interface PgInfoWire {
  readonly lastUpdate: Eversion;
  readonly lastComplete: Eversion;
  readonly logTail: Eversion;
  readonly lastEpochStarted: number;
}

/** MOSDPGQuery2 (131): GetInfo asks for `info`; GetLog / GetMissing ask for the `log` after `since`. */
export interface MOSDPGQuery {
  readonly type: 'pg_query';
  readonly pgid: PgId;
  readonly from: number;
  /** The querier's interval (same_interval_since): replies echo it; stale ones are ignored. */
  readonly epoch: number;
  readonly what: 'info' | 'log';
  readonly since: Eversion;
}

/** MOSDPGNotify2 (130): a peer's pg_info_t, the answer to an info query. */
export interface MOSDPGNotify {
  readonly type: 'pg_notify';
  readonly pgid: PgId;
  readonly from: number;
  readonly epoch: number;
  readonly info: PgInfoWire;
}

/**
 * MOSDPGLog (83): log entries after `since` with the sender's info and pg_missing_t — a
 * peer's answer to a log query, or (`activate`) the primary's activation of a replica: the
 * authoritative entries the replica lacks and what it will be missing.
 */
export interface MOSDPGLog {
  readonly type: 'pg_log';
  readonly pgid: PgId;
  readonly from: number;
  readonly epoch: number;
  readonly info: PgInfoWire;
  readonly since: Eversion;
  readonly entries: readonly PgLogEntry[];
  readonly missing: ReadonlyArray<readonly [string, Eversion]>;
  readonly activate: boolean;
  /**
   * Activation of a backfill target (its last_update is older than the log tail): the
   * entries are the whole authoritative log, which replaces the target's own.
   */
  readonly backfill?: boolean;
}

/** MOSDPGScan (94): GET_DIGEST asks a backfill target for its objects; DIGEST answers. */
export interface MOSDPGScan {
  readonly type: 'pg_scan';
  readonly pgid: PgId;
  readonly from: number;
  readonly epoch: number;
  readonly op: 'get_digest' | 'digest';
  /** DIGEST: every object with its version (object_info_t), in name order. */
  readonly objects: ReadonlyArray<readonly [string, Eversion]>;
}

/** MOSDPGBackfillRemove (106): objects the backfill target holds and the primary does not. */
export interface MOSDPGBackfillRemove {
  readonly type: 'pg_backfill_remove';
  readonly pgid: PgId;
  readonly from: number;
  readonly epoch: number;
  readonly oids: readonly string[];
}

/** MOSDPGInfo2 (132): a replica's info once activated (the activation ack). */
export interface MOSDPGInfo {
  readonly type: 'pg_info';
  readonly pgid: PgId;
  readonly from: number;
  readonly epoch: number;
  readonly info: PgInfoWire;
}

/**
 * MOSDBackoff (61): the primary of a PG that is peered but not active (below min_size) tells
 * the client to stop sending ops for it (`block`), the client acknowledges (`ack-block`), and
 * the primary lifts it (`unblock`) when the PG goes active or its interval ends.
 */
export interface MOSDBackoff {
  readonly type: 'osd_backoff';
  readonly pgid: PgId;
  readonly op: 'block' | 'ack-block' | 'unblock';
  readonly id: number;
  readonly epoch: number;
}

export type PeeringMessage =
  MOSDPGQuery | MOSDPGNotify | MOSDPGLog | MOSDPGInfo | MOSDPGScan | MOSDPGBackfillRemove;

export interface MOSDPing {
  readonly type: 'osd_ping';
  readonly op: 'ping' | 'ping_reply';
  readonly from: number;
  readonly stamp: number;
}

export interface MOSDFailure {
  readonly type: 'osd_failure';
  readonly from: number;
  readonly target: number;
  readonly failedForNs: number;
  /**
   * The reporter's connection to the target was refused (nothing listens: the process is
   * dead). Ceph reports those at once (osd_fast_fail_on_connection_refused); the model keeps
   * the grace but lets the monitor know the target cannot report anyone itself.
   */
  readonly refused?: boolean;
  /** FLAG_ALIVE (OSD::send_still_alive): the target answers again, cancel the report. */
  readonly alive?: boolean;
}

/** MOSDBoot (71): an OSD that is running but marked down asks to be marked up. */
export interface MOSDBoot {
  readonly type: 'osd_boot';
  readonly from: number;
  /** The map epoch the OSD had when it decided to boot. */
  readonly epoch: number;
}

export interface MOSDMap {
  readonly type: 'osd_map';
  readonly epoch: number;
}

export type Message =
  | MOSDOp
  | MOSDOpReply
  | MOSDRepOp
  | MOSDRepOpReply
  | MOSDPGPush
  | MOSDPGPushReply
  | MOSDPGPull
  | MOSDPing
  | MOSDFailure
  | MOSDBoot
  | MOSDMap
  | MOSDBackoff
  | PeeringMessage;

/** Bytes on the wire: front/middle/data — only the data part matters for latency. */
export function messageBytes(m: Message): number {
  switch (m.type) {
    case 'osd_op': {
      let n = 200;
      for (const o of m.ops) {
        if (o.op === 'write' || o.op === 'writefull' || o.op === 'append') n += o.data.length;
        else if (o.op === 'call') n += o.indata.length;
      }
      return n;
    }
    case 'osd_op_reply': {
      let n = 120;
      for (const o of m.outs) n += o.outdata?.length ?? 0;
      return n;
    }
    case 'osd_repop': {
      let n = 300;
      for (const o of m.txn.ops) if (o.op === 'write') n += o.data.length;
      return n;
    }
    case 'pg_push':
      return 200 + (m.data?.length ?? 0);
    case 'pg_log':
      return 200 + 120 * m.entries.length + 40 * m.missing.length;
    default:
      return 100;
  }
}

/** MOSDOp::print — `osd_op(client.4153.0:1 2.b 2:d96a01e0:::testobj:head [writefull 0~4096] snapc 0=[] ondisk+write+known_if_redirected e27)`. */
export function describeOsdOp(m: MOSDOp): string {
  const retry = m.retryAttempt > 0 ? ` RETRY=${m.retryAttempt}` : '';
  return (
    `osd_op(${reqidStr(m.reqid)} ${pgStr(m.pgid)} ${hobjStr(m.hobj)} ` +
    `[${m.ops.map(osdOpStr).join(',')}] snapc 0=[]${retry} ${osdFlagString(m.flags)} e${m.epoch})`
  );
}

/** MOSDRepOp::print — `osd_repop(client.4153.0:1 2.b e27/25 2:d96a01e0:::testobj:head v 27'1, mlcod=0'0)`. */
export function describeRepOp(m: MOSDRepOp): string {
  return (
    `osd_repop(${reqidStr(m.reqid)} ${pgStr(m.pgid)} e${m.mapEpoch}/${m.minEpoch} ` +
    `${hobjStr(m.hobj)} v ${evStr(m.version)}, mlcod=${evStr(m.mlcod)})`
  );
}

/** MOSDRepOpReply::print — `osd_repop_reply(client.4153.0:1 2.b e27/25 ondisk, result = 0)`. */
export function describeRepOpReply(m: MOSDRepOpReply): string {
  return (
    `osd_repop_reply(${reqidStr(m.reqid)} ${pgStr(m.pgid)} e${m.mapEpoch}/${m.minEpoch} ` +
    `${m.ackType & OSD_FLAG.ONDISK ? 'ondisk' : m.ackType & OSD_FLAG.ONNVRAM ? 'onnvram' : 'ack'}, result = ${m.result})`
  );
}
