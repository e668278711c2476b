/**
 * Lays out the catalog's pipelines ahead of their first appearance, in idle time. dagre's rank
 * order (the aspect-independent and costly part of a layout: ~8 ms for the biggest pipeline on
 * the bench machine) is computed for one pipeline per idle callback, so the first seek into a
 * pipeline mounts its diagram without running dagre. Idle callbacks get the browser's spare
 * time between frames: this never delays a frame or a seek.
 */
import type { PipelineView } from '../../../protocol/index.ts';
import { hasFlowOrder, warmFlowOrder } from './layout.ts';

type IdleWindow = {
  requestIdleCallback?: (f: (d: IdleDeadline) => void, o?: { timeout: number }) => number;
  cancelIdleCallback?: (id: number) => void;
};

/** Warm every pipeline of `views` in idle callbacks; returns a cancel function. */
export function prelayoutInIdle(views: Iterable<PipelineView>): () => void {
  const todo = [...views].filter((v) => !hasFlowOrder(v));
  const w = globalThis as IdleWindow;
  let handle = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const next = () => {
    if (stopped || todo.length === 0) return;
    if (w.requestIdleCallback) handle = w.requestIdleCallback(run, { timeout: 5000 });
    else timer = setTimeout(() => run(), 50);
  };
  const run = (deadline?: IdleDeadline) => {
    // One pipeline per callback, and only with a few ms to spare (a timed-out callback runs
    // anyway: the page was never idle for 5 s, so go ahead once).
    if (deadline && !deadline.didTimeout && deadline.timeRemaining() < 4) return next();
    const v = todo.shift();
    if (v && !hasFlowOrder(v)) warmFlowOrder(v);
    next();
  };
  next();
  return () => {
    stopped = true;
    if (handle) w.cancelIdleCallback?.(handle);
    clearTimeout(timer);
  };
}
