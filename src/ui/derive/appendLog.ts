/**
 * Append-only derived logs (message lists, PG-log rows, SCM owner notes): each event adds zero
 * or more entries, so the log "at cursor k" is just the prefix of entries pushed while reading
 * events 0..k (a binary search; an entry's `i` may point earlier, e.g. a message whose send
 * event is known only from its receive) — no checkpoints needed, and stepping back is exact for free.
 * The log extends itself lazily as the trace grows and rebuilds when the trace is replaced
 * (detected by the list's `identity`, as in createDerived).
 */
import type { TraceEvent } from '../../protocol/index.ts';
import { ALL_KINDS, effectKinds, type KindFilter } from './effectKinds.ts';
import { eventList, foldEventOf, stepOf, type EventList, type Events } from './eventList.ts';

export interface Indexed {
  /** Index of the event that produced the entry. */
  i: number;
}

export interface AppendLog<T extends Indexed, C> {
  /** Bring the log up to date with events[0..count) and return all entries so far. */
  sync(events: Events, count?: number): readonly T[];
  /** Number of entries produced by events[0..cursor] (inclusive). */
  upTo(events: Events, cursor: number): number;
  /**
   * Extend the log by at most `maxEvents` events (idle-slice warming, so a first look far into
   * a big trace does not read the whole prefix in one task). True once it covers the trace.
   */
  warm(events: Events, maxEvents: number): boolean;
  /** The extractor's running context (e.g. per-actor state), after the last synced event. */
  readonly context: C;
}

/** Which events an extractor needs: those with one of `kinds`, or whose step is in `steps`. */
export interface LogSelect<C = unknown> {
  kinds?: KindFilter;
  steps?: ReadonlySet<string>;
  /**
   * A last, cheap look at a selected event before it is built (raw bytes, its kind mask): true
   * when extracting it would change nothing — neither entries nor context.
   */
  skip?(l: EventList, i: number, ctx: C, mask: number): boolean;
}

/**
 * `extract(event, index, context, push)` reads one event and pushes entries; `context` is a
 * mutable object the extractor keeps between events (created by `makeContext`). With `select`,
 * only the events it names are built and extracted (the rest are skipped by the effect-kind
 * index and the step column, unbuilt): the extractor must ignore every other event anyway.
 */
export function createAppendLog<T extends Indexed, C>(
  makeContext: () => C,
  extract: (e: TraceEvent, i: number, ctx: C, push: (entry: T) => void) => void,
  select?: LogSelect<C>,
): AppendLog<T, C> {
  let masks: Uint32Array = new Uint32Array(0);
  let want = 0;
  const steps = select?.steps;
  return createScanLog<T, C>(
    makeContext,
    (l, i, ctx, push) => {
      if (
        select &&
        ((masks[i] as number) & want) === 0 &&
        !(steps && steps.has(stepOf(l, i) ?? ''))
      )
        return;
      if (select?.skip?.(l, i, ctx, masks[i] ?? ALL_KINDS)) return;
      extract(foldEventOf(l, i) as TraceEvent, i, ctx, push);
    },
    select?.kinds
      ? (l, to) => {
          const index = effectKinds(l);
          masks = index.upTo(l, to);
          want = index.maskOf(select.kinds as KindFilter);
        }
      : undefined,
  );
}

/**
 * The log over an EventList by index: `step(list, i, ctx, push)` reads what it needs of event i
 * (header columns, the effect-kind index, payloads only when it must). `prepare(list, to, ctx)`
 * runs once before each batch of steps up to `to` (e.g. to fetch the kind index once).
 */
export function createScanLog<T extends Indexed, C>(
  makeContext: () => C,
  step: (l: EventList, i: number, ctx: C, push: (entry: T) => void) => void,
  prepare?: (l: EventList, to: number, ctx: C) => void,
): AppendLog<T, C> {
  let entries: T[] = [];
  /** pushedAt[k] = index of the event whose processing pushed entries[k] (non-decreasing). */
  let pushedAt: number[] = [];
  let done = 0;
  let first: unknown;
  let ctx = makeContext();
  const push = (t: T): void => {
    entries.push(t);
    pushedAt.push(done);
  };
  const sync = (given: Events, count = given.length): readonly T[] => {
    const events = eventList(given);
    if (events.identity !== first || events.length < done) {
      entries = [];
      pushedAt = [];
      done = 0;
      ctx = makeContext();
      first = events.identity;
    }
    const n = Math.min(count, events.length);
    if (done >= n) return entries;
    prepare?.(events, n, ctx);
    for (; done < n; done++) step(events, done, ctx, push);
    return entries;
  };
  return {
    sync,
    warm(events, maxEvents) {
      sync(events, Math.min(events.length, done + Math.max(1, maxEvents)));
      return done >= events.length;
    },
    upTo(events, cursor) {
      // Entries pushed by events after the cursor are not needed (facts about earlier entries
      // carry their own event index and are filtered by the cursor when read).
      sync(events, cursor + 1);
      // first entry pushed by an event after the cursor
      let lo = 0;
      let hi = pushedAt.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((pushedAt[mid] as number) <= cursor) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    },
    get context() {
      return ctx;
    },
  };
}
