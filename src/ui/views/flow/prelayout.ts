/**
 * Lays out the catalog's pipelines ahead of their first appearance, in idle time. dagre's rank
 * order (the aspect-independent and costly part of a layout: ~8 ms for the biggest pipeline on
 * the bench machine) is computed for one pipeline per idle callback, so the first seek into a
 * pipeline mounts its diagram without running dagre. Idle callbacks get the browser's spare
 * time between frames: this never delays a frame or a seek.
 */
import type { PipelineView } from '../../../protocol/index.ts';
import { hasFlowOrder, warmFlowOrder } from './layout.ts';
import { runInIdle } from './prewarm.ts';

/** Warm every pipeline of `views` in idle callbacks; returns a cancel function. */
export function prelayoutInIdle(views: Iterable<PipelineView>): () => void {
  // One pipeline per callback, and only with a few ms to spare (a timed-out callback runs
  // anyway: the page was never idle for 5 s, so go ahead once).
  return runInIdle(
    [...views].filter((v) => !hasFlowOrder(v)),
    (v) => {
      if (!hasFlowOrder(v)) warmFlowOrder(v);
    },
    { minIdleMs: 4, timeoutMs: 5000, fallbackMs: 50 },
  );
}
