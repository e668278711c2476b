import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../protocol/index.ts';
import type { Effect } from '../../engine/trace/event.ts';
import { createDerived } from './createDerived.ts';
import { blockLook, nvmeInitial, nvmeReducer, type NvmeState } from './nvme.ts';
import { lineCounts, lineLook, scmInitial, scmReducer, type ScmState } from './scm.ts';
import { ev, seeded } from './testing.ts';

const run = <S>(r: { apply(s: S, e: TraceEvent, i: number): S }, s: S, effects: Effect[][]): S =>
  effects.reduce((acc, f, i) => r.apply(acc, ev(i, {}, f), i), s);

const looks = (s: ScmState, dev: string): string[] => {
  const d = s.devs.get(dev);
  if (!d) return [];
  return Array.from({ length: d.lines }, (_, l) => lineLook(d, l));
};

describe('scm reducer', () => {
  it('follows the cache-line states of the engine: dirty → flushed → durable', () => {
    const s = run(scmReducer, scmInitial(), [
      [{ kind: 'alloc', media: 'scm', dev: 'scm0', off: 64, len: 192 }],
      [{ kind: 'scm.write', dev: 'scm0', off: 70, len: 70 }], // lines 1..2
      [{ kind: 'scm.flush', dev: 'scm0', off: 64, len: 64, lines: 1 }], // line 1
      [{ kind: 'scm.write', dev: 'scm0', off: 200, len: 8 }], // line 3
    ]);
    expect(looks(s, 'scm0')).toEqual(['free', 'flushed', 'dirty', 'dirty']);
    const s2 = run(scmReducer, s, [[{ kind: 'scm.drain', dev: 'scm0', lines: 1 }]]);
    expect(looks(s2, 'scm0')).toEqual(['free', 'durable', 'dirty', 'dirty']);
  });

  it('a line written again after its flush stays dirty through the drain; power cut loses unflushed lines', () => {
    const s = run(scmReducer, scmInitial(), [
      [{ kind: 'scm.write', dev: 'a', off: 0, len: 128 }],
      [{ kind: 'scm.flush', dev: 'a', off: 0, len: 128 }],
      [{ kind: 'scm.write', dev: 'a', off: 0, len: 1 }],
      [{ kind: 'scm.drain', dev: 'a', lines: 2 }],
      [{ kind: 'scm.write', dev: 'a', off: 128, len: 1 }],
      [{ kind: 'scm.flush', dev: 'a', off: 128, len: 1 }],
    ]);
    expect(looks(s, 'a')).toEqual(['dirty', 'written-free', 'flushed']);
    const cut = run(scmReducer, s, [
      [{ kind: 'scm.power_cut', dev: 'a', lost_lines: 2, torn_lines: 0 }],
    ]);
    expect(looks(cut, 'a')).toEqual(['lost', 'written-free', 'lost']);
    expect(cut.devs.get('a')?.powerCut).toBe(true);
  });

  it('reserve / alloc / free / cancel set allocation; effects of other media and VOS notes are ignored', () => {
    const s = run(scmReducer, scmInitial(), [
      [{ kind: 'reserve', media: 'scm', dev: 'd', off: 0, len: 64 }],
      [{ kind: 'alloc', media: 'scm', dev: 'd', off: 64, len: 64 }],
      [{ kind: 'alloc', media: 'scm', dev: 'd', off: 128, len: 64 }],
      [{ kind: 'free', media: 'scm', dev: 'd', off: 128, len: 64 }],
      [{ kind: 'scm.write', off: 0, len: 4096, what: 'value' }],
      [{ kind: 'alloc', media: 'nvme', dev: 'd', off: 4096, len: 64 }],
    ]);
    expect(looks(s, 'd')).toEqual(['reserved', 'allocated', 'free']);
    const c = lineCounts(s.devs.get('d')!);
    expect(c.reserved + c.allocated + c.free).toBe(3);
  });
});

describe('nvme reducer', () => {
  it('VEA allocation and write-cache states', () => {
    const s = run(nvmeReducer, nvmeInitial(), [
      [{ kind: 'vea.reserve', dev: 'n', blk_off: 1, blk_cnt: 3 }],
      [{ kind: 'nvme.submit', dev: 'n', lba: 1, n: 2, op: 'write' }],
      [{ kind: 'vea.publish', dev: 'n', blk_off: 1, blk_cnt: 3 }],
      [{ kind: 'nvme.submit', dev: 'n', lba: 5, n: 1, op: 'write', fua: true }],
    ]);
    const d = s.devs.get('n')!;
    const look = (st: NvmeState): string[] =>
      Array.from({ length: st.devs.get('n')!.blocks }, (_, b) => blockLook(st.devs.get('n')!, b));
    expect(look(s)).toEqual(['free', 'inflight', 'inflight', 'allocated', 'free', 'inflight']);
    const s2 = run(nvmeReducer, s, [
      [{ kind: 'nvme.complete', dev: 'n', lba: 1, n: 2, op: 'write' }],
      [{ kind: 'nvme.complete', dev: 'n', lba: 5, n: 1, op: 'write' }],
    ]);
    expect(look(s2)).toEqual(['free', 'cached', 'cached', 'allocated', 'free', 'written-free']);
    const s3 = run(nvmeReducer, nvmeReducer.clone(s2), [
      [{ kind: 'nvme.flush', dev: 'n', blocks: 2 }],
    ]);
    expect(look(s3)).toEqual(['free', 'durable', 'durable', 'allocated', 'free', 'written-free']);
    const s4 = run(nvmeReducer, nvmeReducer.clone(s2), [
      [{ kind: 'nvme.power_cut', dev: 'n', lost_blocks: 2 }],
    ]);
    expect(look(s4)).toEqual(['free', 'lost', 'lost', 'allocated', 'free', 'written-free']);
    expect(d.writes).toBe(2);
  });

  it('reads Ceph object-store effects (device/lbas, journal.append)', () => {
    const s = run(nvmeReducer, nvmeInitial(), [
      [{ kind: 'nvme.write', device: 'osd.0.block', lbas: [3, 4] }],
      [{ kind: 'journal.append', device: 'osd.0.journal', lba: 0, blocks: 2, entries: 1 }],
      [{ kind: 'alloc', device: 'osd.0.block', lbas: [7] }],
      [{ kind: 'kv.commit', device: 'osd.0.block', lba: 0, blocks: 2 }],
    ]);
    expect(blockLook(s.devs.get('osd.0.block')!, 7)).toBe('allocated');
    expect(blockLook(s.devs.get('osd.0.block')!, 1)).toBe('written-free');
    expect(blockLook(s.devs.get('osd.0.block')!, 4)).toBe('written-free');
    expect(s.devs.get('osd.0.journal')!.blocks).toBe(2);
  });
});

/** Random effect streams over two devices of each kind. */
function randomTrace(seed: number, n: number): TraceEvent[] {
  const r = seeded(seed);
  const out: TraceEvent[] = [];
  for (let i = 0; i < n; i++) {
    const effects: Effect[] = [];
    const k = r.int(0, 3);
    for (let j = 0; j < k; j++) {
      const dev = r.pick(['scm0', 'scm1']);
      const nd = r.pick(['nvme0', 'nvme1']);
      const off = r.int(0, 200) * 16;
      const len = r.int(1, 300);
      const lba = r.int(0, 60);
      const cnt = r.int(1, 6);
      effects.push(
        r.pick<Effect>([
          { kind: 'scm.write', dev, off, len },
          { kind: 'scm.flush', dev, off, len },
          { kind: 'scm.drain', dev, lines: 0 },
          { kind: 'alloc', media: 'scm', dev, off, len },
          { kind: 'reserve', media: 'scm', dev, off, len },
          { kind: 'free', media: 'scm', dev, off, len },
          { kind: 'vea.reserve', dev: nd, blk_off: lba, blk_cnt: cnt },
          { kind: 'vea.publish', dev: nd, blk_off: lba, blk_cnt: cnt },
          { kind: 'vea.free', dev: nd, blk_off: lba, blk_cnt: cnt },
          { kind: 'nvme.submit', dev: nd, lba, n: cnt, op: 'write' },
          { kind: 'nvme.complete', dev: nd, lba, n: cnt, op: 'write' },
          { kind: 'nvme.flush', dev: nd, blocks: 0 },
        ]),
      );
    }
    out.push(ev(i, {}, effects));
  }
  return out;
}

const scmPlain = (s: ScmState) =>
  [...s.devs.values()].map((d) => ({
    id: d.id,
    looks: Array.from({ length: d.lines }, (_, l) => lineLook(d, l)),
    w: d.writes,
  }));
const nvmePlain = (s: NvmeState) =>
  [...s.devs.values()].map((d) => ({
    id: d.id,
    looks: Array.from({ length: d.blocks }, (_, b) => blockLook(d, b)),
  }));

describe('media maps through checkpoints', () => {
  it('seek to random cursors and step back equal a from-scratch replay (many seeds)', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const r = seeded(seed * 31);
      const events = randomTrace(seed, 400);
      const ds = createDerived(scmReducer, scmInitial(), r.pick([1, 16, 50]));
      const dn = createDerived(nvmeReducer, nvmeInitial(), r.pick([3, 64]));
      for (let q = 0; q < 12; q++) {
        const k = r.int(0, 399);
        const scratchS = events
          .slice(0, k + 1)
          .reduce((s, e, i) => scmReducer.apply(s, e, i), scmInitial());
        const scratchN = events
          .slice(0, k + 1)
          .reduce((s, e, i) => nvmeReducer.apply(s, e, i), nvmeInitial());
        expect(scmPlain(ds.at(events, k))).toEqual(scmPlain(scratchS));
        expect(nvmePlain(dn.at(events, k))).toEqual(nvmePlain(scratchN));
        // one step back
        if (k > 0) {
          const back = events
            .slice(0, k)
            .reduce((s, e, i) => scmReducer.apply(s, e, i), scmInitial());
          expect(scmPlain(ds.at(events, k - 1))).toEqual(scmPlain(back));
        }
      }
    }
  });
});
