/**
 * The loaded trace, outside React state: a growing array of events plus the indexes the views
 * need (op boundaries). Batches append in place; the store only keeps `count` and a `version`
 * so components re-render once per batch, not per event, and nothing copies the whole trace.
 */
import type { TraceEvent } from '../../protocol/index.ts';

export class TraceBuffer {
  readonly events: TraceEvent[] = [];
  /** Event indexes where a new op starts (the first event whose `op` differs from its predecessor's). */
  readonly opStarts: number[] = [];

  get length(): number {
    return this.events.length;
  }

  at(i: number): TraceEvent | undefined {
    return this.events[i];
  }

  clear(): void {
    this.events.length = 0;
    this.opStarts.length = 0;
  }

  /** Append a batch that must start at `first` (batches arrive in order). */
  append(first: number, batch: readonly TraceEvent[]): void {
    if (first !== this.events.length) {
      throw new Error(`trace batch out of order: got first=${first}, have ${this.events.length}`);
    }
    for (const e of batch) {
      const prev = this.events[this.events.length - 1];
      if (!prev || prev.op !== e.op) this.opStarts.push(this.events.length);
      this.events.push(e);
    }
  }
}
