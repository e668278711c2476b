import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mountInIdle } from './prewarm.ts';

describe('mountInIdle', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('mounts one item per callback, never while the previous one is still warming', () => {
    const mounted: string[] = [];
    let warming = false;
    mountInIdle(
      ['a', 'b', 'c'],
      (x) => {
        mounted.push(x);
        warming = true;
      },
      () => !warming,
    );
    vi.advanceTimersByTime(100);
    expect(mounted).toEqual(['a']);
    vi.advanceTimersByTime(500);
    expect(mounted).toEqual(['a']);
    warming = false;
    vi.advanceTimersByTime(100);
    expect(mounted).toEqual(['a', 'b']);
    warming = false;
    vi.advanceTimersByTime(1000);
    expect(mounted).toEqual(['a', 'b', 'c']);
  });

  it('stops mounting once cancelled', () => {
    const mounted: number[] = [];
    const cancel = mountInIdle(
      [1, 2, 3],
      (x) => mounted.push(x),
      () => true,
    );
    vi.advanceTimersByTime(100);
    cancel();
    vi.advanceTimersByTime(1000);
    expect(mounted).toEqual([1]);
  });
});
