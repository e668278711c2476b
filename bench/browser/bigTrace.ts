/**
 * A deterministic N-event iopath.trace/1 text for the UI benchmark: real traces of the engine
 * (fixtures/golden — DAOS update/fetch/replicated/DTX and Ceph write/read/recovery) tiled one
 * after another in an order drawn from a seeded generator. Each tile's `seq`, `t` and `op` are
 * shifted so the result is one valid trace (dense seq, growing time, op boundaries between
 * tiles); the events themselves — steps, actors, data, effects — are the engine's own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = [
  'daos-key-sv',
  'daos-key-array',
  'daos-replicated',
  'daos-kv',
  'daos-array',
  'ceph-rbd-write',
  'ceph-rbd-straddle',
  'ceph-rados-put-get',
  'ceph-osd-failure',
] as const;

interface Ev {
  seq: number;
  t: number;
  op: number;
  [k: string]: unknown;
}

/** xorshift32: the bench's own tiny seeded generator (no engine import from the bench). */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

export function generateBigTrace(root: string, n: number, seed = 1): { text: string; n: number } {
  const tiles = SOURCES.map((name) => {
    const doc = JSON.parse(
      readFileSync(join(root, 'fixtures/golden', `${name}.trace.json`), 'utf8'),
    ) as { events: Ev[] };
    const evs = doc.events;
    const ops = 1 + Math.max(...evs.map((e) => e.op));
    const span = (evs[evs.length - 1]?.t ?? 0) + 1000;
    // Pre-split each event around the fields that change per tile: `{"seq":…,"t":…,"op":…,rest`.
    const rest = evs.map((e) => {
      const { seq: _s, t: _t, op: _o, ...r } = e;
      void _s;
      void _t;
      void _o;
      const s = JSON.stringify(r);
      return s === '{}' ? '}' : ',' + s.slice(1);
    });
    return { evs, ops, span, rest };
  });
  const rnd = xorshift(seed);
  const parts: string[] = ['{"schema":"iopath.trace/1","scenario":null,"events":['];
  let seq = 0;
  let t0 = 0;
  let op0 = 0;
  while (seq < n) {
    const tile = tiles[Math.floor(rnd() * tiles.length)]!;
    const take = Math.min(tile.evs.length, n - seq);
    for (let i = 0; i < take; i++) {
      const e = tile.evs[i]!;
      parts.push(
        `${seq === 0 ? '' : ','}{"seq":${seq},"t":${t0 + e.t},"op":${op0 + e.op}${tile.rest[i]!}`,
      );
      seq++;
    }
    t0 += tile.span;
    op0 += tile.ops;
  }
  parts.push(']}');
  return { text: parts.join(''), n: seq };
}
