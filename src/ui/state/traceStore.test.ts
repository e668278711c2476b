import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchEncoder, decodeWireBatch, type TraceEvent } from '../../protocol/index.ts';
import { TraceStore } from './traceStore.ts';

const GOLDEN = join(import.meta.dirname, '../../../fixtures/golden');
const golden = (name: string): TraceEvent[] =>
  (JSON.parse(readFileSync(join(GOLDEN, name), 'utf8')) as { events: TraceEvent[] }).events;

/** Stream `events` through an encoder in batches of `size`, like the worker does. */
function load(events: readonly TraceEvent[], size: number): TraceStore {
  const s = new TraceStore();
  const enc = new BatchEncoder();
  for (let first = 0; first < events.length; first += size) {
    s.append(first, enc.encode(events.slice(first, first + size)));
  }
  return s;
}

describe('TraceStore (columnar, lazy payloads)', () => {
  it('round-trips every golden trace exactly (key order, payloads, rc, captions)', () => {
    for (const f of readdirSync(GOLDEN).filter((n) => n.endsWith('.trace.json'))) {
      const events = golden(f);
      const s = load(events, 700);
      expect(s.length).toBe(events.length);
      expect(s.toArray().map((e) => JSON.stringify(e))).toEqual(
        events.map((e) => JSON.stringify(e)),
      );
      // get(i): the same line, lazily (JSON.stringify reads the lazy properties).
      for (const i of [0, 1, events.length >> 1, events.length - 1]) {
        expect(JSON.stringify(s.get(i))).toBe(JSON.stringify(events[i]));
      }
    }
  });

  it('interns strings: each batch carries only new strings; column readers need no objects', () => {
    const events = golden('daos-replicated.trace.json');
    const enc = new BatchEncoder();
    const a = enc.encode(events.slice(0, 500));
    const b = enc.encode(events.slice(500, 1000));
    expect(b.stringBase).toBe(a.stringBase + a.strings.length);
    expect(b.strings.every((x) => !a.strings.includes(x))).toBe(true);
    const s = new TraceStore();
    s.append(0, a);
    s.append(500, b);
    for (let i = 0; i < 1000; i++) {
      const e = events[i] as TraceEvent;
      expect([s.stepOf(i), s.actorOf(i), s.pipelineOf(i), s.opOf(i)]).toEqual([
        e.step,
        e.actor,
        e.pipeline,
        e.op,
      ]);
      expect(s.hasEffects(i)).toBe(e.effects !== undefined);
    }
    expect(new Set(s.distinct('actor'))).toEqual(
      new Set(events.slice(0, 1000).map((e) => e.actor)),
    );
    // A batch built on another table is refused.
    expect(() => s.append(1000, new BatchEncoder().encode(events.slice(1000, 1001)))).toThrow(
      /string table/,
    );
  });

  it('decodes data/effects only when read, and caches them', () => {
    const events = golden('daos-key-sv.trace.json');
    const s = load(events, 2048);
    const i = events.findIndex((e) => e.data !== undefined && e.effects !== undefined);
    const e = s.get(i) as TraceEvent;
    expect(typeof Object.getOwnPropertyDescriptor(e, 'data')?.get).toBe('function');
    expect(e.data).toEqual(events[i]?.data);
    expect(e.data).toBe(s.data(i)); // cached decode
    expect(s.effects(i)).toEqual(events[i]?.effects);
    expect({ ...e }).toEqual(events[i]); // spread reads the lazy fields like plain ones
    expect(s.get(i)).toBe(e); // recent events are shared objects
    expect(s.get(-1)).toBeUndefined();
    expect(s.get(events.length)).toBeUndefined();
  });

  it('clear() gives a new identity (derivations reset); appends keep it', () => {
    const events = golden('daos-kv.trace.json');
    const s = new TraceStore();
    const enc = new BatchEncoder();
    s.append(0, enc.encode(events.slice(0, 5)));
    const id = s.identity;
    s.append(5, enc.encode(events.slice(5, 10)));
    expect(s.identity).toBe(id);
    expect(s.length).toBe(10);
    s.clear();
    expect(s.identity).not.toBe(id);
    expect(s.length).toBe(0);
  });

  it('decodeWireBatch (tests/tools) agrees with the store', () => {
    const events = golden('ceph-rbd-write.trace.json');
    const enc = new BatchEncoder();
    const table: string[] = [];
    const out = [0, 300].flatMap((first) =>
      decodeWireBatch(enc.encode(events.slice(first, first + 300)), table).map((e, k) => ({
        ...e,
        seq: first + k,
      })),
    );
    expect(out.map((e) => JSON.stringify(e))).toEqual(
      events.slice(0, 600).map((e) => JSON.stringify(e)),
    );
  });
});
