/**
 * Ceph forms of the network faults of DESIGN.md contract 1, same op shapes as DAOS's
 * (daos/faults.ts):
 *
 * - `fault_partition {between: [a, b], ns?}`: the network between two Ceph entities (`osd.N`,
 *   `client` / `client.N`, `mon` / `mon.a`) is cut for `ns` of virtual time (default 90 s, as
 *   DAOS: long past osd_heartbeat_grace, so the heartbeats notice), then heals. TCP keeps the
 *   connections and retransmits: what crosses the cut arrives at the first retransmission after
 *   the heal (msg/messenger.ts). The OSDs heartbeat while it lasts; an OSD cut from enough peers
 *   is reported by ≥ 2 of them and marked down, notices it was "wrongly marked down" and boots
 *   again once its peers answer; two OSDs cut only from each other report each other and
 *   neither is marked down (mon_osd_min_down_reporters 2) — their ops wait for the heal.
 * - `fault_drop_messages {from?, to?, count}`: the next `count` matching messages are lost with
 *   their socket (ms_inject_socket_failures): lossless OSD ↔ OSD connections and monitor
 *   sessions reconnect and resend; a client ↔ OSD connection is reset, the Objecter resends
 *   its ops (RETRY) and the OSD answers a write it already applied from its PG log.
 *
 * `fault_partition` takes one more, optional field: `wait: true` makes the op return only once
 * every partition in force has healed and (Ceph) the cluster is healthy again (every OSD up,
 * every PG active+clean; at most WAIT_HEALTHY_MAX_NS more). Without `between` (Ceph) it only
 * waits — so a scenario can cut the network, run ops through the outage, then show the heal
 * and the recovery before its next op.
 *
 * One op of each name serves both systems: a side naming a Ceph entity makes it Ceph's, a DAOS
 * target DAOS's; `client` or no side at all goes by the scenario's cluster (`cluster.ceph`
 * without `cluster.daos` → Ceph).
 */
import { sleep, type Proc } from '../core/sim.ts';
import type { OpDoc, OpOutcome, OpSpec, ScenarioWorld } from '../scenario/types.ts';
import { ScenarioError } from '../scenario/validate.ts';
import { MON_NAME } from './cluster/monitor.ts';
import { cephSystem } from './scenario-ops.ts';
import { parseOsdId } from './power-cut.ts';

/** Same default as the DAOS partition (daos/faults.ts PARTITION_DEFAULT_NS): 90 s. */
export const CEPH_PARTITION_DEFAULT_NS = 90_000_000_000;
/** `wait: true`: how long after the heal the op waits for the cluster to be healthy. */
export const WAIT_HEALTHY_MAX_NS = 600_000_000_000;
/** … checking every virtual second (`ceph health` in a loop). */
const HEALTH_POLL_NS = 1_000_000_000;

const CEPH_NAME = /^(osd\.\d+|mon|mon\.[a-z]|client|client\.\d+)$/;
const CEPH_ONLY = /^(osd\.\d+|mon|mon\.[a-z]|client\.\d+)$/;
const DAOS_TARGET = /^engine\d+\.tgt\d+$/;

/** Which system a network fault naming `sides` belongs to. */
export function netFaultSystem(sides: readonly unknown[], world: ScenarioWorld): 'ceph' | 'daos' {
  for (const s of sides) {
    if (typeof s !== 'string') continue;
    if (CEPH_ONLY.test(s)) return 'ceph';
    if (DAOS_TARGET.test(s)) return 'daos';
  }
  const c = world.doc.cluster;
  return c?.ceph !== undefined && c.daos === undefined ? 'ceph' : 'daos';
}

/** A side that names Ceph and one that names DAOS cannot meet in one fault. */
function mixed(sides: readonly unknown[]): string | null {
  const names = sides.filter((s): s is string => typeof s === 'string');
  const ceph = names.find((s) => CEPH_ONLY.test(s));
  const daos = names.find((s) => DAOS_TARGET.test(s));
  return ceph && daos ? `${ceph} (Ceph) and ${daos} (DAOS) are not in the same system` : null;
}

/** `mon` → the monitor's entity; an OSD must exist. Scenario error otherwise. */
function cephSide(world: ScenarioWorld, name: string, path: string): string {
  if (!CEPH_NAME.test(name))
    throw new ScenarioError(`${path}: "${name}" is not a Ceph entity (osd.N, client, mon)`);
  if (name === 'mon') return MON_NAME;
  const id = parseOsdId(name);
  const osds = cephSystem(world).cluster.osds;
  if (id !== null && !osds[id])
    throw new ScenarioError(`${path}: no ${name} (the cluster has ${osds.length} OSDs)`);
  return name;
}

/** The op's process runs in the recovery pipeline (the spec's default is DAOS's). */
function inRecoveryPipeline(world: ScenarioWorld): void {
  const cur = world.rt.sim.current;
  if (cur) cur.ctx.pipeline = 'ceph.recovery';
}

/** `wait: true`: until every partition healed, then until healthy (bounded). */
function* waitHealed(world: ScenarioWorld): Proc<boolean> {
  const cl = cephSystem(world).cluster;
  const sim = world.rt.sim;
  const heal = cl.msgr.healsAt();
  if (heal > sim.now) yield* sleep(heal - sim.now);
  const giveUp = sim.now + WAIT_HEALTHY_MAX_NS;
  while (!cl.healthy() && sim.now < giveUp) yield* sleep(HEALTH_POLL_NS);
  return cl.healthy();
}

function* runCephPartition(op: OpDoc, world: ScenarioWorld, index: number): Proc<OpOutcome> {
  if (op.between === undefined) {
    inRecoveryPipeline(world);
    const healthy = yield* waitHealed(world);
    return { rc: 0, result: { healthy } };
  }
  const [a0, b0] = op.between as [string, string];
  const a = cephSide(world, a0, `ops[${index}].between[0]`);
  const b = cephSide(world, b0, `ops[${index}].between[1]`);
  const ns = (op.ns as number | undefined) ?? CEPH_PARTITION_DEFAULT_NS;
  inRecoveryPipeline(world);
  const cl = cephSystem(world).cluster;
  const until = world.rt.sim.now + ns;
  world.rt.trace.point('fault_partition', 'network', {
    data: { between: [a, b], ns, until_ns: until },
    caption: `${a} and ${b} cannot reach each other for ${ns / 1e9} s`,
  });
  cl.partition(a, b, until);
  if (op.wait !== true) {
    yield* [];
    return { rc: 0, result: { until_ns: until } };
  }
  const healthy = yield* waitHealed(world);
  return { rc: 0, result: { until_ns: until, healthy } };
}

function* runCephDrop(op: OpDoc, world: ScenarioWorld, index: number): Proc<OpOutcome> {
  const from =
    typeof op.from === 'string' ? cephSide(world, op.from, `ops[${index}].from`) : undefined;
  const to = typeof op.to === 'string' ? cephSide(world, op.to, `ops[${index}].to`) : undefined;
  const count = op.count as number;
  inRecoveryPipeline(world);
  const cl = cephSystem(world).cluster;
  const data: { count: number; from?: string; to?: string } = { count };
  if (from !== undefined) data.from = from;
  if (to !== undefined) data.to = to;
  world.rt.trace.point('fault_drop_messages', 'network', {
    data,
    caption: `the next ${count} message(s)${from ? ` from ${from}` : ''}${to ? ` to ${to}` : ''} are lost with their socket`,
  });
  cl.dropMessages(count, from, to);
  yield* [];
  return { rc: 0 };
}

/** `fault_partition` for both systems: Ceph here, DAOS's op otherwise. */
export function partitionDispatchOp(daosOp: OpSpec): OpSpec {
  return {
    name: 'fault_partition',
    pipeline: daosOp.pipeline,
    check: (op) => {
      const { wait, ...rest } = op;
      if (wait !== undefined && typeof wait !== 'boolean')
        return 'wait: expected true (return once healed and healthy) or false';
      // Only waiting (Ceph): no side to check.
      if (wait === true && op.between === undefined)
        return Object.keys(rest).every((k) => k === 'op' || k === 'comment')
          ? null
          : 'between: expected two entities (only `wait` may come without them)';
      return daosOp.check(rest) ?? (Array.isArray(op.between) ? mixed(op.between) : null);
    },
    *run(op, world, index): Proc<OpOutcome> {
      if (op.between === undefined || netFaultSystem(op.between as unknown[], world) === 'ceph')
        return yield* runCephPartition(op, world, index);
      const { wait, ...rest } = op;
      const out = yield* daosOp.run(rest, world, index);
      // DAOS: `wait` returns at the heal (its fabric has no health to wait for).
      const until = (out.result as { until_ns?: unknown } | undefined)?.until_ns;
      if (wait === true && typeof until === 'number' && until > world.rt.sim.now)
        yield* sleep(until - world.rt.sim.now);
      return out;
    },
  };
}

/** `fault_drop_messages` for both systems: Ceph here, DAOS's op otherwise. */
export function dropDispatchOp(daosOp: OpSpec): OpSpec {
  return {
    name: 'fault_drop_messages',
    pipeline: daosOp.pipeline,
    check: (op) => daosOp.check(op) ?? mixed([op.from, op.to]),
    *run(op, world, index): Proc<OpOutcome> {
      if (netFaultSystem([op.from, op.to], world) === 'daos')
        return yield* daosOp.run(op, world, index);
      return yield* runCephDrop(op, world, index);
    },
  };
}
