import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeTrace } from '../engine/index.ts';
import { decodeWireBatch, type TraceEvent } from '../protocol/index.ts';
import { StringTable } from './batch.ts';
import {
  scanTrace,
  scanTracePart,
  scanTraceWithPart,
  type PartScan,
  type ScanResult,
} from './traceScan.ts';
import {
  answerPart,
  findEventStart,
  helperScanner,
  splitPoint,
  type HelperPort,
  type PartReply,
} from './traceSplit.ts';

const GOLDEN = join(import.meta.dirname, '../../fixtures/golden');
const enc = new TextEncoder();

/** The answer as comparable data: the events (payloads decoded) or the error. */
function answer(r: ScanResult): string {
  if (!r.ok) return r.error.startsWith('$: not JSON') ? 'not JSON' : r.error;
  return JSON.stringify(decodeWireBatch(r.batch, []));
}

/**
 * Scan `bytes` in two parts split at the first guessed event start from `from`. With `slack`,
 * as the engine worker does: this side holds only the file up to `slack` bytes past the start
 * (the part brings the rest); a null answer (the prefix was not enough) is followed by a scan of
 * the whole file, as the engine worker does too (`whole` counts those).
 */
async function splitScan(
  bytes: Uint8Array,
  from: number,
  helper: (part: PartScan | null) => PartScan | null = (p) => p,
  slack = Infinity,
): Promise<{ r: ScanResult; used: boolean; whole: boolean }> {
  // What the helper does: its bytes are the file from `from` on.
  const mine = bytes.slice(from);
  const rel = findEventStart(mine, 0);
  if (rel < 0) return { r: scanTrace(bytes, new StringTable()), used: false, whole: true };
  const at = from + rel;
  const part = helper(scanTracePart(mine, from, rel));
  let used = false;
  const prefix = bytes.slice(0, Math.min(bytes.length, at + 1 + slack));
  const r = await scanTraceWithPart(
    prefix,
    new StringTable(),
    at,
    Promise.resolve(part).then((p) => {
      used = p !== null;
      return p;
    }),
    {},
    bytes.length,
  );
  if (r === null) return { r: scanTrace(bytes, new StringTable()), used: false, whole: true };
  return { r, used, whole: false };
}

describe('splitPoint', () => {
  it('finds the next `}` `,` `{` (whitespace allowed), the same from either side', () => {
    const b = enc.encode('[{"a":1} ,\n {"b":"},{"} ,{}]');
    expect(splitPoint(b, 0)).toBe(12);
    expect(splitPoint(b, 13)).toBe(20); // inside a string: only the scan can tell
    expect(splitPoint(b, 21)).toBe(25);
    expect(splitPoint(b, 26)).toBe(-1);
    // The helper sees the bytes from `from` on: the same byte.
    expect(splitPoint(b.slice(13), 0) + 13).toBe(20);
  });
});

describe('a trace scanned in two parts (engine worker + helper) answers as one scan', () => {
  const text = readFileSync(join(GOLDEN, 'daos-kv.trace.json'), 'utf8');
  const bytes = enc.encode(text);
  const whole = answer(scanTrace(bytes, new StringTable()));

  it('at every kind of split point: the same events, and the part is really used', async () => {
    let used = 0;
    const step = Math.max(1, Math.floor(bytes.length / 40));
    for (let from = 0; from < bytes.length; from += step) {
      const s = await splitScan(bytes, from);
      expect(answer(s.r), `from ${from}`).toBe(whole);
      if (s.used) used++;
      // The part's events really are the ones in the answer: a marked part shows through.
      const marked = await splitScan(bytes, from, (p) => {
        if (p) p.batch.t[0] = -7;
        return p;
      });
      if (s.used) expect(answer(marked.r), `from ${from}`).not.toBe(whole);
    }
    expect(used).toBeGreaterThan(30);
  });

  it('holding only a prefix (the part brings the rest): the same answer, the part used', async () => {
    let used = 0;
    const step = Math.max(1, Math.floor(bytes.length / 40));
    for (let from = 0; from < bytes.length; from += step) {
      for (const slack of [0, 300]) {
        const s = await splitScan(bytes, from, (p) => p, slack);
        expect(answer(s.r), `from ${from} slack ${slack}`).toBe(whole);
        if (s.used && !s.whole) used++;
      }
      // Without a part the prefix is not enough: the whole file is scanned (same answer).
      const none = await splitScan(bytes, from, () => null, 300);
      expect(answer(none.r), `from ${from}`).toBe(whole);
    }
    expect(used).toBeGreaterThan(60);
  });

  it('a helper that answers nothing, or a part of another start, changes nothing', async () => {
    for (const from of [1000, bytes.length >> 1, bytes.length - 500]) {
      expect(answer((await splitScan(bytes, from, () => null)).r)).toBe(whole);
      const other = scanTracePart(bytes.slice(from), from, splitPoint(bytes, from + 1) - from);
      expect(answer((await splitScan(bytes, from, () => other)).r)).toBe(whole);
    }
  });

  it('a guessed start inside a string: the scan does not stop there and reads on', async () => {
    const evs: TraceEvent[] = [];
    for (let i = 0; i < 40; i++) {
      evs.push({
        seq: i,
        t: i * 10,
        pipeline: 'p',
        op: i >> 2,
        step: 's',
        phase: 'point',
        actor: 'a',
        data: { note: `x},{"seq":${i + 1}} ,{y`, n: i },
      });
    }
    const b = enc.encode(serializeTrace(null, evs));
    const one = answer(scanTrace(b, new StringTable()));
    for (let from = 0; from < b.length; from += 7) {
      expect(answer((await splitScan(b, from)).r), `from ${from}`).toBe(one);
      expect(answer((await splitScan(b, from, (p) => p, 20)).r), `from ${from}`).toBe(one);
    }
  });

  it('damaged files (seeded): the same error or events as one scan', async () => {
    const small = enc.encode(
      serializeTrace(
        null,
        (
          JSON.parse(readFileSync(join(GOLDEN, 'ceph-rados-put-get.trace.json'), 'utf8')) as {
            events: TraceEvent[];
          }
        ).events.slice(0, 40),
      ),
    );
    const ALPHABET = enc.encode('{}[]",:0123456789-e tn\\\n\u0001');
    for (let seed = 1; seed <= 300; seed++) {
      let x = seed * 2654435761;
      const rnd = (n: number) => {
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        return x % n;
      };
      const b = small.slice();
      for (let k = 1 + rnd(2); k > 0; k--)
        b[rnd(b.length)] = ALPHABET[rnd(ALPHABET.length)] as number;
      const one = answer(scanTrace(b, new StringTable()));
      const from = rnd(b.length);
      const s = await splitScan(b, from);
      expect(answer(s.r), `seed ${seed}`).toBe(one);
      const p = await splitScan(b, from, (x) => x, rnd(400));
      expect(answer(p.r), `seed ${seed} (prefix)`).toBe(one);
    }
  });
});

describe('helper protocol', () => {
  it('answerPart reads the file from `from` (a Blob slice), posts the start, then the part', async () => {
    const text = readFileSync(join(GOLDEN, 'daos-kv.trace.json'), 'utf8');
    const from = text.length >> 1;
    const got: [PartReply, ArrayBuffer[]][] = [];
    await answerPart(
      { id: 3, file: new Blob([text]), from },
      (r, t) => got.push([r, t]),
      scanTracePart,
    );
    const b = enc.encode(text);
    const at = from + findEventStart(b.slice(from), 0);
    expect(got.map(([r]) => r.id)).toEqual([3, 3]);
    expect(got[0]?.[0]).toEqual({ id: 3, at });
    const part = (got[1]?.[0] as { part: PartScan | null }).part;
    expect(part?.at).toBe(at);
    expect(part?.count).toBeGreaterThan(0);
    expect(got[1]?.[1].length).toBeGreaterThan(0);
    // A file that cannot be read: "none" both times.
    const none: PartReply[] = [];
    const bad = {
      size: 10,
      slice: () => ({ size: 0, arrayBuffer: () => Promise.reject(new Error('gone')) }),
      arrayBuffer: () => Promise.reject(new Error('gone')),
    };
    await answerPart({ id: 4, file: bad, from: 0 }, (r) => none.push(r), scanTracePart);
    expect(none).toEqual([
      { id: 4, at: -1 },
      { id: 4, part: null },
    ]);
  });

  it('helperScanner: a helper that fails answers null (the engine worker scans alone)', async () => {
    const listeners: { message?: (e: { data: PartReply }) => void; error?: () => void } = {};
    const port: HelperPort = {
      postMessage: () => listeners.error?.(),
      addEventListener: (type: 'message' | 'error', f: never) => {
        listeners[type] = f;
      },
    };
    const scanner = helperScanner(() => port);
    const a = scanner(new Blob(['{}']), 0);
    await expect(a.at).resolves.toBe(-1);
    await expect(a.part).resolves.toBeNull();
    const b = scanner(new Blob(['{}']), 0);
    await expect(b.at).resolves.toBe(-1);
    await expect(b.part).resolves.toBeNull();
  });
});
