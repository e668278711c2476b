/**
 * Ceph form of `fault_power_cut {osd}` (DESIGN.md contract 1): the OSD's power domain loses
 * power. Its block device drops everything not yet durable (volatile cache, in-flight
 * commands: `Nvme.powerCut`) and the OSD process stops like `fault_kill_osd` (heartbeats stop,
 * the monitor marks it down after the grace). `restart {osd}` powers the device back on — a
 * new device object over the same backend, like a reboot — then the store mounts from what is
 * durable (FileStore journal replay / BlueStore deferred WAL replay) and peering + log-based
 * recovery bring it back to the same data as its peers.
 *
 * `at_step` is DAOS-only for now: arming a Ceph OSD's device at a persistence point would make
 * the store's IO processes unwind mid-transaction, which the objectstores do not model yet.
 */
import { errnoError } from '../core/errors.ts';
import type { Proc } from '../core/sim.ts';
import { first, onlyArgs, type Check } from '../daos/op-args.ts';
import type { OpDoc, OpOutcome, OpSpec } from '../scenario/types.ts';
import { ScenarioError } from '../scenario/validate.ts';
import type { CephCluster } from './cluster/cluster.ts';
import { cephSystem } from './scenario-ops.ts';

/** `osd.N` or N → N; null when malformed. */
export function parseOsdId(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : null;
  if (typeof v !== 'string') return null;
  const m = /^osd\.(\d+)$/.exec(v);
  return m ? Number(m[1]) : null;
}

/** Cut the power of osd.N's domain: its device loses what is volatile, the OSD stops. */
export function cutOsdPower(cluster: CephCluster, id: number): void {
  const dev = cluster.device(id);
  if (!dev) throw errnoError('ENOENT', `osd: no osd.${id} in this cluster`);
  dev.powerCut();
  cluster.killOsd(id);
}

export function checkOsdPowerCut(op: OpDoc): Check {
  return first(
    () => onlyArgs(op, ['osd', 'at_step']),
    () =>
      parseOsdId(op.osd) === null ? 'osd: expected an OSD like "osd.1" or its number 1' : null,
    () =>
      op.at_step === undefined
        ? null
        : 'at_step: not supported with osd (a Ceph OSD power cut happens now; at_step is for DAOS targets)',
  );
}

function* runOsdPowerCut(op: OpDoc, cluster: CephCluster, index: number): Proc<OpOutcome> {
  const id = parseOsdId(op.osd) as number;
  // Only known once the cluster exists (check() sees the op alone): a scenario error.
  if (!cluster.osds[id])
    throw new ScenarioError(
      `ops[${index}].osd: no osd.${id} (the cluster has ${cluster.osds.length} OSDs)`,
    );
  cutOsdPower(cluster, id);
  yield* [];
  return { rc: 0, result: { osd: `osd.${id}`, cut: 'now' } };
}

/**
 * The one `fault_power_cut` op: exactly one of `target` (a DAOS target, `daosOp`) or `osd`
 * (a Ceph OSD, this file).
 */
export function powerCutDispatchOp(daosOp: OpSpec): OpSpec {
  return {
    name: 'fault_power_cut',
    pipeline: daosOp.pipeline,
    check: (op) => {
      const hasTarget = op.target !== undefined;
      const hasOsd = op.osd !== undefined;
      if (hasTarget && hasOsd) return 'osd: give exactly one of target (DAOS) or osd (Ceph)';
      if (!hasTarget && !hasOsd) return 'target: expected a DAOS target or an osd (Ceph)';
      return hasOsd ? checkOsdPowerCut(op) : daosOp.check(op);
    },
    *run(op, world, index): Proc<OpOutcome> {
      if (op.osd === undefined) return yield* daosOp.run(op, world, index);
      return yield* runOsdPowerCut(op, cephSystem(world).cluster, index);
    },
  };
}
