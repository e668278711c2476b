/**
 * Test helpers for derived-state reducers: a small seeded PRNG (the UI may not import the
 * engine's Rng at runtime, and lint applies the same rule to UI tests) and an event builder.
 */
import type { TraceEvent } from '../../protocol/index.ts';
import type { Effect } from '../../engine/trace/event.ts';

/** mulberry32: deterministic, good enough to pick random cursors and effects in tests. */
export function seeded(seed: number): {
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
} {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    /** Uniform integer in [lo, hi]. */
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)] as (typeof xs)[number],
  };
}

/** A trace event with sensible defaults (seq/t from `seq`). */
export function ev(seq: number, over: Partial<TraceEvent> = {}, effects?: Effect[]): TraceEvent {
  const e: TraceEvent = {
    seq,
    t: seq * 100,
    pipeline: 'test',
    op: 0,
    step: 'step',
    phase: 'point',
    actor: 'engine0.tgt0',
    ...over,
  };
  if (effects) e.effects = effects;
  return e;
}
