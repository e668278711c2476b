/**
 * Mounts the diagrams a loaded trace will need ahead of their first appearance, in idle time.
 * Mounting an xyflow diagram costs 50–450 ms (React render, node measuring, edge paths, first
 * layout): paid on a seek or a playback crossing into a pipeline not drawn yet, it was the
 * seek p95 and the long task of playback. So once a trace is ready, every catalog pipeline it
 * uses is added to the diagram stack (DiagramCache.preload), one per idle callback, rendered
 * as a React transition (time-sliced), laid out once while invisible (`is-warming`) and then
 * parked: a seek into it only flips attributes.
 */

type IdleWindow = {
  requestIdleCallback?: (f: (d: IdleDeadline) => void, o?: { timeout: number }) => number;
  cancelIdleCallback?: (id: number) => void;
};

/** How an idle queue paces itself. */
export interface IdlePace {
  /** An idle callback with less time left than this waits for the next one. */
  minIdleMs: number;
  /** How long an item may wait for idle time before it runs anyway (a page never idle). */
  timeoutMs: number;
  /** Without requestIdleCallback: the timer between items. */
  fallbackMs: number;
}

/**
 * Run `work(item)` for each of `items`, one per idle callback with at least `minIdleMs` to
 * spare, and only when `ready()` (e.g. the previous item finished). A timed-out callback skips
 * the idle check, so a busy page still gets through the queue, one item at a time. Returns a
 * cancel function.
 */
export function runInIdle<T>(
  items: readonly T[],
  work: (item: T) => void,
  pace: IdlePace,
  ready: () => boolean = () => true,
): () => void {
  const queue = [...items];
  const w = globalThis as IdleWindow;
  let handle = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const next = () => {
    if (stopped || queue.length === 0) return;
    if (w.requestIdleCallback) handle = w.requestIdleCallback(run, { timeout: pace.timeoutMs });
    else timer = setTimeout(() => run(), pace.fallbackMs);
  };
  const run = (deadline?: IdleDeadline) => {
    if (!ready()) return next();
    if (deadline && !deadline.didTimeout && deadline.timeRemaining() < pace.minIdleMs)
      return next();
    const item = queue.shift();
    if (item !== undefined) work(item);
    next();
  };
  next();
  return () => {
    stopped = true;
    if (handle) w.cancelIdleCallback?.(handle);
    clearTimeout(timer);
  };
}

/**
 * Call `mount(item)` for each of `items`, one per idle callback with time to spare, waiting
 * for `ready()` (the previous mount finished warming) before the next. Returns a cancel
 * function.
 */
export function mountInIdle<T>(
  items: readonly T[],
  mount: (item: T) => void,
  ready: () => boolean,
): () => void {
  // One diagram warming at a time, and only with most of an idle period to spare (the mount's
  // own render is sliced by React, but its commit and first layout are not).
  return runInIdle(items, mount, { minIdleMs: 20, timeoutMs: 10_000, fallbackMs: 100 }, ready);
}
