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
import { StringTable } from './batch.ts';

export type ScanResult =
  { ok: true; batch: WireBatch; count: number } | { ok: false; error: string };

const TRACE_SCHEMA = 'iopath.trace/1';
const decoder = new TextDecoder();
const encoder = new TextEncoder();

class SyntaxProblem extends Error {}
/**
 * A scan of a prefix of the file (scanTraceWithPart's `size`) needed a byte past the prefix:
 * not an answer — the caller scans the whole file instead.
 */
class NeedBytes extends Error {}

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

const PHASE_BYTES = WIRE_PHASES.map((p) => encoder.encode(p));

/** dst[at + j] = ids[src[j]] for j < k (-1, no string, stays -1). */
function remap(src: Int32Array, dst: Int32Array, at: number, k: number, ids: Int32Array): void {
  for (let j = 0; j < k; j++) {
    const v = src[j] as number;
    dst[at + j] = v < 0 ? -1 : (ids[v] as number);
  }
}

/** FNV-1a, 32 bit: the interner's hash of a string's bytes. */
const FNV_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

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
    let h = FNV_BASIS;
    const b = this.b;
    for (let i = off; i < off + len; i++) h = Math.imul(h ^ (b[i] as number), FNV_PRIME);
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
    return this.idHashed(off, len, this.hash(off, len));
  }
  /** id() when the caller hashed the bytes already (FNV-1a, as `hash`). */
  idHashed(off: number, len: number, hash: number): number {
    const b = this.b;
    const k = this.keys;
    let s = hash & this.mask;
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
  /** Make room for `need` events (default: one more), doubling. */
  room(need = this.n + 1): void {
    if (need <= this.t.length) return;
    let cap = Math.max(1024, this.t.length * 2);
    while (cap < need) cap *= 2;
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
  addBytes(b: Uint8Array): void {
    this.parts.push(b);
    this.length += b.length;
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

/** Marks a number field that is absent (distinct from NaN: present but not a number). */
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
  return notJson(() => sc.start() as ScanResult);
}

/**
 * The events of a trace from `at` on, scanned by a second thread while the first scans the
 * part before (traceSplit.ts). `bytes` is the file from byte `base` on; `at` (relative) is a
 * guessed event start (splitPoint). Usable only once the first part's scan arrives exactly at
 * `at` between two events: then these are the events the first part's scan would have read
 * from there (same code, same bytes), with `first` the index of the first one.
 */
export interface PartScan {
  /** Absolute byte where the part starts (the guessed event start). */
  at: number;
  /** Absolute byte of the part's bytes[0] (its payload offsets into the file are from there). */
  base: number;
  /** Absolute byte after the events array's ']' (where the whole-file scan carries on). */
  end: number;
  /** Index of the part's first event (read from its `seq`; checked when merged). */
  first: number;
  /** The part's events, strings from id 0 (its own table), payload offsets relative to
   * `base` for blob 0 (the file) and the part's side blob as `blobs[0]` when there is one. */
  batch: WireBatch;
  count: number;
  /** The part's first event problem (indexes absolute), as the whole-file scan words it. */
  eventError: string | null;
  /** Not JSON from `at` on: the whole-file answer (positions absolute). */
  syntaxError: string | null;
  /**
   * The part's own bytes (the file from `base` on; transferred with the part): its events'
   * payloads are read from here (the first part's thread need not hold them), and the whole-
   * file scan reads the rest of the document after the events array from here too.
   */
  bytes: Uint8Array | null;
}

/**
 * Whether b[at…] looks like an event of the events array: a plain event object (every field
 * valid, a non-negative integer seq) followed by ',' or ']'. A cheap check of a guessed start
 * (traceSplit.ts): an object nested in some event's data rarely passes it.
 */
export function isPlainEventAt(bytes: Uint8Array, at: number): boolean {
  try {
    return new Scan(bytes, new StringTable(), {}, 0, Infinity, 0).probe(at);
  } catch (e) {
    if (e instanceof SyntaxProblem) return false;
    throw e;
  }
}

/** Scan the part of a trace from `at` (see PartScan); null when it cannot be used. */
export function scanTracePart(bytes: Uint8Array, base: number, at: number): PartScan | null {
  const table = new StringTable();
  const sc = new Scan(bytes, table, {}, base);
  try {
    return sc.part(at);
  } catch (e) {
    if (!(e instanceof SyntaxProblem)) throw e;
    return {
      at: base + at,
      base,
      end: -1,
      first: -1,
      batch: emptyBatch(),
      count: 0,
      eventError: null,
      syntaxError: `$: not JSON (${e.message})`,
      bytes: null,
    };
  }
}

/**
 * Scan the file, but let `part` (scanned elsewhere, from `split`) stand in for the events
 * from `split` on when this scan reaches `split` exactly at an event start: the answer is the
 * one scanTrace gives (a part that cannot be used is scanned here after all).
 *
 * `bytes` may be only a prefix of the file (`size` bytes in all; it must reach past `split`):
 * the part brings the bytes after it (PartScan.bytes). Then null means the prefix was not
 * enough (the part could not be used, or the guess was inside an event that runs past the
 * prefix): the caller scans the whole file with scanTrace — never a different answer.
 */
export async function scanTraceWithPart(
  bytes: Uint8Array,
  table: StringTable,
  split: number,
  part: Promise<PartScan | null>,
  opts: ScanOptions = {},
  size = bytes.length,
): Promise<ScanResult | null> {
  const sc = new Scan(bytes, table, opts, 0, split, Math.ceil(size / 160), size);
  try {
    const first = notJson(() => sc.start());
    if (first !== null) return first;
    const got = await part;
    return notJson(() => sc.resume(got));
  } catch (e) {
    if (e instanceof NeedBytes) return null;
    throw e;
  }
}

/** Run a scan step; a syntax problem is the `$: not JSON` answer. */
function notJson<T>(f: () => T): T | ScanResult {
  try {
    return f();
  } catch (e) {
    if (e instanceof SyntaxProblem) return { ok: false, error: `$: not JSON (${e.message})` };
    throw e;
  }
}

function emptyBatch(): WireBatch {
  return {
    stringBase: 0,
    strings: [],
    t: new Float64Array(0),
    op: new Int32Array(0),
    pipeline: new Int32Array(0),
    step: new Int32Array(0),
    actor: new Int32Array(0),
    caption: new Int32Array(0),
    phase: new Uint8Array(0),
    rc: new Float64Array(0),
    blobs: [],
    blob: new Uint8Array(0),
    dataOff: new Uint32Array(0),
    dataLen: new Uint32Array(0),
    fxOff: new Uint32Array(0),
    fxLen: new Uint32Array(0),
  };
}

/**
 * The scanner. Speed notes (a 1M-event, 273 MiB trace is the benchmark): the byte loops keep
 * the position in a local and return it (no field write per byte), nothing is allocated per
 * event or per value (the container stack is a reused byte array, the JSON path of an error
 * is only built for the error), and strings are interned from their bytes.
 */
class Scan {
  /** Where a value helper (number, stringId) stopped. */
  private pos = 0;
  /** The last skipped string had a backslash escape. */
  private escaped = false;
  /** Open containers of skipValue (1 = object, 0 = array); grown on demand, never shrunk. */
  private stack = new Uint8Array(64);
  private readonly interner: ByteInterner;
  private readonly cols: Columns;
  /** The bytes the scan started on (blob 0 of the answer); `b` moves to a part's bytes. */
  private readonly file: Uint8Array;
  /** A used part's bytes (blob 2 of the answer: its events' payloads). */
  private partBytes: Uint8Array | null = null;
  /** `b` reaches the end of the file (else a byte past it throws NeedBytes). */
  private complete: boolean;
  private readonly side = new Side();
  private eventError: string | null = null;
  /** Next position to report progress at (or to check `stopAt`: never past it). */
  private nextProgress = 0;
  /** Top-level state (members() runs in two goes when the scan waits for a part). */
  private schema: string | undefined = undefined;
  private schemaSeen = false;
  private events: 'absent' | 'array' | 'other' = 'absent';
  /** Index of the event start() stopped at. */
  private stoppedIndex = -1;
  // The event being read by fastEvent (fields, not locals: the value helpers set them).
  private seq = ABSENT;
  private t = ABSENT;
  private op = ABSENT;
  private rc = ABSENT;
  /** String ids; -1 absent, -2 present but not a string, -3 a string with escapes. */
  private pipelineId = -1;
  private stepId = -1;
  private actorId = -1;
  private captionId = -1;
  /** Phase code, -1 absent/not a string, -2 a string that is no phase. */
  private phase = -1;
  private dataOff = 0;
  private dataLen = 0;
  private fxOff = 0;
  private fxLen = 0;
  /** effects present but not an array. */
  private fxBad = false;

  constructor(
    private b: Uint8Array,
    private readonly table: StringTable,
    private readonly opts: ScanOptions,
    /** Absolute position of b[0] in the file (a part scan's bytes start mid-file). */
    private base = 0,
    /** An event start where start() stops to wait for the part scanned elsewhere. */
    private stopAt = Infinity,
    /** Events to make room for at first (default: a guess from the size, ~160 bytes each). */
    capacity = Math.ceil(b.length / 160),
    /** The file's size (more than base + b.length: `b` is a prefix). */
    private readonly total = base + b.length,
  ) {
    this.interner = new ByteInterner(b, table);
    this.cols = new Columns(Math.max(1024, capacity));
    this.file = b;
    this.complete = base + b.length >= total;
  }

  /**
   * Scan from the top. Returns null when the scan stopped at `stopAt` (an event start in the
   * events array) to wait for the part scanned elsewhere: resume() carries on.
   */
  start(): ScanResult | null {
    const b = this.b;
    let p = ws(b, 0);
    if (b[p] !== LBRACE) {
      this.end(this.skipValue(p));
      return { ok: false, error: '$: expected an object' };
    }
    p = ws(b, p + 1);
    if (b[p] === RBRACE) return this.finish(p + 1);
    return this.members(p, false);
  }

  /**
   * The top-level object's members from p (on a key; or, with `afterValue`, just after the
   * events array), to its '}' and the end; null when the events array stopped at `stopAt`.
   */
  private members(p: number, afterValue: boolean): ScanResult | null {
    const b = this.b;
    for (;;) {
      if (!afterValue) {
        p = ws(b, p);
        if (b[p] !== QUOTE) this.fail(p, 'expected a key');
        const ks = p;
        p = this.skipString(p);
        const key = JSON.parse(decoder.decode(b.subarray(ks, p))) as string;
        p = ws(b, p);
        p = this.expect(p, COLON);
        p = ws(b, p);
        if (key === 'schema') {
          this.schemaSeen = true;
          if (b[p] === QUOTE) {
            const s = p;
            p = this.skipString(p);
            this.schema = JSON.parse(decoder.decode(b.subarray(s, p))) as string;
          } else {
            this.schema = undefined;
            p = this.skipValue(p);
          }
        } else if (key === 'events') {
          if (b[p] === LBRACK) {
            // A later duplicate "events" wins in JSON.parse; we keep the first (rare enough).
            if (this.events !== 'array') {
              this.events = 'array';
              p = ws(b, p + 1);
              if (b[p] === RBRACK) p++;
              else {
                p = this.readEvents(p, 0);
                if (p < 0) return null;
              }
            } else p = this.skipValue(p);
          } else {
            p = this.skipValue(p);
            this.events = 'other';
          }
        } else p = this.skipValue(p);
      }
      afterValue = false;
      p = ws(b, p);
      if (b[p] === COMMA) {
        p++;
        continue;
      }
      return this.finish(this.expect(p, RBRACE));
    }
  }

  /** After the top-level object: nothing but whitespace, then the answer. */
  private finish(p: number): ScanResult {
    this.end(p);
    if (!this.schemaSeen || this.schema !== TRACE_SCHEMA) {
      return { ok: false, error: `schema: expected "${TRACE_SCHEMA}"` };
    }
    if (this.events !== 'array') return { ok: false, error: 'events: expected an array' };
    if (this.eventError !== null) return { ok: false, error: this.eventError };
    return { ok: true, batch: this.batch(), count: this.cols.n };
  }

  /**
   * Carry on after start() stopped at `stopAt` (event `stoppedIndex`): take the part scanned
   * elsewhere when it is the one this scan would read (it started at this very event, its
   * index is this one), else scan on here.
   */
  resume(part: PartScan | null): ScanResult {
    const at = this.stopAt;
    this.stopAt = Infinity;
    if (part !== null && part.at === at) {
      if (part.syntaxError !== null) return { ok: false, error: part.syntaxError };
      if (this.eventError !== null) return this.afterPart(part, false);
      if (part.first === this.stoppedIndex) return this.afterPart(part, true);
    }
    return this.members(this.readEvents(at, this.stoppedIndex), true) as ScanResult;
  }

  /**
   * The part stands in for the events from `stopAt` on (merged unless an earlier event was
   * bad already); the rest of the document, after the events array, is read from the part's
   * bytes. No string is interned after the events array, so the interner (which keeps offsets
   * into the first bytes) is not used with the new ones.
   */
  private afterPart(part: PartScan, merge: boolean): ScanResult {
    if (merge) this.merge(part);
    if (part.bytes === null) return this.members(part.end - this.base, true) as ScanResult;
    this.b = part.bytes;
    this.base = part.base;
    this.complete = true;
    return this.members(part.end - part.base, true) as ScanResult;
  }

  /** Append a usable part's events (its string ids mapped into this table). */
  private merge(part: PartScan): void {
    const src = part.batch;
    const k = part.count;
    const ids = new Int32Array(src.strings.length);
    for (let j = 0; j < ids.length; j++) ids[j] = this.table.id(src.strings[j] as string);
    const sideBase = this.side.length;
    for (const blob of src.blobs) this.side.addBytes(blob);
    const c = this.cols;
    c.room(c.n + k);
    const at = c.n;
    // The part's payloads in the file: read from its own bytes (blob 2) when it brought them.
    const own = part.bytes !== null;
    if (own) this.partBytes = part.bytes;
    // Plain columns in bulk; ids remapped, payload offsets made file-absolute (or moved into
    // this side blob) one by one.
    c.t.set(src.t.subarray(0, k), at);
    c.op.set(src.op.subarray(0, k), at);
    c.phase.set(src.phase.subarray(0, k), at);
    c.rc.set(src.rc.subarray(0, k), at);
    c.dataLen.set(src.dataLen.subarray(0, k), at);
    c.fxLen.set(src.fxLen.subarray(0, k), at);
    remap(src.pipeline, c.pipeline, at, k, ids);
    remap(src.step, c.step, at, k, ids);
    remap(src.actor, c.actor, at, k, ids);
    remap(src.caption, c.caption, at, k, ids);
    const { blob, dataOff, fxOff } = c;
    const fileBase = own ? 0 : part.base;
    const fileBlob = own ? 2 : 0;
    for (let j = 0; j < k; j++) {
      const inFile = src.blob[j] === 0;
      const shift = inFile ? fileBase : sideBase;
      blob[at + j] = inFile ? fileBlob : 1;
      dataOff[at + j] = (src.dataOff[j] as number) + shift;
      fxOff[at + j] = (src.fxOff[j] as number) + shift;
    }
    c.n = at + k;
    this.eventError = part.eventError;
  }

  /** See isPlainEventAt. */
  probe(at: number): boolean {
    const b = this.b;
    if (b[at] !== LBRACE) return false;
    let p = this.fastEvent(-1, at);
    if (p < 0) return false;
    const { seq, t, op } = this;
    const plain =
      Number.isInteger(seq) &&
      seq >= 0 &&
      Number.isFinite(t) &&
      (op | 0) === op &&
      this.pipelineId >= 0 &&
      this.stepId >= 0 &&
      this.actorId >= 0 &&
      this.phase >= 0 &&
      !this.fxBad;
    p = ws(b, p);
    return plain && (b[p] === COMMA || b[p] === RBRACK);
  }

  /**
   * The part scan (scanTracePart): events from `at` (relative) to the events array's ']'.
   * The first event's `seq` gives the index this part starts at; null when there is no such
   * plain first event (the whole-file scan then reads the part itself).
   */
  part(at: number): PartScan | null {
    const b = this.b;
    if (at < 0 || b[at] !== LBRACE) return null;
    // Read the first event once to learn its index (its seq), then for real.
    if (this.fastEvent(-1, at) < 0) return null;
    const first = this.seq;
    if (!Number.isInteger(first) || first < 0) return null;
    this.eventError = null;
    this.cols.n = 0;
    const end = this.readEvents(at, first);
    // The payloads in the file stay there (the whole-file scan has those bytes): only the
    // side blob travels.
    const batch = this.batch();
    batch.blobs = this.side.length > 0 ? [this.side.bytes()] : [];
    return {
      at: this.base + at,
      base: this.base,
      end: this.base + end,
      first,
      batch,
      count: this.cols.n,
      eventError: this.eventError,
      syntaxError: null,
      bytes: b,
    };
  }

  private batch(): WireBatch {
    const c = this.cols;
    const n = c.n;
    // Blob 0 the file (or its prefix), 1 the side blob, 2 a used part's bytes.
    const blobs = [this.file];
    if (this.side.length > 0 || this.partBytes) blobs.push(this.side.bytes());
    if (this.partBytes) blobs.push(this.partBytes);
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

  /**
   * The events array from event `i0` at p (an event start: the array's '[' and whitespace are
   * behind) to its ']'; returns the position after it, or -1 when it stopped at `stopAt`.
   */
  private readEvents(p: number, i0: number): number {
    const b = this.b;
    for (let i = i0; ; i++) {
      p = ws(b, p);
      if (p >= this.nextProgress) {
        if (p >= this.stopAt) {
          if (p === this.stopAt) {
            this.stoppedIndex = i;
            return -1;
          }
          this.stopAt = Infinity; // the guess was inside an event: no part to wait for
        }
        this.opts.onProgress?.(this.base + p, this.total);
        this.nextProgress = Math.min(p + (8 << 20), this.stopAt);
      }
      const start = p;
      if (this.eventError !== null) p = this.skipValue(p);
      else {
        p = this.fastEvent(i, p);
        if (p < 0) {
          p = this.skipValue(start);
          this.slowEvent(i, start, p);
        }
      }
      p = ws(b, p);
      if (b[p] === COMMA) {
        p++;
        continue;
      }
      return this.expect(p, RBRACK);
    }
  }

  /**
   * Read event i at p straight into the columns; returns the position after it, or -1 when
   * the event needs the JSON.parse path. A syntax error throws.
   */
  private fastEvent(i: number, p: number): number {
    const b = this.b;
    if (b[p] !== LBRACE) return -1;
    this.seq = this.t = this.op = this.rc = ABSENT;
    this.pipelineId = this.stepId = this.actorId = this.captionId = this.phase = -1;
    this.dataLen = this.fxLen = 0;
    this.fxBad = false;
    if ((b[++p] as number) <= 0x20) p = ws(b, p);
    if (b[p] === RBRACE) p++;
    else {
      for (;;) {
        if ((b[p] as number) <= 0x20) p = ws(b, p);
        if (b[p] !== QUOTE) this.fail(p, 'expected a key');
        const ks = p + 1;
        let c = b[ks] as number;
        p = ks;
        while (c >= 0x20 && c !== QUOTE && c !== BSLASH) c = b[++p] as number;
        if (c !== QUOTE) return -1; // escaped (or bad): the JSON.parse path decides
        p++;
        const key = keyOf(b, ks, p - 1 - ks);
        if ((b[p] as number) <= 0x20) p = ws(b, p);
        if (b[p] !== COLON) this.fail(p, "expected ':'");
        if ((b[++p] as number) <= 0x20) p = ws(b, p);
        switch (key) {
          case K.Seq:
            this.seq = this.number(p);
            p = this.pos;
            break;
          case K.T:
            this.t = this.number(p);
            p = this.pos;
            break;
          case K.Op:
            this.op = this.number(p);
            p = this.pos;
            break;
          case K.Rc:
            this.rc = this.number(p);
            p = this.pos;
            break;
          case K.Pipeline:
            this.pipelineId = this.stringId(p);
            p = this.pos;
            break;
          case K.Step:
            this.stepId = this.stringId(p);
            p = this.pos;
            break;
          case K.Actor:
            this.actorId = this.stringId(p);
            p = this.pos;
            break;
          case K.Caption:
            this.captionId = this.stringId(p);
            if (this.captionId === -2) this.captionId = -1;
            p = this.pos;
            break;
          case K.Phase: {
            if (b[p] !== QUOTE) {
              p = this.skipValue(p);
              this.phase = -1;
              break;
            }
            const s = p + 1;
            p = this.skipString(p);
            // An escaped phase string may still spell a phase: the JSON.parse path decides.
            if (this.escaped) return -1;
            this.phase = phaseOf(b, s, p - 1 - s);
            break;
          }
          case K.Data:
            this.dataOff = p;
            p = this.skipValue(p);
            this.dataLen = p - this.dataOff;
            break;
          case K.Effects:
            this.fxOff = p;
            this.fxBad = b[p] !== LBRACK;
            p = this.skipValue(p);
            this.fxLen = p - this.fxOff;
            break;
          default:
            p = this.skipValue(p);
        }
        if ((b[p] as number) <= 0x20) p = ws(b, p);
        if (b[p] === COMMA) {
          p++;
          continue;
        }
        p = this.expect(p, RBRACE);
        break;
      }
    }
    // A string field with escapes (-3) goes the slow way.
    if (
      this.pipelineId === -3 ||
      this.stepId === -3 ||
      this.actorId === -3 ||
      this.captionId === -3
    ) {
      return -1;
    }
    const t = this.t;
    const op = this.op;
    if (
      this.seq !== i ||
      !Number.isFinite(t) ||
      !Number.isFinite(op) ||
      this.pipelineId < 0 ||
      this.stepId < 0 ||
      this.actorId < 0 ||
      this.phase < 0 ||
      this.fxBad ||
      (op | 0) !== op
    ) {
      this.eventError = this.problem(i);
      return p;
    }
    const c = this.cols;
    c.room();
    const n = c.n++;
    c.t[n] = t;
    c.op[n] = op;
    c.pipeline[n] = this.pipelineId;
    c.step[n] = this.stepId;
    c.actor[n] = this.actorId;
    c.caption[n] = this.captionId;
    c.phase[n] = this.phase;
    const rc = this.rc;
    c.rc[n] = rc === ABSENT ? NaN : rc;
    c.blob[n] = 0;
    c.dataOff[n] = this.dataOff;
    c.dataLen[n] = this.dataLen;
    c.fxOff[n] = this.fxOff;
    c.fxLen[n] = this.fxLen;
    return p;
  }

  /** The first problem of the event fastEvent just read, in parseTrace's order. */
  private problem(i: number): string {
    const p = `events[${i}]`;
    const { t, op } = this;
    if (this.seq !== i) return `${p}.seq: expected ${i}`;
    if (t === ABSENT || !Number.isFinite(t)) return `${p}.t: expected a number`;
    if (op === ABSENT || Number.isNaN(op)) return `${p}.op: expected a number`;
    if (this.pipelineId < 0) return `${p}.pipeline: expected a string`;
    if (this.stepId < 0) return `${p}.step: expected a string`;
    if (this.actorId < 0) return `${p}.actor: expected a string`;
    if (this.phase < 0) return `${p}.phase: expected enter, exit or point`;
    if (this.fxBad) return `${p}.effects: expected an array`;
    return `${p}.op: expected an integer`;
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

  /**
   * The id of the string value at p (-2: not a string, value skipped; -3: has escapes); sets
   * `pos` after it.
   */
  private stringId(p: number): number {
    const b = this.b;
    if (b[p] !== QUOTE) {
      this.pos = this.skipValue(p);
      return -2;
    }
    // The interner's hash, computed while the string is skipped (one pass over its bytes);
    // anything but plain bytes (an escape, a control character, the end) goes to skipString.
    const s = p + 1;
    let q = s;
    let h = FNV_BASIS;
    let c = b[q] as number;
    while (c >= 0x20 && c !== QUOTE && c !== BSLASH) {
      h = Math.imul(h ^ c, FNV_PRIME);
      c = b[++q] as number;
    }
    if (c !== QUOTE) {
      this.pos = this.skipString(p);
      if (this.escaped) return -3;
      return this.interner.id(s, this.pos - 1 - s);
    }
    this.pos = q + 1;
    return this.interner.idHashed(s, q - s, h >>> 0);
  }

  /**
   * The number value at p (NaN: the value is not a number, skipped); sets `pos` after it.
   * Plain integers (seq, t, op, rc) are read without building a string.
   */
  private number(p: number): number {
    const b = this.b;
    let c = b[p] as number;
    const neg = c === MINUS;
    let q = neg ? p + 1 : p;
    c = b[q] as number;
    if (c < 0x30 || c > 0x39) {
      // Not a number (or a lone '-': skipValue reports it).
      this.pos = this.skipValue(p);
      return NaN;
    }
    // Digits read as they are skipped; a fraction, an exponent, a leading zero or more than
    // 15 digits (past exact doubles) go through skipNumber (validation) and Number().
    let v = 0;
    const s = q;
    while (c >= 0x30 && c <= 0x39) {
      v = v * 10 + (c - 0x30);
      c = b[++q] as number;
    }
    if (c === 0x2e || c === 0x65 || c === 0x45 || q - s > 15 || (b[s] === 0x30 && q - s > 1)) {
      const e = this.skipNumber(p);
      this.pos = e;
      return Number(decoder.decode(b.subarray(p, e)));
    }
    this.pos = q;
    // -0 stays -0 (JSON.parse('-0') is -0).
    return neg ? -v : v;
  }

  // ---------------------------------------------------------------- syntax

  private end(p: number): void {
    p = ws(this.b, p);
    if (p === this.b.length && !this.complete) throw new NeedBytes();
    if (p !== this.b.length) this.fail(p, 'unexpected data after the document');
  }

  private expect(p: number, c: number): number {
    if (this.b[p] !== c) this.fail(p, `expected '${String.fromCharCode(c)}'`);
    return p + 1;
  }

  private fail(p: number, what: string): never {
    // Past the end of a prefix: the bytes that decide are not here (not an answer).
    if (p >= this.b.length && !this.complete) throw new NeedBytes();
    const c = this.b[p];
    const got = c === undefined ? 'end of input' : `'${String.fromCharCode(c)}'`;
    throw new SyntaxProblem(`${what}, got ${got} at byte ${this.base + p}`);
  }

  /**
   * Skip the string at p (on its opening quote); returns the position after its closing quote
   * and sets `escaped`. Plain bytes take a tight loop; an escape is checked, then the loop goes on.
   */
  private skipString(p: number): number {
    const b = this.b;
    const n = b.length;
    let esc = false;
    p++;
    for (;;) {
      // Fast path: bytes that are neither a quote, a backslash nor a control character (past
      // the end, b[p] is undefined and `>= 0x20` false: the loop stops there too).
      let c = b[p] as number;
      while (c >= 0x20 && c !== QUOTE && c !== BSLASH) c = b[++p] as number;
      if (p >= n) this.fail(p, 'unterminated string');
      if (c === QUOTE) break;
      if (c < 0x20) this.fail(p, 'control character in string');
      // A backslash escape.
      esc = true;
      const d = b[p + 1];
      if (d === 0x75) {
        for (let k = 2; k < 6; k++) {
          const h = b[p + k] as number;
          const hex =
            (h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66);
          if (!hex) this.fail(p + k, 'bad \\u escape');
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
        this.fail(p + 1, 'bad escape');
      }
      p += 2;
    }
    this.escaped = esc;
    return p + 1;
  }

  /** Skip the number at p; returns the position after it. */
  private skipNumber(p: number): number {
    const b = this.b;
    if (b[p] === MINUS) p++;
    if (b[p] === 0x30) p++;
    else p = this.digits(p);
    if (b[p] === 0x2e) p = this.digits(p + 1);
    const e = b[p];
    if (e === 0x65 || e === 0x45) {
      p++;
      const s = b[p];
      if (s === 0x2b || s === MINUS) p++;
      p = this.digits(p);
    }
    return p;
  }

  /** One or more digits at p; returns the position after them. */
  private digits(p: number): number {
    const b = this.b;
    const s = p;
    let c = b[p] as number;
    while (c >= 0x30 && c <= 0x39) c = b[++p] as number;
    if (p === s) this.fail(p, 'expected a digit');
    return p;
  }

  private literal(p: number, word: Uint8Array): number {
    const b = this.b;
    for (let k = 0; k < word.length; k++) {
      if (b[p + k] !== word[k]) this.fail(p + k, `expected ${decoder.decode(word)}`);
    }
    return p + word.length;
  }

  /**
   * Skip any JSON value at p (whitespace first); returns the position after it. Iterative over
   * a reused stack, so deep nesting cannot overflow the call stack and nothing is allocated.
   * This is where most bytes of a trace go (data and effects), so the common paths — plain
   * strings, plain integers, no whitespace — are written out inline here rather than called
   * (V8's inlining budget does not reach that far); anything unusual calls the strict helpers.
   */
  private skipValue(p: number): number {
    const b = this.b;
    let stack = this.stack;
    let depth = 0;
    /** The next token is an object key (after '{' or a ',' inside an object). */
    let key = false;
    for (;;) {
      let c = b[p] as number;
      if (c <= 0x20) c = b[(p = ws(b, p))] as number;
      if (key) {
        if (c !== QUOTE) this.fail(p, 'expected a key');
        const q = p;
        c = b[++p] as number;
        while (c >= 0x20 && c !== QUOTE && c !== BSLASH) c = b[++p] as number;
        p = c === QUOTE ? p + 1 : this.skipString(q);
        c = b[p] as number;
        if (c <= 0x20) c = b[(p = ws(b, p))] as number;
        if (c !== COLON) this.fail(p, "expected ':'");
        c = b[++p] as number;
        if (c <= 0x20) c = b[(p = ws(b, p))] as number;
      }
      // one value (`key` is set again before the next token: by '{'/'[' or by a ',')
      if (c === QUOTE) {
        const q = p;
        c = b[++p] as number;
        while (c >= 0x20 && c !== QUOTE && c !== BSLASH) c = b[++p] as number;
        p = c === QUOTE ? p + 1 : this.skipString(q);
      } else if (c >= 0x31 && c <= 0x39) {
        const q = p;
        c = b[++p] as number;
        while (c >= 0x30 && c <= 0x39) c = b[++p] as number;
        if (c === 0x2e || c === 0x65 || c === 0x45) p = this.skipNumber(q);
      } else if (c === LBRACE || c === LBRACK) {
        const close = c === LBRACE ? RBRACE : RBRACK;
        c = b[++p] as number;
        if (c <= 0x20) c = b[(p = ws(b, p))] as number;
        if (c === close) p++;
        else {
          if (depth === stack.length) {
            const grown = new Uint8Array(stack.length * 2);
            grown.set(stack);
            this.stack = stack = grown;
          }
          key = close === RBRACE;
          stack[depth++] = key ? 1 : 0;
          continue;
        }
      } else if (c === MINUS || c === 0x30) p = this.skipNumber(p);
      else if (c === 0x74) p = this.literal(p, TRUE);
      else if (c === 0x66) p = this.literal(p, FALSE);
      else if (c === 0x6e) p = this.literal(p, NULL);
      else this.fail(p, 'expected a value');
      // after a value: close containers or move to the next member
      for (;;) {
        if (depth === 0) return p;
        c = b[p] as number;
        if (c <= 0x20) c = b[(p = ws(b, p))] as number;
        const obj = stack[depth - 1] === 1;
        if (c === COMMA) {
          p++;
          key = obj;
          break;
        }
        if (c === (obj ? RBRACE : RBRACK)) {
          p++;
          depth--;
          continue;
        }
        this.fail(p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
      }
    }
  }
}

const TRUE = encoder.encode('true');
const FALSE = encoder.encode('false');
const NULL = encoder.encode('null');

/** The position of the first non-whitespace byte at or after p. */
function ws(b: Uint8Array, p: number): number {
  let c = b[p] as number;
  // Most calls find no whitespace: one compare (every JSON whitespace byte is <= 0x20).
  while (c <= 0x20 && (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) c = b[++p] as number;
  return p;
}

/**
 * The field code of the key bytes b[off, off+len). Every known key is at most 8 bytes, so its
 * bytes packed little-endian into two int32 words identify it exactly: one or two integer
 * compares instead of a byte loop per candidate (this runs for every key of every event). The
 * bytes past the key (its closing quote, or past the end: undefined, 0 in `|`) are masked off.
 */
function keyOf(b: Uint8Array, off: number, len: number): K {
  if (len > 8 || len === 0) return K.Other;
  let w0 =
    (b[off] as number) |
    ((b[off + 1] as number) << 8) |
    ((b[off + 2] as number) << 16) |
    ((b[off + 3] as number) << 24);
  if (len < 4) w0 &= (1 << (len * 8)) - 1;
  if (len <= 4) {
    switch (w0) {
      case KW_T:
        return K.T;
      case KW_OP:
        return K.Op;
      case KW_RC:
        return K.Rc;
      case KW_SEQ:
        return K.Seq;
      case KW_STEP:
        return K.Step;
      case KW_DATA:
        return K.Data;
      default:
        return K.Other;
    }
  }
  let w1 =
    (b[off + 4] as number) |
    ((b[off + 5] as number) << 8) |
    ((b[off + 6] as number) << 16) |
    ((b[off + 7] as number) << 24);
  if (len < 8) w1 &= (1 << ((len - 4) * 8)) - 1;
  switch (len) {
    case 5:
      return w1 === KW_PHASE[1] && w0 === KW_PHASE[0]
        ? K.Phase
        : w1 === KW_ACTOR[1] && w0 === KW_ACTOR[0]
          ? K.Actor
          : K.Other;
    case 7:
      return w1 === KW_CAPTION[1] && w0 === KW_CAPTION[0]
        ? K.Caption
        : w1 === KW_EFFECTS[1] && w0 === KW_EFFECTS[0]
          ? K.Effects
          : K.Other;
    case 8:
      return w1 === KW_PIPELINE[1] && w0 === KW_PIPELINE[0] ? K.Pipeline : K.Other;
    default:
      return K.Other;
  }
}

/** A key's bytes (ASCII, at most 8) packed little-endian as keyOf packs them: [w0, w1]. */
function packKey(k: string): [number, number] {
  const w = [0, 0];
  for (let i = 0; i < k.length; i++)
    w[i >> 2] = (w[i >> 2] as number) | (k.charCodeAt(i) << ((i & 3) * 8));
  return [w[0] as number, w[1] as number];
}

const KW_T = packKey('t')[0];
const KW_OP = packKey('op')[0];
const KW_RC = packKey('rc')[0];
const KW_SEQ = packKey('seq')[0];
const KW_STEP = packKey('step')[0];
const KW_DATA = packKey('data')[0];
const KW_PHASE = packKey('phase');
const KW_ACTOR = packKey('actor');
const KW_CAPTION = packKey('caption');
const KW_EFFECTS = packKey('effects');
const KW_PIPELINE = packKey('pipeline');

/** Whether b[off…] starts with the bytes of `k`. */
function is(b: Uint8Array, off: number, k: Uint8Array): boolean {
  for (let i = 0; i < k.length; i++) if (b[off + i] !== k[i]) return false;
  return true;
}

/** Phase code of the bytes, -2 when they name no phase. */
function phaseOf(b: Uint8Array, off: number, len: number): number {
  for (let p = 0; p < PHASE_BYTES.length; p++) {
    const k = PHASE_BYTES[p] as Uint8Array;
    if (k.length === len && is(b, off, k)) return p;
  }
  return -2;
}
