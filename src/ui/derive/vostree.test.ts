import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../protocol/index.ts';
import { createDerived } from './createDerived.ts';
import { createScmOwners, ownersOf } from './scmOwners.ts';
import { lineCounts, scmInitial, scmReducer } from './scm.ts';
import { nvmeInitial, nvmeReducer, blockLook } from './nvme.ts';
import { seeded } from './testing.ts';
import {
  visibleRuns,
  vosTreeInitial,
  vosTreeReducer,
  type Extent,
  type VosTreeState,
} from './vostree.ts';

const events = JSON.parse(
  readFileSync(new URL('./__fixtures__/vos-trace.json', import.meta.url), 'utf8'),
) as TraceEvent[];

const fold = (k: number): VosTreeState =>
  events.slice(0, k + 1).reduce((s, e, i) => vosTreeReducer.apply(s, e, i), vosTreeInitial());

/** Plain form for deep comparison (Maps → sorted entries). */
function plain(s: VosTreeState) {
  return [...s.targets].map(([t, objs]) => [
    t,
    [...objs].map(([o, on]) => [
      o,
      [...on.dkeys].map(([d, dn]) => [
        d,
        [...dn.akeys].map(([a, an]) => [a, an.versions, an.extents, an.punched]),
      ]),
    ]),
  ]);
}

describe('vos tree from a real VOS trace', () => {
  it('builds object → dkeys → akeys → SV versions and evtree extents with epochs', () => {
    const s = fold(events.length - 1);
    const objs = s.targets.get('engine0.tgt0');
    expect(objs).toBeDefined();
    const obj = [...objs!.values()][0]!;
    expect(obj.oid).toBe('0.1234.0');
    expect([...obj.dkeys.keys()].sort()).toEqual([
      'd',
      'dkey_0',
      'dkey_1',
      'dkey_2',
      'dkey_3',
      'dkey_4',
      'dkey_5',
    ]);
    const sv = obj.dkeys.get('dkey_0')!.akeys.get('akey_sv')!;
    expect(sv.versions.map((v) => [v.epoch, v.size, v.media])).toEqual([
      [10n, 100, 'SCM'],
      [20n, 5000, 'NVMe'],
    ]);
    const arr = obj.dkeys.get('d')!.akeys.get('arr')!;
    expect(arr.extents.map((x) => [x.lo, x.hi, x.epoch])).toEqual([
      [0, 99, 21n],
      [50, 8241, 22n],
    ]);
    expect(arr.extents[1]!.media).toBe('NVMe');
    // at epoch 21 only the first extent is visible; at 22 the newer one covers 50..
    expect(visibleRuns(arr.extents, 21n).map((r) => [r.lo, r.hi])).toEqual([[0, 99]]);
    expect(visibleRuns(arr.extents, 22n).map((r) => [r.lo, r.hi, r.from.epoch])).toEqual([
      [0, 49, 21n],
      [50, 8241, 22n],
    ]);
  });

  it('seek/step back through checkpoints equals from-scratch (random cursors)', () => {
    const d = createDerived(vosTreeReducer, vosTreeInitial(), 64);
    const r = seeded(11);
    for (let q = 0; q < 40; q++) {
      const k = r.int(0, events.length - 1);
      expect(plain(d.at(events, k))).toEqual(plain(fold(k)));
      if (k > 0) expect(plain(d.at(events, k - 1))).toEqual(plain(fold(k - 1)));
    }
  });

  it('the SCM and NVMe maps of the same trace show durable lines, owners and VEA blocks', () => {
    const scm = events.reduce((s, e, i) => scmReducer.apply(s, e, i), scmInitial());
    const dev = scm.devs.get('scm0')!;
    const c = lineCounts(dev);
    expect(c.durable).toBeGreaterThan(10);
    // every transaction committed and drained: nothing left dirty at the end
    expect(c.dirty + c.flushed).toBe(0);
    const owners = createScmOwners();
    const notes = owners.sync(events);
    const dkeyRec = notes.find((n) => n.label.startsWith('VOS_BTR_DKEY record'));
    expect(dkeyRec?.label).toMatch(/dkey "dkey_0"/);
    const who = ownersOf(notes, notes.length, 'scm0', dkeyRec!.off - (dkeyRec!.off % 64), 64);
    expect(who.some((o) => o.label.startsWith('VOS_BTR_DKEY record'))).toBe(true);
    const nv = events.reduce((s, e, i) => nvmeReducer.apply(s, e, i), nvmeInitial());
    const n0 = nv.devs.get('nvme0')!;
    expect(blockLook(n0, 1)).toBe('durable'); // 5000-byte SV at blocks 1..2, FUA write, published
    expect(blockLook(n0, 0)).toBe('free'); // blob header block
  });

  it('visibleRuns picks the newest epoch per index', () => {
    const x = (lo: number, hi: number, epoch: number, i: number): Extent => ({
      lo,
      hi,
      epoch: BigInt(epoch),
      media: 'SCM',
      i,
    });
    const runs = visibleRuns(
      [x(0, 100, 1, 0), x(300, 400, 2, 1), x(400, 500, 3, 2), x(30, 60, 10, 3)],
      9n,
    );
    expect(runs.map((r) => [r.lo, r.hi, r.from.epoch])).toEqual([
      [0, 100, 1n],
      [300, 399, 2n],
      [400, 500, 3n],
    ]);
  });

  it('keeps 64-bit HLC epochs apart (no rounding through doubles)', () => {
    const a = 0x2307fb4757e00002n;
    const runs = visibleRuns(
      [
        { lo: 0, hi: 9, epoch: a, media: 'SCM', i: 0 },
        { lo: 0, hi: 4, epoch: a + 1n, media: 'SCM', i: 1 },
      ],
      a,
    );
    expect(runs.map((r) => [r.lo, r.hi])).toEqual([[0, 9]]);
  });
});
