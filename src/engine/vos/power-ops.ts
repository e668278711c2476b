/**
 * Power faults of a DAOS target's media (issue #3 item 7):
 *
 * - `fault_power_cut {target, at_step?}` — the target's power domain (its SCM and NVMe) loses
 *   power now, or at the next persistence point (SCM flush/drain, NVMe write completion/flush)
 *   after the first trace event of step `at_step`. What was not durable is lost
 *   (media/README.md); the target stops answering (clients time out), like a killed engine.
 * - `restart {target}` is extended, not duplicated: a target whose power was cut first reopens
 *   its devices over the same images and runs recovery (pipeline `media.recovery`:
 *   pmemobj_open, ulog_recover, heap_boot, vea_load, then vos_pool_open), then the DAOS restart
 *   (reintegration) runs as before.
 */
import { derError } from '../core/errors.ts';
import type { Proc } from '../core/sim.ts';
import { daosCluster } from '../daos/cluster.ts';
import { first, onlyArgs, type Check } from '../daos/op-args.ts';
import type { OpDoc, OpOutcome, OpSpec, ScenarioWorld } from '../scenario/types.ts';
import { VosTargetStore } from './target-store.ts';

const RECOVERY = 'media.recovery';

function checkTarget(op: OpDoc): Check {
  return typeof op.target === 'string' && /^engine\d+\.tgt\d+$/.test(op.target)
    ? null
    : 'target: expected a target name like "engine0.tgt1"';
}

function vosTarget(world: ScenarioWorld, op: OpDoc) {
  const cl = daosCluster(world);
  const t = cl.targetByName(op.target as string);
  if (!t) throw derError('NONEXIST', `no target ${String(op.target)}`);
  if (!(t.store instanceof VosTargetStore))
    throw derError('NOSYS', `${t.actor}: its store (${t.store.kind}) has no simulated media`);
  return { t, store: t.store };
}

export const powerCutOp: OpSpec = {
  name: 'fault_power_cut',
  pipeline: RECOVERY,
  check: (op) =>
    first(
      () => onlyArgs(op, ['target', 'at_step']),
      () => checkTarget(op),
      () =>
        op.at_step === undefined || (typeof op.at_step === 'string' && op.at_step !== '')
          ? null
          : 'at_step: expected a step id (e.g. "vos_update_end")',
    ),
  *run(op, world): Proc<OpOutcome> {
    const { t, store } = vosTarget(world, op);
    const rt = world.rt;
    const onCut = (at: { kind: string } | null): void => {
      t.alive = false; // the engine is down: RPCs to it are never answered
      rt.trace.point('fault_power_cut', t.actor, {
        data: { target: t.actor, at: at ? at.kind : 'now' },
        caption: `${t.actor} loses power${at ? ` at ${at.kind}` : ''}`,
      });
    };
    const atStep = op.at_step as string | undefined;
    if (atStep === undefined) {
      store.powerCut(false, onCut);
      return { rc: 0, result: { cut: 'now' } };
    }
    // Arm when the step is first reached (any actor: a client step works too).
    const stop = rt.trace.listenSeq((seq) => {
      if (rt.trace.stepAt(seq) !== atStep) return;
      stop();
      store.powerCut(true, onCut);
    });
    rt.trace.point('fault_power_cut', t.actor, {
      data: { target: t.actor, armed: atStep },
      caption: `${t.actor} will lose power at the next persistence point after ${atStep}`,
    });
    yield* [];
    return { rc: 0, result: { armed: atStep } };
  },
};

/** `restart` of a target, with media recovery first when its power was cut. */
export function mediaRestartOp(other: OpSpec | undefined): OpSpec {
  return {
    name: 'restart',
    pipeline: other?.pipeline ?? RECOVERY,
    check: (op) =>
      other
        ? other.check(op)
        : first(
            () => onlyArgs(op, ['target']),
            () => checkTarget(op),
          ),
    *run(op, world, index): Proc<OpOutcome> {
      if (op.target !== undefined) {
        const cl = daosCluster(world);
        const t = cl.targetByName(op.target as string);
        if (t && t.store instanceof VosTargetStore && t.store.poweredOff) {
          const cur = world.rt.sim.current;
          const saved = cur?.ctx.pipeline;
          if (cur) cur.ctx.pipeline = RECOVERY;
          t.store.restart();
          if (cur && saved !== undefined) cur.ctx.pipeline = saved;
          if (!other) {
            t.alive = true;
            return { rc: 0 };
          }
        }
      }
      if (!other) return { rc: derError('NOSYS', 'restart').rc };
      return yield* other.run(op, world, index);
    },
  };
}
