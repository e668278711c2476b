/**
 * The recorder: engine code reports steps here; it stamps them with seq, virtual time, the
 * running process's op and pipeline, and attaches the media effects recorded since that
 * process's previous event.
 */
import type { Sim } from '../core/sim.ts';
import type { Effect, Json, Phase, TraceEvent } from './event.ts';

export interface StepDetail {
  data?: { [key: string]: Json };
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

  private emit(phase: Phase, step: string, actor: string, detail?: StepDetail): void {
    const cur = this.sim.current;
    const ctx = cur?.ctx ?? { op: -1, pipeline: '' };
    const ev: TraceEvent = {
      seq: this.nextSeq++,
      t: this.sim.now,
      pipeline: detail?.pipeline ?? ctx.pipeline,
      op: ctx.op,
      step,
      phase,
      actor,
    };
    if (detail?.caption !== undefined) ev.caption = detail.caption;
    if (detail?.data !== undefined) ev.data = detail.data;
    let effects: Effect[] = [];
    if (this.looseEffects.length > 0) {
      effects = this.looseEffects;
      this.looseEffects = [];
    }
    if (cur && cur.pendingEffects.length > 0) {
      effects = effects.concat(cur.pendingEffects as Effect[]);
      cur.pendingEffects = [];
    }
    if (detail?.effects) effects = effects.concat(detail.effects);
    if (effects.length > 0) ev.effects = effects;
    if (detail?.rc !== undefined) ev.rc = detail.rc;
    if (this.keep) this.events.push(ev);
    for (const l of this.listeners) l(ev);
  }
}
