import { describe, expect, it, vi } from 'vitest';
import type { PipelineView } from '../../../protocol/index.ts';
import { hasFlowOrder } from './layout.ts';
import { prelayoutInIdle } from './prelayout.ts';

const chain = (id: string, n: number): PipelineView => ({
  id,
  system: 'daos',
  title: id,
  summary: '',
  lanes: [{ id: 'l', label: 'L' }],
  steps: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, lane: 'l', caption: '', source: '' })),
  edges: Array.from({ length: n - 1 }, (_, i) => ({
    from: `s${i}`,
    to: `s${i + 1}`,
    kind: 'control' as const,
  })),
});

describe('prelayoutInIdle', () => {
  it('computes every rank order, one pipeline per callback', () => {
    vi.useFakeTimers();
    try {
      const views = [chain('a', 4), chain('b', 6), chain('c', 3)];
      prelayoutInIdle(views);
      expect(views.map(hasFlowOrder)).toEqual([false, false, false]);
      vi.advanceTimersByTime(60);
      expect(views.map(hasFlowOrder)).toEqual([true, false, false]);
      vi.advanceTimersByTime(200);
      expect(views.map(hasFlowOrder)).toEqual([true, true, true]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops when cancelled', () => {
    vi.useFakeTimers();
    try {
      const views = [chain('d', 4), chain('e', 4)];
      const cancel = prelayoutInIdle(views);
      vi.advanceTimersByTime(60);
      cancel();
      vi.advanceTimersByTime(500);
      expect(views.map(hasFlowOrder)).toEqual([true, false]);
    } finally {
      vi.useRealTimers();
    }
  });
});
