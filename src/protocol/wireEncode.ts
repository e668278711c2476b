/**
 * Event batches on the wire (protocol v2, wire.ts): the encoder the worker uses (here, not in
 * src/worker, so UI tests can build real batches). It owns
 * the stream's string table (interning pipeline/step/actor/caption), so each batch carries
 * only the strings it introduces; `data`/`effects` are JSON-stringified once into one UTF-8
 * blob per batch. A new load starts a new encoder (the UI clears its table on `loaded`).
 */
import type { TraceEvent } from '../engine/index.ts';
import { WIRE_PHASES, type WireBatch } from './wire.ts';

/**
 * The platform's TextEncoder (worker, page and Node all have one; src/protocol compiles
 * without DOM types, hence the structural type).
 */
interface Utf8Encoder {
  encodeInto(s: string, into: Uint8Array): { written: number };
}
const encoder = new (globalThis as unknown as { TextEncoder: new () => Utf8Encoder }).TextEncoder();

/** A string table both ends grow in the same order. */
export class StringTable {
  private readonly ids = new Map<string, number>();
  private pending: string[] = [];
  private size = 0;

  id(s: string): number {
    let k = this.ids.get(s);
    if (k === undefined) {
      k = this.size++;
      this.ids.set(s, k);
      this.pending.push(s);
    }
    return k;
  }

  /** The strings added since the last call, and the id of the first of them. */
  takeDelta(): { stringBase: number; strings: string[] } {
    const strings = this.pending;
    this.pending = [];
    return { stringBase: this.size - strings.length, strings };
  }
}

export function phaseCode(p: string): number {
  const k = (WIRE_PHASES as readonly string[]).indexOf(p);
  if (k < 0) throw new Error(`bad phase ${p}`);
  return k;
}

/** Growable byte sink for the payload blob. */
class ByteSink {
  bytes = new Uint8Array(1 << 16);
  length = 0;
  /** Append the UTF-8 of `s`; returns its byte range. */
  write(s: string): [number, number] {
    const need = this.length + s.length * 3;
    if (need > this.bytes.length) {
      let cap = this.bytes.length * 2;
      while (cap < need) cap *= 2;
      const b = new Uint8Array(cap);
      b.set(this.bytes.subarray(0, this.length));
      this.bytes = b;
    }
    const off = this.length;
    const { written } = encoder.encodeInto(s, this.bytes.subarray(off));
    this.length += written;
    return [off, written];
  }
}

export class BatchEncoder {
  readonly strings = new StringTable();

  encode(events: readonly TraceEvent[]): WireBatch {
    const n = events.length;
    const b: WireBatch = {
      stringBase: 0,
      strings: [],
      t: new Float64Array(n),
      op: new Int32Array(n),
      pipeline: new Int32Array(n),
      step: new Int32Array(n),
      actor: new Int32Array(n),
      caption: new Int32Array(n),
      phase: new Uint8Array(n),
      rc: new Float64Array(n),
      blobs: [],
      blob: new Uint8Array(n),
      dataOff: new Uint32Array(n),
      dataLen: new Uint32Array(n),
      fxOff: new Uint32Array(n),
      fxLen: new Uint32Array(n),
    };
    const sink = new ByteSink();
    const st = this.strings;
    for (let i = 0; i < n; i++) {
      const e = events[i] as TraceEvent;
      b.t[i] = e.t;
      b.op[i] = e.op;
      b.pipeline[i] = st.id(e.pipeline);
      b.step[i] = st.id(e.step);
      b.actor[i] = st.id(e.actor);
      b.caption[i] = e.caption === undefined ? -1 : st.id(e.caption);
      b.phase[i] = phaseCode(e.phase);
      b.rc[i] = e.rc === undefined ? NaN : e.rc;
      if (e.data !== undefined) [b.dataOff[i], b.dataLen[i]] = sink.write(JSON.stringify(e.data));
      if (e.effects !== undefined) {
        [b.fxOff[i], b.fxLen[i]] = sink.write(JSON.stringify(e.effects));
      }
    }
    b.blobs.push(sink.bytes.slice(0, sink.length));
    Object.assign(b, st.takeDelta());
    return b;
  }
}

/**
 * The reverse, for tests and tools: event objects from batches of one stream, in order
 * (`table` is the stream's string table so far; pass the same array for every batch).
 * The UI does not use it — its store keeps the columns and decodes payloads on demand.
 */
export function decodeWireBatch(b: WireBatch, table: string[]): TraceEvent[] {
  if (b.stringBase !== table.length) {
    throw new Error(`string table out of step: got ${b.stringBase}, have ${table.length}`);
  }
  table.push(...b.strings);
  const text = new (globalThis as unknown as { TextDecoder: new () => Utf8Decoder }).TextDecoder();
  const payload = (blob: number, off: number, len: number): unknown =>
    JSON.parse(text.decode((b.blobs[blob] as Uint8Array).subarray(off, off + len)));
  const out: TraceEvent[] = [];
  for (let i = 0; i < b.t.length; i++) {
    const e: TraceEvent = {
      seq: 0,
      t: b.t[i] as number,
      pipeline: table[b.pipeline[i] as number] as string,
      op: b.op[i] as number,
      step: table[b.step[i] as number] as string,
      phase: WIRE_PHASES[b.phase[i] as number] ?? 'point',
      actor: table[b.actor[i] as number] as string,
    };
    const c = b.caption[i] as number;
    if (c >= 0) e.caption = table[c];
    const blob = b.blob[i] as number;
    if ((b.dataLen[i] as number) > 0) {
      e.data = payload(blob, b.dataOff[i] as number, b.dataLen[i] as number) as TraceEvent['data'];
    }
    if ((b.fxLen[i] as number) > 0) {
      e.effects = payload(
        blob,
        b.fxOff[i] as number,
        b.fxLen[i] as number,
      ) as TraceEvent['effects'];
    }
    if (!Number.isNaN(b.rc[i])) e.rc = b.rc[i];
    out.push(e);
  }
  return out;
}

interface Utf8Decoder {
  decode(b: Uint8Array): string;
}
