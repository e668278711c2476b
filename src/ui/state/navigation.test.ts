import { describe, expect, it } from 'vitest';
import { clampCursor, nextOpStart, opSegment, prevOpStart } from './navigation.ts';
import { TraceStore } from './traceStore.ts';
import { BatchEncoder, type TraceEvent } from '../../protocol/index.ts';

const mk = (ops: number[]): TraceEvent[] =>
  ops.map((op, seq) => ({ seq, t: seq, op, pipeline: 'p', step: 's', phase: 'point', actor: 'a' }));

describe('TraceStore op index', () => {
  it('indexes op boundaries across batches', () => {
    const b = new TraceStore();
    const enc = new BatchEncoder();
    const ev = mk([0, 0, 1, 1, 1, 2, 4]);
    b.append(0, enc.encode(ev.slice(0, 3)));
    b.append(3, enc.encode(ev.slice(3)));
    expect(b.opStarts).toEqual([0, 2, 5, 6]);
    expect(() => b.append(3, enc.encode(ev.slice(0, 1)))).toThrow(/out of order/);
  });
});

describe('cursor navigation', () => {
  const starts = [0, 2, 5, 6];
  it('clamps', () => {
    expect(clampCursor(-3, 7)).toBe(0);
    expect(clampCursor(99, 7)).toBe(6);
    expect(clampCursor(3, 0)).toBe(0);
  });
  it('finds the op segment', () => {
    expect([0, 1, 2, 4, 5, 6].map((c) => opSegment(starts, c))).toEqual([0, 0, 1, 1, 2, 3]);
  });
  it('next op jumps to the next boundary, or the end', () => {
    expect(nextOpStart(starts, 0, 7)).toBe(2);
    expect(nextOpStart(starts, 3, 7)).toBe(5);
    expect(nextOpStart(starts, 6, 7)).toBe(6);
  });
  it('previous op goes to the start of this op, then of the one before', () => {
    expect(prevOpStart(starts, 4)).toBe(2);
    expect(prevOpStart(starts, 2)).toBe(0);
    expect(prevOpStart(starts, 0)).toBe(0);
  });
});
