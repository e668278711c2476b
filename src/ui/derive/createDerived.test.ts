import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../protocol/index.ts';
import { createDerived, type Reducer } from './createDerived.ts';
import { ev, seeded } from './testing.ts';

/** A reducer whose state depends on order and every field: a rolling hash plus a counter map. */
interface S {
  h: number;
  per: Map<string, number>;
}
const reducer: Reducer<S> = {
  apply(s, e, i) {
    s.h = (Math.imul(s.h ^ (e.seq + i * 7), 0x01000193) + e.actor.length) >>> 0;
    s.per.set(e.actor, (s.per.get(e.actor) ?? 0) + 1);
    return s;
  },
  clone: (s) => ({ h: s.h, per: new Map(s.per) }),
};
const initial = (): S => ({ h: 0x811c9dc5, per: new Map() });

function scratch(events: readonly TraceEvent[], k: number): S {
  let s = initial();
  for (let i = 0; i <= k && i < events.length; i++)
    s = reducer.apply(s, events[i] as TraceEvent, i);
  return s;
}

function trace(seed: number, n: number): TraceEvent[] {
  const r = seeded(seed);
  return Array.from({ length: n }, (_, i) =>
    ev(i, { actor: r.pick(['client', 'osd.0', 'engine1.tgt3']) }),
  );
}

describe('createDerived', () => {
  it('warm builds checkpoints in bounded slices; seeks after it stay exact and short', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = seeded(seed);
      const n = r.int(1, 3000);
      const events = trace(seed, n);
      const every = r.pick([1, 7, 64]);
      const maxCps = r.pick([2, 5, 512]);
      const d = createDerived(reducer, initial(), every, maxCps);
      const slice = r.int(1, 300);
      let calls = 0;
      while (!d.warm(events, slice)) {
        calls++;
        expect(calls).toBeLessThan(n + 2);
      }
      expect(d.checkpoints).toBeLessThanOrEqual(maxCps);
      const before = d.checkpoints;
      for (let q = 0; q < 20; q++) {
        const k = r.int(0, n - 1);
        expect(d.at(events, k)).toEqual(scratch(events, k));
        expect(d.lastReplay).toBeLessThan(d.interval);
      }
      expect(d.checkpoints).toBe(before); // no seek had to build more
    }
  });

  it('state at a random cursor equals a from-scratch replay (many seeds, many intervals)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = seeded(seed);
      const n = r.int(0, 900);
      const events = trace(seed, n);
      const every = r.pick([1, 2, 7, 64, 256]);
      const d = createDerived(reducer, initial(), every);
      for (let q = 0; q < 30; q++) {
        const k = r.int(-2, n + 3);
        const got = d.at(events, k);
        expect(got).toEqual(scratch(events, k));
        expect(d.lastReplay).toBeLessThan(d.interval);
      }
    }
  });

  it('step back is exact and earlier results are never mutated by later seeks', () => {
    const events = trace(7, 600);
    const d = createDerived(reducer, initial(), 32);
    const forward: S[] = [];
    for (let k = 0; k < 600; k++) forward.push(d.at(events, k));
    for (let k = 599; k >= 0; k--) {
      const back = d.at(events, k);
      expect(back).toEqual(forward[k]);
      expect(back).toEqual(scratch(events, k));
    }
    // forward[] objects were not changed by the backward walk
    expect(forward[10]).toEqual(scratch(events, 10));
  });

  it('keeps checkpoints while the trace grows and resets for a different trace', () => {
    const events = trace(3, 100);
    const d = createDerived(reducer, initial(), 10);
    d.at(events, 99);
    expect(d.checkpoints).toBe(11);
    events.push(...trace(4, 50).map((e, i) => ({ ...e, seq: 100 + i })));
    expect(d.at(events, 149)).toEqual(scratch(events, 149));
    const other = trace(5, 30);
    expect(d.at(other, 29)).toEqual(scratch(other, 29));
    expect(d.checkpoints).toBe(4);
  });

  it('thins checkpoints past the limit (bounded memory) and stays exact', () => {
    const events = trace(9, 5000);
    const d = createDerived(reducer, initial(), 4, 16);
    expect(d.at(events, 4999)).toEqual(scratch(events, 4999));
    expect(d.checkpoints).toBeLessThanOrEqual(16);
    expect(d.interval).toBeGreaterThanOrEqual(Math.ceil(5000 / 16));
    const r = seeded(9);
    for (let q = 0; q < 50; q++) {
      const k = r.int(0, 4999);
      expect(d.at(events, k)).toEqual(scratch(events, k));
      expect(d.lastReplay).toBeLessThan(d.interval);
    }
  });

  it('rejects a bad interval', () => {
    expect(() => createDerived(reducer, initial(), 0)).toThrow(/interval/);
  });
});
