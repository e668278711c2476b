/**
 * A checkpointed fold over the trace: the state a view draws at cursor k is
 * `events[0..k].reduce(apply, initial)`. Recomputing that on every seek would cost O(k), so the
 * derivation keeps a snapshot (a `clone`) of the state every `every` events and answers a seek by
 * cloning the nearest checkpoint at or below the cursor and replaying at most `every - 1`
 * events. Stepping back is exact because nothing is ever "undone": the answer for k is always
 * rebuilt from a prefix.
 *
 * Checkpoints are built lazily, forward only, as far as the furthest cursor asked for. The trace
 * may grow (console ops append events; the prefix never changes), so checkpoints stay valid; a
 * different trace (new scenario) is detected by the identity of its first event and resets them.
 */
import type { TraceEvent } from '../../protocol/index.ts';

export interface Reducer<S> {
  /**
   * Fold one event into `state`. The state passed in belongs to the derivation: mutate it and
   * return it, or return a new value — either is fine.
   */
  apply(state: S, event: TraceEvent, index: number): S;
  /** A copy that later `apply` calls on it can never change the original (checkpoints). */
  clone(state: S): S;
}

export interface Derived<S> {
  /**
   * The state after events[0..cursor] (inclusive; cursor < 0 or an empty trace gives the initial
   * state). The result is a fresh value the caller owns: later calls never mutate it.
   */
  at(events: readonly TraceEvent[], cursor: number): S;
  /** Drop every checkpoint (the next `at` starts from the initial state). */
  reset(): void;
  /** Number of checkpoints held (index 0 is the initial state). */
  readonly checkpoints: number;
  /** Events replayed by the last `at` after its checkpoint (≤ every - 1): for tests/benches. */
  readonly lastReplay: number;
}

export function createDerived<S>(reducer: Reducer<S>, initial: S, every = 256): Derived<S> {
  if (!Number.isSafeInteger(every) || every < 1)
    throw new Error(`bad checkpoint interval ${every}`);
  /** cps[j] = state after the first j*every events. */
  let cps: S[] = [reducer.clone(initial)];
  let first: TraceEvent | undefined;
  let lastReplay = 0;

  const reset = (): void => {
    cps = [reducer.clone(initial)];
    first = undefined;
  };

  return {
    at(events, cursor) {
      if (events[0] !== first) {
        reset();
        first = events[0];
      }
      const len = Math.min(events.length, Math.max(0, cursor + 1));
      const j = Math.floor(len / every);
      // Extend the checkpoints up to block j (each built from the previous one).
      while (cps.length <= j) {
        const k = cps.length - 1;
        let s = reducer.clone(cps[k] as S);
        for (let i = k * every; i < (k + 1) * every; i++)
          s = reducer.apply(s, events[i] as TraceEvent, i);
        cps.push(s);
      }
      let s = reducer.clone(cps[j] as S);
      for (let i = j * every; i < len; i++) s = reducer.apply(s, events[i] as TraceEvent, i);
      lastReplay = len - j * every;
      return s;
    },
    reset,
    get checkpoints() {
      return cps.length;
    },
    get lastReplay() {
      return lastReplay;
    },
  };
}
