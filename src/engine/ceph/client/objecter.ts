/**
 * librados' Objecter (spec §3): `op_submit` → `_op_submit` → `_calc_target` (object → PG →
 * acting primary) → `_get_session` → `_send_op` (MOSDOp, ONDISK only, as Pacific), then
 * `handle_osd_op_reply`. On a new OSDMap `handle_osd_map` → `_scan_requests` re-runs
 * `_calc_target` for every in-flight op and resends (RETRY=n) those whose primary or PG
 * changed; replies of an older attempt are dropped.
 */
import type { Runtime } from '../../core/runtime.ts';
import { errnoError } from '../../core/errors.ts';
import { Future, type ProcContext } from '../../core/sim.ts';
import type { Json } from '../../trace/event.ts';
import type { OsdMapView } from '../cluster/map.ts';
import type { MOSDBackoff, MOSDOp, MOSDOpReply, Message } from '../msg/messages.ts';
import type { Messenger, RecvStamps } from '../msg/messenger.ts';
import { currentCtx, runIn } from '../sched.ts';
import type { CephRelease } from '../release.ts';
import {
  type HObject,
  OSD_FLAG,
  type OSDOp,
  type PgId,
  isWriteOp,
  osdEntity,
  osdFlagString,
  osdOpsJson,
  pgStr,
} from '../types.ts';

/** The trace actor of every Objecter (its Ceph entity name `client.<gid>` rides as data). */
export const CLIENT_ACTOR = 'client';

interface ObjecterOp {
  readonly tid: number;
  readonly pool: number;
  readonly oid: string;
  readonly ops: OSDOp[];
  readonly flags: number;
  readonly ctx: ProcContext;
  readonly done: Future<MOSDOpReply>;
  /** Hammer: the op's onack / oncommit contexts not fired yet (spec §3.5). */
  onack: boolean;
  oncommit: boolean;
  /** librados aio (C_aio_Ack / C_aio_Safe) rather than a synchronous call's C_SafeCond. */
  readonly aio: boolean;
  attempts: number;
  /** target_t */
  pgid: PgId | null;
  osd: number;
  acting: readonly number[];
  hash: number;
}

export class Objecter {
  readonly name: string;
  readonly addr: string;
  private view: OsdMapView;
  private lastTid = 0;
  private readonly inflight = new Map<number, ObjecterOp>();
  private readonly sessions = new Set<number>();
  /** PG-wide backoffs per session: `osd.pg` → backoff id (MOSDBackoff block). */
  private readonly backoffs = new Map<string, number>();
  /** Ops with no up primary (the "homeless" session). */
  private readonly homeless = new Set<number>();

  constructor(
    private readonly rt: Runtime,
    readonly globalId: number,
    private readonly msgr: Messenger,
    map: OsdMapView,
    private readonly mapAt: (epoch: number) => OsdMapView | undefined,
    /**
     * rados_osd_op_timeout in ns. Ceph's default 0 means an op waits forever (e.g. in a PG
     * below min_size, until the PG goes active again); > 0 arms `ontimeout` per op, which
     * cancels it with -ETIMEDOUT.
     */
    private readonly opTimeoutNs = 0,
    private readonly release: CephRelease = 'pacific',
  ) {
    this.name = `client.${globalId}`;
    this.addr = `127.0.0.1:0/${rt.rng.fork(this.name).nextU32()}`;
    this.view = map;
    msgr.register(this.name, (m, s, from) => this.msDispatch(m, s, from), CLIENT_ACTOR);
    msgr.onReset(this.name, (peer) => this.msHandleReset(peer));
    // librados connect: the Objecter's first OSDMap (wait_for_osd_map) — the cluster as the
    // client first sees it, so a trace starts with the CRUSH hierarchy.
    this.trace('handle_osd_map', {
      epoch: map.epoch,
      initial: true,
      entity: this.name,
      osd_tree: map.osdTree(),
    });
  }

  get epoch(): number {
    return this.view.epoch;
  }

  private trace(step: string, data: { [k: string]: Json }): void {
    this.rt.trace.point(step, CLIENT_ACTOR, { data });
  }

  /**
   * Objecter::op_submit: returns when the op is finished. Pacific requests ONDISK only (one
   * ACK|ONDISK reply). Hammer's `_prepare_osd_op` sets ACK when the op has an onack context
   * and ONDISK when it has an oncommit one: a synchronous write has oncommit only, a read
   * onack only, an aio write (librbd) both (`C_aio_Ack` → complete, `C_aio_Safe` → safe).
   */
  opSubmit(pool: number, oid: string, ops: OSDOp[], aio = false): Future<MOSDOpReply> {
    const write = ops.some(isWriteOp);
    const hammer = this.release === 'hammer';
    const onack = hammer && (!write || aio);
    const oncommit = !hammer || write;
    const flags =
      (write ? OSD_FLAG.WRITE : OSD_FLAG.READ) |
      (onack ? OSD_FLAG.ACK : 0) |
      (oncommit ? OSD_FLAG.ONDISK : 0) |
      OSD_FLAG.KNOWN_REDIR;
    const op: ObjecterOp = {
      tid: ++this.lastTid,
      pool,
      oid,
      ops,
      flags,
      ctx: currentCtx(this.rt.sim),
      done: new Future<MOSDOpReply>(`objecter.tid${this.lastTid}`),
      onack,
      oncommit,
      aio,
      attempts: 0,
      pgid: null,
      osd: -1,
      acting: [],
      hash: 0,
    };
    this.trace('op_submit', { tid: op.tid, oid, ops: osdOpsJson(ops) });
    this.opSubmitInner(op);
    // _op_submit_with_budget: `ontimeout` only when rados_osd_op_timeout > 0.
    if (this.opTimeoutNs > 0) {
      this.rt.sim.schedule(this.opTimeoutNs, () => {
        if (!this.inflight.has(op.tid)) return;
        runIn(this.rt.sim, op.ctx, this.name, () => {
          this.inflight.delete(op.tid);
          this.homeless.delete(op.tid);
          this.trace('op_cancel', { tid: op.tid, rc: -110, reason: 'rados_osd_op_timeout' });
          op.done.reject(errnoError('ETIMEDOUT', `tid ${op.tid}`));
        });
      });
    }
    return op.done;
  }

  /** _op_submit: target, session, tid, send. */
  private opSubmitInner(op: ObjecterOp): void {
    this.trace('_op_submit', { tid: op.tid });
    this.calcTarget(op);
    this.inflight.set(op.tid, op);
    if (op.osd < 0) {
      this.homeless.add(op.tid);
      this.trace('_maybe_request_map', { tid: op.tid, reason: 'no up primary' });
      return;
    }
    this.getSession(op.osd);
    this.sendOp(op);
  }

  /** _calc_target: object → raw pg → pg → up/acting → primary. Returns whether it changed. */
  private calcTarget(op: ObjecterOp): boolean {
    const p = this.view.mapObject(op.pool, op.oid);
    const changed =
      op.pgid === null ||
      op.osd !== p.primary ||
      op.pgid.ps !== p.pgid.ps ||
      op.acting.length !== p.acting.length;
    op.pgid = p.pgid;
    op.osd = p.primary;
    op.acting = p.acting;
    op.hash = p.rawHash;
    const c = this.view.crushOf(p.pgid);
    this.trace('_calc_target', {
      tid: op.tid,
      oid: op.oid,
      pool: op.pool,
      raw_hash: `0x${p.rawHash.toString(16).padStart(8, '0')}`,
      raw_pg: `${op.pool}.${p.rawHash.toString(16)}`,
      pgid: pgStr(p.pgid),
      pps: c.pps,
      crush: c.steps as Json[],
      // The map's cached placement arrays (never mutated): shared, not copied, per op.
      up: p.up as number[],
      acting: p.acting as number[],
      primary: p.primary,
      epoch: this.view.epoch,
    });
    return changed;
  }

  /** _get_session: the OSDSession (messenger connection) to the target. */
  private getSession(osd: number): void {
    const fresh = !this.sessions.has(osd);
    this.sessions.add(osd);
    this.trace('_get_session', { osd, new_session: fresh });
  }

  /** _send_op: _prepare_osd_op builds the MOSDOp; the connection sends it. */
  private sendOp(op: ObjecterOp): void {
    // (No key string per op while no session holds a backoff — the common case.)
    const bo =
      this.backoffs.size > 0 ? this.backoffs.get(`${op.osd}.${pgStr(op.pgid as PgId)}`) : undefined;
    if (bo !== undefined) {
      // The session has a backoff for this PG: the op stays queued until the unblock.
      this.trace('_send_op', { tid: op.tid, osd: op.osd, backoff: bo, sent: false });
      return;
    }
    const hobj: HObject = { pool: op.pool, name: op.oid, hash: op.hash };
    const flags = op.flags | (op.attempts > 0 ? OSD_FLAG.RETRY : 0);
    const m: MOSDOp = {
      type: 'osd_op',
      reqid: { client: this.globalId, tid: op.tid },
      pgid: op.pgid as PgId,
      hobj,
      ops: op.ops,
      flags,
      epoch: this.view.epoch,
      retryAttempt: op.attempts++,
      clientAddr: this.addr,
    };
    // Send first: the messenger's msg.send effect then rides on the _send_op event itself.
    this.msgr.send(this.name, osdEntity(op.osd), m);
    this.trace('_send_op', {
      tid: op.tid,
      osd: op.osd,
      entity: this.name,
      msg: {
        type: 'MOSDOp',
        reqid: `${this.name}.0:${op.tid}`,
        pgid: pgStr(m.pgid),
        oid: op.oid,
        ops: osdOpsJson(op.ops),
        flags,
        epoch: m.epoch,
        retry_attempt: m.retryAttempt,
      },
    });
  }

  private msDispatch(m: Message, _s: RecvStamps, _from: string): void {
    if (m.type === 'osd_op_reply') this.handleOsdOpReply(m);
    else if (m.type === 'osd_backoff') this.handleOsdBackoff(m, _from);
    else if (m.type === 'osd_map') {
      const v = this.mapAt(m.epoch);
      if (v) this.handleOsdMap(v);
    }
  }

  /** handle_osd_op_reply: drop stale attempts, complete the op. */
  private handleOsdOpReply(m: MOSDOpReply): void {
    const op = this.inflight.get(m.reqid.tid);
    if (!op) return;
    runIn(this.rt.sim, op.ctx, this.name, () => {
      if (m.retryAttempt !== op.attempts - 1) {
        this.trace('handle_osd_op_reply', {
          tid: op.tid,
          dropped: 'stale attempt',
          attempt: m.retryAttempt,
        });
        return;
      }
      this.trace('handle_osd_op_reply', {
        tid: op.tid,
        result: m.result,
        version: `${m.version.epoch}'${m.version.version}`,
        flags: osdFlagString(m.flags),
      });
      if (this.release === 'hammer') this.fireHammerContexts(op, m);
      else op.oncommit = false;
      if (op.onack || op.oncommit) return; // an ACK: the commit is still to come
      this.inflight.delete(op.tid);
      op.done.resolve(m);
    });
  }

  /** Hammer: any reply fires onack once; ONDISK (or an error) fires oncommit. */
  private fireHammerContexts(op: ObjecterOp, m: MOSDOpReply): void {
    if (op.onack) {
      op.onack = false;
      if (op.aio) this.trace('C_aio_Ack::finish', { tid: op.tid, complete: true });
    }
    if (op.oncommit && (m.flags & OSD_FLAG.ONDISK || m.result < 0)) {
      op.oncommit = false;
      if (op.aio) this.trace('C_aio_Safe::finish', { tid: op.tid, safe: true });
    }
  }

  /**
   * handle_osd_backoff: `block` records the backoff on the OSD's session and acks it;
   * `unblock` lifts it and resends the session's ops for that PG.
   */
  private handleOsdBackoff(m: MOSDBackoff, from: string): void {
    const osd = Number(from.slice('osd.'.length));
    const key = `${osd}.${pgStr(m.pgid)}`;
    const ops = [...this.inflight.values()].filter(
      (o) => o.osd === osd && o.pgid !== null && pgStr(o.pgid) === pgStr(m.pgid),
    );
    const ctx = ops[0]?.ctx ?? currentCtx(this.rt.sim);
    runIn(this.rt.sim, ctx, this.name, () => {
      this.trace('handle_osd_backoff', {
        osd,
        pgid: pgStr(m.pgid),
        op: m.op,
        id: m.id,
        tids: ops.map((o) => o.tid),
      });
      if (m.op === 'block') {
        this.backoffs.set(key, m.id);
        this.msgr.send(this.name, from, { ...m, op: 'ack-block' });
        return;
      }
      if (m.op !== 'unblock' || this.backoffs.get(key) !== m.id) return;
      this.backoffs.delete(key);
      for (const op of ops) runIn(this.rt.sim, op.ctx, this.name, () => this.sendOp(op));
    });
  }

  /** handle_osd_map → _scan_requests: resend ops whose target changed. */
  handleOsdMap(v: OsdMapView): void {
    if (v.epoch <= this.view.epoch) return;
    this.view = v;
    // A session to an OSD marked down is reset, and its backoffs with it.
    for (const key of [...this.backoffs.keys()])
      if (!v.isUp(Number(key.split('.')[0]))) this.backoffs.delete(key);
    const resend: ObjecterOp[] = [];
    for (const op of this.inflight.values()) {
      runIn(this.rt.sim, op.ctx, this.name, () => {
        const prevOsd = op.osd;
        const changed = this.calcTarget(op);
        if ((changed && op.osd !== prevOsd) || this.homeless.has(op.tid)) resend.push(op);
      });
    }
    for (const op of resend) {
      runIn(this.rt.sim, op.ctx, this.name, () => {
        this.trace('handle_osd_map', { epoch: v.epoch, resend_tid: op.tid, osd: op.osd });
        if (op.osd < 0) {
          this.homeless.add(op.tid);
          return;
        }
        this.homeless.delete(op.tid);
        this.getSession(op.osd);
        this.sendOp(op);
      });
    }
  }

  /**
   * Objecter::ms_handle_reset: the lossy connection to an OSD faulted (a message on it was
   * lost). The session is reopened (`_reopen_session`: its backoffs go with the old
   * connection) and `_kick_requests` resends every op of the session (RETRY=n). A write the
   * OSD already applied comes back through its dup detection (pg log reqids): applied once.
   */
  private msHandleReset(peer: string): void {
    if (!peer.startsWith('osd.')) return;
    const osd = Number(peer.slice('osd.'.length));
    if (!this.sessions.has(osd)) return;
    for (const key of [...this.backoffs.keys()])
      if (key.startsWith(`${osd}.`)) this.backoffs.delete(key);
    const ops = [...this.inflight.values()].filter(
      (o) => o.osd === osd && !this.homeless.has(o.tid),
    );
    const ctx = ops[0]?.ctx ?? currentCtx(this.rt.sim);
    runIn(this.rt.sim, ctx, this.name, () => {
      this.trace('ms_handle_reset', { osd, resend_tids: ops.map((o) => o.tid) });
    });
    for (const op of ops) runIn(this.rt.sim, op.ctx, this.name, () => this.sendOp(op));
  }

  get inflightCount(): number {
    return this.inflight.size;
  }
}
