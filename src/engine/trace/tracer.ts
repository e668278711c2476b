/**
 * The recorder: engine code reports steps here; it stamps them with seq, virtual time, the
 * running process's op and pipeline, and attaches the media effects recorded since that
 * process's previous event.
 *
 * Events are stored in columns (trace/README.md), not as one object each: a run records tens of
 * events per IO, and one retained object per event (plus its garbage-collector work) was most
 * of the cost of tracing. Strings (pipeline, step, actor) are interned into one name table;
 * numbers live in growable typed arrays; `data`, `effects` and `caption` are references in
 * packed side lists (never copied). The seq of a kept event is its row plus `firstSeq`.
 *
 * `events` still gives the contract's `TraceEvent[]`, built lazily: each read materializes only
 * the events recorded since the previous read, into one cached array. Hot readers use the
 * accessors (`stepAt(seq)` …) and `listenSeq`, which never build an event object.
 */
import type { Sim } from '../core/sim.ts';
import type { Effect, Json, Phase, TraceEvent } from './event.ts';

/**
 * Compact effects (`Tracer.effectRec`): the media effects recorded on every store, flush and
 * drain (~100 per VOS update) travel as five numbers instead of an object, and are stored in
 * typed-array effect rows; `effectsAt`/`events` build the same `Effect` objects (same keys in
 * the same order) when someone reads them. Each code fixes the effect's kind and shape:
 */
export const EFF_SCM_WRITE = 0; // {kind:'scm.write', dev, off, len}
export const EFF_SCM_FLUSH = 1; // {kind:'scm.flush', dev, off, len, lines}
export const EFF_SCM_DRAIN = 2; // {kind:'scm.drain', dev, lines}
export const EFF_TX_ADD = 3; // {kind:'tx.add', dev, off, len}
export const EFF_TX_BEGIN = 4; // {kind:'tx.begin', dev}
export const EFF_TX_COMMIT = 5; // {kind:'tx.commit', dev}
export const EFF_SCM_ALLOC = 6; // {kind:'alloc', media:'scm', dev, off, len}
export const EFF_SCM_RESERVE = 7; // {kind:'reserve', media:'scm', dev, off, len}
export const EFF_SCM_FREE = 8; // {kind:'free', media:'scm', dev, off, len}
export const EFF_SCM_CANCEL = 9; // {kind:'cancel', media:'scm', dev, off, len}
/** Effect row holding an object effect (its index in the object list is in the off column). */
const EFF_OBJ = 255;
const EFF_KINDS = [
  'scm.write',
  'scm.flush',
  'scm.drain',
  'tx.add',
  'tx.begin',
  'tx.commit',
  'alloc',
  'reserve',
  'free',
  'cancel',
] as const;

/** The Effect object of compact effect `code` (keys in the order the object form had). */
function compactEffect(code: number, dev: string, off: number, len: number, lines: number): Effect {
  const kind = EFF_KINDS[code] as string;
  switch (code) {
    case EFF_SCM_WRITE:
    case EFF_TX_ADD:
      return { kind, dev, off, len };
    case EFF_SCM_FLUSH:
      return { kind, dev, off, len, lines };
    case EFF_SCM_DRAIN:
      return { kind, dev, lines };
    case EFF_TX_BEGIN:
    case EFF_TX_COMMIT:
      return { kind, dev };
    default:
      return { kind, media: 'scm', dev, off, len };
  }
}

/** The `data` of an event. */
export type Data = { [key: string]: Json };

export interface StepDetail {
  data?: Data;
  caption?: string;
  effects?: Effect[];
  rc?: number;
  /** Override the process's pipeline for this event. */
  pipeline?: string;
}

/** Sees each event as a contract object (built for it: costs an allocation per event). */
export type TraceListener = (e: TraceEvent) => void;
/** Sees the seq of each new event; read its fields with the Tracer's accessors (no allocation). */
export type TraceSeqListener = (seq: number) => void;

/** Phase codes of the `flags` column (bits 0–1). */
const ENTER = 0;
const EXIT = 1;
const POINT = 2;
const PHASES: readonly Phase[] = ['enter', 'exit', 'point'];
/** Flag bit: the event has an rc (the rc column holds it). */
const HAS_RC = 4;
/** Side-list index of an absent data/effects/caption. */
const NONE = -1;

function phaseCode(p: Phase): number {
  return p === 'enter' ? ENTER : p === 'exit' ? EXIT : POINT;
}

/** Read-only views of the kept events' columns (row r is the event with seq firstSeq + r). */
export interface TraceColumns {
  readonly length: number;
  readonly firstSeq: number;
  /** Virtual ns. */
  readonly t: Float64Array;
  readonly op: Int32Array;
  /** Ids into `names`. */
  readonly pipeline: Int32Array;
  readonly step: Int32Array;
  readonly actor: Int32Array;
  /** Bits 0–1: phase (0 enter, 1 exit, 2 point); bit 2: has rc. */
  readonly flags: Uint8Array;
  readonly names: readonly string[];
}

export class Tracer {
  private seqListeners: TraceSeqListener[] = [];
  private objListeners: TraceListener[] = [];
  /** seqListeners.length + objListeners.length (one read on the hot path). */
  private listenerCount = 0;
  /**
   * Effects recorded outside any process (setup code); attached to the next event. Like a
   * process's `pendingEffects`: Effect objects, and compact effects as five numbers each
   * (code, dev id, off, len, lines).
   */
  private looseEffects: unknown[] = [];
  private keeping = true;
  private nextSeq = 0;

  // --- name table (pipeline, step and actor strings share it) ---
  private readonly nameIds = new Map<string, number>();
  private readonly nameList: string[] = [];
  /** One-entry caches: consecutive events mostly share pipeline and actor. */
  private lastPipeline = '';
  private lastPipelineId = -1;
  private lastActor = '';
  private lastActorId = -1;

  // --- columns; rows [0, rows) are kept, row `rows` is scratch when not keeping ---
  private cap = 1024;
  private rows = 0;
  /** Seq of row 0. */
  private base = 0;
  /** Seq of the event in the scratch row (recorded while not keeping, for listeners). */
  private scratchSeq = -1;
  private tCol = new Float64Array(this.cap);
  private opCol = new Int32Array(this.cap);
  private pipeCol = new Int32Array(this.cap);
  private stepCol = new Int32Array(this.cap);
  private actorCol = new Int32Array(this.cap);
  private flagCol = new Uint8Array(this.cap);
  private rcCol = new Float64Array(this.cap);
  /** Indexes into the side lists (NONE: absent). */
  private dataIx = new Int32Array(this.cap);
  /** First effect row of the event (NONE: no effects) and how many rows. */
  private effIx = new Int32Array(this.cap);
  private effN = new Int32Array(this.cap);
  private capIx = new Int32Array(this.cap);
  // Side lists: packed (no holes); the kept part is [0, *Len), a scratch entry may follow.
  private dataList: Data[] = [];
  private capList: string[] = [];
  private dataLen = 0;
  private capLen = 0;

  // --- effect rows: one per effect of a kept event, in event order ---
  private effCap = 4096;
  /** Kept effect rows are [0, effRows); the scratch event's rows may follow. */
  private effRows = 0;
  private effCode = new Uint8Array(this.effCap);
  private effDev = new Int32Array(this.effCap);
  /** off, or for an EFF_OBJ row the index into effObjList. */
  private effOff = new Float64Array(this.effCap);
  private effLen = new Float64Array(this.effCap);
  private effLines = new Float64Array(this.effCap);
  /** Object effects (kept part [0, effObjLen)). */
  private effObjList: Effect[] = [];
  private effObjLen = 0;
  /** Effect arrays built for readers, by event row (so repeated reads give the same array). */
  private effBuilt = new Map<number, Effect[]>();
  /** Device names of compact effects, by id. */
  private readonly devIds = new Map<string, number>();
  private readonly devList: string[] = [];
  private lastDev = '';
  private lastDevId = -1;

  /** The materialized events of rows [0, mat.length) (see `events`). */
  private mat: TraceEvent[] = [];
  /** Events built by `eventAt` for rows past the cache, by row (moved into `mat` by `events`). */
  private readonly ahead = new Map<number, TraceEvent>();

  constructor(private readonly sim: Sim) {}

  /**
   * When false, events are not kept (benchmarks of raw engine speed); listeners still fire.
   * Turning keeping back on after events were dropped starts a new window: the events kept
   * before are dropped too (rows are always a contiguous range of seqs).
   */
  get keep(): boolean {
    return this.keeping;
  }

  set keep(v: boolean) {
    if (v && !this.keeping && this.base + this.rows !== this.nextSeq) this.clear();
    this.keeping = v;
  }

  /** Drop every kept event (memory stays flat across benchmark runs); seqs keep counting. */
  clear(): void {
    this.base = this.nextSeq;
    this.rows = 0;
    this.scratchSeq = -1;
    this.dataList = [];
    this.capList = [];
    this.dataLen = this.capLen = 0;
    this.effRows = 0;
    this.effObjList = [];
    this.effObjLen = 0;
    this.effBuilt = new Map();
    this.mat = [];
    this.ahead.clear();
  }

  /** Subscribe to events as contract objects (each event is materialized for it). */
  listen(fn: TraceListener): () => void {
    this.objListeners.push(fn);
    this.listenerCount++;
    return () => {
      const before = this.objListeners.length;
      this.objListeners = this.objListeners.filter((l) => l !== fn);
      this.listenerCount -= before - this.objListeners.length;
    };
  }

  /** Subscribe to the seqs of new events (cheap: read fields with `stepAt(seq)` …). */
  listenSeq(fn: TraceSeqListener): () => void {
    this.seqListeners.push(fn);
    this.listenerCount++;
    return () => {
      const before = this.seqListeners.length;
      this.seqListeners = this.seqListeners.filter((l) => l !== fn);
      this.listenerCount -= before - this.seqListeners.length;
    };
  }

  /** Record a media/state effect; it rides on the current process's next event. */
  effect(e: Effect): void {
    const cur = this.sim.current;
    if (cur) cur.pendingEffects.push(e);
    else this.looseEffects.push(e);
  }

  /**
   * Record a compact effect (`EFF_*` code; fields the code's shape does not have are ignored):
   * the same effect as `effect({kind, …})`, without an object per effect.
   */
  effectRec(code: number, dev: string, off: number, len: number, lines: number): void {
    let id = this.lastDevId;
    if (dev !== this.lastDev || id < 0) {
      const known = this.devIds.get(dev);
      if (known === undefined) {
        id = this.devList.length;
        this.devList.push(dev);
        this.devIds.set(dev, id);
      } else id = known;
      this.lastDev = dev;
      this.lastDevId = id;
    }
    const cur = this.sim.current;
    const list = cur ? cur.pendingEffects : this.looseEffects;
    list.push(code, id, off, len, lines);
  }

  enter(step: string, actor: string, detail?: StepDetail): void {
    this.emit(ENTER, step, actor, detail);
  }

  exit(step: string, actor: string, detail?: StepDetail): void {
    this.emit(EXIT, step, actor, detail);
  }

  point(step: string, actor: string, detail?: StepDetail): void {
    this.emit(POINT, step, actor, detail);
  }

  /** Number of events emitted so far (also the seq of the next one). */
  get count(): number {
    return this.nextSeq;
  }

  /** Number of kept events (`events.length`, without materializing). */
  get length(): number {
    return this.rows;
  }

  /** Seq of the first kept event (0 unless `clear()` or `keep` dropped some). */
  get firstSeq(): number {
    return this.base;
  }

  /**
   * enter/exit/point without a detail object (hot paths: the storage engines' steps). Same
   * event as `enter(step, actor, { data, rc })` etc.
   */
  record(phase: Phase, step: string, actor: string, data?: Data, rc?: number): void {
    this.build(phaseCode(phase), step, actor, undefined, data, undefined, rc, undefined);
  }

  private emit(phase: number, step: string, actor: string, detail?: StepDetail): void {
    if (detail === undefined) {
      this.build(phase, step, actor, undefined, undefined, undefined, undefined, undefined);
      return;
    }
    this.build(
      phase,
      step,
      actor,
      detail.caption,
      detail.data,
      detail.effects,
      detail.rc,
      detail.pipeline,
    );
  }

  private intern(s: string): number {
    let id = this.nameIds.get(s);
    if (id === undefined) {
      id = this.nameList.length;
      this.nameList.push(s);
      this.nameIds.set(s, id);
    }
    return id;
  }

  /** Double every column's capacity (amortized O(1) per event; typed arrays cannot grow). */
  private grow(): void {
    const cap = this.cap * 2;
    const f64 = (a: Float64Array<ArrayBuffer>) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array<ArrayBuffer>) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const u8 = new Uint8Array(cap);
    u8.set(this.flagCol);
    this.tCol = f64(this.tCol);
    this.rcCol = f64(this.rcCol);
    this.opCol = i32(this.opCol);
    this.pipeCol = i32(this.pipeCol);
    this.stepCol = i32(this.stepCol);
    this.actorCol = i32(this.actorCol);
    this.dataIx = i32(this.dataIx);
    this.effIx = i32(this.effIx);
    this.effN = i32(this.effN);
    this.capIx = i32(this.capIx);
    this.flagCol = u8;
    this.cap = cap;
  }

  /** Make room for `n` more effect rows after row `at`. */
  private growEffects(at: number, n: number): void {
    let cap = this.effCap;
    while (at + n > cap) cap *= 2;
    if (cap === this.effCap) return;
    const u8 = new Uint8Array(cap);
    u8.set(this.effCode);
    this.effCode = u8;
    const dev = new Int32Array(cap);
    dev.set(this.effDev);
    this.effDev = dev;
    const f64 = (a: Float64Array<ArrayBuffer>) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.effOff = f64(this.effOff);
    this.effLen = f64(this.effLen);
    this.effLines = f64(this.effLines);
    this.effCap = cap;
  }

  /**
   * Append a pending list (objects, and compact effects as five numbers) as effect rows from
   * row `at`; returns the next free row. Object effects go to the object list from `obj`
   * (`this.effObjLen` is advanced by the caller when the event is kept).
   */
  private appendEffects(list: readonly unknown[], at: number, objAt: number): number {
    const n = list.length;
    this.growEffects(at, n);
    const code = this.effCode;
    const dev = this.effDev;
    const off = this.effOff;
    const len = this.effLen;
    const lines = this.effLines;
    let r = at;
    let o = objAt;
    for (let i = 0; i < n;) {
      const x = list[i];
      if (typeof x === 'number') {
        code[r] = x;
        dev[r] = list[i + 1] as number;
        off[r] = list[i + 2] as number;
        len[r] = list[i + 3] as number;
        lines[r] = list[i + 4] as number;
        i += 5;
      } else {
        code[r] = EFF_OBJ;
        off[r] = o;
        this.effObjList[o++] = x as Effect;
        i++;
      }
      r++;
    }
    this.objCursor = o;
    return r;
  }

  /** Where the next object effect goes (set by appendEffects). */
  private objCursor = 0;

  /**
   * Hot path: runs for every event. Writes one row of numbers and at most two references
   * (effects are copied into the effect rows); allocates nothing unless a column grows.
   */
  private build(
    phase: number,
    step: string,
    actor: string,
    caption: string | undefined,
    data: Data | undefined,
    extra: Effect[] | undefined,
    rc: number | undefined,
    pipelineOverride: string | undefined,
  ): void {
    const cur = this.sim.current;
    const seq = this.nextSeq++;
    const loose = this.looseEffects;
    const pending = cur === null ? null : cur.pendingEffects;
    const keep = this.keeping;
    if (!keep && this.listenerCount === 0) {
      // nobody would see it; its effects are consumed all the same
      if (loose.length > 0) loose.length = 0;
      if (pending !== null && pending.length > 0) pending.length = 0;
      return;
    }

    // Not keeping: the event goes to the scratch row after the kept ones, for the listeners.
    const row = this.rows;
    if (row === this.cap) this.grow();
    this.tCol[row] = this.sim.now;
    this.opCol[row] = cur === null ? -1 : cur.ctx.op;
    const pipeline = pipelineOverride ?? (cur === null ? '' : cur.ctx.pipeline);
    if (pipeline !== this.lastPipeline || this.lastPipelineId < 0) {
      this.lastPipeline = pipeline;
      this.lastPipelineId = this.intern(pipeline);
    }
    this.pipeCol[row] = this.lastPipelineId;
    this.stepCol[row] = this.intern(step);
    if (actor !== this.lastActor || this.lastActorId < 0) {
      this.lastActor = actor;
      this.lastActorId = this.intern(actor);
    }
    this.actorCol[row] = this.lastActorId;
    if (rc === undefined) {
      this.flagCol[row] = phase;
    } else {
      this.flagCol[row] = phase | HAS_RC;
      this.rcCol[row] = rc;
    }
    if (data === undefined) this.dataIx[row] = NONE;
    else {
      const k = this.dataLen;
      this.dataIx[row] = k;
      this.dataList[k] = data;
      if (keep) this.dataLen = k + 1;
    }
    // Effects: loose ones (setup code), then the process's, then the event's own. An empty
    // list is no effect: the event carries no `effects` field.
    const hasExtra = extra !== undefined && extra.length > 0;
    if (loose.length === 0 && (pending === null || pending.length === 0) && !hasExtra) {
      this.effIx[row] = NONE;
    } else {
      const start = this.effRows;
      let r = start;
      this.objCursor = this.effObjLen;
      if (loose.length > 0) {
        r = this.appendEffects(loose, r, this.objCursor);
        loose.length = 0;
      }
      if (pending !== null && pending.length > 0) {
        r = this.appendEffects(pending, r, this.objCursor);
        pending.length = 0;
      }
      if (hasExtra) r = this.appendEffects(extra, r, this.objCursor);
      this.effIx[row] = start;
      this.effN[row] = r - start;
      if (keep) {
        this.effRows = r;
        this.effObjLen = this.objCursor;
      }
    }
    if (caption === undefined) this.capIx[row] = NONE;
    else {
      const k = this.capLen;
      this.capIx[row] = k;
      this.capList[k] = caption;
      if (keep) this.capLen = k + 1;
    }
    if (keep) this.rows = row + 1;
    else this.scratchSeq = seq;

    if (this.listenerCount === 0) return;
    const sl = this.seqListeners;
    for (let i = 0; i < sl.length; i++) (sl[i] as TraceSeqListener)(seq);
    const ol = this.objListeners;
    if (ol.length === 0) return;
    const ev = this.eventAt(seq);
    for (let i = 0; i < ol.length; i++) (ol[i] as TraceListener)(ev);
  }

  /** The effects of event row `r` as objects (built on first read, then the same array). */
  private effectsOfRow(r: number): Effect[] | undefined {
    const start = this.effIx[r] as number;
    if (start === NONE) return undefined;
    if (r >= this.rows) return this.buildEffects(r); // the scratch row: rewritten by the next event
    let out = this.effBuilt.get(r);
    if (out !== undefined) return out;
    out = this.buildEffects(r);
    this.effBuilt.set(r, out);
    return out;
  }

  /** Build the Effect objects of event row `r` (which has effects). */
  private buildEffects(r: number): Effect[] {
    const start = this.effIx[r] as number;
    const end = start + (this.effN[r] as number);
    const out: Effect[] = [];
    for (let i = start; i < end; i++) {
      const code = this.effCode[i] as number;
      if (code === EFF_OBJ) out.push(this.effObjList[this.effOff[i] as number] as Effect);
      else
        out.push(
          compactEffect(
            code,
            this.devList[this.effDev[i] as number] as string,
            this.effOff[i] as number,
            this.effLen[i] as number,
            this.effLines[i] as number,
          ),
        );
    }
    return out;
  }

  // --- reading ---

  /** Row of `seq`: a kept row, or the scratch row of the event being delivered. */
  private rowOf(seq: number): number {
    const r = seq - this.base;
    if (r >= 0 && r < this.rows) return r;
    if (seq === this.scratchSeq && seq >= 0) return this.rows;
    throw new RangeError(`trace: event ${seq} is not kept`);
  }

  /** True when the event `seq` can be read (kept, or being delivered to listeners). */
  has(seq: number): boolean {
    const r = seq - this.base;
    return (r >= 0 && r < this.rows) || (seq === this.scratchSeq && seq >= 0);
  }

  tAt(seq: number): number {
    return this.tCol[this.rowOf(seq)] as number;
  }

  opAt(seq: number): number {
    return this.opCol[this.rowOf(seq)] as number;
  }

  pipelineAt(seq: number): string {
    return this.nameList[this.pipeCol[this.rowOf(seq)] as number] as string;
  }

  stepAt(seq: number): string {
    return this.nameList[this.stepCol[this.rowOf(seq)] as number] as string;
  }

  actorAt(seq: number): string {
    return this.nameList[this.actorCol[this.rowOf(seq)] as number] as string;
  }

  phaseAt(seq: number): Phase {
    return PHASES[(this.flagCol[this.rowOf(seq)] as number) & 3] as Phase;
  }

  rcAt(seq: number): number | undefined {
    const r = this.rowOf(seq);
    return ((this.flagCol[r] as number) & HAS_RC) === 0 ? undefined : this.rcCol[r];
  }

  dataAt(seq: number): Data | undefined {
    const k = this.dataIx[this.rowOf(seq)] as number;
    return k === NONE ? undefined : this.dataList[k];
  }

  effectsAt(seq: number): Effect[] | undefined {
    return this.effectsOfRow(this.rowOf(seq));
  }

  captionAt(seq: number): string | undefined {
    const k = this.capIx[this.rowOf(seq)] as number;
    return k === NONE ? undefined : this.capList[k];
  }

  /** Views of the kept rows' columns (valid until the next event is recorded). */
  columns(): TraceColumns {
    const n = this.rows;
    return {
      length: n,
      firstSeq: this.base,
      t: this.tCol.subarray(0, n),
      op: this.opCol.subarray(0, n),
      pipeline: this.pipeCol.subarray(0, n),
      step: this.stepCol.subarray(0, n),
      actor: this.actorCol.subarray(0, n),
      flags: this.flagCol.subarray(0, n),
      names: this.nameList,
    };
  }

  /**
   * The event `seq` as a contract object: the cached one when `events` already holds it (same
   * object), else built now (cached too when it is the next one to cache).
   */
  eventAt(seq: number): TraceEvent {
    const r = this.rowOf(seq);
    const mat = this.mat;
    if (r < mat.length) return mat[r] as TraceEvent;
    if (r >= this.rows) return this.materialize(r); // scratch row: never part of `events`
    if (r === mat.length) {
      const ev = this.materialize(r);
      mat.push(ev);
      return ev;
    }
    // Ahead of the cache (a breakpoint hit in a long unread run): built alone, and remembered
    // so that `events` later holds this same object.
    let ev = this.ahead.get(r);
    if (ev === undefined) {
      ev = this.materialize(r);
      this.ahead.set(r, ev);
    }
    return ev;
  }

  /**
   * All kept events as contract objects (do not mutate). Lazy and incremental: a read builds
   * only the events recorded since the previous read, into the same cached array (so a
   * reference held across more recording is stale until `events` is read again).
   */
  get events(): TraceEvent[] {
    const mat = this.mat;
    const n = this.rows;
    if (this.ahead.size === 0) {
      for (let r = mat.length; r < n; r++) mat.push(this.materialize(r));
    } else {
      for (let r = mat.length; r < n; r++) mat.push(this.ahead.get(r) ?? this.materialize(r));
      this.ahead.clear();
    }
    return mat;
  }

  /**
   * One event object, keys in the contract's order, absent fields absent. `cacheEffects`:
   * remember the built effects array (false for one-off serialization).
   */
  private materialize(r: number, cacheEffects = true): TraceEvent {
    const names = this.nameList;
    const seq = r < this.rows ? this.base + r : this.scratchSeq;
    const t = this.tCol[r] as number;
    const pipeline = names[this.pipeCol[r] as number] as string;
    const op = this.opCol[r] as number;
    const step = names[this.stepCol[r] as number] as string;
    const flags = this.flagCol[r] as number;
    const phase = PHASES[flags & 3] as Phase;
    const actor = names[this.actorCol[r] as number] as string;
    const ci = this.capIx[r] as number;
    const di = this.dataIx[r] as number;
    const data = di === NONE ? undefined : (this.dataList[di] as Data);
    const effects = cacheEffects
      ? this.effectsOfRow(r)
      : (this.effIx[r] as number) === NONE
        ? undefined
        : (this.effBuilt.get(r) ?? this.buildEffects(r));
    const rc = (flags & HAS_RC) === 0 ? undefined : (this.rcCol[r] as number);
    // One object literal per combination of optional fields: a stable shape per combination.
    let ev: TraceEvent;
    if (ci !== NONE) {
      const caption = this.capList[ci] as string;
      ev = { seq, t, pipeline, op, step, phase, actor, caption };
      if (data !== undefined) ev.data = data;
      if (effects !== undefined) ev.effects = effects;
      if (rc !== undefined) ev.rc = rc;
    } else if (data !== undefined) {
      if (effects !== undefined)
        ev =
          rc === undefined
            ? { seq, t, pipeline, op, step, phase, actor, data, effects }
            : { seq, t, pipeline, op, step, phase, actor, data, effects, rc };
      else
        ev =
          rc === undefined
            ? { seq, t, pipeline, op, step, phase, actor, data }
            : { seq, t, pipeline, op, step, phase, actor, data, rc };
    } else if (effects !== undefined) {
      ev =
        rc === undefined
          ? { seq, t, pipeline, op, step, phase, actor, effects }
          : { seq, t, pipeline, op, step, phase, actor, effects, rc };
    } else {
      ev =
        rc === undefined
          ? { seq, t, pipeline, op, step, phase, actor }
          : { seq, t, pipeline, op, step, phase, actor, rc };
    }
    return ev;
  }

  /**
   * The event `seq` as one line of JSON (`JSON.stringify(eventAt(seq))`) without caching the
   * object: serializing a long trace leaves no event objects behind. (Measured: V8's
   * JSON.stringify of a whole event is faster than concatenating the line from the columns.)
   */
  jsonLine(seq: number): string {
    const r = this.rowOf(seq);
    return JSON.stringify(r < this.mat.length ? this.mat[r] : this.materialize(r, false));
  }
}
