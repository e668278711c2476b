/**
 * A checkpointed fold over the trace: the state a view draws at cursor k is
 * `events[0..k].reduce(apply, initial)`. Recomputing that on every seek would cost O(k), so the
 * derivation keeps a snapshot (a `clone`) of the state every `every` events and answers a seek by
 * cloning the nearest checkpoint at or below the cursor and replaying at most `every - 1`
 * events. Stepping back is exact because nothing is ever "undone": the answer for k is always
 * rebuilt from a prefix.
 *
 * Memory stays bounded: when there would be more than `maxCheckpoints` snapshots, every other
 * one is dropped and the interval doubles (a 1M-event trace with 16 MiB of SCM line state would
 * otherwise hold gigabytes of snapshots); a seek then replays at most `interval - 1` events.
 *
 * Checkpoints are built lazily, forward only, as far as the furthest cursor asked for. The trace
 * may grow (console ops append events; the prefix never changes), so checkpoints stay valid; a
 * different trace (new scenario) is detected by the list's `identity` (for a plain array: its
 * first event) and resets them.
 *
 * Events come from an EventList (the page's columnar store, or a plain array in tests): the
 * reducer gets event objects whose `data`/`effects` are decoded only if it reads them.
 */
import type { Effect, TraceEvent } from '../../protocol/index.ts';
import { effectKinds, type KindFilter } from './effectKinds.ts';
import {
  effectsOf,
  eventList,
  foldEventOf,
  mayHaveEffects,
  type EventList,
  type Events,
} from './eventList.ts';

export interface Reducer<S> {
  /**
   * Fold one event into `state`. The state passed in belongs to the derivation: mutate it and
   * return it, or return a new value — either is fine.
   */
  apply(state: S, event: TraceEvent, index: number): S;
  /** A copy that later `apply` calls on it can never change the original (checkpoints). */
  clone(state: S): S;
  /**
   * The reducer reads nothing but `effects` (and ignores events without them): folds skip
   * effect-less events without building them — most of a trace.
   */
  effectsOnly?: boolean;
  /**
   * The effect kinds the reducer reacts to (exact names, or prefixes ending in `.`); implies
   * `effectsOnly`. Folds then visit only events carrying one of them (effectKinds.ts: a mask
   * per event from the raw bytes), so replaying a stretch of trace costs what it holds for
   * this view, not its length.
   */
  kinds?: KindFilter;
  /**
   * With `kinds`: fold one event's effects (the only thing such a reducer reads). Folds then
   * decode the effects straight from the list's bytes instead of building an event.
   */
  applyEffects?(this: void, state: S, effects: readonly Effect[], index: number): S;
  /**
   * Fold event `index` reading the list itself (used instead of `apply` by folds): a reducer
   * that cares about few events decides from header columns, the effect-kind index or the raw
   * data bytes (eventList.ts mayHaveDataKey) and builds or decodes only the events it uses.
   */
  applyAt?(this: void, state: S, events: EventList, index: number): S;
}

export interface Derived<S> {
  /**
   * The state after events[0..cursor] (inclusive; cursor < 0 or an empty trace gives the initial
   * state). The result is a fresh value the caller owns: later calls never mutate it.
   */
  at(events: Events, cursor: number): S;
  /**
   * Build checkpoints ahead of any seek, at most `maxEvents` events of work per call (views call
   * it in idle slices, so a first seek far into a 1M-event trace does not fold the whole prefix
   * in one task). Returns true once the checkpoints cover the whole trace.
   */
  warm(events: Events, maxEvents: number): boolean;
  /** Drop every checkpoint (the next `at` starts from the initial state). */
  reset(): void;
  /** Number of checkpoints held (index 0 is the initial state). */
  readonly checkpoints: number;
  /** Events replayed by the last `at` after its checkpoint (< interval): for tests/benches. */
  readonly lastReplay: number;
  /** Current checkpoint interval (`every`, doubled each time the checkpoints were thinned). */
  readonly interval: number;
}

export function createDerived<S>(
  reducer: Reducer<S>,
  initial: S,
  base = 256,
  maxCheckpoints = 512,
): Derived<S> {
  if (!Number.isSafeInteger(base) || base < 1) throw new Error(`bad checkpoint interval ${base}`);
  if (!Number.isSafeInteger(maxCheckpoints) || maxCheckpoints < 2) {
    throw new Error(`bad checkpoint limit ${maxCheckpoints}`);
  }
  let every = base;
  /** cps[j] = state after the first j*every events. */
  let cps: S[] = [reducer.clone(initial)];
  let first: unknown;
  let lastReplay = 0;

  const skip = reducer.effectsOnly === true;
  const kinds = reducer.kinds;
  /** Apply events [from, to) to `s`. */
  const fold = (s: S, events: EventList, from: number, to: number): S => {
    if (kinds) {
      const index = effectKinds(events);
      const masks = index.upTo(events, to);
      const want = index.maskOf(kinds);
      const fx = reducer.applyEffects;
      for (let i = from; i < to; i++) {
        if (((masks[i] as number) & want) === 0) continue;
        if (fx) {
          const effects = effectsOf(events, i);
          if (effects) s = fx(s, effects, i);
        } else s = reducer.apply(s, foldEventOf(events, i) as TraceEvent, i);
      }
      return s;
    }
    const at = reducer.applyAt;
    if (at) {
      for (let i = from; i < to; i++) s = at(s, events, i);
      return s;
    }
    for (let i = from; i < to; i++) {
      if (skip && !mayHaveEffects(events, i)) continue;
      s = reducer.apply(s, foldEventOf(events, i) as TraceEvent, i);
    }
    return s;
  };

  const reset = (): void => {
    cps = [reducer.clone(initial)];
    every = base;
    first = undefined;
  };

  /**
   * Extend the checkpoints up to the block holding `len` events, thinning when too many; stops
   * after the block that passes `limit` events of work.
   */
  const extend = (events: EventList, len: number, limit = Infinity): void => {
    let k = cps.length - 1; // `run` is the state after k * every events
    if ((k + 1) * every > len) return;
    let run = reducer.clone(cps[k] as S);
    let work = 0;
    while ((k + 1) * every <= len && work < limit) {
      work += every;
      const end = (k + 1) * every;
      run = fold(run, events, k * every, end);
      k++;
      cps.push(reducer.clone(run));
      if (cps.length > maxCheckpoints) {
        // Keep cps[0], cps[2], …: cps'[j] = cps[2j] = the state after j * (2 * every) events.
        cps = cps.filter((_, idx) => idx % 2 === 0);
        every *= 2;
        k = cps.length - 1;
        run = reducer.clone(cps[k] as S);
      }
    }
  };

  const sameTrace = (given: Events): EventList => {
    const events = eventList(given);
    if (events.identity !== first) {
      reset();
      first = events.identity;
    }
    return events;
  };

  return {
    warm(given, maxEvents) {
      const events = sameTrace(given);
      extend(events, events.length, Math.max(1, maxEvents));
      return cps.length * every > events.length;
    },
    at(given, cursor) {
      const events = sameTrace(given);
      const len = Math.min(events.length, Math.max(0, cursor + 1));
      extend(events, len);
      const j = Math.floor(len / every);
      let s = reducer.clone(cps[j] as S);
      s = fold(s, events, j * every, len);
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
    get interval() {
      return every;
    },
  };
}
