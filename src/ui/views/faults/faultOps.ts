/**
 * The faults palette's model: which actors of the trace can be hit (DAOS targets, Ceph OSDs)
 * and which fault ops apply to each — only ops the engine registered. Every fault is just a
 * scenario op appended to the running scenario (the same path as the console).
 */
import type { OpDoc, TraceEvent } from '../../../protocol/index.ts';

export interface FaultAction {
  id: string;
  label: string;
  op: OpDoc;
}

const OSD = /^osd\.(\d+)$/;
const TARGET = /^engine\d+\.tgt\d+$/;

/** The distinct targets and OSDs that appear in the trace, in a stable natural order. */
export function faultableActors(events: readonly TraceEvent[]): string[] {
  const seen = new Set<string>();
  for (const e of events) if (OSD.test(e.actor) || TARGET.test(e.actor)) seen.add(e.actor);
  return [...seen].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

export function faultsFor(actor: string, known: ReadonlySet<string>): FaultAction[] {
  const has = (op: string) => known.size === 0 || known.has(op);
  const out: FaultAction[] = [];
  const osd = OSD.exec(actor);
  if (osd) {
    const n = Number(osd[1]);
    if (has('fault_kill_osd'))
      out.push({ id: 'kill', label: `Kill ${actor}`, op: { op: 'fault_kill_osd', osd: n } });
    if (has('restart'))
      out.push({ id: 'restart', label: `Restart ${actor}`, op: { op: 'restart', osd: n } });
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
