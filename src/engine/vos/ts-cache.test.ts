import { describe, expect, it } from 'vitest';
import { der, IoError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { TsCache, type TsPath, type TsSizes } from './ts-cache.ts';
import { CONT_UUID, enc, makeTarget, svIod, Vos, wrap } from './test-helpers.ts';
import { VosPool } from './pool.ts';
import { tsPath } from './io-update.ts';

const TINY: TsSizes = { cont: 2, obj: 2, dkey: 3, akey: 4, miss: 4 };

function rc(f: () => void): number {
  try {
    f();
    return 0;
  } catch (e) {
    if (e instanceof IoError) return e.rc;
    throw e;
  }
}

/**
 * The unbounded reference: exact per-path read timestamps (no eviction); two readers at the
 * same epoch leave no single owner (tx 0).
 */
class ExactTs {
  private m = new Map<string, { rl: bigint; rlTx: number; rh: bigint; rhTx: number; wh: bigint }>();
  private e(k: string) {
    let v = this.m.get(k);
    if (!v) {
      v = { rl: 0n, rlTx: 0, rh: 0n, rhTx: 0, wh: 0n };
      this.m.set(k, v);
    }
    return v;
  }
  read(path: TsPath, epoch: bigint, tx: number): void {
    let key = '';
    path.forEach((p, i) => {
      key += '/' + p;
      const e = this.e(key);
      if (epoch > e.rh) [e.rh, e.rhTx] = [epoch, tx];
      else if (epoch === e.rh && tx !== e.rhTx) e.rhTx = 0;
      if (i === path.length - 1) {
        if (epoch > e.rl) [e.rl, e.rlTx] = [epoch, tx];
        else if (epoch === e.rl && tx !== e.rlTx) e.rlTx = 0;
      }
    });
  }
  conflicts(path: TsPath, epoch: bigint, tx: number): boolean {
    let key = '';
    return path.some((p, i) => {
      key += '/' + p;
      const e = this.e(key);
      const last = i === path.length - 1;
      const ts = last ? e.rh : e.rl;
      const rtx = last ? e.rhTx : e.rlTx;
      return ts > epoch || (ts === epoch && rtx !== tx);
    });
  }
}

describe('timestamp cache (vos_ts.c LRU arrays + negative entries)', () => {
  it('evicts the least recently used entry per level and keeps capacity', () => {
    const ts = new TsCache(TINY);
    for (let i = 0; i < 10; i++) ts.read(['c', 'o', 'd', `a${i}`], 5n, 1);
    const akey = ts.stats().find((s) => s.level === 'akey');
    expect(akey).toEqual({ level: 'akey', entries: 4, capacity: 4, evictions: 6 });
    expect(ts.peek(['c', 'o', 'd', 'a0'])?.cached).toBe(false);
    expect(ts.peek(['c', 'o', 'd', 'a9'])?.cached).toBe(true);
  });

  it('an evicted read still stops a write below it (-DER_TX_RESTART)', () => {
    const ts = new TsCache(TINY);
    ts.read(['c', 'o', 'd', 'victim'], 100n, 7);
    // Push the victim (and its dkey, object) out of every level.
    for (let i = 0; i < 50; i++) ts.read(['c', `o${i}`, `d${i}`, `a${i}`], 1n, 8);
    expect(ts.peek(['c', 'o', 'd', 'victim'])?.cached).toBe(false);
    expect(rc(() => ts.checkWrite(['c', 'o', 'd', 'victim'], 50n, 9))).toBe(der('TX_RESTART'));
    // Re-allocated from its negative entry: the read timestamp came back.
    ts.read(['c', 'o', 'd', 'victim'], 1n, 10);
    expect(ts.peek(['c', 'o', 'd', 'victim'])).toMatchObject({ rh: '100', cached: true });
    expect(rc(() => ts.checkWrite(['c', 'o', 'd', 'victim'], 101n, 9))).toBe(0);
  });

  it('an evicted write still stops an under-punch', () => {
    const ts = new TsCache(TINY);
    ts.wrote(['c', 'o', 'd'], 40n);
    for (let i = 0; i < 20; i++) ts.wrote(['c', 'o', `x${i}`], 1n);
    expect(rc(() => ts.checkUnderPunch(['c', 'o', 'd'], 30n))).toBe(der('TX_RESTART'));
    expect(rc(() => ts.checkUnderPunch(['c', 'o', 'd'], 41n))).toBe(0);
  });

  it('property: never misses a conflict the unbounded cache sees (many seeds)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rng = new Rng(seed);
      const ts = new TsCache({ cont: 1, obj: 2, dkey: 2, akey: 3, miss: 2 << rng.int(0, 3) });
      const ref = new ExactTs();
      const pick = (): TsPath => {
        const p = ['c' + rng.int(0, 1), 'o' + rng.int(0, 3)];
        const depth = rng.int(0, 2);
        if (depth >= 1) p.push('d' + rng.int(0, 5));
        if (depth >= 2) p.push('a' + rng.int(0, 7));
        return p;
      };
      let conflicts = 0;
      for (let i = 0; i < 400; i++) {
        const path = pick();
        const epoch = BigInt(rng.int(1, 60));
        const tx = rng.int(1, 5);
        if (rng.int(0, 1) === 0) {
          ts.read(path, epoch, tx);
          ref.read(path, epoch, tx);
        } else {
          const want = ref.conflicts(path, epoch, tx);
          const got = rc(() => ts.checkWrite(path, epoch, tx)) === der('TX_RESTART');
          if (want) {
            conflicts++;
            expect(got, `seed ${seed} op ${i}`).toBe(true);
          }
        }
      }
      expect(conflicts).toBeGreaterThan(0);
    }
  });

  it('VOS with a tiny cache: a fetch of an evicted akey still blocks an older write', () => {
    const t = makeTarget({});
    // The same media, reopened with a tiny timestamp cache.
    const pool = VosPool.open({
      rt: t.rt,
      actor: 'engine0.tgt0',
      umem: t.target.umem,
      tsSizes: TINY,
    });
    const tp = wrap(t.rt, pool);
    const v = new Vos(tp);
    expect(v.update(10, 'd', [svIod('a', 3)], [enc('old')])).toBe(0);
    expect(v.getSv(100, 'd', 'a')).toEqual(enc('old'));
    // Reads of other akeys under other dkeys push 'a' out of the akey and dkey arrays.
    for (let i = 0; i < 20; i++) v.getSv(100, `d${i}`, `x${i}`);
    const path = tsPath(tp.cont, tp.oid, enc('d'), enc('a'));
    expect(pool.ts.peek(path)?.cached).toBe(false);
    expect(v.update(50, 'd', [svIod('a', 3)], [enc('new')])).toBe(der('TX_RESTART'));
    expect(v.update(101, 'd', [svIod('a', 3)], [enc('new')])).toBe(0);
    expect(pool.ts.stats().find((s) => s.level === 'akey')?.evictions).toBeGreaterThan(0);
    expect(CONT_UUID.length).toBe(16);
  });
});
