/**
 * Ceph form of `fault_power_cut {osd}` (DESIGN.md contract 1): the OSD's power domain loses
 * power. Its block device drops everything not yet durable (volatile cache, in-flight
 * commands: `Nvme.powerCut`) and the OSD process stops like `fault_kill_osd` (heartbeats stop,
 * the monitor marks it down after the grace). `restart {osd}` powers the device back on — a
 * new device object over the same backend, like a reboot — then the store mounts from what is
 * durable (FileStore journal replay / BlueStore deferred WAL replay) and peering + log-based
 * recovery bring it back to the same data as its peers.
 *
 * `fault_power_cut {osd, at_step}` arms the cut when step `at_step` is first reached (any
 * actor); it lands at the OSD device's next persistence point (a write completing, a flush —
 * like the DAOS one): that point never takes effect, the store's IO process unwinds with
 * PowerCutError, and with `device_write_cache` the unflushed cache is lost too.
 */
import { errnoError } from '../core/errors.ts';
import { armPowerCut } from '../media/power-cut.ts';
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

/**
 * Arm osd.N's power cut at its device's next persistence point (after `skip` of them): the
 * OSD stops in the same instant. `onCut` is told where it landed.
 */
export function armOsdPowerCut(
  cluster: CephCluster,
  id: number,
  opts: { skip?: number; onCut?: (at: { kind: string; dev: string }) => void } = {},
): () => void {
  const dev = cluster.device(id);
  if (!dev) throw errnoError('ENOENT', `osd: no osd.${id} in this cluster`);
  return armPowerCut([dev], {
    ...(opts.skip === undefined ? {} : { skip: opts.skip }),
    onCut: (at) => {
      cluster.killOsd(id);
      opts.onCut?.(at);
    },
  });
}

export function checkOsdPowerCut(op: OpDoc): Check {
  return first(
    () => onlyArgs(op, ['osd', 'at_step']),
    () =>
      parseOsdId(op.osd) === null ? 'osd: expected an OSD like "osd.1" or its number 1' : null,
    () =>
      op.at_step === undefined || (typeof op.at_step === 'string' && op.at_step !== '')
        ? null
        : 'at_step: expected a step id (e.g. "_kv_sync_thread" or "do_aio_write")',
  );
}

function* runOsdPowerCut(op: OpDoc, cluster: CephCluster, index: number): Proc<OpOutcome> {
  const id = parseOsdId(op.osd) as number;
  // Only known once the cluster exists (check() sees the op alone): a scenario error.
  if (!cluster.osds[id])
    throw new ScenarioError(
      `ops[${index}].osd: no osd.${id} (the cluster has ${cluster.osds.length} OSDs)`,
    );
  const rt = cluster.rt;
  const name = `osd.${id}`;
  const atStep = op.at_step as string | undefined;
  if (atStep === undefined) {
    cutOsdPower(cluster, id);
    yield* [];
    return { rc: 0, result: { osd: name, cut: 'now' } };
  }
  const stop = rt.trace.listenSeq((seq) => {
    if (rt.trace.stepAt(seq) !== atStep) return;
    stop();
    armOsdPowerCut(cluster, id, {
      onCut: (at) => {
        rt.trace.point('fault_power_cut', name, {
          data: { osd: name, at: at.kind },
          caption: `${name} loses power at ${at.kind}`,
          pipeline: 'ceph.recovery',
        });
      },
    });
  });
  rt.trace.point('fault_power_cut', name, {
    data: { osd: name, armed: atStep },
    caption: `${name} will lose power at the next persistence point after ${atStep}`,
  });
  yield* [];
  return { rc: 0, result: { osd: name, armed: atStep } };
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
