/**
 * The recorder: engine code reports steps here; it stamps them with seq, virtual time, the
 * running process's op and pipeline, and attaches the media effects recorded since that
 * process's previous event.
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

export type TraceListener = (e: TraceEvent) => void;

export class Tracer {
  readonly events: TraceEvent[] = [];
  private listeners: TraceListener[] = [];
  /** Effects recorded outside any process (setup code); attached to the next event. */
  private looseEffects: Effect[] = [];
  /** When false, events are not kept (benchmarks of raw engine speed); listeners still fire. */
  keep = true;
  private nextSeq = 0;

  constructor(private readonly sim: Sim) {}

  /** Subscribe to events as they are emitted (breakpoints, streaming to the UI). */
  listen(fn: TraceListener): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  /** Record a media/state effect; it rides on the current process's next event. */
  effect(e: Effect): void {
    const cur = this.sim.current;
    if (cur) cur.pendingEffects.push(e);
    else this.looseEffects.push(e);
  }

  enter(step: string, actor: string, detail?: StepDetail): void {
    this.emit('enter', step, actor, detail);
  }

  exit(step: string, actor: string, detail?: StepDetail): void {
    this.emit('exit', step, actor, detail);
  }

  point(step: string, actor: string, detail?: StepDetail): void {
    this.emit('point', step, actor, detail);
  }

  /** Number of events emitted so far (also the seq of the next one). */
  get count(): number {
    return this.nextSeq;
  }

  /**
   * enter/exit/point without a detail object (hot paths: the storage engines' steps). Same
   * event as `enter(step, actor, { data, rc })` etc.; reading fields of many differently shaped
   * detail objects is what makes the general form slower.
   */
  record(phase: Phase, step: string, actor: string, data?: Data, rc?: number): void {
    this.build(phase, step, actor, undefined, data, undefined, rc, undefined);
  }

  private emit(phase: Phase, step: string, actor: string, detail?: StepDetail): void {
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

  /**
   * Hot path: runs for every event. No detail/context objects are allocated, and the event is
   * built as one object literal per combination of optional fields (absent fields stay absent,
   * key order is the contract's), so it is a single allocation with a stable shape.
   */
  private build(
    phase: Phase,
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
    if (!this.keep && this.listeners.length === 0) return; // nobody would see it
    // An empty `effects` list is no effect: the event carries no `effects` field.
    if (extra !== undefined && extra.length > 0) effects = (effects ?? []).concat(extra);
    const t = this.sim.now;
    const op = cur === null ? -1 : cur.ctx.op;
    const pipeline = pipelineOverride ?? (cur === null ? '' : cur.ctx.pipeline);
    let ev: TraceEvent;
    if (caption !== undefined) {
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
    if (this.keep) this.events.push(ev);
    const ls = this.listeners;
    for (let i = 0; i < ls.length; i++) (ls[i] as TraceListener)(ev);
  }
}
