import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrace, serializeTrace } from '../engine/index.ts';
import { decodeWireBatch, type TraceEvent } from '../protocol/index.ts';
import { StringTable } from './batch.ts';
import { scanTrace } from './traceScan.ts';

const GOLDEN = join(import.meta.dirname, '../../fixtures/golden');
const enc = new TextEncoder();

function scan(text: string) {
  return scanTrace(enc.encode(text), new StringTable());
}

/** The scanned events as objects (seq restored), or the error. */
function events(text: string): TraceEvent[] | string {
  const r = scan(text);
  if (!r.ok) return r.error;
  return decodeWireBatch(r.batch, []).map((e, k) => ({ ...e, seq: k }));
}

/** parseTrace's answer in the same shape. */
function reference(text: string): TraceEvent[] | string {
  const r = parseTrace(text);
  return r.ok ? r.value.events : r.error;
}

/** A seeded shuffle (xorshift) for key orders. */
function shuffler(seed: number) {
  let x = seed >>> 0 || 1;
  const rnd = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
  return <T>(a: T[]): T[] => {
    const b = [...a];
    for (let i = b.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [b[i], b[j]] = [b[j] as T, b[i] as T];
    }
    return b;
  };
}

describe('scanTrace (worker byte scanner) vs JSON.parse + parseTrace', () => {
  it('reads every golden trace exactly as JSON.parse does', () => {
    for (const f of readdirSync(GOLDEN).filter((n) => n.endsWith('.trace.json'))) {
      const text = readFileSync(join(GOLDEN, f), 'utf8');
      const got = events(text);
      const want = reference(text);
      expect(typeof got, f).toBe('object');
      expect((got as TraceEvent[]).map((e) => JSON.stringify(e))).toEqual(
        (want as TraceEvent[]).map((e) => JSON.stringify(e)),
      );
      // The payloads point into the file's own bytes (no copy): one blob, the file.
      const r = scan(text);
      expect(r.ok && r.batch.blobs.length).toBe(1);
    }
  });

  it('accepts any key order, whitespace, escapes and unknown keys (fallback per event)', () => {
    const base = (
      JSON.parse(readFileSync(join(GOLDEN, 'daos-replicated.trace.json'), 'utf8')) as {
        events: TraceEvent[];
      }
    ).events.slice(0, 400);
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const shuffle = shuffler(seed);
      const lines = base.map((e, i) => {
        const entries = shuffle(Object.entries(e));
        if (i % 7 === 0) entries.push(['extra', { x: [1, 2] }]);
        if (i % 11 === 0) entries.push(['caption', 'say "hi" \u2192 \\ done']);
        let s =
          '{ ' +
          entries.map(([k, v]) => `${JSON.stringify(k)} : ${JSON.stringify(v)}`).join(' ,\n ') +
          ' }';
        // An escaped key and an escaped step name force the JSON.parse path.
        if (i % 13 === 0) s = s.replace('"step"', '"st\\u0065p"');
        if (i % 17 === 0)
          s = s.replace(
            `"${e.actor}"`,
            `"${e.actor.replace(/./, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`,
          );
        return s;
      });
      const text = ` {"events" : [\n${lines.join(' ,\n')}\n] , "scenario": {"a": [true, false, null, -1.5e3]}, "schema":"iopath.trace/1" }\n`;
      const want = reference(text) as TraceEvent[];
      const got = events(text);
      expect(typeof got).toBe('object');
      // The store keeps the TraceEvent fields (in the engine's order): compare field by field.
      const strip = (e: TraceEvent) => {
        const { seq, t, pipeline, op, step, phase, actor, caption, data, effects, rc } = e;
        return { seq, t, pipeline, op, step, phase, actor, caption, data, effects, rc };
      };
      expect((got as TraceEvent[]).map(strip)).toEqual(want.map(strip));
    }
  });

  it('tells known keys from near misses (one byte changed, non-ASCII, prefixes, longer)', () => {
    // The fast path identifies a key by its packed bytes (keyOf): every key that differs from
    // a known one in any byte or in length must be an unknown key, ignored like JSON.parse's
    // extra fields — or, when it stood in for a required field, that field is reported missing.
    const e0 = { seq: 0, t: 1, op: 0, pipeline: 'p', step: 's', phase: 'point', actor: 'a' };
    const extra = { data: { x: 1 }, effects: [], caption: 'c', rc: 0 };
    const keys = [...Object.keys(e0), ...Object.keys(extra)];
    const near = new Set<string>();
    for (const k of keys) {
      for (let i = 0; i < k.length; i++) {
        for (const c of ['A', '_', 'é', '\u2192', k[i]!.toUpperCase()])
          near.add(k.slice(0, i) + c + k.slice(i + 1));
      }
      near.add(k.slice(0, -1));
      near.add(k + 's');
      near.add('x' + k);
    }
    for (const k of keys) near.delete(k);
    for (const bad of near) {
      for (const k of keys) {
        if (bad.length === 0) continue;
        const ev: Record<string, unknown> = { ...e0, ...extra };
        const v = ev[k];
        delete ev[k];
        ev[bad] = v;
        const text = `{"schema":"iopath.trace/1","events":[${JSON.stringify(ev)}]}`;
        const got = events(text);
        const want = reference(text);
        if (typeof want === 'string') expect(got).toBe(want);
        else {
          expect(typeof got).toBe('object');
          const g = (got as TraceEvent[])[0]!;
          const w = want[0]!;
          expect([g.step, g.actor, g.pipeline, g.phase, g.t, g.op, g.caption, g.rc]).toEqual([
            w.step,
            w.actor,
            w.pipeline,
            w.phase,
            w.t,
            w.op,
            w.caption,
            w.rc,
          ]);
          expect(g.data).toEqual(w.data);
          expect(g.effects).toEqual(w.effects);
        }
      }
    }
  });

  it('names the JSON path of the first problem, in parseTrace order', () => {
    const ok = serializeTrace(null, [
      { seq: 0, t: 0, pipeline: 'p', op: 0, step: 's', phase: 'enter', actor: 'a' },
      { seq: 1, t: 5, pipeline: 'p', op: 0, step: 's', phase: 'exit', actor: 'a', rc: -2 },
    ]);
    expect(events(ok)).toEqual(reference(ok));
    const cases: [string, string][] = [
      [ok.replace('"seq":1', '"seq":2'), 'events[1].seq: expected 1'],
      [ok.replace('"t":5', '"t":"5"'), 'events[1].t: expected a number'],
      [
        ok.replace('"op":0,"step":"s","phase":"exit"', '"op":null,"step":"s","phase":"exit"'),
        'events[1].op: expected a number',
      ],
      [ok.replace('"pipeline":"p"', '"pipeline":3'), 'events[0].pipeline: expected a string'],
      [ok.replace('"actor":"a","rc"', '"actor":["a"],"rc"'), 'events[1].actor: expected a string'],
      [
        ok.replace('"phase":"exit"', '"phase":"leave"'),
        'events[1].phase: expected enter, exit or point',
      ],
      [ok.replace('"rc":-2', '"effects":{}'), 'events[1].effects: expected an array'],
      [
        ok.replace('"schema":"iopath.trace/1"', '"schema":"iopath.trace/2"'),
        'schema: expected "iopath.trace/1"',
      ],
      ['{"schema":"iopath.trace/1","events":{}}', 'events: expected an array'],
      ['[1,2]', '$: expected an object'],
      ['{"schema":"iopath.trace/1","events":[7]}', 'events[0]: expected an object'],
      // Two problems: the earlier field in parseTrace's order wins, whatever the key order.
      [ok.replace('{"seq":1,"t":5', '{"t":"x","seq":9'), 'events[1].seq: expected 1'],
    ];
    for (const [text, error] of cases) {
      expect(events(text), error).toBe(error);
      expect(reference(text), error).toBe(error);
    }
  });

  it('rejects what is not JSON, anywhere (even after a bad event)', () => {
    const bad = [
      '{"schema":"iopath.trace/1","events":[',
      '{"schema":"iopath.trace/1","events":[]} x',
      '{"schema":"iopath.trace/1","events":[{"seq":0,}]}',
      '{"schema":"iopath.trace/1","events":[{"seq":1}, {"data": [1 2]}]}',
      '{"schema":"iopath.trace/1","events":[{"data":"a\u0001"}]}',
      '{"schema":"iopath.trace/1","events":[{"data":"\\x"}]}',
      '{"schema":"iopath.trace/1","events":[{"data":01}]}',
      '{"schema":"iopath.trace/1","events":[{"data":tru}]}',
      '',
    ];
    for (const text of bad) {
      expect(events(text), text).toMatch(/^\$: not JSON \(/);
      expect(reference(text), text).toMatch(/^\$: not JSON \(/);
    }
  });

  it('reports progress while scanning', () => {
    const text = readFileSync(join(GOLDEN, 'ceph-rbd-8mib.trace.json'), 'utf8');
    const seen: number[] = [];
    const r = scanTrace(enc.encode(text), new StringTable(), {
      onProgress: (done, total) => {
        expect(total).toBe(enc.encode(text).length);
        seen.push(done);
      },
    });
    expect(r.ok).toBe(true);
    expect(seen.length).toBeGreaterThan(0);
  });
});

describe('scanTrace on damaged files (seeded mutations) answers as parseTrace does', () => {
  // A small real trace, its first 60 events; each seed damages it at a few random bytes.
  const doc = JSON.parse(readFileSync(join(GOLDEN, 'ceph-rados-put-get.trace.json'), 'utf8')) as {
    events: TraceEvent[];
  };
  const base = serializeTrace(null, doc.events.slice(0, 60));
  // Bytes a mutation inserts: JSON structure, digits, letters, whitespace, escapes.
  const ALPHABET = '{}[]",:0123456789-+eE tfnulr\\\n\u0001aé';
  const strip = (e: TraceEvent) => {
    const { seq, t, pipeline, op, step, phase, actor, caption, data, effects, rc } = e;
    return { seq, t, pipeline, op, step, phase, actor, caption, data, effects, rc };
  };

  it('over 400 seeds: the same events, the same event error, or both not JSON', () => {
    let notJson = 0;
    let eventErrors = 0;
    for (let seed = 1; seed <= 400; seed++) {
      let x = seed * 2654435761;
      const rnd = (n: number) => {
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        return x % n;
      };
      let text = base;
      for (let k = 1 + rnd(3); k > 0; k--) {
        const at = rnd(text.length);
        const what = rnd(3);
        if (what === 0) text = text.slice(0, at) + text.slice(at + 1);
        else {
          const c = ALPHABET[rnd(ALPHABET.length)] as string;
          text = text.slice(0, at) + c + text.slice(at + (what === 1 ? 0 : 1));
        }
      }
      const want = reference(text);
      const got = events(text);
      if (typeof want === 'string') {
        if (want.startsWith('$: not JSON')) {
          notJson++;
          expect(got, `seed ${seed}`).toMatch(/^\$: not JSON \(/);
          continue;
        }
        // Documented differences: `op` must be an int32 (parseTrace takes any number).
        if (typeof got === 'string' && got.endsWith('.op: expected an integer')) continue;
        eventErrors++;
        expect(got, `seed ${seed}`).toBe(want);
        continue;
      }
      if (typeof got === 'string' && got.endsWith('.op: expected an integer')) continue;
      expect(typeof got, `seed ${seed}: ${JSON.stringify(got).slice(0, 200)}`).toBe('object');
      // A non-string caption is dropped by the scanner (the store has no column for it).
      const norm = (e: TraceEvent) => {
        const s = strip(e);
        if (typeof s.caption !== 'string') s.caption = undefined;
        return s;
      };
      expect((got as TraceEvent[]).map(norm), `seed ${seed}`).toEqual(want.map(norm));
    }
    // The mutations really reach every kind of answer.
    expect(notJson).toBeGreaterThan(50);
    expect(eventErrors).toBeGreaterThan(5);
  });
});
