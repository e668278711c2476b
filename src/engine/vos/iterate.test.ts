import { describe, expect, it } from 'vitest';
import { der, IoError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { createRuntime } from '../core/runtime.ts';
import type { Proc } from '../core/sim.ts';
import { VosTargetStore } from './target-store.ts';
import { vosListAkeys, vosListDkeys, vosListRecx } from './api.ts';
import {
  ANCHOR_ZERO,
  anchorIsEof,
  vosIterateAkeys,
  vosIterateDkeys,
  vosIterateRecx,
  type IterLimit,
  type KeyPage,
  type VosAnchor,
} from './iterate.ts';
import { arrIod, enc, makeTarget, svIod, Vos, type TestPool } from './test-helpers.ts';

const text = (k: Uint8Array): string => new TextDecoder().decode(k);

/** The application's anchor loop: call until EOF; returns the keys and the number of calls. */
function loop(next: (a: VosAnchor) => KeyPage): { keys: string[]; calls: number } {
  let a = ANCHOR_ZERO;
  const keys: string[] = [];
  let calls = 0;
  while (!anchorIsEof(a)) {
    const p = next(a);
    calls++;
    keys.push(...p.keys.map(text));
    a = p.anchor;
    if (calls > 10_000) throw new Error('no progress');
  }
  return { keys, calls };
}

function setup(otype = 0): { t: TestPool; v: Vos } {
  const t = makeTarget({ otype });
  return { t, v: new Vos(t) };
}

describe('enumeration with anchors (vos_iterate resumed from daos_anchor_t)', () => {
  it('300 dkeys, nr = 7 per call: same keys, same (btree) order as one full listing', () => {
    const { t, v } = setup();
    for (let i = 0; i < 300; i++)
      expect(v.update(10, `dkey-${i}`, [svIod('a', 1)], [enc('x')])).toBe(0);
    const full = vosListDkeys(t.pool, t.cont, t.oid, 20n).map(text);
    expect(full).toHaveLength(300);
    const lim: IterLimit = { nr: 7 };
    const r = loop((a) => vosIterateDkeys(t.pool, t.cont, t.oid, 20n, a, lim));
    expect(r.keys).toEqual(full);
    expect(r.calls).toBe(Math.ceil(300 / 7)); // 300 is not a multiple of 7: the last call hits EOF
  });

  it('uint64 and lexical dkeys come back in numeric / byte order, across calls', () => {
    // DAOS_OT_DKEY_UINT64 = 2, DAOS_OT_DKEY_LEXICAL = 5
    const u = setup(2);
    const nums = [5n, 1n, 900n, 42n, 7n, 65536n, 3n];
    for (const n of nums) {
      const k = new Uint8Array(8);
      new DataView(k.buffer).setBigUint64(0, n, true);
      expect(u.v.update(10, k, [svIod('a', 1)], [enc('x')])).toBe(0);
    }
    const got: bigint[] = [];
    let a = ANCHOR_ZERO;
    while (!anchorIsEof(a)) {
      const p = vosIterateDkeys(u.t.pool, u.t.cont, u.t.oid, 10n, a, { nr: 2 });
      for (const k of p.keys) got.push(new DataView(k.buffer, k.byteOffset).getBigUint64(0, true));
      a = p.anchor;
    }
    expect(got).toEqual([...nums].sort((x, y) => (x < y ? -1 : 1)));
    const l = setup(5);
    for (const k of ['pear', 'apple', 'fig', 'banana', 'cherry'])
      l.v.update(10, k, [svIod('a', 1)], [enc('x')]);
    const r = loop((a) => vosIterateDkeys(l.t.pool, l.t.cont, l.t.oid, 10n, a, { nr: 2 }));
    expect(r.keys).toEqual(['apple', 'banana', 'cherry', 'fig', 'pear']);
  });

  it('keys inserted and punched between calls: nothing visible is repeated or skipped', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const rng = new Rng(seed);
      const { t, v } = setup();
      const live = new Set<string>();
      for (let i = 0; i < 120; i++) {
        const k = `k${rng.int(0, 400)}`;
        v.update(10, k, [svIod('a', 1)], [enc('x')]);
        live.add(k);
      }
      // Enumerate at epoch 50 while updates/punches land at later epochs (invisible at 50),
      // and some at earlier epochs (visible at 50) after the walk has passed them or not.
      let a = ANCHOR_ZERO;
      const seen: string[] = [];
      let e = 60;
      while (!anchorIsEof(a)) {
        const p = vosIterateDkeys(t.pool, t.cont, t.oid, 50n, a, { nr: rng.int(1, 9) });
        seen.push(...p.keys.map(text));
        a = p.anchor;
        v.update(e++, `late${rng.int(0, 50)}`, [svIod('a', 1)], [enc('y')]);
        const victim = [...live][rng.int(0, live.size - 1)] as string;
        expect(v.punch(e++, victim)).toBe(0);
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual([...live].sort());
    }
  });

  it('a call may return fewer keys than asked (key buffer full) without being at EOF; -DER_KEY2BIG if even the first does not fit', () => {
    const { t, v } = setup();
    const names = Array.from({ length: 20 }, (_, i) => `key-${String(i).padStart(3, '0')}`);
    for (const k of names) v.update(10, k, [svIod('a', 1)], [enc('x')]);
    const p = vosIterateDkeys(t.pool, t.cont, t.oid, 10n, ANCHOR_ZERO, { nr: 100, bufLen: 20 });
    expect(p.keys).toHaveLength(2); // 7 + 7 bytes fit in 20, a third does not
    expect(anchorIsEof(p.anchor)).toBe(false);
    const r = loop((a) => vosIterateDkeys(t.pool, t.cont, t.oid, 10n, a, { nr: 100, bufLen: 20 }));
    expect([...r.keys].sort()).toEqual(names);
    let rc = 0;
    try {
      vosIterateDkeys(t.pool, t.cont, t.oid, 10n, ANCHOR_ZERO, { nr: 1, bufLen: 4 });
    } catch (e) {
      rc = e instanceof IoError ? e.rc : 1;
    }
    expect(rc).toBe(der('KEY2BIG'));
    try {
      vosIterateDkeys(t.pool, t.cont, t.oid, 10n, ANCHOR_ZERO, { nr: 0 });
      rc = 0;
    } catch (e) {
      rc = e instanceof IoError ? e.rc : 1;
    }
    expect(rc).toBe(der('INVAL'));
  });

  it('akeys of a dkey with nr = 3', () => {
    const { t, v } = setup();
    const iods = Array.from({ length: 25 }, (_, i) => svIod(`akey${i}`, 1));
    expect(
      v.update(
        10,
        'd',
        iods,
        iods.map(() => enc('x')),
      ),
    ).toBe(0);
    const full = vosListAkeys(t.pool, t.cont, t.oid, enc('d'), 10n).map(text);
    const r = loop((a) => vosIterateAkeys(t.pool, t.cont, t.oid, enc('d'), 10n, a, { nr: 3 }));
    expect(r.keys).toEqual(full);
    expect(r.keys).toHaveLength(25);
    // A missing dkey: EOF at once.
    const m = vosIterateAkeys(t.pool, t.cont, t.oid, enc('nope'), 10n, ANCHOR_ZERO, { nr: 3 });
    expect(m.keys).toEqual([]);
    expect(anchorIsEof(m.anchor)).toBe(true);
  });

  it('S37: 100 records, punch {50,10}, list_recx 5 per call → the 2 visible pieces; many extents page correctly', () => {
    const { t, v } = setup();
    expect(v.update(10, 'd', [arrIod('a', 1, [[0, 100]])], [new Uint8Array(100).fill(97)])).toBe(0);
    expect(v.update(11, 'd', [arrIod('a', 0, [[50, 10]])], [null])).toBe(0);
    const all: string[] = [];
    let a = ANCHOR_ZERO;
    let calls = 0;
    while (!anchorIsEof(a)) {
      const p = vosIterateRecx(t.pool, t.cont, t.oid, enc('d'), enc('a'), 12n, a, { nr: 5 });
      all.push(...p.recxs.map((r) => `${r.recx.idx}+${r.recx.nr}`));
      a = p.anchor;
      calls++;
    }
    expect(all).toEqual(['0+50', '60+40']);
    expect(calls).toBe(1);
    // 23 disjoint extents, nr = 5: five calls, same pieces as the one-shot listing.
    for (let i = 0; i < 23; i++)
      v.update(20 + i, 'd', [arrIod('b', 1, [[i * 10, 3]])], [enc('xyz')]);
    const want = vosListRecx(t.pool, t.cont, t.oid, enc('d'), enc('b'), 100n).map(
      (r) => `${r.recx.idx}+${r.recx.nr}@${r.epoch}`,
    );
    const got: string[] = [];
    a = ANCHOR_ZERO;
    calls = 0;
    while (!anchorIsEof(a)) {
      const p = vosIterateRecx(t.pool, t.cont, t.oid, enc('d'), enc('b'), 100n, a, { nr: 5 });
      got.push(...p.recxs.map((r) => `${r.recx.idx}+${r.recx.nr}@${r.epoch}`));
      a = p.anchor;
      calls++;
    }
    expect(got).toEqual(want);
    expect(got).toHaveLength(23);
    expect(calls).toBe(5);
  });
});

describe('VosTargetStore.enumerate (what ds_obj_enum_handler calls)', () => {
  it('pages the dkeys of a unit object with an anchor and emits vos_iterate with it', () => {
    const rt = createRuntime(5);
    const store = new VosTargetStore(rt, 'engine0.tgt0', { scmBytes: 8 << 20, nvmeBytes: 0 });
    const oid = { hi: 0n, lo: 9n };
    const cont = '00112233-4455-6677-8899-aabbccddeeff';
    const run = <T>(p: Proc<T>): T => rt.sim.runToCompletion(rt.sim.spawn('t', p));
    for (let i = 0; i < 12; i++) {
      run(
        (function* () {
          const ioh = yield* store.updateBegin({
            cont,
            oid,
            shard: 0,
            epoch: 10n,
            flags: 0,
            dkey: enc(`d${i}`),
            iods: [{ name: enc('a'), type: 1, size: 1, flags: 0, nr: 1, recxs: null }],
          });
          yield* store.bioIodCopy(ioh, [{ iovs: [{ buf: enc('x'), len: 1 }], nrOut: 0 }]);
          yield* store.updateEnd(ioh, 0);
        })(),
      );
    }
    const all = run(store.iterate({ cont, oid, shard: 0, epoch: 20n, dkey: null })).map(text);
    const got: string[] = [];
    let anchor: VosAnchor = ANCHOR_ZERO;
    let calls = 0;
    while (!anchorIsEof(anchor)) {
      const p = run(
        store.enumerate({ cont, oid, shard: 0, epoch: 20n, dkey: null, anchor, nr: 5 }),
      );
      got.push(...p.keys.map(text));
      anchor = p.anchor;
      calls++;
    }
    expect(got).toEqual(all);
    expect(calls).toBe(3);
    const it = rt.trace.events.filter((e) => e.step === 'vos_iterate' && e.phase === 'exit');
    expect(it.slice(-3).map((e) => (e.data?.anchor as { da_type: string }).da_type)).toEqual([
      'DAOS_ANCHOR_TYPE_HKEY',
      'DAOS_ANCHOR_TYPE_HKEY',
      'DAOS_ANCHOR_TYPE_EOF',
    ]);
  });
});
