/**
 * The OSD daemon: `ms_fast_dispatch` → OpTracker `create_request` → `enqueue_op`
 * [queued_for_pg] → sharded op queue → `dequeue_op` [reached_pg] → the PG. Also the map
 * handling that starts peering, the recovery messages, and kill/restart of the process.
 */
import type { Runtime } from '../../core/runtime.ts';
import type { Proc, ProcContext } from '../../core/sim.ts';
import type { Json } from '../../trace/event.ts';
import type { OsdMapView } from '../cluster/map.ts';
import {
  type Message,
  type MOSDOp,
  type MOSDPGPush,
  describeOsdOp,
  describeRepOp,
  describeRepOpReply,
} from '../msg/messages.ts';
import type { Messenger, RecvStamps } from '../msg/messenger.ts';
import type { ObjectStore } from '../objectstore/types.ts';
import { currentCtx, enterCtx, leaveCtx, runIn, sleepInstr } from '../sched.ts';
import {
  type PgId,
  evStr,
  hobjStr,
  osdEntity,
  osdFlagString,
  osdOpsJson,
  pgStr,
  reqidStr,
} from '../types.ts';
import { ShardedOpWQ, type OpQueueItem } from './op-queue.ts';
import { OsdHeartbeat } from './heartbeat.ts';
import { type OpHistoryConfig, OpTracker, type TrackedOp } from './optracker.ts';
import { PG } from './pg.ts';
import type { OsdServices, PgLogLimits } from './services.ts';
import { T } from './timing.ts';
import type { CephRelease } from '../release.ts';

export interface OsdOptions {
  /** osd_op_num_shards (5 on HDD-class OSDs, 8 on SSD). */
  numShards: number;
  history: OpHistoryConfig;
  release: CephRelease;
  pgLog: PgLogLimits;
}

/** What the OSD needs from the rest of the cluster. */
export interface ClusterLink {
  /** The map the monitor published at `epoch`. */
  mapAt(epoch: number): OsdMapView | undefined;
}

export class OSD implements OsdServices {
  readonly name: string;
  readonly tracker: OpTracker;
  readonly release: CephRelease;
  readonly pgLog: PgLogLimits;
  private readonly wq: ShardedOpWQ;
  readonly pgs = new Map<string, PG>();
  private view: OsdMapView;
  private incarnation = 0;
  alive = true;

  constructor(
    readonly rt: Runtime,
    readonly id: number,
    readonly store: ObjectStore,
    private readonly msgr: Messenger,
    private readonly link: ClusterLink,
    map: OsdMapView,
    opts: OsdOptions,
  ) {
    this.name = `osd.${id}`;
    this.release = opts.release;
    this.pgLog = opts.pgLog;
    this.tracker = new OpTracker(opts.history, opts.release === 'hammer');
    this.wq = new ShardedOpWQ(rt, `${this.name}.op_wq`, opts.numShards);
    this.view = map;
    this.hb = new OsdHeartbeat(this, msgr);
    msgr.register(this.name, (m, stamps, from) => this.msFastDispatch(m, stamps, from));
  }

  map(): OsdMapView {
    return this.view;
  }

  gen(): number {
    return this.incarnation;
  }

  /** Create the PGs this OSD serves in the initial map (all active+clean, empty). */
  createInitialPgs(): void {
    for (const pool of this.view.pools) {
      for (let ps = 0; ps < pool.pgNum; ps++) {
        const pgid = { pool: pool.id, ps };
        const p = this.view.mapPg(pgid);
        if (!p.acting.includes(this.id)) continue;
        const pg = new PG(pgid, pool, this);
        pg.up = [...p.up];
        pg.acting = [...p.acting];
        pg.primary = p.primary;
        pg.sameIntervalSince = this.view.epoch;
        pg.states.add('active');
        if (p.acting.length >= pool.size) pg.states.add('clean');
        else pg.states.add('undersized').add('degraded');
        this.pgs.set(pgStr(pgid), pg);
      }
    }
  }

  pg(pgid: PgId): PG | undefined {
    return this.pgs.get(pgStr(pgid));
  }

  // ------------------------------------------------------------------ dispatch

  /** OSD::ms_fast_dispatch. */
  private msFastDispatch(m: Message, stamps: RecvStamps, from: string): void {
    if (!this.alive) return;
    switch (m.type) {
      case 'osd_op': {
        const op = this.tracker.createRequest(describeOsdOp(m), stamps, {
          client: from,
          clientAddr: m.clientAddr,
          tid: m.reqid.tid,
        });
        this.trace('ms_fast_dispatch', { msg: mosdOpJson(m) });
        const read = !(m.flags & 0x20);
        this.enqueueOp(
          m.pgid,
          op,
          read ? T.enqueueRead : T.enqueue,
          read ? T.dequeueRead : T.dequeueWrite,
          m,
          from,
        );
        return;
      }
      case 'osd_repop': {
        const op = this.tracker.createRequest(describeRepOp(m), stamps);
        this.trace('ms_fast_dispatch', {
          msg: {
            type: 'MOSDRepOp',
            reqid: reqidStr(m.reqid),
            pgid: pgStr(m.pgid),
            hobj: hobjStr(m.hobj),
            version: evStr(m.version),
            map_epoch: m.mapEpoch,
            min_epoch: m.minEpoch,
            mlcod: evStr(m.mlcod),
          },
        });
        this.enqueueOp(m.pgid, op, T.enqueue, T.dequeueRepop, m, from);
        return;
      }
      case 'osd_repop_reply': {
        const op = this.tracker.createRequest(describeRepOpReply(m), stamps);
        this.trace('ms_fast_dispatch', {
          msg: {
            type: 'MOSDRepOpReply',
            reqid: reqidStr(m.reqid),
            pgid: pgStr(m.pgid),
            from: m.from,
          },
        });
        this.enqueueOp(m.pgid, op, T.enqueue, T.dequeueReply, m, from);
        return;
      }
      case 'pg_push': {
        const op = this.tracker.createRequest(
          `MOSDPGPush(${pgStr(m.pgid)} ${m.mapEpoch}/${m.mapEpoch} [PushOp(${m.pgid.pool}:${m.oid}:head, version: ${evStr(m.version)})])`,
          stamps,
        );
        this.enqueueOp(m.pgid, op, T.enqueue, T.dequeueRepop, m, from);
        return;
      }
      case 'pg_push_reply': {
        const op = this.tracker.createRequest(
          `MOSDPGPushReply(${pgStr(m.pgid)} ${m.mapEpoch}/${m.mapEpoch} [PushReplyOp(${m.pgid.pool}:${m.oid}:head)])`,
          stamps,
        );
        this.enqueueOp(m.pgid, op, T.enqueue, T.dequeueReply, m, from);
        return;
      }
      case 'pg_pull': {
        const pg = this.pg(m.pgid);
        if (pg) this.sendPush(m.from, pg.buildPush(m.oid));
        return;
      }
      case 'osd_ping':
        this.hb.handlePing(m, from);
        return;
      // Peering messages (MOSDPGQuery2/Notify2/Info2, MOSDPGLog) become peering events run by
      // the PG's shard (no OpTracker op).
      case 'pg_query':
      case 'pg_notify':
      case 'pg_log':
      case 'pg_info':
      case 'pg_scan':
      case 'pg_backfill_remove': {
        const gen = this.incarnation;
        this.queueContext(m.pgid.ps, () => {
          if (gen !== this.incarnation) return;
          const pg = this.pg(m.pgid);
          if (!pg) return;
          if (m.type === 'pg_query') pg.handleQuery(m);
          else if (m.type === 'pg_log' && m.activate) pg.handleActivate(m);
          else if (m.type === 'pg_scan' && m.op === 'get_digest') pg.handleScan(m);
          else if (m.type === 'pg_backfill_remove') pg.handleBackfillRemove(m);
          else pg.handlePeeringReply(m);
        });
        return;
      }
      case 'osd_map': {
        const v = this.link.mapAt(m.epoch);
        if (v) this.handleOsdMap(v);
        return;
      }
      default:
        return;
    }
  }

  /** OSD::enqueue_op [queued_for_pg] → shard queue → dequeue_op [reached_pg] → PG. */
  private enqueueOp(
    pgid: PgId,
    op: TrackedOp,
    enqueueNs: number,
    dequeueNs: number,
    m: QueuedMessage,
    from: string,
  ): void {
    const ctx = currentCtx(this.rt.sim);
    op.ctx = ctx;
    const item = new QueuedOp(this, pgid, op, m, from, dequeueNs, this.incarnation, ctx);
    this.rt.sim.schedule(enqueueNs, () => this.enqueued(item));
  }

  private enqueued(item: QueuedOp): void {
    if (item.gen !== this.incarnation) return;
    const sim = this.rt.sim;
    const pgid = item.pgid;
    const prev = enterCtx(sim, item.ctx, this.name);
    try {
      // Hammer has no queued_for_pg event (nothing calls mark_queued_for_pg there).
      if (this.release !== 'hammer') item.op.mark('queued_for_pg', sim.now);
      this.trace('enqueue_op', { pgid: pgStr(pgid), shard: pgid.ps % this.wq.numShards });
    } finally {
      leaveCtx(sim, prev);
    }
    this.wq.queue(pgid.ps, item);
  }

  /** OSD::dequeue_op: the shard thread picked the item and holds the PG. */
  *dequeueOp(item: QueuedOp): Proc<void> {
    yield sleepInstr(item.dequeueNs);
    if (item.gen !== this.incarnation) return;
    const op = item.op;
    op.mark('reached_pg', this.rt.sim.now);
    this.trace('dequeue_op', { pgid: pgStr(item.pgid), desc: op.description });
    const pg = this.pg(item.pgid);
    if (!pg) {
      this.finishOp(op);
      return;
    }
    const m = item.m;
    switch (m.type) {
      case 'osd_op':
        return yield* pg.doRequest(op, m, item.from);
      case 'osd_repop':
        return yield* pg.doRepop(op, m);
      case 'osd_repop_reply':
        return yield* pg.doRepopReply(op, m);
      case 'pg_push':
        return yield* pg.handlePush(op, m);
      case 'pg_push_reply':
        return yield* pg.handlePushReply(op, m.from, m.oid);
    }
  }

  queue(ps: number, item: OpQueueItem): void {
    this.wq.queue(ps, item);
  }

  queueContext(ps: number, fn: () => void, delayNs = 0): void {
    this.wq.queue(ps, { ctx: currentCtx(this.rt.sim), fn, delayNs });
  }

  sendOsd(osd: number, m: Message, extraDelayNs = 0): void {
    this.msgr.send(this.name, osdEntity(osd), m, extraDelayNs);
  }

  sendClient(client: string, m: Message): void {
    this.msgr.send(this.name, client, m);
  }

  sendPush(osd: number, m: MOSDPGPush): void {
    this.trace(
      'prep_push',
      { to: osd, oid: m.oid, version: evStr(m.version), bytes: m.data?.length ?? 0 },
      'ceph.recovery',
    );
    this.msgr.send(this.name, osdEntity(osd), m);
  }

  sendPushReply(osd: number, pgid: PgId, oid: string): void {
    this.msgr.send(this.name, osdEntity(osd), {
      type: 'pg_push_reply',
      pgid,
      from: this.id,
      oid,
      mapEpoch: this.view.epoch,
    });
  }

  sendPull(osd: number, pgid: PgId, oid: string): void {
    this.msgr.send(this.name, osdEntity(osd), {
      type: 'pg_pull',
      pgid,
      from: this.id,
      oid,
      mapEpoch: this.view.epoch,
    });
  }

  finishOp(op: TrackedOp): void {
    this.tracker.finish(op, this.rt.sim.now);
  }

  ctxOf(op: TrackedOp): ProcContext {
    return op.ctx ?? currentCtx(this.rt.sim);
  }

  runAs(op: TrackedOp, fn: () => void): void {
    runIn(this.rt.sim, op.ctx ?? currentCtx(this.rt.sim), this.name, fn);
  }

  private trace(step: string, data: { [k: string]: Json }, pipeline?: string): void {
    if (pipeline) this.rt.trace.point(step, this.name, { data, pipeline });
    else this.rt.trace.point(step, this.name, { data });
  }

  // ------------------------------------------------------------------ maps, peering

  /** OSD::handle_osd_map → consume_map: every PG whose acting set changed starts peering. */
  handleOsdMap(v: OsdMapView): void {
    if (v.epoch <= this.view.epoch || !this.alive) return;
    const prev = this.view;
    this.view = v;
    this.trace('handle_osd_map', { epoch: v.epoch }, 'ceph.recovery');
    this.hb.onMap(prev, v);
    for (const pool of v.pools) {
      for (let ps = 0; ps < pool.pgNum; ps++) {
        const pgid = { pool: pool.id, ps };
        const p = v.mapPg(pgid);
        let pg = this.pg(pgid);
        const member = p.acting.includes(this.id);
        if (!pg && !member) continue;
        if (!pg) {
          pg = new PG(pgid, pool, this);
          this.pgs.set(pgStr(pgid), pg);
        }
        const changed =
          pg.primary !== p.primary ||
          pg.acting.length !== p.acting.length ||
          pg.acting.some((o, i) => o !== p.acting[i]);
        if (!changed) continue;
        pg.onNewInterval(p, v.epoch);
        if (!member) {
          pg.states.clear();
          pg.states.add('stray');
          continue;
        }
        if (pg.isPrimary) this.startPeering(pg);
      }
    }
  }

  private startPeering(pg: PG): void {
    const ctx: ProcContext = { op: currentCtx(this.rt.sim).op, pipeline: 'ceph.recovery' };
    this.rt.sim.spawn(
      `${this.name}.peering.${pg.name}`,
      pg.peer(pg.peeringGeneration, this.incarnation),
      ctx,
    );
  }

  // ------------------------------------------------------------------ heartbeats

  /** Pings, heartbeat_check, failure reports, wrongly-marked-down handling (heartbeat.ts). */
  readonly hb: OsdHeartbeat;

  /** OSD::heartbeat: MOSDPing to every heartbeat peer (front and back networks in Ceph). */
  heartbeat(peers: readonly number[]): void {
    if (this.alive) this.hb.ping(peers);
  }

  /** OSD::heartbeat_check: peers whose oldest unanswered ping is older than the grace. */
  heartbeatCheck(graceNs: number): Array<{ osd: number; failedForNs: number }> {
    return this.alive ? this.hb.overdue(graceNs) : [];
  }

  forgetHeartbeat(osd: number): void {
    this.hb.forget(osd);
  }

  /** osd_max_markdown_count exceeded: the daemon exits (like a kill; restart brings it back). */
  shutdown(): void {
    this.kill();
  }

  // ------------------------------------------------------------------ process lifecycle

  /** SIGKILL: in-memory state and everything the store had not made durable is gone. */
  kill(): void {
    if (!this.alive) return;
    this.alive = false;
    this.incarnation++;
    this.wq.stop();
    this.store.kill();
    this.msgr.markDown(this.name);
    this.trace('kill', { incarnation: this.incarnation }, 'ceph.recovery');
  }

  /** Restart: mount the store (replay), load the PGs from their meta objects, boot. */
  *restart(map: OsdMapView): Proc<void> {
    this.trace('OSD::init', { epoch: map.epoch }, 'ceph.recovery');
    yield* this.store.mount();
    this.incarnation++;
    this.alive = true;
    this.msgr.markUp(this.name);
    this.wq.restart();
    for (const pg of this.pgs.values()) {
      pg.load();
      pg.acting = [];
      pg.primary = -1;
      pg.states.clear();
      pg.states.add('peering');
    }
    this.view = map;
  }
}

/** The messages that become TrackedOps and go through the sharded queue to a PG. */
type QueuedMessage = Extract<
  Message,
  { type: 'osd_op' | 'osd_repop' | 'osd_repop_reply' | 'pg_push' | 'pg_push_reply' }
>;

/**
 * One message between enqueue_op and dequeue_op: a single object is the scheduled state, the
 * shard queue item and the handler's arguments (instead of three closures per message).
 */
class QueuedOp {
  constructor(
    private readonly osd: OSD,
    readonly pgid: PgId,
    readonly op: TrackedOp,
    readonly m: QueuedMessage,
    readonly from: string,
    readonly dequeueNs: number,
    readonly gen: number,
    readonly ctx: ProcContext,
  ) {}

  run(): Proc<void> {
    return this.osd.dequeueOp(this);
  }
}

function mosdOpJson(m: MOSDOp): Json {
  return {
    type: 'MOSDOp',
    reqid: reqidStr(m.reqid),
    pgid: pgStr(m.pgid),
    hobj: hobjStr(m.hobj),
    ops: osdOpsJson(m.ops),
    flags: osdFlagString(m.flags),
    epoch: m.epoch,
    retry_attempt: m.retryAttempt,
  };
}
