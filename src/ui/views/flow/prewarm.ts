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
  const todo = [...items];
  const w = globalThis as IdleWindow;
  let handle = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const next = () => {
    if (stopped || todo.length === 0) return;
    if (w.requestIdleCallback) handle = w.requestIdleCallback(run, { timeout: 10_000 });
    else timer = setTimeout(() => run(), 100);
  };
  const run = (deadline?: IdleDeadline) => {
    // One diagram warming at a time, and only with most of an idle period to spare (the
    // mount's own render is sliced by React, but its commit and first layout are not). A
    // timed-out callback skips the idle check so a busy page still warms, but never stacks.
    if (!ready()) return next();
    if (deadline && !deadline.didTimeout && deadline.timeRemaining() < 20) return next();
    const item = todo.shift();
    if (item !== undefined) mount(item);
    next();
  };
  next();
  return () => {
    stopped = true;
    if (handle) w.cancelIdleCallback?.(handle);
    clearTimeout(timer);
  };
}
