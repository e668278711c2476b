/** Export and import of `iopath.trace/1` files. */
import { TRACE_SCHEMA, type TraceEvent, type TraceFile } from './event.ts';
import { Tracer } from './tracer.ts';

/**
 * Serialize a trace deterministically: one event per line, keys in the order the engine wrote
 * them (which is itself deterministic), so golden files diff line by line. Pass the recorder
 * itself (`rt.trace`) rather than its `events` to skip building the event objects.
 */
export function serializeTrace(scenario: unknown, events: readonly TraceEvent[] | Tracer): string {
  const head = `{"schema":${JSON.stringify(TRACE_SCHEMA)},"scenario":${JSON.stringify(scenario ?? null)},"events":[`;
  if (events.length === 0) return head + ']}\n';
  if (events instanceof Tracer) {
    // Straight from the recorder's columns: no event objects are built.
    const lines = new Array<string>(events.length);
    const first = events.firstSeq;
    for (let i = 0; i < lines.length; i++) lines[i] = events.jsonLine(first + i);
    return head + '\n' + lines.join(',\n') + '\n]}\n';
  }
  return head + '\n' + events.map((e) => JSON.stringify(e)).join(',\n') + '\n]}\n';
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const PHASES = new Set(['enter', 'exit', 'point']);

/** Parse and validate a trace file; the error names the JSON path of the first problem. */
export function parseTrace(text: string): ParseResult<TraceFile> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      error: `$: not JSON (${(e as Error).message.replace(/\s+/g, ' ').slice(0, 160)})`,
    };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { ok: false, error: '$: expected an object' };
  }
  const d = doc as Record<string, unknown>;
  if (d.schema !== TRACE_SCHEMA) return { ok: false, error: `schema: expected "${TRACE_SCHEMA}"` };
  if (!Array.isArray(d.events)) return { ok: false, error: 'events: expected an array' };
  const events = d.events as unknown[];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const p = `events[${i}]`;
    if (typeof e !== 'object' || e === null)
      return { ok: false, error: `${p}: expected an object` };
    const r = e as Record<string, unknown>;
    if (r.seq !== i) return { ok: false, error: `${p}.seq: expected ${i}` };
    if (typeof r.t !== 'number' || !Number.isFinite(r.t))
      return { ok: false, error: `${p}.t: expected a number` };
    if (typeof r.op !== 'number') return { ok: false, error: `${p}.op: expected a number` };
    for (const k of ['pipeline', 'step', 'actor'] as const) {
      if (typeof r[k] !== 'string') return { ok: false, error: `${p}.${k}: expected a string` };
    }
    if (typeof r.phase !== 'string' || !PHASES.has(r.phase)) {
      return { ok: false, error: `${p}.phase: expected enter, exit or point` };
    }
    if (r.effects !== undefined && !Array.isArray(r.effects)) {
      return { ok: false, error: `${p}.effects: expected an array` };
    }
  }
  return {
    ok: true,
    value: { schema: TRACE_SCHEMA, scenario: d.scenario ?? null, events: events as TraceEvent[] },
  };
}
