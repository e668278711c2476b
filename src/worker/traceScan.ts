/**
 * Import an `iopath.trace/1` file from its bytes, in the worker, without building event
 * objects: one pass of a validating JSON byte scanner that reads each event's header fields
 * into columns (strings interned straight from their bytes) and records where its `data` and
 * `effects` JSON text sits in the file — the file's bytes become the payload blob the UI
 * decodes from on demand (stored once, referenced).
 *
 * Any key order is accepted. An event the fast path cannot take (escaped keys, odd values, not
 * an object…) is cut out by the scanner and read with JSON.parse, its payloads re-encoded into
 * a side blob. Validation is parseTrace's (src/engine/trace/serialize.ts), with the same
 * precedence: not JSON → `$: not JSON (…)`, then `$: expected an object`, `schema: …`,
 * `events: …`, then the first bad event, `events[i].<field>: …`.
 *
 * Differences from parseTrace, on purpose: keys other than the TraceEvent fields are dropped
 * (the UI store has no column for them), `op` must be an integer (int32 column), and a
 * non-string `caption` is dropped.
 */
import { WIRE_PHASES, type WireBatch } from '../protocol/index.ts';
import type { StringTable } from './batch.ts';

export type ScanResult =
  { ok: true; batch: WireBatch; count: number } | { ok: false; error: string };

const TRACE_SCHEMA = 'iopath.trace/1';
const decoder = new TextDecoder();
const encoder = new TextEncoder();

class SyntaxProblem extends Error {}

// Byte constants.
const QUOTE = 0x22;
const BSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACK = 0x5b;
const RBRACK = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;

/** Field codes of the event keys the fast path knows. */
const K = {
  Other: 0,
  Seq: 1,
  T: 2,
  Pipeline: 3,
  Op: 4,
  Step: 5,
  Phase: 6,
  Actor: 7,
  Caption: 8,
  Data: 9,
  Effects: 10,
  Rc: 11,
} as const;
type K = (typeof K)[keyof typeof K];

const KEYS: [string, K][] = [
  ['seq', K.Seq],
  ['t', K.T],
  ['pipeline', K.Pipeline],
  ['op', K.Op],
  ['step', K.Step],
  ['phase', K.Phase],
  ['actor', K.Actor],
  ['caption', K.Caption],
  ['data', K.Data],
  ['effects', K.Effects],
  ['rc', K.Rc],
];
const KEY_BYTES = KEYS.map(([k, c]) => [encoder.encode(k), c] as const);
const PHASE_BYTES = WIRE_PHASES.map((p) => encoder.encode(p));

/**
 * Strings interned from byte ranges: a hash of the bytes finds earlier occurrences without
 * decoding them again (most events repeat a handful of step/actor/pipeline names).
 */
class ByteInterner {
  private keys = new Int32Array(0); // [off, len, id] triples, id -1 = empty slot
  private mask = 0;
  private used = 0;
  constructor(
    private readonly b: Uint8Array,
    private readonly table: StringTable,
  ) {
    this.resize(4096);
  }
  private resize(cap: number): void {
    const old = this.keys;
    this.keys = new Int32Array(cap * 3).fill(-1);
    this.mask = cap - 1;
    this.used = 0;
    for (let s = 0; s < old.length; s += 3) {
      if ((old[s + 2] as number) >= 0)
        this.put(old[s] as number, old[s + 1] as number, old[s + 2] as number);
    }
  }
  private hash(off: number, len: number): number {
    let h = 0x811c9dc5;
    const b = this.b;
    for (let i = off; i < off + len; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193);
    return h >>> 0;
  }
  private put(off: number, len: number, id: number): void {
    let s = this.hash(off, len) & this.mask;
    while ((this.keys[s * 3 + 2] as number) >= 0) s = (s + 1) & this.mask;
    this.keys[s * 3] = off;
    this.keys[s * 3 + 1] = len;
    this.keys[s * 3 + 2] = id;
    this.used++;
  }
  /** The string id of the (escape-free) bytes b[off, off+len). */
  id(off: number, len: number): number {
    const b = this.b;
    const k = this.keys;
    let s = this.hash(off, len) & this.mask;
    for (;;) {
      const id = k[s * 3 + 2] as number;
      if (id < 0) break;
      if (k[s * 3 + 1] === len) {
        const o = k[s * 3] as number;
        let same = true;
        for (let i = 0; i < len; i++) {
          if (b[o + i] !== b[off + i]) {
            same = false;
            break;
          }
        }
        if (same) return id;
      }
      s = (s + 1) & this.mask;
    }
    const id = this.table.id(decoder.decode(b.subarray(off, off + len)));
    if ((this.used + 1) * 2 > this.mask + 1) this.resize((this.mask + 1) * 2);
    this.put(off, len, id);
    return id;
  }
}

/** Growable columns for the events being scanned. */
class Columns {
  n = 0;
  t: Float64Array;
  op: Int32Array;
  pipeline: Int32Array;
  step: Int32Array;
  actor: Int32Array;
  caption: Int32Array;
  phase: Uint8Array;
  rc: Float64Array;
  blob: Uint8Array;
  dataOff: Uint32Array;
  dataLen: Uint32Array;
  fxOff: Uint32Array;
  fxLen: Uint32Array;
  constructor(cap: number) {
    this.t = new Float64Array(cap);
    this.op = new Int32Array(cap);
    this.pipeline = new Int32Array(cap);
    this.step = new Int32Array(cap);
    this.actor = new Int32Array(cap);
    this.caption = new Int32Array(cap);
    this.phase = new Uint8Array(cap);
    this.rc = new Float64Array(cap);
    this.blob = new Uint8Array(cap);
    this.dataOff = new Uint32Array(cap);
    this.dataLen = new Uint32Array(cap);
    this.fxOff = new Uint32Array(cap);
    this.fxLen = new Uint32Array(cap);
  }
  /** Make room for event `n` (doubling). */
  room(): void {
    if (this.n < this.t.length) return;
    const cap = Math.max(1024, this.t.length * 2);
    const g = <T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    this.t = g(this.t);
    this.op = g(this.op);
    this.pipeline = g(this.pipeline);
    this.step = g(this.step);
    this.actor = g(this.actor);
    this.caption = g(this.caption);
    this.phase = g(this.phase);
    this.rc = g(this.rc);
    this.blob = g(this.blob);
    this.dataOff = g(this.dataOff);
    this.dataLen = g(this.dataLen);
    this.fxOff = g(this.fxOff);
    this.fxLen = g(this.fxLen);
  }
}

/** The side blob: payloads of events read by the JSON.parse fallback. */
class Side {
  parts: Uint8Array[] = [];
  length = 0;
  add(s: string): [number, number] {
    const b = encoder.encode(s);
    this.parts.push(b);
    const off = this.length;
    this.length += b.length;
    return [off, b.length];
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

/** Fields of one event as scanned (before validation in parseTrace's order). */
interface Fields {
  seq: number;
  t: number;
  op: number;
  /** String ids; -1 absent, -2 present but not a string. */
  pipeline: number;
  step: number;
  actor: number;
  caption: number;
  /** Phase code, -1 absent/not a string, -2 a string that is no phase. */
  phase: number;
  rc: number;
  dataOff: number;
  dataLen: number;
  fxOff: number;
  fxLen: number;
  /** effects present but not an array. */
  fxBad: boolean;
}

const NOT_NUMBER = Number.NaN;
/** Marks a number field whose value was not a number (distinct from absent). */
const ABSENT = Number.NEGATIVE_INFINITY;

export interface ScanOptions {
  /** Called every few MiB with bytes scanned so far. */
  onProgress?: (done: number, total: number) => void;
}

export function scanTrace(
  bytes: Uint8Array,
  table: StringTable,
  opts: ScanOptions = {},
): ScanResult {
  const sc = new Scan(bytes, table, opts);
  try {
    return sc.run();
  } catch (e) {
    if (e instanceof SyntaxProblem) return { ok: false, error: `$: not JSON (${e.message})` };
    throw e;
  }
}

class Scan {
  private pos = 0;
  /** The last skipped string had a backslash escape. */
  private escaped = false;
  private readonly interner: ByteInterner;
  private readonly cols: Columns;
  private readonly side = new Side();
  private eventError: string | null = null;
  private nextProgress = 0;
  private readonly f: Fields = {
    seq: ABSENT,
    t: ABSENT,
    op: ABSENT,
    pipeline: -1,
    step: -1,
    actor: -1,
    caption: -1,
    phase: -1,
    rc: ABSENT,
    dataOff: 0,
    dataLen: 0,
    fxOff: 0,
    fxLen: 0,
    fxBad: false,
  };

  constructor(
    private readonly b: Uint8Array,
    private readonly table: StringTable,
    private readonly opts: ScanOptions,
  ) {
    this.interner = new ByteInterner(b, table);
    this.cols = new Columns(Math.max(1024, Math.ceil(b.length / 160)));
  }

  run(): ScanResult {
    const b = this.b;
    this.ws();
    if (b[this.pos] !== LBRACE) {
      this.skipValue();
      this.end();
      return { ok: false, error: '$: expected an object' };
    }
    this.pos++;
    let schema: string | undefined;
    let schemaSeen = false;
    let events: 'absent' | 'array' | 'other' = 'absent';
    this.ws();
    if (b[this.pos] === RBRACE) this.pos++;
    else {
      for (;;) {
        this.ws();
        const key = this.readKeyString();
        this.ws();
        this.expect(COLON);
        this.ws();
        if (key === 'schema') {
          schemaSeen = true;
          if (b[this.pos] === QUOTE) {
            const s = this.pos;
            this.skipString();
            schema = JSON.parse(decoder.decode(b.subarray(s, this.pos))) as string;
          } else {
            schema = undefined;
            this.skipValue();
          }
        } else if (key === 'events') {
          if (b[this.pos] === LBRACK) {
            // A later duplicate "events" wins in JSON.parse; we keep the first (rare enough).
            if (events !== 'array') this.readEvents();
            else this.skipValue();
            events = 'array';
          } else {
            this.skipValue();
            events = 'other';
          }
        } else this.skipValue();
        this.ws();
        if (b[this.pos] === COMMA) {
          this.pos++;
          continue;
        }
        this.expect(RBRACE);
        break;
      }
    }
    this.end();
    if (!schemaSeen || schema !== TRACE_SCHEMA) {
      return { ok: false, error: `schema: expected "${TRACE_SCHEMA}"` };
    }
    if (events !== 'array') return { ok: false, error: 'events: expected an array' };
    if (this.eventError !== null) return { ok: false, error: this.eventError };
    return { ok: true, batch: this.batch(), count: this.cols.n };
  }

  private batch(): WireBatch {
    const c = this.cols;
    const n = c.n;
    const blobs = [this.b];
    if (this.side.length > 0) blobs.push(this.side.bytes());
    return {
      ...this.table.takeDelta(),
      t: c.t.subarray(0, n),
      op: c.op.subarray(0, n),
      pipeline: c.pipeline.subarray(0, n),
      step: c.step.subarray(0, n),
      actor: c.actor.subarray(0, n),
      caption: c.caption.subarray(0, n),
      phase: c.phase.subarray(0, n),
      rc: c.rc.subarray(0, n),
      blobs,
      blob: c.blob.subarray(0, n),
      dataOff: c.dataOff.subarray(0, n),
      dataLen: c.dataLen.subarray(0, n),
      fxOff: c.fxOff.subarray(0, n),
      fxLen: c.fxLen.subarray(0, n),
    };
  }

  // ---------------------------------------------------------------- events

  private readEvents(): void {
    const b = this.b;
    this.pos++; // [
    this.ws();
    if (b[this.pos] === RBRACK) {
      this.pos++;
      return;
    }
    for (let i = 0; ; i++) {
      this.ws();
      if (this.pos >= this.nextProgress) {
        this.opts.onProgress?.(this.pos, b.length);
        this.nextProgress = this.pos + (8 << 20);
      }
      const start = this.pos;
      if (this.eventError !== null) this.skipValue();
      else if (!this.fastEvent(i)) {
        this.pos = start;
        this.skipValue();
        this.slowEvent(i, start, this.pos);
      }
      this.ws();
      if (b[this.pos] === COMMA) {
        this.pos++;
        continue;
      }
      this.expect(RBRACK);
      return;
    }
  }

  /**
   * Read event i at `pos` straight into the columns. Returns false (position undefined) when
   * the event needs the JSON.parse path; a syntax error throws.
   */
  private fastEvent(i: number): boolean {
    const b = this.b;
    if (b[this.pos] !== LBRACE) return false;
    this.pos++;
    const f = this.f;
    f.seq = f.t = f.op = f.rc = ABSENT;
    f.pipeline = f.step = f.actor = f.caption = f.phase = -1;
    f.dataLen = f.fxLen = 0;
    f.fxBad = false;
    this.ws();
    if (b[this.pos] === RBRACE) this.pos++;
    else {
      for (;;) {
        this.ws();
        if (b[this.pos] !== QUOTE) this.fail('expected a key');
        const ks = this.pos + 1;
        this.skipString();
        if (this.escaped) return false;
        const key = keyOf(b, ks, this.pos - 1 - ks);
        this.ws();
        this.expect(COLON);
        this.ws();
        switch (key) {
          case K.Seq:
            f.seq = this.number();
            break;
          case K.T:
            f.t = this.number();
            break;
          case K.Op:
            f.op = this.number();
            break;
          case K.Rc:
            f.rc = this.number();
            break;
          case K.Pipeline:
            f.pipeline = this.stringId();
            break;
          case K.Step:
            f.step = this.stringId();
            break;
          case K.Actor:
            f.actor = this.stringId();
            break;
          case K.Caption:
            f.caption = this.stringId();
            if (f.caption === -2) f.caption = -1;
            break;
          case K.Phase: {
            if (b[this.pos] !== QUOTE) {
              this.skipValue();
              f.phase = -1;
              break;
            }
            const s = this.pos + 1;
            this.skipString();
            f.phase = this.escaped ? -2 : phaseOf(b, s, this.pos - 1 - s);
            if (f.phase === -2 && this.escaped) return false;
            break;
          }
          case K.Data: {
            const s = this.pos;
            this.skipValue();
            f.dataOff = s;
            f.dataLen = this.pos - s;
            break;
          }
          case K.Effects: {
            const s = this.pos;
            f.fxBad = b[s] !== LBRACK;
            this.skipValue();
            f.fxOff = s;
            f.fxLen = this.pos - s;
            break;
          }
          default:
            this.skipValue();
        }
        this.ws();
        if (b[this.pos] === COMMA) {
          this.pos++;
          continue;
        }
        this.expect(RBRACE);
        break;
      }
    }
    // A string field with escapes (-3) goes the slow way.
    if (f.pipeline === -3 || f.step === -3 || f.actor === -3 || f.caption === -3) return false;
    const p = `events[${i}]`;
    const problem =
      f.seq !== i
        ? `${p}.seq: expected ${i}`
        : f.t === ABSENT || Number.isNaN(f.t) || !Number.isFinite(f.t)
          ? `${p}.t: expected a number`
          : f.op === ABSENT || Number.isNaN(f.op)
            ? `${p}.op: expected a number`
            : f.pipeline < 0
              ? `${p}.pipeline: expected a string`
              : f.step < 0
                ? `${p}.step: expected a string`
                : f.actor < 0
                  ? `${p}.actor: expected a string`
                  : f.phase < 0
                    ? `${p}.phase: expected enter, exit or point`
                    : f.fxBad
                      ? `${p}.effects: expected an array`
                      : !Number.isInteger(f.op) || (f.op | 0) !== f.op
                        ? `${p}.op: expected an integer`
                        : null;
    if (problem !== null) {
      this.eventError = problem;
      return true;
    }
    const c = this.cols;
    c.room();
    const n = c.n++;
    c.t[n] = f.t;
    c.op[n] = f.op;
    c.pipeline[n] = f.pipeline;
    c.step[n] = f.step;
    c.actor[n] = f.actor;
    c.caption[n] = f.caption;
    c.phase[n] = f.phase;
    c.rc[n] = f.rc === ABSENT || Number.isNaN(f.rc) ? NaN : f.rc;
    c.blob[n] = 0;
    c.dataOff[n] = f.dataOff;
    c.dataLen[n] = f.dataLen;
    c.fxOff[n] = f.fxOff;
    c.fxLen[n] = f.fxLen;
    return true;
  }

  /** Event i is the JSON text b[s, e): JSON.parse it and validate as parseTrace does. */
  private slowEvent(i: number, s: number, e: number): void {
    const v: unknown = JSON.parse(decoder.decode(this.b.subarray(s, e)));
    const p = `events[${i}]`;
    if (typeof v !== 'object' || v === null) {
      this.eventError = `${p}: expected an object`;
      return;
    }
    const r = v as Record<string, unknown>;
    const bad = (m: string): void => {
      this.eventError = `${p}.${m}`;
    };
    if (r.seq !== i) return bad(`seq: expected ${i}`);
    if (typeof r.t !== 'number' || !Number.isFinite(r.t)) return bad('t: expected a number');
    if (typeof r.op !== 'number') return bad('op: expected a number');
    for (const k of ['pipeline', 'step', 'actor'] as const) {
      if (typeof r[k] !== 'string') return bad(`${k}: expected a string`);
    }
    const phase = (WIRE_PHASES as readonly unknown[]).indexOf(r.phase);
    if (phase < 0) return bad('phase: expected enter, exit or point');
    if (r.effects !== undefined && !Array.isArray(r.effects)) {
      return bad('effects: expected an array');
    }
    if (!Number.isInteger(r.op) || (r.op | 0) !== r.op) {
      return bad('op: expected an integer');
    }
    const c = this.cols;
    c.room();
    const n = c.n++;
    const t = this.table;
    c.t[n] = r.t;
    c.op[n] = r.op;
    c.pipeline[n] = t.id(r.pipeline as string);
    c.step[n] = t.id(r.step as string);
    c.actor[n] = t.id(r.actor as string);
    c.caption[n] = typeof r.caption === 'string' ? t.id(r.caption) : -1;
    c.phase[n] = phase;
    c.rc[n] = typeof r.rc === 'number' ? r.rc : NaN;
    c.blob[n] = 1;
    [c.dataOff[n], c.dataLen[n]] =
      r.data === undefined ? [0, 0] : this.side.add(JSON.stringify(r.data));
    [c.fxOff[n], c.fxLen[n]] =
      r.effects === undefined ? [0, 0] : this.side.add(JSON.stringify(r.effects));
  }

  // ---------------------------------------------------------------- values

  /** A string value's id (-2: not a string, value skipped; -3: has escapes). */
  private stringId(): number {
    const b = this.b;
    if (b[this.pos] !== QUOTE) {
      this.skipValue();
      return -2;
    }
    const s = this.pos + 1;
    this.skipString();
    if (this.escaped) return -3;
    return this.interner.id(s, this.pos - 1 - s);
  }

  /** A number value (NaN: the value is not a number; skipped). */
  private number(): number {
    const b = this.b;
    const s = this.pos;
    const c = b[s] as number;
    if (c !== MINUS && (c < 0x30 || c > 0x39)) {
      this.skipValue();
      return NOT_NUMBER;
    }
    this.skipNumber();
    // Plain non-negative integers (seq, t, op): no string built.
    let v = 0;
    let simple = this.pos - s <= 15;
    for (let i = s; simple && i < this.pos; i++) {
      const d = (b[i] as number) - 0x30;
      if (d < 0 || d > 9) simple = false;
      else v = v * 10 + d;
    }
    return simple ? v : Number(decoder.decode(b.subarray(s, this.pos)));
  }

  // ---------------------------------------------------------------- syntax

  private ws(): void {
    const b = this.b;
    let p = this.pos;
    for (;;) {
      const c = b[p];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  private end(): void {
    this.ws();
    if (this.pos !== this.b.length) this.fail('unexpected data after the document');
  }

  private expect(c: number): void {
    if (this.b[this.pos] !== c) this.fail(`expected '${String.fromCharCode(c)}'`);
    this.pos++;
  }

  private fail(what: string): never {
    const c = this.b[this.pos];
    const got = c === undefined ? 'end of input' : `'${String.fromCharCode(c)}'`;
    throw new SyntaxProblem(`${what}, got ${got} at byte ${this.pos}`);
  }

  private readKeyString(): string {
    if (this.b[this.pos] !== QUOTE) this.fail('expected a key');
    const s = this.pos;
    this.skipString();
    return JSON.parse(decoder.decode(this.b.subarray(s, this.pos))) as string;
  }

  /** Skip a string at pos (on its opening quote); sets `escaped`. */
  private skipString(): void {
    const b = this.b;
    let p = this.pos + 1;
    let esc = false;
    const n = b.length;
    for (;;) {
      if (p >= n) {
        this.pos = p;
        this.fail('unterminated string');
      }
      const c = b[p] as number;
      if (c === QUOTE) break;
      if (c === BSLASH) {
        esc = true;
        const d = b[p + 1];
        if (d === 0x75) {
          for (let k = 2; k < 6; k++) {
            const h = b[p + k] as number;
            const hex =
              (h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66);
            if (!hex) {
              this.pos = p + k;
              this.fail('bad \\u escape');
            }
          }
          p += 6;
          continue;
        }
        if (
          d !== QUOTE &&
          d !== BSLASH &&
          d !== 0x2f &&
          d !== 0x62 &&
          d !== 0x66 &&
          d !== 0x6e &&
          d !== 0x72 &&
          d !== 0x74
        ) {
          this.pos = p + 1;
          this.fail('bad escape');
        }
        p += 2;
        continue;
      }
      if (c < 0x20) {
        this.pos = p;
        this.fail('control character in string');
      }
      p++;
    }
    this.pos = p + 1;
    this.escaped = esc;
  }

  private skipNumber(): void {
    const b = this.b;
    let p = this.pos;
    const digits = (): void => {
      const s = p;
      while ((b[p] as number) >= 0x30 && (b[p] as number) <= 0x39) p++;
      if (p === s) {
        this.pos = p;
        this.fail('expected a digit');
      }
    };
    if (b[p] === MINUS) p++;
    if (b[p] === 0x30) p++;
    else digits();
    if (b[p] === 0x2e) {
      p++;
      digits();
    }
    if (b[p] === 0x65 || b[p] === 0x45) {
      p++;
      if (b[p] === 0x2b || b[p] === MINUS) p++;
      digits();
    }
    this.pos = p;
  }

  private literal(word: string): void {
    const b = this.b;
    for (let k = 0; k < word.length; k++) {
      if (b[this.pos + k] !== word.charCodeAt(k)) {
        this.pos += k;
        this.fail(`expected ${word}`);
      }
    }
    this.pos += word.length;
  }

  /** Skip any JSON value (iterative: deep nesting cannot overflow the stack). */
  private skipValue(): void {
    const b = this.b;
    /** Open containers: true = object. */
    const stack: boolean[] = [];
    for (;;) {
      this.ws();
      // one value
      const c = b[this.pos];
      if (c === QUOTE) this.skipString();
      else if (c === LBRACE || c === LBRACK) {
        this.pos++;
        this.ws();
        const close = c === LBRACE ? RBRACE : RBRACK;
        if (b[this.pos] === close) this.pos++;
        else {
          stack.push(c === LBRACE);
          if (c === LBRACE) this.keyColon();
          continue;
        }
      } else if (c === MINUS || (c !== undefined && c >= 0x30 && c <= 0x39)) this.skipNumber();
      else if (c === 0x74) this.literal('true');
      else if (c === 0x66) this.literal('false');
      else if (c === 0x6e) this.literal('null');
      else this.fail('expected a value');
      // after a value: close containers or move to the next member
      for (;;) {
        if (stack.length === 0) return;
        this.ws();
        const d = b[this.pos];
        const obj = stack[stack.length - 1] as boolean;
        if (d === COMMA) {
          this.pos++;
          if (obj) {
            this.ws();
            this.keyColon();
          }
          break;
        }
        if (d === (obj ? RBRACE : RBRACK)) {
          this.pos++;
          stack.pop();
          continue;
        }
        this.fail(obj ? "expected ',' or '}'" : "expected ',' or ']'");
      }
    }
  }

  private keyColon(): void {
    this.ws();
    if (this.b[this.pos] !== QUOTE) this.fail('expected a key');
    this.skipString();
    this.ws();
    this.expect(COLON);
  }
}

function keyOf(b: Uint8Array, off: number, len: number): K {
  for (const [k, code] of KEY_BYTES) {
    if (k.length !== len) continue;
    let same = true;
    for (let i = 0; i < len; i++) {
      if (b[off + i] !== k[i]) {
        same = false;
        break;
      }
    }
    if (same) return code;
  }
  return K.Other;
}

/** Phase code of the bytes, -2 when they name no phase. */
function phaseOf(b: Uint8Array, off: number, len: number): number {
  for (let p = 0; p < PHASE_BYTES.length; p++) {
    const k = PHASE_BYTES[p] as Uint8Array;
    if (k.length !== len) continue;
    let same = true;
    for (let i = 0; i < len; i++) if (b[off + i] !== k[i]) same = false;
    if (same) return p;
  }
  return -2;
}
