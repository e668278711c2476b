/**
 * DTX — the distributed transaction of a replicated update (spec §6, `src/dtx/*.c`,
 * `src/vos/vos_dtx.c`): ids, the per-target DTX table with entry states, the leader's CoS
 * ("commit on share") cache and the commit / abort / refresh processes.
 *
 * Where the table lives: each target keeps its own `DtxTable` (what `vos_dtx_*` keeps in the
 * container's active/committed blobs). The VOS store behind `TargetStore` has no DTX table yet
 * (records are published committed, `DTX_LID_COMMITTED`), so the table is kept here, per target,
 * and the state machine is exact; what it cannot do is hide a PREPARED record from a VOS
 * fetch — the server does that check itself (`vos_dtx_check_availability`, spec §5.4) before
 * it reads, and an aborted DTX's bytes stay in VOS until overwritten (see README).
 */
import { u64Hex } from '../core/bytes.ts';
import { sleep, waitAll, type Proc } from '../core/sim.ts';
import type { DaosCluster, DaosTarget } from './cluster.ts';
import { COST, wireNs } from './costs.ts';
import { oidText, type ObjId } from './oid.ts';
import { crtReqSend, crtReplySend } from './rpc.ts';
import { traced } from './traced.ts';

/** `enum dtx_status` (the values DAOS uses). */
export const DTX_ST = {
  DTX_ST_INITED: 0,
  DTX_ST_PREPARED: 1,
  DTX_ST_COMMITTED: 2,
  DTX_ST_COMMITTABLE: 4,
  DTX_ST_ABORTED: 5,
} as const;
export type DtxState = (typeof DTX_ST)[keyof typeof DTX_ST];

export const DTX_ST_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(DTX_ST).map(([k, v]) => [v, k]),
);

/** `dtx_flags` bits used here. */
export const DTX_FLAGS = {
  DTX_SOLO: 0x1,
  DTX_SYNC: 0x2,
  DTX_PREPARED: 0x80,
  DTX_DROP_CMT: 0x100,
  DTX_EPOCH_OWNER: 0x1000,
} as const;

/** `DTX_THRESHOLD_COUNT`: committable DTXs per container that wake the batched commit. */
export const DTX_THRESHOLD_COUNT = 512;
/** `DTX_COMMIT_THRESHOLD_AGE`: 10 s; an older committable DTX is committed by the batch ULT. */
export const DTX_COMMIT_THRESHOLD_AGE_NS = 10_000_000_000;
/** At most this many committable ids ride on one forwarded update (`orw_dti_cos`). */
export const DTX_COS_PIGGYBACK_MAX = 64;

/** `struct dtx_id`. */
export interface DtxId {
  uuid: string;
  hlc: bigint;
}

export function dtiKey(d: DtxId): string {
  return `${d.uuid}.${d.hlc.toString(16)}`;
}

export function dtiDump(d: DtxId): { dti_uuid: string; dti_hlc: string } {
  return { dti_uuid: d.uuid, dti_hlc: u64Hex(d.hlc) };
}

/** One entry of a target's DTX table (`vos_dtx_act_ent_df` / `vos_dtx_cmt_ent_df`). */
export interface DtxEntry {
  xid: DtxId;
  epoch: bigint;
  oid: ObjId;
  dkeyHash: bigint;
  state: DtxState;
  /** `DTE_LEADER`: this target is the leader of the DTX. */
  leader: boolean;
  /** Membership (`dth_mbs`): the target ids of every participant, leader first. */
  mbs: number[];
  /** Virtual time the entry reached its current state. */
  since: number;
}

/** The DTX table of one target (DRAM; its persistent part lives in the target's VOS). */
export class DtxTable {
  private readonly entries = new Map<string, DtxEntry>();
  /**
   * Called when an entry becomes COMMITTED or ABORTED: the target persists it in its VOS DTX
   * tables (`vos_dtx_commit` / `vos_dtx_abort` of vos/dtx-table.ts) — whichever path decided
   * (commit RPC, piggyback, refresh, resync, reintegration).
   */
  persist: ((xid: DtxId, state: DtxState) => void) | null = null;

  /** A restarted engine: DRAM is gone, the table is what the media kept. */
  replaceAll(entries: readonly DtxEntry[]): void {
    this.entries.clear();
    for (const e of entries) this.entries.set(dtiKey(e.xid), e);
  }

  get(xid: DtxId): DtxEntry | undefined {
    return this.entries.get(dtiKey(xid));
  }

  put(e: DtxEntry): void {
    this.entries.set(dtiKey(e.xid), e);
  }

  all(): DtxEntry[] {
    return [...this.entries.values()];
  }

  setState(xid: DtxId, state: DtxState, now: number): boolean {
    const e = this.get(xid);
    if (!e) return false;
    const was = e.state;
    e.state = state;
    e.since = now;
    if (was !== state && (state === DTX_ST.DTX_ST_COMMITTED || state === DTX_ST.DTX_ST_ABORTED))
      this.persist?.(xid, state);
    return true;
  }

  /** Committable entries this target leads, oldest first. */
  committable(): DtxEntry[] {
    return this.all()
      .filter((e) => e.leader && e.state === DTX_ST.DTX_ST_COMMITTABLE)
      .sort((a, b) => a.since - b.since);
  }

  /** A prepared DTX led by another target on (oid, dkey): a reader must refresh it (§5.4). */
  preparedOn(oid: ObjId, dkeyHash: bigint): DtxEntry | undefined {
    const o = oidText(oid);
    for (const e of this.entries.values()) {
      if (
        !e.leader &&
        e.state === DTX_ST.DTX_ST_PREPARED &&
        e.dkeyHash === dkeyHash &&
        oidText(e.oid) === o
      )
        return e;
    }
    return undefined;
  }

  /** Leader's CoS cache (`dtx_cos_get_piggyback`): committable ids of the same (oid, dkey). */
  cosFor(oid: ObjId, dkeyHash: bigint): DtxEntry[] {
    const o = oidText(oid);
    return this.committable()
      .filter((e) => e.dkeyHash === dkeyHash && oidText(e.oid) === o)
      .slice(0, DTX_COS_PIGGYBACK_MAX);
  }
}

function entryDump(e: DtxEntry) {
  return {
    dae_xid: dtiDump(e.xid),
    dae_epoch: u64Hex(e.epoch),
    dae_dkey_hash: u64Hex(e.dkeyHash),
    state: DTX_ST_NAMES[e.state] ?? e.state,
  };
}

/**
 * `vos_dtx_commit` on one target: every listed DTX becomes COMMITTED (records' local ids set to
 * DTX_LID_COMMITTED; the entry moves to the committed table).
 */
export function* vosDtxCommit(cl: DaosCluster, target: DaosTarget, xids: DtxId[]): Proc<number> {
  const rt = cl.rt;
  return yield* traced(
    rt,
    'vos_dtx_commit',
    target.actor,
    { count: xids.length, dti: xids.slice(0, 8).map(dtiDump) },
    function* () {
      yield* sleep(COST.vosStep / 2);
      let n = 0;
      for (const x of xids) {
        const e = target.dtx.get(x);
        if (e && e.state !== DTX_ST.DTX_ST_ABORTED && e.state !== DTX_ST.DTX_ST_COMMITTED) {
          target.dtx.setState(x, DTX_ST.DTX_ST_COMMITTED, rt.sim.now);
          n++;
        }
      }
      return n;
    },
    (n) => ({ committed: n }),
  );
}

/** `vos_dtx_abort`: the entry becomes ABORTED (its records invisible once VOS tracks lids). */
export function* vosDtxAbort(cl: DaosCluster, target: DaosTarget, xid: DtxId): Proc<void> {
  yield* traced(cl.rt, 'vos_dtx_abort', target.actor, { dti: dtiDump(xid) }, function* () {
    yield* sleep(COST.vosStep / 2);
    target.dtx.setState(xid, DTX_ST.DTX_ST_ABORTED, cl.rt.sim.now);
  });
}

/**
 * `dtx_commit` on the leader: one `DTX_COMMIT` RPC per other participant carrying its ids
 * (`di_dtx_array`), the remote `dtx_handler` → `vos_dtx_commit`, then the local commit.
 * Unreachable participants are tolerated (they catch up on reintegration).
 */
export function* dtxCommit(cl: DaosCluster, leader: DaosTarget, ents: DtxEntry[]): Proc<void> {
  const rt = cl.rt;
  if (ents.length === 0) return;
  yield* traced(
    rt,
    'dtx_commit',
    leader.actor,
    { count: ents.length, dti: ents.slice(0, 8).map((e) => dtiDump(e.xid)) },
    function* () {
      const byTgt = new Map<number, DtxId[]>();
      for (const e of ents)
        for (const t of e.mbs.slice(1)) {
          const l = byTgt.get(t) ?? [];
          l.push(e.xid);
          byTgt.set(t, l);
        }
      const futs = [];
      for (const [tid, xids] of [...byTgt.entries()].sort((a, b) => a[0] - b[0])) {
        const tgt = cl.target(tid);
        if (!tgt.alive) continue;
        futs.push(
          yield* crtReqSend(
            rt,
            leader.actor,
            tgt.actor,
            'DTX_COMMIT',
            64 + 24 * xids.length,
            { di_dtx_nr: xids.length },
            () => dtxHandler(cl, tgt, leader, xids),
          ),
        );
      }
      yield* waitAll(futs);
      yield* vosDtxCommit(
        cl,
        leader,
        ents.map((e) => e.xid),
      );
    },
  );
}

/** The participant's `dtx_handler` for DTX_COMMIT. */
function* dtxHandler(
  cl: DaosCluster,
  target: DaosTarget,
  leader: DaosTarget,
  xids: DtxId[],
): Proc<void> {
  const rt = cl.rt;
  yield* traced(rt, 'dtx_handler', target.actor, { opc: 'DTX_COMMIT', count: xids.length }, () =>
    vosDtxCommit(cl, target, xids),
  );
  yield* crtReplySend(rt, target.actor, leader.actor, 'DTX_COMMIT', 64);
  yield* sleep(wireNs(64));
}

/**
 * `dtx_batched_commit` → `dtx_batched_commit_one` on a leader target: commit its committable
 * DTXs when there are more than the threshold or the oldest is older than 10 s. Returns the
 * number committed. Runs in whatever process calls it (the caller sets the pipeline).
 */
export function* dtxBatchedCommit(
  cl: DaosCluster,
  leader: DaosTarget,
  force = false,
): Proc<number> {
  const rt = cl.rt;
  const all = leader.dtx.committable();
  const oldest = all[0];
  const due =
    all.length > 0 &&
    (force ||
      all.length >= cl.config.dtxThresholdCount ||
      (oldest !== undefined && rt.sim.now - oldest.since >= DTX_COMMIT_THRESHOLD_AGE_NS));
  if (!due || !leader.alive) return 0;
  return yield* traced(
    rt,
    'dtx_batched_commit',
    leader.actor,
    {
      committable: all.length,
      threshold: cl.config.dtxThresholdCount,
      oldest_age_ns: oldest ? rt.sim.now - oldest.since : 0,
    },
    function* () {
      // dtx_fetch_committable(…, DTX_THRESHOLD_COUNT, …) then dtx_commit, until drained.
      let done = 0;
      for (let i = 0; i < all.length; i += DTX_THRESHOLD_COUNT) {
        const batch = all.slice(i, i + DTX_THRESHOLD_COUNT);
        yield* traced(
          rt,
          'dtx_fetch_committable',
          leader.actor,
          { max: DTX_THRESHOLD_COUNT, entries: batch.slice(0, 4).map(entryDump) },
          function* () {
            yield* sleep(COST.serverStep / 2);
          },
          () => ({ count: batch.length }),
        );
        yield* dtxCommit(cl, leader, batch);
        done += batch.length;
      }
      return done;
    },
    (n) => ({ committed: n }),
  );
}

/** Run the batched commit on every live target that is due, as pipeline `dtx.commit`. */
export function* dtxBatchedCommitAll(cl: DaosCluster, force = false): Proc<number> {
  const cur = cl.rt.sim.current;
  const saved = cur?.ctx.pipeline;
  if (cur) cur.ctx.pipeline = 'dtx.commit';
  let n = 0;
  try {
    for (const t of cl.targets) n += yield* dtxBatchedCommit(cl, t, force);
  } finally {
    if (cur && saved !== undefined) cur.ctx.pipeline = saved;
  }
  return n;
}

/**
 * `dtx_refresh` on a replica that met a PREPARED DTX of another leader (spec §6.5): ask the
 * leader (DTX_REFRESH) and apply its answer locally. Returns true when the DTX is resolved
 * (committed or aborted here), false when it is still undecided or the leader is unreachable.
 */
export function* dtxRefresh(cl: DaosCluster, target: DaosTarget, ent: DtxEntry): Proc<boolean> {
  const rt = cl.rt;
  const leader = cl.target(ent.mbs[0] as number);
  return yield* traced(
    rt,
    'dtx_refresh',
    target.actor,
    { dti: dtiDump(ent.xid), leader: leader.actor },
    function* () {
      if (!leader.alive) {
        yield* sleep(COST.serverStep);
        return false;
      }
      const fut = yield* crtReqSend(
        rt,
        target.actor,
        leader.actor,
        'DTX_REFRESH',
        88,
        {},
        function* () {
          yield* sleep(COST.serverStep / 2);
          const st = leader.dtx.get(ent.xid)?.state;
          yield* crtReplySend(rt, leader.actor, target.actor, 'DTX_REFRESH', 64);
          yield* sleep(wireNs(64));
          return st;
        },
      );
      const [st] = yield* waitAll([fut]);
      if (st === DTX_ST.DTX_ST_COMMITTABLE || st === DTX_ST.DTX_ST_COMMITTED) {
        yield* vosDtxCommit(cl, target, [ent.xid]);
        return true;
      }
      if (st === DTX_ST.DTX_ST_ABORTED || st === undefined) {
        yield* vosDtxAbort(cl, target, ent.xid);
        return true;
      }
      return false;
    },
    (ok) => ({ resolved: ok }),
  );
}

/**
 * DTX resync after the leader `deadId` was excluded (spec §6.4: "DTX resync on the new leader
 * checks all participants (DTX_CHECK) and commits if all prepared, else aborts"). Applied to
 * the tables directly; the new leader's checks are not traced as RPCs.
 */
export function dtxResync(cl: DaosCluster, deadId: number): void {
  const now = cl.rt.sim.now;
  const seen = new Set<string>();
  for (const t of cl.targets) {
    if (!t.alive || t.id === deadId) continue;
    for (const e of t.dtx.all()) {
      if (e.state !== DTX_ST.DTX_ST_PREPARED || e.mbs[0] !== deadId) continue;
      const k = dtiKey(e.xid);
      if (seen.has(k)) continue;
      seen.add(k);
      const parts = e.mbs
        .slice(1)
        .map((id) => cl.target(id))
        .filter((p) => p.alive);
      const allPrepared = parts.every((p) => {
        const s = p.dtx.get(e.xid)?.state;
        return s === DTX_ST.DTX_ST_PREPARED || s === DTX_ST.DTX_ST_COMMITTED;
      });
      for (const p of parts)
        p.dtx.setState(e.xid, allPrepared ? DTX_ST.DTX_ST_COMMITTED : DTX_ST.DTX_ST_ABORTED, now);
    }
  }
}

/**
 * DTX resync of a restarted target for the DTXs it led that its VOS kept PREPARED: all other
 * participants prepared (or one committed) → commit everywhere; any of them aborted or never
 * prepared it → abort everywhere (spec §6.4).
 */
export function dtxResyncLed(cl: DaosCluster, t: DaosTarget): void {
  const now = cl.rt.sim.now;
  for (const e of t.dtx.all()) {
    if (!e.leader || e.state !== DTX_ST.DTX_ST_PREPARED) continue;
    const parts = e.mbs
      .filter((id) => id !== t.id)
      .map((id) => cl.target(id))
      .filter((p) => p.alive);
    const states = parts.map((p) => p.dtx.get(e.xid)?.state);
    const commit =
      states.some((s) => s === DTX_ST.DTX_ST_COMMITTED) ||
      states.every((s) => s === DTX_ST.DTX_ST_PREPARED || s === DTX_ST.DTX_ST_COMMITTED);
    const to = commit ? DTX_ST.DTX_ST_COMMITTED : DTX_ST.DTX_ST_ABORTED;
    for (const p of parts)
      if (p.dtx.get(e.xid)?.state === DTX_ST.DTX_ST_PREPARED) p.dtx.setState(e.xid, to, now);
    t.dtx.setState(e.xid, to, now);
  }
}
