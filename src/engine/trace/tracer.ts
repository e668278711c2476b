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
  /** Effects recorded outside any process (setup code); attached to the next event. */
  private looseEffects: Effect[] = [];
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
  private effIx = new Int32Array(this.cap);
  private capIx = new Int32Array(this.cap);
  // Side lists: packed (no holes); the kept part is [0, *Len), a scratch entry may follow.
  private dataList: Data[] = [];
  private effList: Effect[][] = [];
  private capList: string[] = [];
  private dataLen = 0;
  private effLen = 0;
  private capLen = 0;

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
    this.effList = [];
    this.capList = [];
    this.dataLen = this.effLen = this.capLen = 0;
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
    this.capIx = i32(this.capIx);
    this.flagCol = u8;
    this.cap = cap;
  }

  /**
   * Hot path: runs for every event. Writes one row of numbers and at most three references;
   * allocates nothing unless a column grows (or effects from two sources are merged).
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
    let effects: Effect[] | undefined;
    if (this.looseEffects.length > 0) {
      effects = this.looseEffects;
      this.looseEffects = [];
    }
    if (cur !== null && cur.pendingEffects.length > 0) {
      const pe = cur.pendingEffects as Effect[];
      effects = effects === undefined ? pe : effects.concat(pe);
      cur.pendingEffects = [];
    }
    const keep = this.keeping;
    if (!keep && this.listenerCount === 0) return; // nobody would see it
    // An empty `effects` list is no effect: the event carries no `effects` field.
    if (extra !== undefined && extra.length > 0) effects = (effects ?? []).concat(extra);

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
    if (effects === undefined) this.effIx[row] = NONE;
    else {
      const k = this.effLen;
      this.effIx[row] = k;
      this.effList[k] = effects;
      if (keep) this.effLen = k + 1;
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
    const k = this.effIx[this.rowOf(seq)] as number;
    return k === NONE ? undefined : this.effList[k];
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

  /** One event object, keys in the contract's order, absent fields absent. */
  private materialize(r: number): TraceEvent {
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
    const ei = this.effIx[r] as number;
    const data = di === NONE ? undefined : (this.dataList[di] as Data);
    const effects = ei === NONE ? undefined : (this.effList[ei] as Effect[]);
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
    return JSON.stringify(r < this.mat.length ? this.mat[r] : this.materialize(r));
  }
}
