/** Export and import of `iopath.trace/1` files. */
import { TRACE_SCHEMA, type TraceEvent, type TraceFile } from './event.ts';
import { Tracer } from './tracer.ts';

/**
 * Serialize a trace deterministically: one event per line, keys in the order the engine wrote
 * them (which is itself deterministic), so golden files diff line by line. Pass the recorder
 * itself (`rt.trace`) rather than its `events` to skip building the event objects.
 */
export function serializeTrace(scenario: unknown, events: readonly TraceEvent[] | Tracer): string {
  const head = traceHead(scenario);
  if (events.length === 0) return head + ']}\n';
  if (events instanceof Tracer) {
    // Straight from the recorder's columns: no event object is kept.
    const lines = new Array<string>(events.length);
    const first = events.firstSeq;
    for (let i = 0; i < lines.length; i++) lines[i] = events.jsonLine(first + i);
    return head + '\n' + lines.join(',\n') + '\n]}\n';
  }
  return head + '\n' + events.map((e) => JSON.stringify(e)).join(',\n') + '\n]}\n';
}

/**
 * `serializeTrace(scenario, trace)` in pieces of up to `linesPerChunk` events (their
 * concatenation is the same bytes): a writer of a million-event trace never holds the whole
 * file as one string.
 */
export function* serializeTraceChunks(
  scenario: unknown,
  trace: Tracer,
  linesPerChunk = 4096,
): Generator<string, void, undefined> {
  const head = traceHead(scenario);
  const n = trace.length;
  if (n === 0) {
    yield head + ']}\n';
    return;
  }
  const first = trace.firstSeq;
  const step = Math.max(1, linesPerChunk);
  for (let i = 0; i < n; i += step) {
    const end = Math.min(n, i + step);
    const lines = new Array<string>(end - i);
    for (let j = i; j < end; j++) lines[j - i] = trace.jsonLine(first + j);
    // Each chunk starts with the separator that precedes its first line.
    yield (i === 0 ? head + '\n' : ',\n') + lines.join(',\n') + (end === n ? '\n]}\n' : '');
  }
}

function traceHead(scenario: unknown): string {
  return `{"schema":${JSON.stringify(TRACE_SCHEMA)},"scenario":${JSON.stringify(scenario ?? null)},"events":[`;
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
