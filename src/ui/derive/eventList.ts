/**
 * What trace readers take: a read-only, indexable list of events. The page's columnar store
 * (ui/state/traceStore.ts) implements it without holding event objects — `get(i)` materializes
 * event i on demand, its `data`/`effects` decoded only when read. Tests and small callers pass
 * a plain `TraceEvent[]`; `eventList()` wraps it.
 */
import type { Effect, TraceEvent } from '../../protocol/index.ts';

export interface EventList {
  readonly length: number;
  /** Event i (undefined outside 0…length-1). */
  get(i: number): TraceEvent | undefined;
  /**
   * Changes when a different trace is loaded (appending keeps it): derivations reset on it.
   * For a plain array it is the first event, as it always was.
   */
  readonly identity: unknown;
  /** Header-only readers (no object built): the store has them; arrays fall back to get(i). */
  stepOf?(i: number): string | undefined;
  pipelineOf?(i: number): string | undefined;
  actorOf?(i: number): string | undefined;
  opOf?(i: number): number | undefined;
  /**
   * Event i for a fold (reducers, log extractors): may be a lighter object than get(i) — its
   * `data`/`effects` are read through getters — valid only for reading during the call.
   */
  foldEvent?(i: number): TraceEvent | undefined;
  /** False when event i has no `effects` (lets scans skip decoding). */
  hasEffects?(i: number): boolean;
  /** Event i's `effects` as raw UTF-8 JSON (read-only view), for indexes that scan bytes. */
  effectsBytes?(i: number): Uint8Array | undefined;
  /** Event i's `data` as raw UTF-8 JSON (read-only view): pre-filters scan it undecoded. */
  dataBytes?(i: number): Uint8Array | undefined;
  /** Distinct values of a header field over the whole trace, when known without a scan. */
  distinct?(field: 'actor' | 'pipeline' | 'step'): readonly string[];
}

/** Either form a reader accepts. */
export type Events = EventList | readonly TraceEvent[];

class ArrayEvents implements EventList {
  constructor(private readonly a: readonly TraceEvent[]) {}
  get length(): number {
    return this.a.length;
  }
  get(i: number): TraceEvent | undefined {
    return this.a[i];
  }
  get identity(): unknown {
    return this.a[0];
  }
}

const wrapped = new WeakMap<readonly TraceEvent[], EventList>();

export function eventList(x: Events): EventList {
  if (!Array.isArray(x)) return x as EventList;
  const arr = x as readonly TraceEvent[];
  let w = wrapped.get(arr);
  if (!w) {
    w = new ArrayEvents(arr);
    wrapped.set(arr, w);
  }
  return w;
}

/** Event i for a fold (the store's light object, else get(i)). */
export const foldEventOf = (l: EventList, i: number): TraceEvent | undefined =>
  l.foldEvent ? l.foldEvent(i) : l.get(i);

const utf8 = new TextDecoder();

/**
 * Event i's effects decoded afresh from the raw bytes when the list has them (no payload cache:
 * a fold reads each event once, and caching thousands of decoded arrays only to drop them
 * makes the garbage collector promote and re-scan them), else from the event object.
 */
export function effectsOf(l: EventList, i: number): readonly Effect[] | undefined {
  if (l.effectsBytes) {
    const raw = l.effectsBytes(i);
    return raw ? (JSON.parse(utf8.decode(raw)) as Effect[]) : undefined;
  }
  return l.get(i)?.effects;
}

/** Whether event i may have effects (true when the list cannot tell without building it). */
export const mayHaveEffects = (l: EventList, i: number): boolean =>
  l.hasEffects ? l.hasEffects(i) : l.get(i)?.effects !== undefined;

/** Header readers with the array fallback. */
export const stepOf = (l: EventList, i: number): string | undefined =>
  l.stepOf ? l.stepOf(i) : l.get(i)?.step;
export const pipelineOf = (l: EventList, i: number): string | undefined =>
  l.pipelineOf ? l.pipelineOf(i) : l.get(i)?.pipeline;
export const actorOf = (l: EventList, i: number): string | undefined =>
  l.actorOf ? l.actorOf(i) : l.get(i)?.actor;
export const opOf = (l: EventList, i: number): number | undefined =>
  l.opOf ? l.opOf(i) : l.get(i)?.op;

/** Distinct values of a header field, first-seen order (a scan only for plain arrays). */
export function distinctOf(l: EventList, field: 'actor' | 'pipeline' | 'step'): readonly string[] {
  if (l.distinct) return l.distinct(field);
  const seen = new Set<string>();
  for (let i = 0; i < l.length; i++) {
    const e = l.get(i);
    if (e) seen.add(e[field]);
  }
  return [...seen];
}

const ascii = new TextEncoder();

/** `"key"` as the bytes a JSON object key is written with (for mayHaveDataKey). */
export const jsonKey = (key: string): Uint8Array => ascii.encode(`"${key}":`);

/**
 * Whether event i's `data` may hold one of `keys` (from jsonKey): a scan of the raw bytes when
 * the list has them (no decoding — JSON.stringify never escapes ASCII key names), else true.
 * A filter, never the answer: a hit inside a string value only costs a decode.
 */
export function mayHaveDataKey(l: EventList, i: number, keys: readonly Uint8Array[]): boolean {
  if (!l.dataBytes) return l.get(i)?.data !== undefined;
  const raw = l.dataBytes(i);
  if (!raw) return false;
  // One pass over the quotes (every key starts with one) for all keys at once.
  for (let p = raw.indexOf(0x22); p >= 0; p = raw.indexOf(0x22, p + 1)) {
    const c = raw[p + 1];
    keys: for (const k of keys) {
      if (k[1] !== c || p + k.length > raw.length) continue;
      for (let j = 2; j < k.length; j++) if (raw[p + j] !== k[j]) continue keys;
      return true;
    }
  }
  return false;
}
