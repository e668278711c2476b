/**
 * One placement group on one OSD: PrimaryLogPG + ReplicatedBackend + the parts of
 * PeeringState the IO path needs. The write path reads top to bottom as in Pacific
 * (spec §6.1/§6.2, order confirmed by the debug_osd=20 log of one write):
 *
 *   primary:  do_request → do_op → get_object_context → [started] → execute_ctx → do_osd_ops
 *             → finish_ctx → new_repop → issue_repop → issue_op [waiting for subops from …]
 *             (MOSDRepOp to every replica BEFORE the local write) → append_log
 *             → queue_transactions; later op_commit [op_commit] and do_repop_reply
 *             [sub_op_commit_rec] → repop_all_committed → eval_repop → [commit_sent] → [done]
 *   replica:  do_repop [started] → append_log → queue_transactions → repop_commit
 *             [commit_sent] → MOSDRepOpReply → [done]
 *   read:     do_op → [started] → execute_ctx → do_osd_ops (store read) → reply → [done]
 *
 * Hammer (release 'hammer', spec §5): the same up to issue_op, then two completions per
 * write — committed (journaled) and applied (readable): primary op_commit [op_commit] and
 * op_applied [op_applied]; replica sub_op_modify [started ×2] → sub_op_modify_commit
 * [commit_sent] (ONDISK reply) and sub_op_modify_applied [sub_op_applied] (an ACK reply
 * only if the commit reply has not gone yet); primary sub_op_modify_reply
 * [sub_op_commit_rec from N / sub_op_applied_rec from N] → repop_all_applied /
 * repop_all_committed → eval_repop: the commit reply (ACK|ONDISK, [commit_sent]) when all
 * committed; a separate ACK reply when all applied first and the client asked for ACK;
 * [done] once both.
 */
import { errno } from '../../core/errors.ts';
import { IoError } from '../../core/errors.ts';
import { Future, type Proc, sleep, wait } from '../../core/sim.ts';
import type { Json } from '../../trace/event.ts';
import type { PgPlacement, PoolInfo } from '../cluster/map.ts';
import { clsMethod, type ClsContext } from '../cls/cls.ts';
import {
  type MOSDOp,
  type MOSDOpReply,
  type MOSDPGInfo,
  type MOSDPGLog,
  type MOSDPGNotify,
  type MOSDPGPush,
  type MOSDPGQuery,
  type MOSDPGScan,
  type MOSDPGBackfillRemove,
  type MOSDRepOp,
  type MOSDRepOpReply,
  type OpOut,
  type PgInfoWire,
  describeRepOpReply,
} from '../msg/messages.ts';
import { newTransaction, txJson, type Transaction, type TxOp } from '../objectstore/transaction.ts';
import {
  EV_ZERO,
  type Eversion,
  type HObject,
  OSD_FLAG,
  type PgId,
  type PgLogEntry,
  evCmp,
  evStr,
  isWriteOp,
  osdFlagString,
  osdOpsJson,
  pgStr,
  reqidStr,
} from '../types.ts';
import type { CommitHooks } from '../objectstore/types.ts';
import {
  OI_ATTR,
  type ObjectInfo,
  absentObjectInfo,
  decodeObjectInfo,
  encodeObjectInfo,
} from './object-info.ts';
import type { OsdServices } from './services.ts';
import type { TrackedOp } from './optracker.ts';
import {
  PGMETA_OID,
  PgLog,
  type PgInfo,
  INFO_KEY,
  encodeEntry,
  encodeInfoValue,
  entryJson,
  loadLog,
  logKey,
  newPgInfo,
} from './pglog.ts';
import { sleepInstr } from '../sched.ts';
import { T } from './timing.ts';

/** RepGather: one in-flight replicated write on the primary. */
interface RepGather {
  readonly repTid: number;
  readonly op: TrackedOp;
  readonly m: MOSDOp;
  readonly from: string;
  readonly v: Eversion;
  readonly outs: OpOut[];
  readonly waitingForCommit: Set<number>;
  allCommitted: boolean;
  /** Hammer: the acting set members that have not applied yet (empty in Pacific). */
  readonly waitingForApplied: Set<number>;
  allApplied: boolean;
  /** Hammer: which client replies went out. */
  sentAck: boolean;
  sentDisk: boolean;
  /** Dup requests waiting for this version ("waiting for ondisk"). */
  readonly dupWaiters: Array<{ op: TrackedOp; m: MOSDOp; from: string }>;
}

type Requeue = () => void;

/** Peering replies the primary waits for. */
type PeeringReply = MOSDPGNotify | MOSDPGLog | MOSDPGInfo | MOSDPGScan;

interface PeeringRound {
  readonly epoch: number;
  readonly type: PeeringReply['type'];
  readonly want: Set<number>;
  readonly got: Map<number, PeeringReply>;
  readonly done: Future<void>;
}

const R = 'ceph.recovery';

export class PG {
  readonly coll: string;
  readonly name: string;
  acting: number[] = [];
  up: number[] = [];
  primary = -1;
  sameIntervalSince = 0;
  readonly states = new Set<string>();
  log = new PgLog();
  info: PgInfo = newPgInfo();
  projected: Eversion = EV_ZERO;
  /** last_complete_ondisk: this OSD's newest committed write. */
  lcod: Eversion = EV_ZERO;
  readonly peerLcod = new Map<number, Eversion>();
  private readonly obcs = new Map<string, ObjectInfo>();
  private repops: RepGather[] = [];
  private repTid = 0;
  private waitingForPeered: Requeue[] = [];
  private readonly waitingForObject = new Map<string, Requeue[]>();
  /** Objects this OSD lacks (need version). */
  readonly missing = new Map<string, Eversion>();
  /** Objects each peer lacks (primary only). */
  readonly peerMissing = new Map<number, Map<string, Eversion>>();
  private readonly recovering = new Set<string>();
  private peeringGen = 0;
  /** The primary's outstanding peering round (queries sent, replies expected). */
  private round: PeeringRound | null = null;

  constructor(
    readonly pgid: PgId,
    readonly pool: PoolInfo,
    private readonly osd: OsdServices,
  ) {
    this.coll = `${pgStr(pgid)}_head`;
    this.name = pgStr(pgid);
  }

  get isPrimary(): boolean {
    return this.primary === this.osd.id;
  }

  get active(): boolean {
    return this.states.has('active');
  }

  /** `pg_state_string`: the states joined with '+', in Ceph's order. */
  get stateString(): string {
    const order = [
      'active',
      'clean',
      'recovery_wait',
      'recovering',
      'undersized',
      'degraded',
      'peering',
      'backfill_wait',
      'backfilling',
      'peered',
    ];
    const s = order.filter((x) => this.states.has(x));
    return s.length ? s.join('+') : 'unknown';
  }

  private get actor(): string {
    return this.osd.name;
  }

  private trace(step: string, data?: { [k: string]: Json }, pipeline?: string): void {
    const d = data ?? {};
    d.pg = this.name;
    if (pipeline) this.osd.rt.trace.point(step, this.actor, { data: d, pipeline });
    else this.osd.rt.trace.point(step, this.actor, { data: d });
  }

  /** Reload log and info from the store (OSD start). */
  load(): void {
    const { log, info } = loadLog(this.osd.store.omapGet(this.coll, PGMETA_OID));
    this.log = log;
    this.info = info;
    this.projected = log.head;
    this.lcod = info.lastComplete;
    this.obcs.clear();
  }

  // ---------------------------------------------------------------- client ops (primary)

  /** PrimaryLogPG::do_request for a client MOSDOp. */
  *doRequest(op: TrackedOp, m: MOSDOp, from: string): Proc<void> {
    this.trace('do_request', { reqid: reqidStr(m.reqid) });
    if (m.epoch < this.sameIntervalSince && m.retryAttempt === 0 && !this.isPrimary) {
      this.osd.finishOp(op);
      return;
    }
    if (!this.isPrimary) {
      // Misdirected (the client's map is older): drop, the client resends on the new map.
      this.trace('misdirected', { reqid: reqidStr(m.reqid) });
      this.osd.finishOp(op);
      return;
    }
    // (Backoffs came with Luminous: a Hammer PG parks the op instead.)
    if (!this.active && this.states.has('peered') && !this.hammer) {
      // Peered but not active (below min_size): a PG-wide backoff — the op is dropped and the
      // client holds it (and any other op for this PG) until the unblock.
      this.addPgBackoff(from);
      this.osd.finishOp(op);
      return;
    }
    if (!this.active) {
      op.mark(
        this.states.has('peering') || this.states.has('peered')
          ? 'waiting for peered'
          : 'waiting for active',
        this.osd.rt.sim.now,
      );
      this.waitingForPeered.push(() => this.requeue(op, m, from));
      return;
    }
    yield* this.doOp(op, m, from);
  }

  /** Clients blocked by a PG-wide backoff (client → backoff id). */
  private readonly backoffs = new Map<string, number>();

  /** PG::add_pg_backoff: MOSDBackoff(block) to the client's session. */
  private addPgBackoff(client: string): void {
    if (this.backoffs.has(client)) return;
    const id = this.osd.rt.ids.next('ceph.backoff_id', 0) + 1;
    this.backoffs.set(client, id);
    this.trace('add_backoff', { client, id, state: this.stateString });
    this.osd.sendClient(client, {
      type: 'osd_backoff',
      pgid: this.pgid,
      op: 'block',
      id,
      epoch: this.osd.map().epoch,
    });
  }

  /** PG::release_backoffs: MOSDBackoff(unblock) to every blocked client. */
  private releaseBackoffs(why: string): void {
    for (const [client, id] of this.backoffs) {
      this.trace('release_backoffs', { client, id, why }, R);
      this.osd.sendClient(client, {
        type: 'osd_backoff',
        pgid: this.pgid,
        op: 'unblock',
        id,
        epoch: this.osd.map().epoch,
      });
    }
    this.backoffs.clear();
  }

  /** Put a parked op back on the shard queue (requeue_ops): it will reach_pg again. */
  private requeue(op: TrackedOp, m: MOSDOp, from: string): void {
    const gen = this.osd.gen();
    this.osd.queue(this.pgid.ps, {
      ctx: this.osd.ctxOf(op),
      run: () => this.requeued(op, m, from, gen),
    });
  }

  private *requeued(op: TrackedOp, m: MOSDOp, from: string, gen: number): Proc<void> {
    if (gen !== this.osd.gen()) return;
    yield sleepInstr(T.dequeueWrite);
    op.mark('reached_pg', this.osd.rt.sim.now);
    yield* this.doRequest(op, m, from);
  }

  /** PrimaryLogPG::do_op. */
  *doOp(op: TrackedOp, m: MOSDOp, from: string): Proc<void> {
    const write = m.ops.some(isWriteOp);
    const oid = m.hobj.name;
    this.trace('do_op', {
      reqid: reqidStr(m.reqid),
      oid,
      ops: osdOpsJson(m.ops),
      flags: m.flags,
      may_write: write,
    });
    const sim = this.osd.rt.sim;
    if (this.missing.has(oid)) {
      op.mark('waiting for missing object', sim.now);
      this.waitForObject(oid, () => this.requeue(op, m, from));
      this.startRecoveryOf(oid);
      return;
    }
    if (write && this.isDegraded(oid)) {
      op.mark('waiting for degraded object', sim.now);
      this.waitForObject(oid, () => this.requeue(op, m, from));
      this.startRecoveryOf(oid);
      return;
    }
    if (write) {
      // Dup detection: a resent op whose entry is already in the log.
      const dup = this.log.findReqid(reqidStr(m.reqid));
      if (dup) {
        const inflight = this.repops.find((r) => evCmp(r.v, dup.version) === 0);
        if (inflight && !inflight.allCommitted) {
          op.mark('waiting for ondisk', sim.now);
          inflight.dupWaiters.push({ op, m, from });
          return;
        }
        this.trace('already_complete', { reqid: reqidStr(m.reqid), version: evStr(dup.version) });
        this.sendReply(m, from, dup.returnCode, dup.version, []);
        this.osd.finishOp(op);
        return;
      }
    }
    yield sleepInstr(write ? T.doOpToStarted : T.readDoOpToStarted);
    const obc = this.getObjectContext(oid);
    op.mark('started', sim.now);
    yield* this.executeCtx(op, m, from, obc, write);
  }

  private isDegraded(oid: string): boolean {
    for (const pm of this.peerMissing.values()) if (pm.has(oid)) return true;
    return false;
  }

  /** get_object_context: cached obc, else the `_` xattr from the store (or a new obc). */
  private getObjectContext(oid: string): ObjectInfo {
    const hit = this.obcs.get(oid);
    if (hit) {
      this.trace('get_object_context', { oid, cached: true, exists: hit.exists });
      return hit;
    }
    const st = this.osd.store.stat(this.coll, oid);
    const attr = st ? this.osd.store.getattr(this.coll, oid, OI_ATTR) : undefined;
    const oi = st && attr ? decodeObjectInfo(attr, st.size) : absentObjectInfo();
    this.obcs.set(oid, oi);
    this.trace(oi.exists ? 'get_object_context' : 'create_object_context', {
      oid,
      cached: false,
      exists: oi.exists,
    });
    return oi;
  }

  /** execute_ctx → prepare_transaction → do_osd_ops → finish_ctx. */
  private *executeCtx(
    op: TrackedOp,
    m: MOSDOp,
    from: string,
    obc: ObjectInfo,
    write: boolean,
  ): Proc<void> {
    const oid = m.hobj.name;
    this.trace('execute_ctx', { reqid: reqidStr(m.reqid), oid });
    const t = newTransaction(this.coll);
    const outs: OpOut[] = [];
    const oi: ObjectInfo = { ...obc };
    let result = 0;
    for (const o of m.ops) {
      // Only reads and class calls touch the device: the rest run without a generator.
      const r =
        o.op === 'read' || o.op === 'sparse-read' || o.op === 'call'
          ? yield* this.doOsdOp(o, oid, oi, t, outs)
          : this.doOsdOpSync(o, oid, oi, t, outs);
      if (r < 0) {
        result = r;
        break;
      }
    }
    this.trace('do_osd_ops', {
      oid,
      ops: osdOpsJson(m.ops),
      result,
      txn: txJson(t),
    });
    if (!write || result < 0) {
      // complete_read_ctx (or a failed write: reply with the error at once).
      yield sleepInstr(T.readReply);
      this.sendReply(m, from, result, obc.version, outs);
      this.osd.finishOp(op);
      return;
    }
    // finish_ctx: new object_info_t, a pg_log_entry_t at at_version.
    const map = this.osd.map();
    const v: Eversion = { epoch: map.epoch, version: this.projected.version + 1 };
    const userVersion = Math.max(this.info.lastUserVersion, oi.userVersion) + 1;
    const entry: PgLogEntry = {
      op: oi.exists ? 'modify' : 'delete',
      soid: m.hobj,
      version: v,
      priorVersion: obc.version,
      reqid: m.reqid,
      userVersion: Math.max(userVersion, v.version),
      returnCode: 0,
      mtime: this.osd.rt.sim.now,
    };
    if (oi.exists) {
      oi.version = v;
      oi.userVersion = entry.userVersion;
      t.ops.push({ op: 'setattrs', oid, attrs: { [OI_ATTR]: encodeObjectInfo(oi) } });
    }
    this.trace('finish_ctx', { oid, version: evStr(v), prior_version: evStr(obc.version) });
    this.obcs.set(oid, oi);
    yield sleepInstr(T.startedToSubops);
    this.issueRepop(op, m, from, entry, t, outs);
  }

  /** One OSDOp of do_osd_ops that reads the store (read, class call): fills `t` and `outs`. */
  private *doOsdOp(
    o: MOSDOp['ops'][number],
    oid: string,
    oi: ObjectInfo,
    t: Transaction,
    outs: OpOut[],
  ): Proc<number> {
    switch (o.op) {
      case 'read':
      case 'sparse-read': {
        if (!oi.exists) return pushOut(outs, errno('ENOENT'));
        const data = yield* this.osd.store.read(this.coll, oid, o.off, o.len);
        outs.push({ rval: 0, outdata: data });
        return 0;
      }
      case 'call':
        return yield* this.doCall(o.cls, o.method, o.indata, oid, oi, t, outs);
      default:
        return this.doOsdOpSync(o, oid, oi, t, outs);
    }
  }

  /** One OSDOp of do_osd_ops: fills `t` and `outs`, returns the op's rval. */
  private doOsdOpSync(
    o: MOSDOp['ops'][number],
    oid: string,
    oi: ObjectInfo,
    t: Transaction,
    outs: OpOut[],
  ): number {
    const touch = (): void => touchObject(oi, t, oid);
    switch (o.op) {
      case 'read':
      case 'sparse-read':
      case 'call':
        throw new Error(`do_osd_ops: ${o.op} reads the store`);
      case 'stat': {
        if (!oi.exists) return pushOut(outs, errno('ENOENT'));
        const b = new Uint8Array(8);
        new DataView(b.buffer).setFloat64(0, oi.size, true);
        outs.push({ rval: 0, outdata: b });
        return 0;
      }
      case 'write':
        touch();
        t.ops.push({ op: 'write', oid, off: o.off, data: o.data });
        oi.size = Math.max(oi.size, o.off + o.data.length);
        return pushOut(outs, 0);
      case 'writefull':
        if (oi.exists && o.data.length < oi.size) {
          t.ops.push({ op: 'truncate', oid, size: o.data.length });
        }
        touch();
        t.ops.push({ op: 'write', oid, off: 0, data: o.data });
        oi.size = o.data.length;
        return pushOut(outs, 0);
      case 'append':
        touch();
        t.ops.push({ op: 'write', oid, off: oi.size, data: o.data });
        oi.size += o.data.length;
        return pushOut(outs, 0);
      case 'delete':
        if (!oi.exists) return pushOut(outs, errno('ENOENT'));
        t.ops.push({ op: 'remove', oid });
        oi.exists = false;
        oi.size = 0;
        return pushOut(outs, 0);
      case 'create':
        if (oi.exists && o.exclusive) return pushOut(outs, errno('EEXIST'));
        touch();
        return pushOut(outs, 0);
      case 'set-alloc-hint':
        touch();
        t.ops.push({ op: 'set_alloc_hint', oid, objectSize: o.objectSize, writeSize: o.writeSize });
        return pushOut(outs, 0);
    }
  }

  private *doCall(
    cls: string,
    method: string,
    indata: Uint8Array,
    oid: string,
    oi: ObjectInfo,
    t: Transaction,
    outs: OpOut[],
  ): Proc<number> {
    const fn = clsMethod(cls, method);
    if (!fn) return pushOut(outs, errno('EOPNOTSUPP'));
    const store = this.osd.store;
    const coll = this.coll;
    const pending: TxOp[] = [];
    const omap = new Map(store.omapGet(coll, oid) ?? []);
    const state = { exists: oi.exists, size: oi.size };
    const ctx: ClsContext = {
      oid,
      exists: () => state.exists,
      size: () => state.size,
      *read(off, len) {
        if (!oi.exists) return new Uint8Array(0);
        return yield* store.read(coll, oid, off, len);
      },
      omapGet: (k) => omap.get(k),
      omapKeys: () => [...omap.keys()].sort(),
      create(exclusive) {
        if (state.exists && exclusive) return errno('EEXIST');
        if (!state.exists) pending.push({ op: 'touch', oid });
        state.exists = true;
        return 0;
      },
      write(off, data) {
        if (!state.exists) pending.push({ op: 'touch', oid });
        state.exists = true;
        pending.push({ op: 'write', oid, off, data });
        state.size = Math.max(state.size, off + data.length);
      },
      writeFull(data) {
        if (!state.exists) pending.push({ op: 'touch', oid });
        state.exists = true;
        pending.push({ op: 'truncate', oid, size: 0 }, { op: 'write', oid, off: 0, data });
        state.size = data.length;
      },
      omapSet(kv) {
        pending.push({ op: 'omap_setkeys', oid, kv });
        for (const [k, v] of Object.entries(kv)) omap.set(k, v);
      },
      omapRm(keys) {
        pending.push({ op: 'omap_rmkeys', oid, keys });
        for (const k of keys) omap.delete(k);
      },
    };
    let r;
    try {
      const res = fn(ctx, indata);
      r = 'rval' in res ? res : yield* res;
    } catch (e) {
      if (e instanceof IoError) r = { rval: e.rc };
      else if (e instanceof RangeError) r = { rval: errno('EINVAL') };
      else throw e;
    }
    outs.push(r.out ? { rval: r.rval, outdata: r.out } : { rval: r.rval });
    if (r.rval < 0) return r.rval;
    for (const p of pending) t.ops.push(p);
    oi.exists = state.exists;
    oi.size = state.size;
    return 0;
  }

  /** PrimaryLogPG::issue_repop → ReplicatedBackend::submit_transaction → issue_op. */
  private issueRepop(
    op: TrackedOp,
    m: MOSDOp,
    from: string,
    entry: PgLogEntry,
    t: Transaction,
    outs: OpOut[],
  ): void {
    const v = entry.version;
    this.projected = v;
    const repTid = ++this.repTid;
    const repop: RepGather = {
      repTid,
      op,
      m,
      from,
      v,
      outs,
      waitingForCommit: new Set(this.acting),
      allCommitted: false,
      waitingForApplied: new Set(this.hammer ? this.acting : []),
      allApplied: !this.hammer,
      sentAck: false,
      sentDisk: false,
      dupWaiters: [],
    };
    this.repops.push(repop);
    this.trace('new_repop', { rep_tid: repTid, version: evStr(v) });
    this.trace('issue_repop', { rep_tid: repTid, version: evStr(v), acting: this.acting });
    const { replicas, waitingFor } = this.replicaSet();
    const map = this.osd.map();
    const mlcod = this.minLastCompleteOndisk();
    const trimTo = this.calcTrimTo(mlcod);
    if (replicas.length > 0) op.mark(waitingFor, this.osd.rt.sim.now);
    for (let i = 0; i < replicas.length; i++) {
      const r = replicas[i] as number;
      const rm: MOSDRepOp = {
        type: 'osd_repop',
        reqid: m.reqid,
        pgid: this.pgid,
        hobj: m.hobj,
        mapEpoch: map.epoch,
        minEpoch: this.sameIntervalSince,
        version: v,
        txn: t,
        logEntries: [entry],
        mlcod,
        pgTrimTo: trimTo,
        repTid,
        from: this.osd.id,
      };
      this.osd.sendOsd(r, rm, (i + 1) * T.repopEncodePerReplica);
    }
    this.trace('issue_op', {
      rep_tid: repTid,
      replicas,
      version: evStr(v),
      mlcod: evStr(mlcod),
      txn: txJson(t),
    });
    // log_operation / append_log: the entry and info go into the same local transaction.
    const local = this.appendLog([entry], t, trimTo);
    const gen = this.osd.gen();
    const hooks: CommitHooks = {
      mark: (e) => op.mark(e, this.osd.rt.sim.now),
      onCommit: () =>
        this.osd.queueContext(this.pgid.ps, () => {
          if (gen === this.osd.gen()) this.opCommit(repop);
        }),
    };
    if (this.hammer) {
      // C_OSD_OnOpApplied: takes the PG lock too.
      hooks.onApplied = () =>
        this.osd.queueContext(this.pgid.ps, () => {
          if (gen === this.osd.gen()) this.opApplied(repop);
        });
    }
    this.osd.store.queueTransactions(local, hooks);
  }

  private get hammer(): boolean {
    return this.osd.release === 'hammer';
  }

  /** The replicas of the current acting set and the OpTracker event naming them. */
  private replicas: { readonly acting: readonly number[]; replicas: number[]; waitingFor: string } =
    { acting: [], replicas: [], waitingFor: '' };

  /**
   * acting_recovery_backfill minus this OSD, sorted (a std::set<pg_shard_t> prints sorted),
   * computed once per acting set (the array is replaced, never mutated, on a new interval).
   */
  private replicaSet(): { replicas: number[]; waitingFor: string } {
    if (this.replicas.acting !== this.acting) {
      const replicas = this.acting.filter((o) => o !== this.osd.id).sort((a, b) => a - b);
      this.replicas = {
        acting: this.acting,
        replicas,
        waitingFor: `waiting for subops from ${replicas.join(',')}`,
      };
    }
    return this.replicas;
  }

  /** Hammer ReplicatedBackend::op_applied (C_OSD_OnOpApplied): the local apply finished. */
  private opApplied(repop: RepGather): void {
    repop.op.mark('op_applied', this.osd.rt.sim.now);
    this.trace('op_applied', { rep_tid: repop.repTid, version: evStr(repop.v) });
    this.appliedFrom(repop, this.osd.id);
  }

  /** waiting_for_applied.erase(osd); when empty C_OSD_RepopApplied → repop_all_applied. */
  private appliedFrom(repop: RepGather, osd: number): void {
    repop.waitingForApplied.delete(osd);
    if (repop.waitingForApplied.size > 0 || repop.allApplied) return;
    repop.allApplied = true;
    this.trace('repop_all_applied', { rep_tid: repop.repTid, version: evStr(repop.v) });
    this.evalRepopHammer(repop);
  }

  /**
   * Hammer ReplicatedPG::eval_repop: the commit reply once all committed; a separate ACK
   * reply once all applied, if the client asked for ACK and no reply went yet; done (and out
   * of the repop queue) once both.
   */
  private evalRepopHammer(r: RepGather): void {
    this.trace('eval_repop', {
      rep_tid: r.repTid,
      version: evStr(r.v),
      all_committed: r.allCommitted,
      all_applied: r.allApplied,
    });
    const gen = this.osd.gen();
    const rt = this.osd.rt;
    const later = (fn: () => void): void =>
      rt.sim.schedule(T.evalRepopToCommitSent, () => {
        if (gen === this.osd.gen()) this.osd.runAs(r.op, fn);
      });
    if (r.allCommitted && !r.sentDisk) {
      r.sentDisk = true;
      later(() => {
        this.sendReply(r.m, r.from, 0, r.v, r.outs);
        r.op.mark('commit_sent', rt.sim.now);
        for (const d of r.dupWaiters) {
          this.sendReply(d.m, d.from, 0, r.v, []);
          this.osd.finishOp(d.op);
        }
      });
    } else if (r.allApplied && !r.sentAck && !r.sentDisk && r.m.flags & OSD_FLAG.ACK) {
      r.sentAck = true;
      later(() => this.sendReply(r.m, r.from, 0, r.v, r.outs, OSD_FLAG.ACK));
    }
    if (r.allApplied && r.allCommitted) {
      this.repops = this.repops.filter((x) => x !== r);
      rt.sim.schedule(T.evalRepopToCommitSent + T.commitSentToDone, () => {
        if (gen === this.osd.gen()) this.osd.finishOp(r.op);
      });
    }
  }

  /**
   * calc_trim_to: keep osd_min_pg_log_entries (osd_max_pg_log_entries while degraded or
   * recovering, so a returning OSD can still recover from the log), trim in batches of at
   * least osd_pg_log_trim_min, never past min_last_complete_ondisk.
   */
  private calcTrimTo(mlcod: Eversion): Eversion {
    const target =
      this.states.has('clean') && !this.states.has('degraded')
        ? this.osd.pgLog.min
        : this.osd.pgLog.max;
    const n = this.log.entries.length;
    if (n <= target + this.osd.pgLog.trimMin) return this.log.tail;
    const cut = this.log.entries[n - target - 1] as PgLogEntry;
    return evCmp(cut.version, mlcod) <= 0 ? cut.version : mlcod;
  }

  /** append_log + _write_log_and_missing: returns `t` plus the PG meta omap updates. */
  private appendLog(
    entries: readonly PgLogEntry[],
    t: Transaction,
    trimTo?: Eversion,
  ): Transaction {
    const kv: Record<string, Uint8Array> = {};
    for (const e of entries) {
      this.log.add(e);
      this.info.lastUpdate = e.version;
      this.info.lastUserVersion = Math.max(this.info.lastUserVersion, e.userVersion);
      kv[logKey(e.version)] = encodeEntry(e);
      if (this.missing.size === 0) this.info.lastComplete = e.version;
    }
    const trimmed = trimTo ? this.log.trim(trimTo) : [];
    this.info.logTail = this.log.tail;
    kv[INFO_KEY] = encodeInfoValue(this.info);
    // The pglog view replays these: the entries as `ceph-objectstore-tool --op log` prints
    // them, and the pg_info pointers after the append.
    this.trace('append_log', {
      entries: entries.map(entryJson),
      head: evStr(this.log.head),
      tail: evStr(this.log.tail),
      trimmed: trimmed.length,
      last_update: evStr(this.info.lastUpdate),
      last_complete: evStr(this.info.lastComplete),
      lcod: evStr(this.lcod),
    });
    const meta: TxOp[] = [{ op: 'omap_setkeys', oid: PGMETA_OID, kv }];
    if (trimmed.length > 0) {
      meta.push({
        op: 'omap_rmkeys',
        oid: PGMETA_OID,
        keys: trimmed.map((e) => logKey(e.version)),
      });
    }
    return { coll: t.coll, ops: [...meta, ...t.ops] };
  }

  private minLastCompleteOndisk(): Eversion {
    let m = this.lcod;
    for (const o of this.acting) {
      if (o === this.osd.id) continue;
      const p = this.peerLcod.get(o) ?? EV_ZERO;
      if (evCmp(p, m) < 0) m = p;
    }
    return m;
  }

  /** ReplicatedBackend::op_commit (C_OSD_OnOpCommit in the shard's context queue). */
  private opCommit(repop: RepGather): void {
    repop.op.mark('op_commit', this.osd.rt.sim.now);
    this.trace('op_commit', { rep_tid: repop.repTid, version: evStr(repop.v) });
    if (evCmp(repop.v, this.lcod) > 0) this.lcod = repop.v;
    this.commitFrom(repop, this.osd.id);
  }

  /** PrimaryLogPG::do_repop_reply (the reply's own TrackedOp was marked started). */
  *doRepopReply(op: TrackedOp, m: MOSDRepOpReply): Proc<void> {
    yield sleepInstr(T.replyStarted);
    op.mark('started', this.osd.rt.sim.now);
    this.trace(this.hammer ? 'sub_op_modify_reply' : 'do_repop_reply', {
      reqid: reqidStr(m.reqid),
      from: m.from,
      ack_type: m.ackType,
      lcod: evStr(m.lastCompleteOndisk),
    });
    const repop = this.repops.find((r) => r.repTid === m.repTid);
    if (repop && this.hammer) {
      // Hammer sub_op_modify_reply: the events name the replica; either reply kind counts
      // as applied; on_applied fires before on_commit.
      const now = this.osd.rt.sim.now;
      const ondisk = (m.ackType & OSD_FLAG.ONDISK) !== 0;
      if (ondisk) repop.waitingForCommit.delete(m.from);
      repop.op.mark(`${ondisk ? 'sub_op_commit_rec' : 'sub_op_applied_rec'} from ${m.from}`, now);
      this.peerLcod.set(m.from, m.lastCompleteOndisk);
      this.appliedFrom(repop, m.from);
      if (ondisk) this.commitFrom(repop, m.from);
    } else if (repop && m.ackType & OSD_FLAG.ONDISK) {
      repop.op.mark('sub_op_commit_rec', this.osd.rt.sim.now);
      this.peerLcod.set(m.from, m.lastCompleteOndisk);
      this.commitFrom(repop, m.from);
    }
    yield sleepInstr(T.replyDone);
    this.osd.finishOp(op);
  }

  private commitFrom(repop: RepGather, osd: number): void {
    repop.waitingForCommit.delete(osd);
    if (repop.waitingForCommit.size === 0 && !repop.allCommitted) {
      repop.allCommitted = true;
      this.repopAllCommitted(repop);
    }
  }

  /** repop_all_committed → complete_write → eval_repop (replies leave in version order). */
  private repopAllCommitted(repop: RepGather): void {
    this.trace('repop_all_committed', { rep_tid: repop.repTid, version: evStr(repop.v) });
    if (evCmp(repop.v, this.info.lastComplete) > 0 && this.missing.size === 0) {
      this.info.lastComplete = repop.v;
    }
    if (this.hammer) this.evalRepopHammer(repop);
    else this.evalRepop();
  }

  private evalRepop(): void {
    while (this.repops.length > 0 && (this.repops[0] as RepGather).allCommitted) {
      const r = this.repops.shift() as RepGather;
      this.trace('eval_repop', { rep_tid: r.repTid, version: evStr(r.v), all_committed: true });
      const gen = this.osd.gen();
      const rt = this.osd.rt;
      rt.sim.schedule(T.evalRepopToCommitSent, () => {
        if (gen !== this.osd.gen()) return;
        this.osd.runAs(r.op, () => {
          this.sendReply(r.m, r.from, 0, r.v, r.outs);
          r.op.mark('commit_sent', rt.sim.now);
          for (const d of r.dupWaiters) {
            this.sendReply(d.m, d.from, 0, r.v, []);
            this.osd.finishOp(d.op);
          }
        });
        rt.sim.schedule(T.commitSentToDone, () => this.osd.finishOp(r.op));
      });
    }
  }

  private sendReply(
    m: MOSDOp,
    to: string,
    result: number,
    v: Eversion,
    outs: OpOut[],
    flags: number = OSD_FLAG.ACK | OSD_FLAG.ONDISK,
  ): void {
    const reply: MOSDOpReply = {
      type: 'osd_op_reply',
      reqid: m.reqid,
      result,
      version: v,
      flags,
      outs,
      retryAttempt: m.retryAttempt,
      epoch: this.osd.map().epoch,
    };
    this.trace('osd_op_reply', {
      reqid: reqidStr(m.reqid),
      result,
      version: evStr(v),
      flags: osdFlagString(flags),
    });
    this.osd.sendClient(to, reply);
  }

  // ---------------------------------------------------------------- replica

  /** ReplicatedBackend::do_repop. */
  *doRepop(op: TrackedOp, m: MOSDRepOp): Proc<void> {
    if (m.mapEpoch < this.sameIntervalSince) {
      this.trace('discard_repop', { reqid: reqidStr(m.reqid), epoch: m.mapEpoch });
      this.osd.finishOp(op);
      return;
    }
    yield sleepInstr(T.repopStarted);
    op.mark('started', this.osd.rt.sim.now);
    // Hammer's sub_op_modify_impl marks `started` twice.
    if (this.hammer) op.mark('started', this.osd.rt.sim.now);
    this.trace(this.hammer ? 'sub_op_modify' : 'do_repop', {
      reqid: reqidStr(m.reqid),
      version: evStr(m.version),
      mlcod: evStr(m.mlcod),
      txn: txJson(m.txn),
    });
    for (const e of m.logEntries) this.obcs.delete(e.soid.name);
    const local = this.appendLog(m.logEntries, m.txn, m.pgTrimTo);
    const gen = this.osd.gen();
    if (this.hammer) {
      this.subOpModifyQueue(op, m, local, gen);
      return;
    }
    this.osd.store.queueTransactions(local, {
      mark: (e) => op.mark(e, this.osd.rt.sim.now),
      onCommit: () =>
        // C_OSD_RepModifyCommit takes the PG lock: it runs from the PG's shard queue.
        this.osd.queueContext(
          this.pgid.ps,
          () => {
            if (gen === this.osd.gen()) this.repopCommit(op, m);
          },
          T.replicaCommitDequeue,
        ),
    });
  }

  /**
   * Hammer replica: C_OSD_RepModifyCommit → sub_op_modify_commit (ONDISK reply) and
   * C_OSD_RepModifyApply → sub_op_modify_applied (ACK reply only before the commit one);
   * the op is done once both ran.
   */
  private subOpModifyQueue(op: TrackedOp, m: MOSDRepOp, local: Transaction, gen: number): void {
    const st = { committed: false, applied: false };
    const finish = (): void => {
      if (!st.committed || !st.applied) return;
      this.osd.rt.sim.schedule(T.replicaDone, () => {
        if (gen === this.osd.gen()) this.osd.finishOp(op);
      });
    };
    const inPg = (fn: () => void) => (): void =>
      this.osd.queueContext(
        this.pgid.ps,
        () => {
          if (gen === this.osd.gen()) fn();
        },
        T.replicaCommitDequeue,
      );
    this.osd.store.queueTransactions(local, {
      mark: (e) => op.mark(e, this.osd.rt.sim.now),
      onCommit: inPg(() => {
        st.committed = true;
        if (evCmp(m.version, this.lcod) > 0) this.lcod = m.version;
        this.trace('sub_op_modify_commit', {
          reqid: reqidStr(m.reqid),
          version: evStr(m.version),
          lcod: evStr(this.lcod),
        });
        op.mark('commit_sent', this.osd.rt.sim.now);
        this.osd.sendOsd(m.from, this.repOpReply(m, OSD_FLAG.ONDISK));
        finish();
      }),
      onApplied: inPg(() => {
        st.applied = true;
        op.mark('sub_op_applied', this.osd.rt.sim.now);
        this.trace('sub_op_modify_applied', {
          reqid: reqidStr(m.reqid),
          version: evStr(m.version),
          ack_sent: !st.committed,
        });
        if (!st.committed) this.osd.sendOsd(m.from, this.repOpReply(m, OSD_FLAG.ACK));
        finish();
      }),
    });
  }

  private repOpReply(m: MOSDRepOp, ackType: number): MOSDRepOpReply {
    return {
      type: 'osd_repop_reply',
      reqid: m.reqid,
      pgid: this.pgid,
      mapEpoch: m.mapEpoch,
      minEpoch: m.minEpoch,
      ackType,
      result: 0,
      lastCompleteOndisk: this.lcod,
      repTid: m.repTid,
      from: this.osd.id,
    };
  }

  /** ReplicatedBackend::repop_commit: reply ONDISK with our last_complete_ondisk. */
  private repopCommit(op: TrackedOp, m: MOSDRepOp): void {
    if (evCmp(m.version, this.lcod) > 0) this.lcod = m.version;
    const reply: MOSDRepOpReply = {
      type: 'osd_repop_reply',
      reqid: m.reqid,
      pgid: this.pgid,
      mapEpoch: m.mapEpoch,
      minEpoch: m.minEpoch,
      ackType: OSD_FLAG.ONDISK,
      result: 0,
      lastCompleteOndisk: this.lcod,
      repTid: m.repTid,
      from: this.osd.id,
    };
    this.trace('repop_commit', {
      reqid: reqidStr(m.reqid),
      version: evStr(m.version),
      lcod: evStr(this.lcod),
    });
    op.mark('commit_sent', this.osd.rt.sim.now);
    this.osd.sendOsd(m.from, reply);
    const gen = this.osd.gen();
    this.osd.rt.sim.schedule(T.replicaDone, () => {
      if (gen === this.osd.gen()) this.osd.finishOp(op);
    });
    void describeRepOpReply;
  }

  // ---------------------------------------------------------------- peering & recovery

  /**
   * A new interval (acting set or primary changed): on_change drops in-flight repops and
   * requeues their client ops (they come back through the dup path), then peering starts.
   */
  onNewInterval(p: PgPlacement, epoch: number): void {
    this.up = [...p.up];
    this.acting = [...p.acting];
    this.primary = p.primary;
    this.sameIntervalSince = epoch;
    this.peeringGen++;
    // on_change: backoffs of the old interval are lifted (the client resends into the new one).
    this.releaseBackoffs('new interval');
    const inflight = this.repops;
    this.repops = [];
    this.states.clear();
    this.states.add('peering');
    this.peerMissing.clear();
    this.recovering.clear();
    this.round = null;
    this.projected = this.log.head;
    this.obcs.clear();
    for (const r of inflight) {
      this.waitingForPeered.push(() => this.requeue(r.op, r.m, r.from));
      for (const d of r.dupWaiters)
        this.waitingForPeered.push(() => this.requeue(d.op, d.m, d.from));
    }
    for (const [, ws] of this.waitingForObject) for (const w of ws) this.waitingForPeered.push(w);
    this.waitingForObject.clear();
    if (!this.isPrimary) {
      this.waitingForPeered = [];
    }
  }

  /** Identifies the current interval's peering (a process of an older interval must stop). */
  get peeringGeneration(): number {
    return this.peeringGen;
  }

  /** pg_info_t of this copy as the peering messages carry it. */
  private infoWire(): PgInfoWire {
    return {
      lastUpdate: this.log.head,
      lastComplete: this.info.lastComplete,
      logTail: this.log.tail,
      lastEpochStarted: this.info.lastEpochStarted,
    };
  }

  /**
   * Send one peering query per target and wait until every target answered in this interval
   * (a member that is up in the map but dead never answers: the PG stays in this state until
   * the next map starts a new interval).
   */
  private *gather<M extends PeeringReply>(
    type: M['type'],
    targets: readonly number[],
    send: (osd: number) => void,
  ): Proc<Map<number, M>> {
    const w: PeeringRound = {
      epoch: this.sameIntervalSince,
      type,
      want: new Set(targets),
      got: new Map(),
      done: new Future<void>(`${this.osd.name}.${this.name}.${type}`),
    };
    this.round = w;
    for (const o of targets) send(o);
    if (w.want.size > 0) yield* wait(w.done);
    return w.got as Map<number, M>;
  }

  /** A peer's answer (pg_notify / pg_log / pg_info) to the primary's current round. */
  handlePeeringReply(m: PeeringReply): void {
    const w = this.round;
    if (!w || w.type !== m.type || m.epoch !== w.epoch || !w.want.has(m.from)) return; // stale
    if (m.type === 'pg_notify') {
      // PeeringState::proc_replica_info
      this.trace(
        'proc_replica_info',
        {
          from: m.from,
          last_update: evStr(m.info.lastUpdate),
          last_complete: evStr(m.info.lastComplete),
          log_tail: evStr(m.info.logTail),
          last_epoch_started: m.info.lastEpochStarted,
        },
        R,
      );
    }
    w.want.delete(m.from);
    w.got.set(m.from, m);
    if (w.want.size === 0) {
      this.round = null;
      w.done.resolve();
    }
  }

  /** A peer (any state, even stray) answers the primary's query: fulfill_info / fulfill_log. */
  handleQuery(m: MOSDPGQuery): void {
    const info = this.infoWire();
    if (m.what === 'info') {
      this.trace(
        'fulfill_info',
        {
          to: m.from,
          last_update: evStr(info.lastUpdate),
          last_complete: evStr(info.lastComplete),
          log_tail: evStr(info.logTail),
        },
        R,
      );
      this.osd.sendOsd(m.from, {
        type: 'pg_notify',
        pgid: this.pgid,
        from: this.osd.id,
        epoch: m.epoch,
        info,
      });
      return;
    }
    const entries = this.log.after(m.since);
    const missing = [...this.missing].map(([o, v]) => [o, v] as const);
    this.trace(
      'fulfill_log',
      {
        to: m.from,
        since: evStr(m.since),
        entries: entries.length,
        missing: missing.map(([o]) => o),
      },
      R,
    );
    this.osd.sendOsd(m.from, {
      type: 'pg_log',
      pgid: this.pgid,
      from: this.osd.id,
      epoch: m.epoch,
      info,
      since: m.since,
      entries,
      missing,
      activate: false,
    });
  }

  private query(osd: number, what: 'info' | 'log', since: Eversion): void {
    this.osd.sendOsd(osd, {
      type: 'pg_query',
      pgid: this.pgid,
      from: this.osd.id,
      epoch: this.sameIntervalSince,
      what,
      since,
    });
  }

  /**
   * The primary's peering, every step a message exchange (spec §10.2):
   *   GetInfo    MOSDPGQuery(INFO) → each acting peer → MOSDPGNotify (pg_info_t)
   *   GetLog     the newest last_update is authoritative; if a peer holds it, MOSDPGQuery(LOG)
   *              → MOSDPGLog, proc_master_log (rewind our divergent entries, merge theirs)
   *   GetMissing peers that are behind (or still missing objects) send their log since their
   *              last_epoch_started: proc_replica_log → that peer's pg_missing_t
   *   WaitUpThru (one map epoch)
   *   Activating MOSDPGLog(activate) with the entries each replica lacks and its missing set
   *              → MOSDPGInfo acks → AllReplicasActivated → active (≥ min_size) or peered
   * `gen`, `osdGen`: taken when the process is spawned (its body starts later).
   */
  *peer(gen: number, osdGen: number): Proc<void> {
    const alive = (): boolean => gen === this.peeringGen && osdGen === this.osd.gen();
    if (!alive()) return;
    const peers = this.acting.filter((o) => o !== this.osd.id);
    this.trace(
      'GetInfo',
      { acting: this.acting, up: this.up, epoch: this.sameIntervalSince, query: peers },
      R,
    );
    const infos = yield* this.gather<MOSDPGNotify>('pg_notify', peers, (o) =>
      this.query(o, 'info', EV_ZERO),
    );
    if (!alive()) return;
    // The authoritative log: the newest last_update (ours on a tie).
    let best = this.osd.id;
    let bestHead = this.log.head;
    for (const [o, n] of infos) {
      if (evCmp(n.info.lastUpdate, bestHead) > 0) {
        best = o;
        bestHead = n.info.lastUpdate;
      }
    }
    this.trace(
      'GetLog',
      { auth_log_osd: best, auth_head: evStr(bestHead), own_head: evStr(this.log.head) },
      R,
    );
    if (best !== this.osd.id) {
      const since = this.divergenceFloor(this.infoWire());
      const got = yield* this.gather<MOSDPGLog>('pg_log', [best], (o) =>
        this.query(o, 'log', since),
      );
      if (!alive()) return;
      const auth = got.get(best) as MOSDPGLog;
      if (evCmp(this.log.head, auth.info.logTail) < 0) {
        // Our log ends before theirs begins: no log can bring us up to date.
        yield* this.backfillSelf(auth, alive);
        if (!alive()) return;
      } else this.procMasterLog(auth);
    }
    // GetMissing: ask the log of every peer that may lack something.
    const head = this.log.head;
    // A peer whose last_update is older than our log tail cannot be brought up to date from
    // the log: it becomes a backfill target (spec §10.4).
    const backfill = peers.filter((o) => {
      const i = (infos.get(o) as MOSDPGNotify).info;
      return evCmp(i.lastUpdate, this.log.tail) < 0;
    });
    const need = peers.filter((o) => {
      const i = (infos.get(o) as MOSDPGNotify).info;
      if (backfill.includes(o)) return false;
      return evCmp(i.lastUpdate, head) !== 0 || evCmp(i.lastComplete, i.lastUpdate) !== 0;
    });
    this.trace(
      'GetMissing',
      {
        query: need,
        backfill,
        log_tail: evStr(this.log.tail),
        own_missing: [...this.missing.keys()],
      },
      R,
    );
    const logs = yield* this.gather<MOSDPGLog>('pg_log', need, (o) =>
      this.query(o, 'log', this.divergenceFloor((infos.get(o) as MOSDPGNotify).info)),
    );
    if (!alive()) return;
    const common = new Map<number, Eversion>();
    for (const o of peers) {
      const m = logs.get(o);
      if (m) common.set(o, this.procReplicaLog(m));
      else if (backfill.includes(o)) common.set(o, this.log.tail);
      else {
        common.set(o, head);
        this.peerMissing.set(o, new Map());
      }
    }
    this.trace(
      'WaitUpThru',
      {
        epoch: this.sameIntervalSince,
        peer_missing: [...this.peerMissing].map(([o, mm]): Json => ({
          osd: o,
          missing: [...mm.keys()],
        })),
      },
      R,
    );
    yield* sleep(T.waitUpThru);
    if (!alive()) return;
    // Activate: every replica gets the entries after its common point and its missing set.
    const sends = peers.map((o): Json => {
      const since = common.get(o) ?? head;
      return { osd: o, since: evStr(since), entries: this.log.after(since).length };
    });
    this.trace('Activating', { acting: this.acting, activate: sends }, R);
    yield* this.gather<MOSDPGInfo>('pg_info', peers, (o) => {
      const since = common.get(o) ?? head;
      const missing = [...(this.peerMissing.get(o) ?? new Map<string, Eversion>())];
      this.osd.sendOsd(o, {
        type: 'pg_log',
        pgid: this.pgid,
        from: this.osd.id,
        epoch: this.sameIntervalSince,
        info: this.infoWire(),
        since,
        entries: this.log.after(since),
        missing: missing.map(([oid, v]) => [oid, v] as const),
        activate: true,
        backfill: backfill.includes(o),
      });
    });
    if (!alive()) return;
    this.states.delete('peering');
    const undersized = this.acting.length < this.pool.size;
    if (this.acting.length < this.pool.minSize) {
      this.states.add('peered');
      if (undersized) this.states.add('undersized');
      this.states.add('degraded');
      this.trace(
        'Peered',
        { acting: this.acting, min_size: this.pool.minSize, state: this.stateString },
        R,
      );
      // The parked ops run do_request again: now they get a backoff (Hammer: park again).
      const parked = this.waitingForPeered;
      this.waitingForPeered = [];
      for (const w of parked) w();
      return;
    }
    this.states.add('active');
    this.info.lastEpochStarted = this.sameIntervalSince;
    const anyMissing =
      this.missing.size > 0 || [...this.peerMissing.values()].some((m) => m.size > 0);
    if (undersized) this.states.add('undersized');
    if (undersized || anyMissing) this.states.add('degraded');
    if (anyMissing) this.states.add('recovery_wait');
    if (backfill.length > 0) this.states.add('backfill_wait').add('degraded');
    else if (!anyMissing && !undersized) this.states.add('clean');
    this.trace(
      'AllReplicasActivated',
      { acting: this.acting, state: this.stateString, last_update: evStr(this.log.head) },
      R,
    );
    this.releaseBackoffs('active');
    const waiting = this.waitingForPeered;
    this.waitingForPeered = [];
    for (const w of waiting) w();
    if (backfill.length > 0) yield* this.backfill(alive, backfill);
    else if (anyMissing) yield* this.recover(alive);
  }

  /**
   * Backfill (spec §10.4): reservations, then recover_backfill — a scan of each target's
   * objects (MOSDPGScan GET_DIGEST → DIGEST) against ours: what it lacks or holds at another
   * version is pushed, what we do not have is removed (MOSDPGBackfillRemove). Objects written
   * meanwhile reach the target by the normal repops; a write to one not pushed yet waits for it.
   */
  private *backfill(alive: () => boolean, targets: readonly number[]): Proc<void> {
    this.trace('WaitLocalBackfillReserved', { targets: [...targets] }, R);
    yield* sleep(T.recoveryReserve);
    if (!alive()) return;
    this.trace('WaitRemoteBackfillReserved', { targets: [...targets] }, R);
    yield* sleep(T.recoveryReserve);
    if (!alive()) return;
    this.states.delete('backfill_wait');
    this.states.delete('recovery_wait');
    this.states.add('backfilling');
    this.trace('Backfilling', { targets: [...targets], state: this.stateString }, R);
    const digests = yield* this.scan(targets);
    if (!alive()) return;
    const ours = new Map(this.objectDigest());
    for (const o of targets) {
      const theirs = new Map((digests.get(o) as MOSDPGScan).objects);
      const lacks = this.peerMissing.get(o) ?? new Map<string, Eversion>();
      for (const [oid, v] of ours) {
        const tv = theirs.get(oid);
        if (tv === undefined || evCmp(tv, v) !== 0) lacks.set(oid, v);
      }
      const remove = [...theirs.keys()].filter((oid) => !ours.has(oid));
      this.peerMissing.set(o, lacks);
      this.trace(
        'recover_backfill',
        { target: o, push: [...lacks.keys()], remove, scanned: theirs.size },
        R,
      );
      if (remove.length > 0) {
        this.osd.sendOsd(o, {
          type: 'pg_backfill_remove',
          pgid: this.pgid,
          from: this.osd.id,
          epoch: this.sameIntervalSince,
          oids: remove,
        });
      }
    }
    for (const oid of [...this.missing.keys()]) this.startRecoveryOf(oid);
    for (const [, mm] of this.peerMissing)
      for (const oid of [...mm.keys()]) this.startRecoveryOf(oid);
    this.maybeRecovered();
  }

  /** MOSDPGScan GET_DIGEST to each target; their object digests. */
  private *scan(targets: readonly number[]): Proc<Map<number, MOSDPGScan>> {
    return yield* this.gather<MOSDPGScan>('pg_scan', targets, (o) =>
      this.osd.sendOsd(o, {
        type: 'pg_scan',
        pgid: this.pgid,
        from: this.osd.id,
        epoch: this.sameIntervalSince,
        op: 'get_digest',
        objects: [],
      }),
    );
  }

  /** Every object of this PG with its version (object_info_t), in name order. */
  private objectDigest(): Array<readonly [string, Eversion]> {
    const out: Array<readonly [string, Eversion]> = [];
    for (const oid of this.osd.store.list(this.coll)) {
      if (oid === PGMETA_OID) continue;
      const st = this.osd.store.stat(this.coll, oid);
      const attr = this.osd.store.getattr(this.coll, oid, OI_ATTR);
      out.push([oid, st && attr ? decodeObjectInfo(attr, st.size).version : EV_ZERO]);
    }
    return out;
  }

  /** A backfill target lists its objects for the primary (MOSDPGScan DIGEST). */
  handleScan(m: MOSDPGScan): void {
    const objects = this.objectDigest();
    this.trace('do_scan', { to: m.from, objects: objects.length }, R);
    this.osd.sendOsd(m.from, {
      type: 'pg_scan',
      pgid: this.pgid,
      from: this.osd.id,
      epoch: m.epoch,
      op: 'digest',
      objects,
    });
  }

  /** A backfill target removes objects the primary does not have. */
  handleBackfillRemove(m: MOSDPGBackfillRemove): void {
    const t = newTransaction(this.coll);
    for (const oid of m.oids) {
      t.ops.push({ op: 'remove', oid });
      this.obcs.delete(oid);
    }
    this.trace('handle_backfill_remove', { from: m.from, oids: [...m.oids], txn: txJson(t) }, R);
    this.osd.store.queueTransactions(t, { onCommit: () => undefined });
  }

  /**
   * Where a copy's log may start to diverge: (last_epoch_started, 0) — Ceph pulls the log
   * from there "to ensure we get enough log to detect divergent updates" — but not below
   * its log tail.
   */
  private divergenceFloor(i: PgInfoWire): Eversion {
    const les: Eversion = { epoch: i.lastEpochStarted, version: 0 };
    return evCmp(les, i.logTail) < 0 ? i.logTail : les;
  }

  /**
   * The newest entry of `theirs` (entries after `since`) that is also in our log, and the
   * entries after it (divergent: written in an interval whose writes did not survive).
   */
  private splitDivergent(
    theirs: readonly PgLogEntry[],
    since: Eversion,
    ours: readonly PgLogEntry[],
  ): { common: Eversion; divergent: PgLogEntry[] } {
    const known = new Set(ours.map((e) => `${evStr(e.version)} ${reqidStr(e.reqid)}`));
    let common = since;
    let i = 0;
    for (; i < theirs.length; i++) {
      const e = theirs[i] as PgLogEntry;
      if (!known.has(`${evStr(e.version)} ${reqidStr(e.reqid)}`)) break;
      common = e.version;
    }
    return { common, divergent: theirs.slice(i) };
  }

  /**
   * The primary itself is behind the authoritative log's tail. Ceph would pick another
   * primary for the interval (pg_temp); here the primary adopts the authoritative log and
   * scans the authoritative peer's objects (MOSDPGScan): what it lacks or holds at another
   * version becomes missing (pulled in recovery), what the peer does not have is removed.
   */
  private *backfillSelf(auth: MOSDPGLog, alive: () => boolean): Proc<void> {
    const old = this.log.rewindTo(EV_ZERO);
    this.log.tail = auth.info.logTail;
    const got = yield* this.scan([auth.from]);
    if (!alive()) return;
    const theirs = new Map((got.get(auth.from) as MOSDPGScan).objects);
    const ours = new Map(this.objectDigest());
    for (const [oid, v] of theirs) {
      const mv = ours.get(oid);
      if (mv === undefined || evCmp(mv, v) !== 0) this.missing.set(oid, v);
    }
    const remove = [...ours.keys()].filter((oid) => !theirs.has(oid));
    const t = newTransaction(this.coll);
    for (const oid of remove) {
      t.ops.push({ op: 'remove', oid });
      this.obcs.delete(oid);
    }
    const entries = auth.entries.filter((e) => evCmp(e.version, this.log.tail) > 0);
    const local = this.appendLog(entries, t);
    if (old.length > 0)
      local.ops.push({
        op: 'omap_rmkeys',
        oid: PGMETA_OID,
        keys: old.map((e) => logKey(e.version)),
      });
    this.trace(
      'proc_master_log',
      {
        from: auth.from,
        backfill: true,
        log_tail: evStr(auth.info.logTail),
        merged: entries.length,
        missing: [...this.missing.keys()],
        remove,
      },
      R,
    );
    this.osd.store.queueTransactions(local, { onCommit: () => undefined });
  }

  /** proc_master_log: adopt the authoritative log (our divergent entries are rewound). */
  private procMasterLog(m: MOSDPGLog): void {
    const mine = this.log.after(m.since);
    const { common, divergent } = this.splitDivergent(mine, m.since, m.entries);
    const rewound = this.log.rewindTo(common);
    const newer = m.entries.filter((e) => evCmp(e.version, common) > 0);
    this.trace(
      'proc_master_log',
      {
        from: m.from,
        common: evStr(common),
        divergent: divergent.map((e) => evStr(e.version)),
        merged: newer.length,
        auth_missing: m.missing.map(([o]) => o),
      },
      R,
    );
    // Missing first: appending must not move last_complete past what we hold.
    for (const e of newer) this.missing.set(e.soid.name, e.version);
    for (const e of rewound) this.missing.set(e.soid.name, EV_ZERO);
    if (newer.length > 0) {
      const local = this.appendLog(newer, newTransaction(this.coll));
      this.osd.store.queueTransactions(local, { onCommit: () => undefined });
    }
    for (const e of rewound) this.missing.set(e.soid.name, this.latestVersionOf(e.soid.name));
  }

  /** proc_replica_log: a peer's pg_missing_t from its log and ours. Returns the common point. */
  private procReplicaLog(m: MOSDPGLog): Eversion {
    const { common, divergent } = this.splitDivergent(m.entries, m.since, this.log.after(m.since));
    const lacks = new Map<string, Eversion>(m.missing.map(([o, v]) => [o, v]));
    for (const e of this.log.after(common)) lacks.set(e.soid.name, e.version);
    for (const e of divergent) lacks.set(e.soid.name, this.latestVersionOf(e.soid.name));
    this.peerMissing.set(m.from, lacks);
    this.trace(
      'proc_replica_log',
      {
        from: m.from,
        last_update: evStr(m.info.lastUpdate),
        common: evStr(common),
        divergent: divergent.map((e) => evStr(e.version)),
        missing: [...lacks.keys()],
      },
      R,
    );
    return common;
  }

  /** A replica activated by the primary: rewind divergent entries, append, record missing. */
  handleActivate(m: MOSDPGLog): void {
    if (m.epoch < this.sameIntervalSince) return; // from an older interval
    // Backfill: our log is too old to be merged; the authoritative one replaces it.
    const divergent = this.log.rewindTo(m.backfill ? EV_ZERO : m.since);
    if (m.backfill) this.log.tail = m.since;
    for (const [oid, v] of m.missing) this.missing.set(oid, v);
    if (m.entries.length > 0 || divergent.length > 0) {
      const t = newTransaction(this.coll);
      const local = this.appendLog(
        m.entries.filter((e) => evCmp(e.version, this.log.head) > 0),
        t,
      );
      if (divergent.length > 0) {
        local.ops.push({
          op: 'omap_rmkeys',
          oid: PGMETA_OID,
          keys: divergent.map((e) => logKey(e.version)),
        });
      }
      this.osd.store.queueTransactions(local, { onCommit: () => undefined });
    }
    if (this.missing.size > 0 && evCmp(this.info.lastComplete, m.since) > 0)
      this.info.lastComplete = m.since;
    this.states.clear();
    this.states.add('active');
    this.info.lastEpochStarted = m.epoch;
    this.trace(
      'ReplicaActive',
      {
        from: m.from,
        last_update: evStr(this.log.head),
        divergent: divergent.map((e) => evStr(e.version)),
        missing: m.missing.map(([o]) => o),
      },
      R,
    );
    this.osd.sendOsd(m.from, {
      type: 'pg_info',
      pgid: this.pgid,
      from: this.osd.id,
      epoch: m.epoch,
      info: this.infoWire(),
    });
  }

  private latestVersionOf(oid: string): Eversion {
    for (let i = this.log.entries.length - 1; i >= 0; i--) {
      const e = this.log.entries[i] as PgLogEntry;
      if (e.soid.name === oid) return e.version;
    }
    return EV_ZERO;
  }

  private latestEntryOf(oid: string): PgLogEntry | undefined {
    for (let i = this.log.entries.length - 1; i >= 0; i--) {
      const e = this.log.entries[i] as PgLogEntry;
      if (e.soid.name === oid) return e;
    }
    return undefined;
  }

  /** Recovery: WaitLocal/RemoteRecoveryReserved → Recovering (pull own, push peers) → Clean. */
  private *recover(alive: () => boolean): Proc<void> {
    const R = 'ceph.recovery';
    this.trace('WaitLocalRecoveryReserved', {}, R);
    yield sleepInstr(T.recoveryReserve);
    if (!alive()) return;
    this.trace('WaitRemoteRecoveryReserved', {}, R);
    yield sleepInstr(T.recoveryReserve);
    if (!alive()) return;
    this.states.delete('recovery_wait');
    this.states.add('recovering');
    this.trace('Recovering', { state: this.stateString }, R);
    for (const oid of [...this.missing.keys()]) this.startRecoveryOf(oid);
    for (const [, mm] of this.peerMissing)
      for (const oid of [...mm.keys()]) this.startRecoveryOf(oid);
    this.maybeRecovered();
  }

  /** recover_object: pull it to the primary if we lack it, else push it to every peer lacking it. */
  startRecoveryOf(oid: string): void {
    if (!this.isPrimary || !this.active || this.recovering.has(oid)) return;
    if (this.missing.has(oid)) {
      const src = this.acting.find((o) => o !== this.osd.id && !this.peerMissing.get(o)?.has(oid));
      if (src === undefined) return;
      this.recovering.add(oid);
      this.trace('recover_object', { oid, pull_from: src }, 'ceph.recovery');
      this.osd.sendPull(src, this.pgid, oid);
      return;
    }
    const targets = [...this.peerMissing].filter(([, mm]) => mm.has(oid)).map(([o]) => o);
    if (targets.length === 0) return;
    this.recovering.add(oid);
    this.trace('recover_object', { oid, push_to: targets }, 'ceph.recovery');
    for (const tgt of targets) this.osd.sendPush(tgt, this.buildPush(oid));
  }

  /** prep_push: the whole object (data, xattrs, omap) at its newest version. */
  buildPush(oid: string): MOSDPGPush {
    const st = this.osd.store.stat(this.coll, oid);
    const entry = this.latestEntryOf(oid);
    const attrs: Record<string, Uint8Array> = {};
    const omap: Record<string, Uint8Array> = {};
    let data: Uint8Array | null = null;
    if (st) {
      data = this.osd.store.readSync(this.coll, oid, 0, st.size);
      const a = this.osd.store.getattr(this.coll, oid, OI_ATTR);
      if (a) attrs[OI_ATTR] = a;
      for (const [k, v] of this.osd.store.omapGet(this.coll, oid) ?? []) omap[k] = v;
    }
    return {
      type: 'pg_push',
      pgid: this.pgid,
      from: this.osd.id,
      oid,
      version: entry?.version ?? EV_ZERO,
      data,
      attrs,
      omap,
      mapEpoch: this.osd.map().epoch,
    };
  }

  /** handle_push (replica, or the primary receiving a pulled object). */
  *handlePush(op: TrackedOp, m: MOSDPGPush): Proc<void> {
    op.mark('started', this.osd.rt.sim.now);
    const t = newTransaction(this.coll);
    t.ops.push({ op: 'remove', oid: m.oid });
    if (m.data) {
      t.ops.push({ op: 'touch', oid: m.oid });
      t.ops.push({ op: 'write', oid: m.oid, off: 0, data: m.data });
      t.ops.push({ op: 'setattrs', oid: m.oid, attrs: m.attrs });
      if (Object.keys(m.omap).length) t.ops.push({ op: 'omap_setkeys', oid: m.oid, kv: m.omap });
    }
    this.trace(
      'handle_push',
      { oid: m.oid, version: evStr(m.version), bytes: m.data?.length ?? 0, txn: txJson(t) },
      'ceph.recovery',
    );
    this.obcs.delete(m.oid);
    const gen = this.osd.gen();
    this.osd.store.queueTransactions(t, {
      onCommit: () =>
        this.osd.queueContext(this.pgid.ps, () => {
          if (gen !== this.osd.gen()) return;
          this.missing.delete(m.oid);
          if (this.missing.size === 0) this.info.lastComplete = this.info.lastUpdate;
          this.trace(
            'on_local_recover',
            { oid: m.oid, missing_left: this.missing.size },
            'ceph.recovery',
          );
          if (this.isPrimary) {
            this.recovering.delete(m.oid);
            this.objectRecovered(m.oid);
          } else {
            this.osd.sendPushReply(m.from, this.pgid, m.oid);
          }
          this.osd.finishOp(op);
        }),
    });
    yield sleepInstr(T.replyStarted);
  }

  /** handle_push_reply on the primary. */
  *handlePushReply(op: TrackedOp, from: number, oid: string): Proc<void> {
    op.mark('started', this.osd.rt.sim.now);
    this.peerMissing.get(from)?.delete(oid);
    this.trace('handle_push_reply', { oid, from }, 'ceph.recovery');
    if (!this.isDegraded(oid)) {
      this.recovering.delete(oid);
      this.objectRecovered(oid);
    }
    yield sleepInstr(T.replyDone);
    this.osd.finishOp(op);
  }

  private objectRecovered(oid: string): void {
    const ws = this.waitingForObject.get(oid);
    this.waitingForObject.delete(oid);
    if (ws) for (const w of ws) w();
    this.maybeRecovered();
  }

  private maybeRecovered(): void {
    if (!this.states.has('recovering') && !this.states.has('backfilling')) return;
    const left = this.missing.size + [...this.peerMissing.values()].reduce((n, m) => n + m.size, 0);
    if (left > 0) return;
    this.states.delete('recovering');
    this.states.delete('backfilling');
    this.states.delete('degraded');
    if (this.acting.length >= this.pool.size) {
      this.states.delete('undersized');
      this.states.add('clean');
    }
    this.trace('Recovered', { state: this.stateString }, 'ceph.recovery');
    if (this.states.has('clean')) this.trace('Clean', { state: this.stateString }, 'ceph.recovery');
  }

  private waitForObject(oid: string, w: Requeue): void {
    const l = this.waitingForObject.get(oid);
    if (l) l.push(w);
    else this.waitingForObject.set(oid, [w]);
  }

  /** For inspectors/tests: a summary like `pg[2.b( v 60'8 … lcod 60'7 mlcod 60'7 active+clean]`. */
  summary(): string {
    return (
      `pg[${this.name}( v ${evStr(this.log.head)} (${evStr(this.log.tail)},${evStr(this.log.head)}] ` +
      `lc ${evStr(this.info.lastComplete)} lcod ${evStr(this.lcod)} ` +
      `mlcod ${evStr(this.minLastCompleteOndisk())} ${this.stateString}]`
    );
  }
}

/** A write to an absent object creates it first (`touch`). */
function touchObject(oi: ObjectInfo, t: Transaction, oid: string): void {
  if (!oi.exists) {
    t.ops.push({ op: 'touch', oid });
    oi.exists = true;
  }
}

function pushOut(outs: OpOut[], rval: number): number {
  outs.push({ rval });
  return rval;
}

export type { HObject };
