/**
 * While a checkpointed view is mounted, build its checkpoints ahead of the cursor in short
 * slices (≈8 ms, then yield to the page), so a first seek far into a big trace replays at most
 * one interval instead of folding the whole prefix in one long task. Restarts when the trace
 * grows; stops when the checkpoints cover it.
 */
import { useEffect } from 'react';
import type { Derived } from '../../derive/createDerived.ts';
import { trace, useApp } from '../../state/store.ts';

const SLICE_MS = 8;

export function useWarmCheckpoints<S>(derived: Derived<S>): void {
  const count = useApp((s) => s.count);
  useEffect(() => {
    let timer = 0;
    const slice = () => {
      const t0 = performance.now();
      let done = false;
      while (!done && performance.now() - t0 < SLICE_MS) done = derived.warm(trace, 1024);
      if (!done) timer = window.setTimeout(slice, 0);
    };
    // Let the view's own first render go first.
    timer = window.setTimeout(slice, 50);
    return () => window.clearTimeout(timer);
  }, [derived, count]);
}
