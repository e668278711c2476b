/**
 * Builds the views' derived state ahead of any seek, in short idle slices on the main thread:
 * checkpoints (createDerived) and append-only logs (sequence, PG log, SCM owners) register
 * here once, at module load, and extend over the loaded trace ≈8 ms at a time — never a long
 * task — whenever the trace grows, until each covers it. A seek then replays at most one
 * checkpoint interval instead of folding the whole prefix.
 */
import { trace, useApp } from './store.ts';
import type { Events } from '../derive/eventList.ts';
import { effectKindsWarmer } from '../derive/effectKinds.ts';

/** Anything that can extend itself over the trace by at most `maxEvents` events per call. */
export interface Warmable {
  warm(events: Events, maxEvents: number): boolean;
}

const SLICE_MS = 8;
/** An idle callback with less time left than this still does this much (one round at least). */
const MIN_SLICE_MS = 2;
/**
 * How long a slice may wait for idle time before it runs anyway: on a page that is never idle
 * warming then takes ≈ SLICE_MS of every IDLE_TIMEOUT_MS + SLICE_MS.
 */
const IDLE_TIMEOUT_MS = 100;
/** Events per warm call: small enough that one call stays well under a slice. */
const STEP = 256;

/**
 * The effect-kind index goes first: every derivation that filters by kind reads it, and it is
 * a byte scan (cheap) that then spares them decoding most events.
 */
const jobs = new Set<Warmable>([effectKindsWarmer]);
let timer: ReturnType<typeof setTimeout> | null = null;
let subscribed = false;

/**
 * Round robin, STEP events per job per turn: the derivations advance side by side, so a window
 * of the trace is decoded once (the store's payload cache) for all of them.
 */
function slice(deadline?: IdleDeadline): void {
  timer = null;
  const t0 = performance.now();
  // In an idle callback the browser says how long it can spare before the next frame; never
  // more than SLICE_MS either way. During playback this keeps warming out of the frames. A
  // callback that ran because its timeout expired (a page that is never idle: headless
  // Chromium, an animation) has no idle time left, yet must still do a slice of work — with a
  // zero budget it would only reschedule itself, and a big trace would never warm.
  const budget =
    deadline && !deadline.didTimeout
      ? Math.max(MIN_SLICE_MS, Math.min(SLICE_MS, deadline.timeRemaining()))
      : SLICE_MS;
  let open = [...jobs];
  while (open.length > 0) {
    if (performance.now() - t0 >= budget) {
      // Out of time: yield to the page (input, paint, seeks) and continue in the next slice.
      schedule(0);
      return;
    }
    open = open.filter((w) => !w.warm(trace, STEP));
  }
}

type IdleWindow = {
  requestIdleCallback?: (f: (d: IdleDeadline) => void, o?: { timeout: number }) => number;
};

/**
 * Next slice: in the browser's idle time when it has idle callbacks (a slice then never delays
 * a frame), else on a timer. The timeout keeps warming going on a page that is never idle.
 */
function schedule(delay: number): void {
  const w = globalThis as IdleWindow;
  timer = setTimeout(() => {
    if (w.requestIdleCallback) w.requestIdleCallback(slice, { timeout: IDLE_TIMEOUT_MS });
    else slice();
  }, delay);
}

/** Schedule warming (after `delay` ms: let a fresh load's first paint go first). */
function kick(delay = 250): void {
  if (timer === null && jobs.size > 1 && trace.length > 0) schedule(delay);
}

export function registerWarm(w: Warmable): void {
  jobs.add(w);
  if (!subscribed) {
    subscribed = true;
    // Every batch (and every new load) may leave work: restart the slices.
    useApp.subscribe((s, prev) => {
      if (s.count !== prev.count) kick();
    });
  }
  kick();
}
