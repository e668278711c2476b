/** Which trace event a stop shows (pure: the same walkthrough + trace → the same index). */
import type { Json, TraceEvent } from '../../protocol/index.ts';
import type { Stop, StopAt } from './doc.ts';
import { eventList, stepOf, type Events } from '../derive/eventList.ts';

export type Resolved = { ok: true; index: number } | { ok: false; error: string };

export function describeAt(at: StopAt): string {
  if (at.index !== undefined) return `event ${at.index}`;
  const parts = [`${at.step ?? '?'}`];
  if (at.op !== undefined) parts.push(`op ${at.op}`);
  if (at.actor !== undefined) parts.push(`on ${at.actor}`);
  if (at.phase !== undefined) parts.push(at.phase);
  return `${parts.join(' ')} #${at.occurrence ?? 1}`;
}

export function resolveStop(at: StopAt, given: Events): Resolved {
  const events = eventList(given);
  if (at.index !== undefined) {
    return at.index < events.length
      ? { ok: true, index: at.index }
      : {
          ok: false,
          error: `event ${at.index} is past the end of the trace (${events.length} events)`,
        };
  }
  const want = at.occurrence ?? 1;
  let n = 0;
  for (let i = 0; i < events.length; i++) {
    if (stepOf(events, i) !== at.step) continue;
    const e = events.get(i)!;
    if (at.op !== undefined && e.op !== at.op) continue;
    if (at.actor !== undefined && e.actor !== at.actor) continue;
    if (at.phase !== undefined ? e.phase !== at.phase : e.phase === 'exit') continue;
    if (++n === want) return { ok: true, index: i };
  }
  return {
    ok: false,
    error: `${describeAt(at)}: the trace has ${n} such event${n === 1 ? '' : 's'}`,
  };
}

/** The value at a dotted path of an event (`data.primary`, `data.acting.0`, `actor`). */
export function valueAt(e: TraceEvent, path: string): Json | undefined {
  let v: unknown = e;
  for (const k of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v as Json | undefined;
}

/** The stop's `expect` facts that do not hold at the event (empty: the caption's facts hold). */
export function checkExpect(stop: Stop, e: TraceEvent): string[] {
  const bad: string[] = [];
  for (const [path, want] of Object.entries(stop.expect ?? {})) {
    const got = valueAt(e, path);
    if (JSON.stringify(got) !== JSON.stringify(want))
      bad.push(`${path}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  return bad;
}
