/**
 * Run control over the event stream: break on a step id or on a predicate over an event.
 * The engine stops between queue entries (Sim.requestStop), never in the middle of one, so
 * a break leaves the model in a consistent state.
 */
import type { Sim } from '../core/sim.ts';
import type { TraceEvent } from './event.ts';
import type { Tracer } from './tracer.ts';

export type Breakpoint =
  { step: string; actor?: string; phase?: TraceEvent['phase'] } | ((e: TraceEvent) => boolean);

export function matches(bp: Breakpoint, e: TraceEvent): boolean {
  if (typeof bp === 'function') return bp(e);
  return (
    e.step === bp.step &&
    (bp.actor === undefined || bp.actor === e.actor) &&
    (bp.phase === undefined || bp.phase === e.phase)
  );
}

/**
 * `matches` on the recorder's event `seq` without building it: a step breakpoint reads the
 * columns; only a predicate breakpoint gets the event object.
 */
export function matchesAt(bp: Breakpoint, trace: Tracer, seq: number): boolean {
  if (typeof bp === 'function') return bp(trace.eventAt(seq));
  return (
    trace.stepAt(seq) === bp.step &&
    (bp.actor === undefined || bp.actor === trace.actorAt(seq)) &&
    (bp.phase === undefined || bp.phase === trace.phaseAt(seq))
  );
}

/** Stops the sim when an event matches a breakpoint, or after a number of events. */
export class StepGate {
  private breakpoints: Breakpoint[] = [];
  private budget: number | undefined;
  /** The event that caused the last stop. */
  hit: TraceEvent | undefined;

  constructor(sim: Sim, tracer: Tracer) {
    tracer.listenSeq((seq) => {
      if (this.budget !== undefined) {
        this.budget--;
        if (this.budget <= 0) {
          this.budget = undefined;
          this.hit = tracer.eventAt(seq);
          sim.requestStop();
          return;
        }
      }
      if (this.breakpoints.some((bp) => matchesAt(bp, tracer, seq))) {
        this.hit = tracer.eventAt(seq);
        sim.requestStop();
      }
    });
  }

  add(bp: Breakpoint): void {
    this.breakpoints.push(bp);
  }

  clear(): void {
    this.breakpoints = [];
  }

  /** Stop after `n` more events. */
  stopAfter(n: number): void {
    this.budget = n;
    this.hit = undefined;
  }
}
