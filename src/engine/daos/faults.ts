/**
 * DAOS fault ops (DESIGN.md op reference): `fault_kill_target`, `restart` (a target; the Ceph
 * system owns `restart` of an OSD, so this op is registered by the shared dispatcher in
 * ops.ts), `fault_drop_messages`, `fault_partition`.
 *
 * A killed target stops answering: RPCs to it time out (`-DER_TIMEDOUT`), the one that notices
 * (the DTX leader for a replica, the client for a leader) reports it and the pool service
 * excludes it from the pool map (map version + 1). A restarted target is reintegrated: the
 * updates its group leaders forwarded while it was excluded are replayed into its VOS at their
 * original epochs (the rebuild "migrate" of DAOS, modelled as a replay of the missed forwards),
 * its DTX entries still PREPARED are resolved with their leaders, then it is back in the map.
 */
import { der } from '../core/errors.ts';
import { sleep, type Proc } from '../core/sim.ts';
import type { OpDoc, OpOutcome, OpSpec } from '../scenario/types.ts';
import { daosCluster, type DaosCluster, type DaosTarget } from './cluster.ts';
import { first, isUint, onlyArgs, type Check } from './op-args.ts';
import { COST } from './costs.ts';
import { DTX_ST, dtiDump, dtxResyncLed } from './dtx.ts';
import { oidText } from './oid.ts';
import { objLocalRwUpdate } from './server.ts';
import { traced } from './traced.ts';

const POOL_SVC = 'pool_svc';

/** `fault_kill_target`: the engine target dies (its DRAM state — committable DTXs — is lost). */
export function killTarget(cl: DaosCluster, t: DaosTarget): void {
  t.alive = false;
  // DRAM-only state dies with the engine: committable DTXs become unknown to it.
  for (const e of t.dtx.all())
    if (e.state === DTX_ST.DTX_ST_COMMITTABLE)
      t.dtx.setState(e.xid, DTX_ST.DTX_ST_PREPARED, cl.rt.sim.now);
  cl.rt.trace.point('fault_kill_target', t.actor, {
    data: { target: t.actor, rank: t.rank, idx: t.idx },
  });
}

/** `restart` of a target: reintegration (replay what it missed), then back in the pool map. */
export function* restartTarget(cl: DaosCluster, t: DaosTarget): Proc<number> {
  const rt = cl.rt;
  t.alive = true;
  return yield* traced(
    rt,
    'ds_rebuild_schedule',
    POOL_SVC,
    { target: t.actor, op: 'RB_OP_REINT', missed: t.missed.length },
    function* () {
      yield* sleep(COST.serverStep);
      // The engine restarted: its DTX table is what its VOS kept, and the DTXs it led that
      // are still PREPARED are resolved with their participants (dtx.ts).
      t.reloadDtx(rt.sim.now);
      dtxResyncLed(cl, t);
      // Resolve DTXs this target still holds as PREPARED with their leaders (DTX resync).
      for (const e of t.dtx.all()) {
        if (e.state !== DTX_ST.DTX_ST_PREPARED || e.leader) continue;
        const leader = cl.target(e.mbs[0] as number);
        const st = leader.alive ? leader.dtx.get(e.xid)?.state : undefined;
        // A leader that committed (or lost it after resync committed the others) → commit;
        // otherwise ask the other participants.
        let commit = st === DTX_ST.DTX_ST_COMMITTED || st === DTX_ST.DTX_ST_COMMITTABLE;
        if (st === undefined)
          commit = e.mbs.some(
            (id) => cl.target(id).dtx.get(e.xid)?.state === DTX_ST.DTX_ST_COMMITTED,
          );
        t.dtx.setState(e.xid, commit ? DTX_ST.DTX_ST_COMMITTED : DTX_ST.DTX_ST_ABORTED, rt.sim.now);
      }
      const replay = t.missed.splice(0);
      let n = 0;
      for (const m of replay) {
        const req = m.req;
        yield* traced(
          rt,
          'migrate_one_ult',
          t.actor,
          {
            oid: oidText(req.oid),
            shard: req.shard,
            epoch: '0x' + req.epoch.toString(16).padStart(16, '0'),
            dti: dtiDump(req.dti),
          },
          function* () {
            yield* objLocalRwUpdate(cl, t, req);
            t.knownObjs.add(oidText(req.oid));
            // Rebuilt data is committed data.
            t.dtx.put({
              xid: req.dti,
              epoch: req.epoch,
              oid: req.oid,
              dkeyHash: req.dkeyHash,
              state: DTX_ST.DTX_ST_COMMITTED,
              leader: false,
              mbs: [t.id],
              since: rt.sim.now,
            });
          },
        );
        n++;
      }
      cl.setExcluded(t.id, false);
      return n;
    },
    (n) => ({ migrated: n, map_ver: [...cl.pools.values()].map((p) => p.mapVer)[0] ?? 0 }),
  );
}

// ---- scenario ops --------------------------------------------------------------------------

function checkTarget(op: OpDoc): Check {
  return typeof op.target === 'string' && /^engine\d+\.tgt\d+$/.test(op.target)
    ? null
    : 'target: expected a target name like "engine0.tgt1"';
}

function findTarget(cl: DaosCluster, op: OpDoc): DaosTarget | undefined {
  return cl.targetByName(op.target as string);
}

const killOp: OpSpec = {
  name: 'fault_kill_target',
  pipeline: 'daos.fault',
  check: (op) =>
    first(
      () => onlyArgs(op, ['target']),
      () => checkTarget(op),
    ),
  *run(op, world): Proc<OpOutcome> {
    const cl = daosCluster(world);
    const t = findTarget(cl, op);
    if (!t) return { rc: der('NONEXIST') };
    yield* sleep(COST.serverStep);
    killTarget(cl, t);
    return { rc: 0 };
  },
};

const dropOp: OpSpec = {
  name: 'fault_drop_messages',
  pipeline: 'daos.fault',
  check: (op) =>
    first(
      () => onlyArgs(op, ['from', 'to', 'count']),
      (): Check =>
        op.from !== undefined && typeof op.from !== 'string'
          ? 'from: expected an actor name'
          : null,
      (): Check =>
        op.to !== undefined && typeof op.to !== 'string' ? 'to: expected an actor name' : null,
      (): Check => (isUint(op.count) ? null : 'count: expected a non-negative integer'),
    ),
  *run(op, world): Proc<OpOutcome> {
    const cl = daosCluster(world);
    const rule: { from?: string; to?: string; count: number } = { count: op.count as number };
    if (typeof op.from === 'string') rule.from = op.from;
    if (typeof op.to === 'string') rule.to = op.to;
    cl.dropRules.push(rule);
    yield* sleep(COST.clientStep);
    world.rt.trace.point('fault_drop_messages', 'network', { data: { ...rule } });
    return { rc: 0 };
  },
};

/** Default length of a partition: past one RPC timeout, so the first resend is lost too. */
export const PARTITION_DEFAULT_NS = 90_000_000_000;

/**
 * `fault_partition {between: [a, b], ns?}`: the fabric between two actors (e.g. `client` and
 * `engine0.tgt1`, or two targets) loses every message, both ways, for `ns` of virtual time
 * (default 90 s), then heals. RPCs across it time out (`CRT_TIMEOUT`) and are resent like any
 * lost message; one sent after the heal gets through.
 */
const partitionOp: OpSpec = {
  name: 'fault_partition',
  pipeline: 'daos.fault',
  check: (op) =>
    first(
      () => onlyArgs(op, ['between', 'ns']),
      (): Check => {
        const b = op.between;
        if (!Array.isArray(b) || b.length !== 2)
          return 'between: expected two actor names, e.g. ["client", "engine0.tgt1"]';
        if (typeof b[0] !== 'string' || b[0] === '') return 'between[0]: expected an actor name';
        if (typeof b[1] !== 'string' || b[1] === '') return 'between[1]: expected an actor name';
        return b[0] === b[1] ? 'between[1]: expected an actor other than between[0]' : null;
      },
      (): Check =>
        op.ns === undefined || (isUint(op.ns) && op.ns > 0)
          ? null
          : 'ns: expected a positive integer (virtual nanoseconds)',
    ),
  *run(op, world): Proc<OpOutcome> {
    const cl = daosCluster(world);
    const [a, b] = op.between as [string, string];
    const ns = (op.ns as number | undefined) ?? PARTITION_DEFAULT_NS;
    yield* sleep(COST.clientStep);
    const until = world.rt.sim.now + ns;
    cl.partitions.push({ a, b, until });
    world.rt.trace.point('fault_partition', 'network', {
      data: { between: [a, b], ns, until_ns: until },
      caption: `${a} and ${b} cannot reach each other for ${ns / 1e9} s`,
    });
    return { rc: 0, result: { until_ns: until } };
  },
};

/** `restart` of a DAOS target (`target`); other systems' `restart` (`osd`) goes to `other`. */
export function restartOp(other: OpSpec | undefined): OpSpec {
  return {
    name: 'restart',
    pipeline: other?.pipeline ?? 'daos.reintegrate',
    check: (op) => {
      if (op.target === undefined && other) return other.check(op);
      return first(
        () => onlyArgs(op, ['target']),
        () => checkTarget(op),
      );
    },
    *run(op, world, index): Proc<OpOutcome> {
      if (op.target === undefined && other) return yield* other.run(op, world, index);
      const cl = daosCluster(world);
      const t = findTarget(cl, op);
      if (!t) return { rc: der('NONEXIST') };
      const cur = world.rt.sim.current;
      if (cur) cur.ctx.pipeline = 'daos.reintegrate';
      const n = yield* restartTarget(cl, t);
      return { rc: 0, result: { migrated: n } };
    },
  };
}

export const DAOS_FAULT_OPS: OpSpec[] = [killOp, dropOp, partitionOp];
