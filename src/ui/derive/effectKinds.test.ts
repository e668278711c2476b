import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchEncoder, type TraceEvent } from '../../protocol/index.ts';
import { TraceStore } from '../state/traceStore.ts';
import { ALL_KINDS, EffectKinds, effectKinds, effectKindsWarmer } from './effectKinds.ts';
import type { EventList } from './eventList.ts';
import { ev, seeded } from './testing.ts';

const GOLDEN = join(import.meta.dirname, '../../../fixtures/golden');

function store(events: readonly TraceEvent[]): TraceStore {
  const s = new TraceStore();
  const enc = new BatchEncoder();
  for (let first = 0; first < events.length; first += 1000)
    s.append(first, enc.encode(events.slice(first, first + 1000)));
  return s;
}

/** A list whose effects are given as raw JSON text (pretty-printed, escaped …). */
function rawList(texts: (string | undefined)[]): EventList {
  const enc = new TextEncoder();
  return {
    length: texts.length,
    identity: {},
    get: (i) => (i < texts.length ? ev(i) : undefined),
    hasEffects: (i) => texts[i] !== undefined,
    effectsBytes: (i) => (texts[i] === undefined ? undefined : enc.encode(texts[i])),
  };
}

const kindsIn = (k: EffectKinds, mask: number, names: readonly string[]): string[] =>
  names.filter((n) => (mask & k.maskOf([n]) & ~(1 << 31)) !== 0);

describe('effect-kind index', () => {
  it('from the raw bytes of every golden trace, selects exactly the events with each kind', () => {
    for (const file of readdirSync(GOLDEN).filter((f) => f.endsWith('.trace.json'))) {
      const events = (
        JSON.parse(readFileSync(join(GOLDEN, file), 'utf8')) as { events: TraceEvent[] }
      ).events;
      const s = store(events);
      const k = effectKinds(s);
      const masks = k.upTo(s, s.length);
      const names = [...new Set(events.flatMap((e) => (e.effects ?? []).map((f) => f.kind)))];
      for (const name of names) {
        const want = k.maskOf([name]);
        for (let i = 0; i < events.length; i++) {
          const has = (events[i]?.effects ?? []).some((f) => f.kind === name);
          // No event with the kind is ever skipped (the filter's contract); with at most 31
          // kinds in a trace, no event without it is selected either.
          if (has) expect(masks[i]! & want, `${file} #${i} ${name}`).not.toBe(0);
          if (names.length <= 31 && !has) expect(masks[i]! & want & ~(1 << 31)).toBe(0);
        }
      }
      // The same index from decoded objects (plain array) agrees kind by kind.
      const a = new EffectKinds();
      const am = a.upTo(
        { length: events.length, identity: {}, get: (i) => events[i] },
        events.length,
      );
      for (let i = 0; i < events.length; i++) {
        expect(kindsIn(k, masks[i]!, names).sort()).toEqual(kindsIn(a, am[i]!, names).sort());
      }
    }
  });

  it('reads pretty-printed JSON; escapes or a missing kind select the event for everyone', () => {
    const l = rawList([
      '[ { "dev" : "a", "kind" :\n "scm.write" } ]',
      undefined,
      '[{"kind":"scm\\u002ewrite"}]',
      '[{"what":"kind","x":{"kind":"msg.send"}}]',
      '[{"dev":"x"}]',
      '[{"kind":"alloc","note":"\\"kind\\":\\"free\\""}]',
    ]);
    const k = new EffectKinds();
    const m = k.upTo(l, l.length);
    expect(m[0]! & k.maskOf(['scm.'])).not.toBe(0);
    expect(m[0]! & k.maskOf(['alloc']) & ~(1 << 31)).toBe(0);
    expect(m[1]).toBe(0);
    expect(m[2]).toBe(ALL_KINDS);
    // a nested "kind" key over-selects (harmless), a value "kind" is not a key
    expect(m[3]! & k.maskOf(['msg.send'])).not.toBe(0);
    expect(m[4]).toBe(ALL_KINDS);
    // an escaped quote inside a string value is not a key
    expect(m[5]! & k.maskOf(['alloc'])).not.toBe(0);
    expect(m[5]! & k.maskOf(['free']) & ~(1 << 31)).toBe(0);
  });

  it('past 31 kinds, later kinds share the overflow bit every filter includes', () => {
    const texts = Array.from({ length: 40 }, (_, n) => `[{"kind":"k${n}"}]`);
    const l = rawList(texts);
    const k = new EffectKinds();
    const m = k.upTo(l, l.length);
    for (let n = 0; n < 40; n++) expect(m[n]! & k.maskOf([`k${n}`])).not.toBe(0);
    expect(m[3]! & k.maskOf(['k4'])).toBe(0);
  });

  it('grows with the trace and warms in bounded slices to the same masks', () => {
    const r = seeded(3);
    const kinds = ['scm.write', 'msg.send', 'alloc', 'tx.begin'];
    const events = Array.from({ length: 3000 }, (_, i) =>
      r.int(0, 3) === 0 ? ev(i) : ev(i, {}, [{ kind: r.pick(kinds), dev: 'd' }]),
    );
    const s = store(events);
    let calls = 0;
    while (!effectKindsWarmer.warm(s, 7)) calls++;
    expect(calls).toBeGreaterThan(1);
    const once = new EffectKinds().upTo(s, s.length);
    expect(effectKinds(s).upTo(s, s.length).subarray(0, s.length)).toEqual(
      once.subarray(0, s.length),
    );
  });
});
