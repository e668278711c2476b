/**
 * The views' derivations over the columnar store (lazy payloads, interned strings) agree with
 * a from-scratch fold over the plain event objects, at random cursors: checkpoints + replay on
 * the store = full replay on the array.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchEncoder, type TraceEvent } from '../../protocol/index.ts';
import { createDerived, type Reducer } from '../derive/createDerived.ts';
import { nvmeInitial, nvmeReducer } from '../derive/nvme.ts';
import { placementInitial, placementReducer } from '../derive/placement.ts';
import { scmInitial, scmReducer } from '../derive/scm.ts';
import { createScmOwners } from '../derive/scmOwners.ts';
import { createSequenceLog, opSpans, sequenceRows } from '../derive/sequence.ts';
import { seeded } from '../derive/testing.ts';
import { vosTreeInitial, vosTreeReducer } from '../derive/vostree.ts';
import { TraceStore } from './traceStore.ts';

const GOLDEN = join(import.meta.dirname, '../../../fixtures/golden');
const golden = (name: string): TraceEvent[] =>
  (JSON.parse(readFileSync(join(GOLDEN, name), 'utf8')) as { events: TraceEvent[] }).events;

function store(events: readonly TraceEvent[]): TraceStore {
  const s = new TraceStore();
  const enc = new BatchEncoder();
  for (let first = 0; first < events.length; first += 2048) {
    s.append(first, enc.encode(events.slice(first, first + 2048)));
  }
  return s;
}

const REDUCERS: [string, Reducer<unknown>, () => unknown][] = [
  ['scm', scmReducer, scmInitial],
  ['nvme', nvmeReducer, nvmeInitial],
  ['vostree', vosTreeReducer, vosTreeInitial],
  ['placement', placementReducer, placementInitial],
];

/**
 * A device-state map as one string (typed arrays as hex, capacity ignored): deep equality of
 * megabyte-sized line arrays element by element is far too slow for toEqual.
 */
function digest(state: unknown): string {
  return JSON.stringify(state, (_k, v: unknown) =>
    v instanceof Map
      ? [...(v as Map<unknown, unknown>)]
      : ArrayBuffer.isView(v)
        ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')
        : typeof v === 'bigint'
          ? `${v}n`
          : v,
  );
}

describe('derivations over the columnar store', () => {
  for (const file of ['daos-key-sv.trace.json', 'ceph-rbd-write.trace.json']) {
    it(`checkpoint + replay on the store = the same derivation on the array (${file})`, () => {
      const events = golden(file);
      const s = store(events);
      for (const [name, reducer, init] of REDUCERS) {
        const r = seeded(name.length * 31 + events.length);
        const d = createDerived(reducer, init(), 64, 16);
        // The same derivation over the plain array, warmed alike (typed-array capacities then
        // match too); the array's seeks equal a scratch fold (createDerived/media tests).
        const plain = createDerived(reducer, init(), 64, 16);
        // Warm part of the way in slices, like the idle warmer, then seek anywhere.
        const w = r.int(1, events.length);
        d.warm(s, w);
        plain.warm(events, w);
        for (let q = 0; q < 4; q++) {
          const k = r.int(0, events.length - 1);
          expect(d.at(s, k), `${name} at ${k}`).toEqual(plain.at(events, k));
          expect(d.lastReplay).toBeLessThan(d.interval);
        }
      }
    });
  }

  it('filtered folds and logs equal unfiltered ones (the filters never drop a needed event)', () => {
    for (const file of [
      'daos-key-sv.trace.json',
      'daos-replicated.trace.json',
      'daos-key-array.trace.json',
      'ceph-rbd-write.trace.json',
      'ceph-osd-failure.trace.json',
    ]) {
      const events = golden(file);
      const s = store(events);
      const pairs: [Reducer<unknown>, () => unknown][] = [
        [scmReducer, scmInitial],
        [nvmeReducer, nvmeInitial],
        // applyAt: they decode only the events their header, kind mask or data bytes select.
        [vosTreeReducer, vosTreeInitial],
        [placementReducer, placementInitial],
      ];
      for (const [reducer, init] of pairs) {
        const filtered = createDerived(reducer, init(), 64, 16);
        const every = createDerived(
          { apply: (st, e, i) => reducer.apply(st, e, i), clone: (st) => reducer.clone(st) },
          init(),
          64,
          16,
        );
        const r = seeded(events.length);
        for (let q = 0; q < 6; q++) {
          const k = r.int(0, events.length - 1);
          expect(digest(filtered.at(s, k)), `${file} at ${k}`).toBe(digest(every.at(events, k)));
        }
      }
      const owners = createScmOwners();
      const allOwners = createScmOwners(true);
      expect(owners.sync(s)).toEqual(allOwners.sync(events));
      const r = seeded(7);
      for (let q = 0; q < 10; q++) {
        const k = r.int(0, events.length - 1);
        expect(owners.upTo(s, k)).toBe(allOwners.upTo(events, k));
      }
    }
  });

  it('sequence log, rows and spans read the same from the store as from the array', () => {
    const events = golden('ceph-rbd-write.trace.json');
    const s = store(events);
    const a = createSequenceLog();
    const b = createSequenceLog();
    expect(a.sync(s)).toEqual(b.sync(events));
    const r = seeded(5);
    for (let q = 0; q < 10; q++) {
      const k = r.int(0, events.length - 1);
      expect(a.upTo(s, k)).toBe(b.upTo(events, k));
      expect(sequenceRows(s, k, 40)).toEqual(sequenceRows(events, k, 40));
      expect(opSpans(s, Math.max(0, k - 200), k)).toEqual(opSpans(events, Math.max(0, k - 200), k));
    }
  });

  it('an append log warms in bounded slices to the same entries', () => {
    const events = golden('ceph-rbd-write.trace.json');
    const s = store(events);
    const a = createSequenceLog();
    let calls = 0;
    while (!a.warm(s, 97)) calls++;
    expect(calls).toBe(Math.ceil(events.length / 97) - 1);
    expect(a.sync(s)).toEqual(createSequenceLog().sync(events));
  });
});
