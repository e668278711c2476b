/**
 * The loaded trace, outside React state, stored by column: typed arrays for the header fields
 * (t, op, phase, rc), ids into one interned string table for pipeline/step/actor/caption, and
 * `data`/`effects` kept as the UTF-8 JSON bytes they arrived in (blobs from the worker; for an
 * imported file, the file's own bytes), decoded only when a reader asks for that event's
 * payload (a small cache keeps the last few). No event objects are held: `get(i)` builds one on
 * demand with lazy `data`/`effects` properties, in the engine's key order, so JSON.stringify
 * of it is the event's `iopath.trace/1` line.
 *
 * Batches (protocol v2 WireBatch) append in place; the store only keeps `count` and a
 * version in React state so components re-render once per batch.
 */
import type { EventList } from '../derive/eventList.ts';
import {
  WIRE_PHASES,
  wireCount,
  type Effect,
  type Json,
  type TraceEvent,
  type WireBatch,
} from '../../protocol/index.ts';

type Column = Float64Array | Int32Array | Uint32Array | Uint8Array;

function grown<T extends Column>(a: T, need: number): T {
  if (need <= a.length) return a;
  let cap = Math.max(1024, a.length * 2);
  while (cap < need) cap *= 2;
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}

/**
 * Payloads decoded recently — bounded, oldest dropped first. Big enough that the idle warmer's
 * derivations, advancing side by side, decode each window of the trace once, not once each.
 */
const PAYLOAD_CACHE = 8192;
/** Materialized events kept so readers of the same index share one object. */
const EVENT_CACHE = 256;

const decoder = new TextDecoder();

export class TraceStore implements EventList {
  private n = 0;
  t: Float64Array = new Float64Array(0);
  op: Int32Array = new Int32Array(0);
  pipeline: Int32Array = new Int32Array(0);
  step: Int32Array = new Int32Array(0);
  actor: Int32Array = new Int32Array(0);
  caption: Int32Array = new Int32Array(0);
  phase: Uint8Array = new Uint8Array(0);
  rc: Float64Array = new Float64Array(0);
  blobOf: Uint32Array = new Uint32Array(0);
  dataOff: Uint32Array = new Uint32Array(0);
  dataLen: Uint32Array = new Uint32Array(0);
  fxOff: Uint32Array = new Uint32Array(0);
  fxLen: Uint32Array = new Uint32Array(0);
  /** The interned string table (ids as the worker assigned them). */
  strings: string[] = [];
  private blobs: Uint8Array[] = [];
  /** Event indexes where a new op starts (the first event whose `op` differs from its predecessor's). */
  readonly opStarts: number[] = [];
  /** distinct(field) answers, valid while `length` is `distinctAt`. */
  private distinctCache = new Map<string, readonly string[]>();
  private distinctAt = -1;
  private eventCache = new Map<number, TraceEvent>();
  private payloads = new Map<number, Json>();
  identity: object = {};

  get length(): number {
    return this.n;
  }

  clear(): void {
    this.n = 0;
    this.strings = [];
    this.blobs = [];
    this.opStarts.length = 0;
    this.distinctCache.clear();
    this.distinctAt = -1;
    this.eventCache.clear();
    this.payloads.clear();
    this.identity = {};
  }

  /** Append a batch that must start at `first` (batches arrive in order). */
  append(first: number, b: WireBatch): void {
    if (first !== this.n) {
      throw new Error(`trace batch out of order: got first=${first}, have ${this.n}`);
    }
    if (b.stringBase !== this.strings.length) {
      throw new Error(`string table out of step: got ${b.stringBase}, have ${this.strings.length}`);
    }
    for (const s of b.strings) this.strings.push(s);
    const k = wireCount(b);
    const at = this.n;
    const need = at + k;
    if (at === 0 && k > 0) {
      // The first batch (a whole imported file arrives as one): adopt its columns, no copy.
      this.t = b.t;
      this.op = b.op;
      this.pipeline = b.pipeline;
      this.step = b.step;
      this.actor = b.actor;
      this.caption = b.caption;
      this.phase = b.phase;
      this.rc = b.rc;
      this.dataOff = b.dataOff;
      this.dataLen = b.dataLen;
      this.fxOff = b.fxOff;
      this.fxLen = b.fxLen;
      this.blobOf = new Uint32Array(k);
      for (let i = 0; i < k; i++) this.blobOf[i] = b.blob[i] as number;
    } else {
      this.t = grown(this.t, need);
      this.t.set(b.t, at);
      this.op = grown(this.op, need);
      this.op.set(b.op, at);
      this.pipeline = grown(this.pipeline, need);
      this.pipeline.set(b.pipeline, at);
      this.step = grown(this.step, need);
      this.step.set(b.step, at);
      this.actor = grown(this.actor, need);
      this.actor.set(b.actor, at);
      this.caption = grown(this.caption, need);
      this.caption.set(b.caption, at);
      this.phase = grown(this.phase, need);
      this.phase.set(b.phase, at);
      this.rc = grown(this.rc, need);
      this.rc.set(b.rc, at);
      this.dataOff = grown(this.dataOff, need);
      this.dataOff.set(b.dataOff, at);
      this.dataLen = grown(this.dataLen, need);
      this.dataLen.set(b.dataLen, at);
      this.fxOff = grown(this.fxOff, need);
      this.fxOff.set(b.fxOff, at);
      this.fxLen = grown(this.fxLen, need);
      this.fxLen.set(b.fxLen, at);
      this.blobOf = grown(this.blobOf, need);
      const base = this.blobs.length;
      for (let i = 0; i < k; i++) this.blobOf[at + i] = base + (b.blob[i] as number);
    }
    for (const blob of b.blobs) this.blobs.push(blob);
    const op = this.op;
    for (let i = at; i < need; i++) if (i === 0 || op[i - 1] !== op[i]) this.opStarts.push(i);
    this.n = need;
  }

  // ------------------------------------------------------------------ column readers

  stepOf(i: number): string | undefined {
    return i >= 0 && i < this.n ? this.strings[this.step[i] as number] : undefined;
  }
  pipelineOf(i: number): string | undefined {
    return i >= 0 && i < this.n ? this.strings[this.pipeline[i] as number] : undefined;
  }
  actorOf(i: number): string | undefined {
    return i >= 0 && i < this.n ? this.strings[this.actor[i] as number] : undefined;
  }
  opOf(i: number): number | undefined {
    return i >= 0 && i < this.n ? this.op[i] : undefined;
  }
  hasEffects(i: number): boolean {
    return i >= 0 && i < this.n && (this.fxLen[i] as number) > 0;
  }

  /** Distinct values of a header field, first-seen order: one pass over an int column. */
  distinct(field: 'actor' | 'pipeline' | 'step'): readonly string[] {
    if (this.distinctAt !== this.n) {
      this.distinctCache.clear();
      this.distinctAt = this.n;
    }
    let d = this.distinctCache.get(field);
    if (!d) {
      const col = this[field];
      const seen = new Uint8Array(this.strings.length);
      const out: string[] = [];
      for (let i = 0; i < this.n; i++) {
        const id = col[i] as number;
        if (seen[id] === 0) {
          seen[id] = 1;
          out.push(this.strings[id] as string);
        }
      }
      d = out;
      this.distinctCache.set(field, d);
    }
    return d;
  }

  /**
   * Whether event i's `effects` JSON contains the ASCII bytes of `needle` — a scan of the raw
   * bytes, no decoding: a cheap pre-filter before effects(i) when a view looks back through
   * many events for one kind of effect (JSON.stringify never escapes ASCII letters).
   */
  effectsMention(i: number, needle: Uint8Array): boolean {
    if (i < 0 || i >= this.n) return false;
    const len = this.fxLen[i] as number;
    if (len === 0 || len < needle.length) return false;
    const off = this.fxOff[i] as number;
    const blob = this.blobs[this.blobOf[i] as number] as Uint8Array;
    const first = needle[0];
    const end = off + len - needle.length;
    outer: for (let p = off; p <= end; p++) {
      if (blob[p] !== first) continue;
      for (let k = 1; k < needle.length; k++) if (blob[p + k] !== needle[k]) continue outer;
      return true;
    }
    return false;
  }

  /**
   * Event i's `effects` as the UTF-8 JSON bytes it arrived in — a view into the store's blob,
   * not a copy (read-only) — or undefined when it has none. Lets indexes scan effects without
   * decoding them (derive/effectKinds.ts).
   */
  effectsBytes(i: number): Uint8Array | undefined {
    return this.rawPayload(i, this.fxOff, this.fxLen);
  }

  /** Event i's `data` as its raw UTF-8 JSON bytes (a read-only view), like effectsBytes. */
  dataBytes(i: number): Uint8Array | undefined {
    return this.rawPayload(i, this.dataOff, this.dataLen);
  }

  /** Event i's payload bytes at (offs[i], lens[i]) in its blob (a view), or undefined. */
  private rawPayload(
    i: number,
    offs: ArrayLike<number>,
    lens: ArrayLike<number>,
  ): Uint8Array | undefined {
    if (i < 0 || i >= this.n) return undefined;
    const len = lens[i] as number;
    if (len === 0) return undefined;
    const off = offs[i] as number;
    return (this.blobs[this.blobOf[i] as number] as Uint8Array).subarray(off, off + len);
  }

  // ------------------------------------------------------------------ payloads

  /** The event's `data`, decoded now (cached). */
  data(i: number): TraceEvent['data'] {
    return this.payload(i, false) as TraceEvent['data'];
  }

  /** The event's `effects`, decoded now (cached). */
  effects(i: number): Effect[] | undefined {
    return this.payload(i, true) as Effect[] | undefined;
  }

  private payload(i: number, fx: boolean): Json | undefined {
    if (i < 0 || i >= this.n) return undefined;
    const len = (fx ? this.fxLen[i] : this.dataLen[i]) as number;
    if (len === 0) return undefined;
    const key = fx ? -1 - i : i;
    const hit = this.payloads.get(key);
    if (hit !== undefined) return hit;
    const off = (fx ? this.fxOff[i] : this.dataOff[i]) as number;
    const blob = this.blobs[this.blobOf[i] as number] as Uint8Array;
    const v = JSON.parse(decoder.decode(blob.subarray(off, off + len))) as Json;
    if (this.payloads.size >= PAYLOAD_CACHE) {
      const oldest = this.payloads.keys().next().value as number;
      this.payloads.delete(oldest);
    }
    this.payloads.set(key, v);
    return v;
  }

  // ------------------------------------------------------------------ events

  /** Event i as a TraceEvent (`data`/`effects` decode on first read); undefined out of range. */
  get(i: number): TraceEvent | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.n) return undefined;
    let e = this.eventCache.get(i);
    if (e) return e;
    e = this.materialize(i);
    if (this.eventCache.size >= EVENT_CACHE) {
      const oldest = this.eventCache.keys().next().value as number;
      this.eventCache.delete(oldest);
    }
    this.eventCache.set(i, e);
    return e;
  }

  /** Same as get(i) (the old TraceBuffer name). */
  at(i: number): TraceEvent | undefined {
    return this.get(i);
  }

  private materialize(i: number): TraceEvent {
    const s = this.strings;
    const e: TraceEvent = {
      seq: i,
      t: this.t[i] as number,
      pipeline: s[this.pipeline[i] as number] as string,
      op: this.op[i] as number,
      step: s[this.step[i] as number] as string,
      phase: WIRE_PHASES[this.phase[i] as number] ?? 'point',
      actor: s[this.actor[i] as number] as string,
    };
    const c = this.caption[i] as number;
    if (c >= 0) e.caption = s[c];
    // Lazy own enumerable properties: spread, JSON.stringify and structured clone read them
    // like plain fields, but nothing is decoded until someone does.
    if ((this.dataLen[i] as number) > 0) lazy(e, 'data', () => this.data(i));
    if ((this.fxLen[i] as number) > 0) lazy(e, 'effects', () => this.effects(i));
    const rc = this.rc[i] as number;
    if (!Number.isNaN(rc)) e.rc = rc;
    return e;
  }

  /**
   * Event i for folds (reducers, log extractors): header fields as plain properties and
   * `data`/`effects` as prototype getters (decoded on read) — far cheaper to build than get(i),
   * but spread/JSON.stringify do not see the payloads. Not cached, not for keeping.
   */
  foldEvent(i: number): TraceEvent | undefined {
    if (i < 0 || i >= this.n) return undefined;
    const s = this.strings;
    const c = this.caption[i] as number;
    const rc = this.rc[i] as number;
    return new FoldEvent(
      this,
      i,
      this.t[i] as number,
      s[this.pipeline[i] as number] as string,
      this.op[i] as number,
      s[this.step[i] as number] as string,
      WIRE_PHASES[this.phase[i] as number] ?? 'point',
      s[this.actor[i] as number] as string,
      c >= 0 ? s[c] : undefined,
      Number.isNaN(rc) ? undefined : rc,
    );
  }

  /** Every event as objects (export, save): builds them all — not for per-frame use. */
  toArray(): TraceEvent[] {
    const out = new Array<TraceEvent>(this.n);
    for (let i = 0; i < this.n; i++) {
      const e = this.materialize(i);
      // Plain values (exports keep no reference to the store).
      if (e.data !== undefined)
        Object.defineProperty(e, 'data', { value: e.data, enumerable: true, writable: true });
      if (e.effects !== undefined)
        Object.defineProperty(e, 'effects', { value: e.effects, enumerable: true, writable: true });
      out[i] = e;
    }
    return out;
  }
}

/** See TraceStore.foldEvent. */
class FoldEvent {
  constructor(
    private readonly store: TraceStore,
    readonly seq: number,
    readonly t: number,
    readonly pipeline: string,
    readonly op: number,
    readonly step: string,
    readonly phase: TraceEvent['phase'],
    readonly actor: string,
    readonly caption: string | undefined,
    readonly rc: number | undefined,
  ) {}
  get data(): TraceEvent['data'] {
    return this.store.data(this.seq);
  }
  get effects(): Effect[] | undefined {
    return this.store.effects(this.seq);
  }
}

function lazy(e: TraceEvent, key: 'data' | 'effects', read: () => unknown): void {
  let v: unknown;
  let done = false;
  Object.defineProperty(e, key, {
    enumerable: true,
    configurable: true,
    get() {
      if (!done) {
        v = read();
        done = true;
      }
      return v;
    },
  });
}
