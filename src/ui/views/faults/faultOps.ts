/**
 * The faults palette's model: which actors of the trace can be hit (DAOS targets, Ceph OSDs)
 * and which fault ops apply to each — only ops the engine registered. Every fault is just a
 * scenario op appended to the running scenario (the same path as the console).
 */
import type { OpDoc } from '../../../protocol/index.ts';
import { distinctOf, eventList, type Events } from '../../derive/eventList.ts';

export interface FaultAction {
  id: string;
  label: string;
  op: OpDoc;
}

const OSD = /^osd\.(\d+)$/;
const TARGET = /^engine\d+\.tgt\d+$/;
/** The Ceph monitor's trace actor (`mon.a`). */
const MON = /^mon\.[a-z]$/;
/** Ceph entities a network fault can name (the engine dispatches on them, ceph/net-faults.ts). */
const CEPH_END = (a: string) => a === 'client' || OSD.test(a) || MON.test(a);

/** The distinct targets and OSDs that appear in the trace, in a stable natural order. */
export function faultableActors(events: Events): string[] {
  const seen = new Set<string>();
  for (const a of distinctOf(eventList(events), 'actor'))
    if (OSD.test(a) || TARGET.test(a)) seen.add(a);
  return [...seen].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * The faults of one actor. `peers` (the trace's partitionable actors) adds, for an OSD, a
 * partition from each Ceph peer (client, the other OSDs, the monitor).
 */
export function faultsFor(
  actor: string,
  known: ReadonlySet<string>,
  peers: readonly string[] = [],
): FaultAction[] {
  const has = (op: string) => known.size === 0 || known.has(op);
  const out: FaultAction[] = [];
  const osd = OSD.exec(actor);
  if (osd) {
    const n = Number(osd[1]);
    if (has('fault_kill_osd'))
      out.push({ id: 'kill', label: `Kill ${actor}`, op: { op: 'fault_kill_osd', osd: n } });
    if (has('restart'))
      out.push({ id: 'restart', label: `Restart ${actor}`, op: { op: 'restart', osd: n } });
    if (has('fault_drop_messages'))
      out.push({
        id: 'drop',
        label: `Drop the next message to ${actor}`,
        op: { op: 'fault_drop_messages', to: actor, count: 1 },
      });
    for (const p of peers) {
      const f = p !== actor && CEPH_END(p) ? partitionFault(actor, p, known) : null;
      if (f) out.push(f);
    }
  } else if (TARGET.test(actor)) {
    if (has('fault_power_cut'))
      out.push({
        id: 'power-cut',
        label: `Power cut ${actor} now`,
        op: { op: 'fault_power_cut', target: actor },
      });
    if (has('fault_kill_target'))
      out.push({
        id: 'kill',
        label: `Kill ${actor}`,
        op: { op: 'fault_kill_target', target: actor },
      });
    if (has('restart'))
      out.push({ id: 'restart', label: `Restart ${actor}`, op: { op: 'restart', target: actor } });
    if (has('fault_drop_messages'))
      out.push({
        id: 'drop',
        label: `Drop the next message to ${actor}`,
        op: { op: 'fault_drop_messages', to: actor, count: 1 },
      });
  }
  return out;
}

/** Faults that need no actor. */
export function globalFaults(known: ReadonlySet<string>): FaultAction[] {
  return known.size === 0 || known.has('fault_drop_messages')
    ? [
        {
          id: 'drop',
          label: 'Drop the next message',
          op: { op: 'fault_drop_messages', count: 1 },
        },
      ]
    : [];
}

/**
 * The actors a partition can separate: every actor of the trace that sends or serves RPCs
 * (DAOS: the client and the targets; Ceph: the client, the OSDs and the monitor).
 */
export function partitionableActors(events: Events): string[] {
  const seen = new Set<string>();
  for (const a of distinctOf(eventList(events), 'actor'))
    if (TARGET.test(a) || CEPH_END(a)) seen.add(a);
  return [...seen].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * `fault_partition` between two different actors (null when not registered or a == b);
 * `wait`: the op returns once the partition healed and (Ceph) the cluster is healthy again.
 */
export function partitionFault(
  a: string,
  b: string,
  known: ReadonlySet<string>,
  wait = false,
): FaultAction | null {
  if (a === '' || b === '' || a === b) return null;
  if (known.size > 0 && !known.has('fault_partition')) return null;
  const op: OpDoc = { op: 'fault_partition', between: [a, b] };
  if (wait) op.wait = true;
  return {
    id: wait ? 'partition-wait' : 'partition',
    label: wait ? `Partition ${a} ↔ ${b} and wait for the heal` : `Partition ${a} ↔ ${b}`,
    op,
  };
}

/**
 * The steps a power cut can be armed at: the steps of the DAOS I/O pipelines in the catalog
 * (the cut lands at the next persistence point after the step is first reached).
 */
export function powerCutSteps(
  pipelines: Iterable<{ id: string; system: string; steps: { id: string }[] }>,
): string[] {
  const out = new Set<string>();
  for (const p of pipelines) {
    if (p.system !== 'daos' || p.id === 'daos.fault' || p.id === 'daos.setup') continue;
    for (const s of p.steps) out.add(s.id);
  }
  return [...out].sort();
}

/** `fault_power_cut` of a target armed at a step (null when not registered). */
export function powerCutAtStep(
  target: string,
  step: string,
  known: ReadonlySet<string>,
): FaultAction | null {
  if (!TARGET.test(target) || step === '') return null;
  if (known.size > 0 && !known.has('fault_power_cut')) return null;
  return {
    id: 'power-cut-at',
    label: `Power cut ${target} at ${step}`,
    op: { op: 'fault_power_cut', target, at_step: step },
  };
}
