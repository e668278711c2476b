import { describe, expect, it } from 'vitest';
import { der } from '../core/errors.ts';
import type { UmemPool } from '../media/index.ts';
import { arrIod, enc, makeTarget, runRc, svIod, Vos } from './test-helpers.ts';
import {
  DAOS_GET_AKEY,
  DAOS_GET_DKEY,
  DAOS_GET_MAX,
  DAOS_GET_MIN,
  DAOS_GET_RECX,
  vosListAkeys,
  vosListDkeys,
  vosListRecx,
  vosObjFetch,
  vosQueryKey,
} from './api.ts';
import type { VosSgl } from './types.ts';
import { vosFetchBegin, type FetchIoc } from './io-fetch.ts';
import { crc32c, crc64 } from './csum.ts';

function fresh(scmBytes = 16 << 20, scmSysReserved = 0, nvmeBlocks = 0) {
  const t = makeTarget({ scmBytes, scmSysReserved, nvmeBlocks });
  const scm = t.target.scm;
  const umem = t.target.umem as UmemPool;
  return { scm, umem, t, v: new Vos(t) };
}

/** Allocator metadata + root + every live allocation's bytes, as one string (fast compare). */
function liveImage(umem: UmemPool, scm: { read(off: number, len: number): Uint8Array }): string {
  const parts: string[] = [];
  const meta = scm.read(umem.layout.rootOff, umem.layout.chunksOff - umem.layout.rootOff);
  parts.push(Buffer.from(meta).toString('base64'));
  for (const b of umem.heapWalk())
    parts.push(`${b.off}:${Buffer.from(scm.read(b.off, b.size)).toString('base64')}`);
  return parts.join('|');
}

describe('VOS single values', () => {
  it('fetch at any epoch sees the newest version at or below it', () => {
    const { v } = fresh();
    expect(v.update(10, 'd', [svIod('a', 5)], [enc('ten!!')])).toBe(0);
    expect(v.update(20, 'd', [svIod('a', 6)], [enc('twenty')])).toBe(0);
    expect(v.update(15, 'd', [svIod('a', 7)], [enc('fifteen')])).toBe(0);
    expect(v.getSv(9, 'd', 'a')).toBeNull();
    expect(v.getSv(10, 'd', 'a')).toEqual(enc('ten!!'));
    expect(v.getSv(14, 'd', 'a')).toEqual(enc('ten!!'));
    expect(v.getSv(15, 'd', 'a')).toEqual(enc('fifteen'));
    expect(v.getSv(19, 'd', 'a')).toEqual(enc('fifteen'));
    expect(v.getSv(1000, 'd', 'a')).toEqual(enc('twenty'));
  });
});

const A = (n: number, ch: string): Uint8Array => enc(ch.repeat(n));

describe('VOS arrays (evtree)', () => {
  it('resolves overlapping extents by epoch (VOS README example)', () => {
    const { v } = fresh();
    const put = (e: number, lo: number, hi: number, ch: string): void => {
      expect(v.update(e, 'd', [arrIod('a', 1, [[lo, hi - lo + 1]])], [A(hi - lo + 1, ch)])).toBe(0);
    };
    put(1, 0, 100, 'a');
    put(2, 300, 400, 'b');
    put(3, 400, 500, 'c');
    // punch 30–60 at 10 = update with iod_size 0
    expect(v.update(10, 'd', [arrIod('a', 0, [[30, 31]])], [null])).toBe(0);
    put(8, 500, 600, 'd');
    put(9, 600, 700, 'e');
    let r = v.fetch(10, 'd', [arrIod('a', 0, [[4, 7]])], [7]);
    expect(r.rc).toBe(0);
    expect(r.sizes[0]).toBe(1);
    expect(r.sgls[0]?.iovs[0]?.buf).toEqual(A(7, 'a'));
    // Read 25..65 at 10: 25..29 'a', 30..60 hole (untouched '.'), 61..65 'a'.
    r = v.fetch(10, 'd', [arrIod('a', 0, [[25, 41]])], [41], 0, 0x2e);
    expect(new TextDecoder().decode(r.sgls[0]?.iovs[0]?.buf)).toBe(
      'aaaaa' + '.'.repeat(31) + 'aaaaa',
    );
    // At epoch 9 the punch is not there yet.
    r = v.fetch(9, 'd', [arrIod('a', 0, [[25, 41]])], [41]);
    expect(r.sgls[0]?.iovs[0]?.buf).toEqual(A(41, 'a'));
    // 400 belongs to epoch 3 ('c'), 500 to epoch 8 ('d'), 600 to epoch 9 ('e').
    r = v.fetch(10, 'd', [arrIod('a', 0, [[399, 3]]), arrIod('b', 0, [[0, 1]])], [3, 1]);
    expect(new TextDecoder().decode(r.sgls[0]?.iovs[0]?.buf)).toBe('bcc');
    r = v.fetch(10, 'd', [arrIod('a', 0, [[499, 3]])], [3]);
    expect(new TextDecoder().decode(r.sgls[0]?.iovs[0]?.buf)).toBe('cdd');
    r = v.fetch(10, 'd', [arrIod('a', 0, [[599, 3]])], [3]);
    expect(new TextDecoder().decode(r.sgls[0]?.iovs[0]?.buf)).toBe('dee');
  });

  it('rejects a record-size change (-DER_INVAL) and a partial overlap at the same epoch (-DER_VOS_PARTIAL_UPDATE)', () => {
    const { v, umem } = fresh();
    expect(v.update(5, 'd', [arrIod('a', 4, [[0, 4]])], [A(16, 'x')])).toBe(0);
    const used = umem.usedBytes;
    expect(v.update(6, 'd', [arrIod('a', 8, [[10, 1]])], [A(8, 'y')])).toBe(der('INVAL'));
    expect(v.update(5, 'd', [arrIod('a', 4, [[2, 4]])], [A(16, 'y')])).toBe(
      der('VOS_PARTIAL_UPDATE'),
    );
    expect(umem.usedBytes).toBe(used);
    // Same rect, same epoch: the data pointer is replaced (last writer wins).
    expect(v.update(5, 'd', [arrIod('a', 4, [[0, 4]])], [A(16, 'z')])).toBe(0);
    const r = v.fetch(5, 'd', [arrIod('a', 0, [[0, 4]])], [16]);
    expect(r.sgls[0]?.iovs[0]?.buf).toEqual(A(16, 'z'));
    expect(umem.usedBytes).toBe(used); // old extent freed, new one published
  });

  it('spans the full 63-bit index space (S23) and trims trailing holes (S28e, S30)', () => {
    const { v } = fresh();
    let off = (1n << 63n) - 1n;
    let e = 100;
    while (off > 0n) {
      expect(v.update(e++, 'd', [arrIod('a', 5, [[off, 1]])], [enc('data\0')])).toBe(0);
      const r = v.fetch(e++, 'd', [arrIod('a', 0, [[off, 1]])], [5]);
      expect(r.sizes[0]).toBe(5);
      expect(r.sgls[0]?.iovs[0]?.buf).toEqual(enc('data\0'));
      off >>= 8n;
    }
    // IO25: one int at record (N/2)*4 of a byte array; other bytes untouched; iov_len trimmed.
    const N = 24;
    expect(
      v.update(3, 'e', [arrIod('b', 1, [[(N / 2) * 4, 4]])], [Uint8Array.of(0xd0, 7, 0, 0)]),
    ).toBe(0);
    const r = v.fetch(4, 'e', [arrIod('b', 1, [[0, 4 * N]])], [4 * N], 0, 0xe0);
    expect(r.rc).toBe(0);
    const buf = r.sgls[0]?.iovs[0]?.buf as Uint8Array;
    expect(buf[(N / 2) * 4]).toBe(0xd0);
    expect(buf[0]).toBe(0xe0);
    expect(buf[4 * N - 1]).toBe(0xe0);
    expect(r.sgls[0]?.iovs[0]?.len).toBe((N / 2 + 1) * 4);
    expect(r.sgls[0]?.nrOut).toBe(1);
    // Unwritten recx → rc 0, sg_nr_out 0, iod_size 0 (S28c).
    const u = v.fetch(4, 'e', [arrIod('b', 1, [[10000, 24]])], [24]);
    expect([u.rc, u.sizes[0], u.sgls[0]?.nrOut]).toEqual([0, 0, 0]);
  });

  it('punch then lookup (S33) and record count after punch (S37)', () => {
    const { v, t } = fresh();
    for (let i = 0; i < 10; i++)
      expect(v.update(10 + i, 'd', [arrIod('a', 1, [[i, 1]])], [enc('a')])).toBe(0);
    expect(v.update(30, 'd', [arrIod('a', 0, [[2, 1]])], [null])).toBe(0);
    const iods = [
      arrIod(
        'a',
        1,
        Array.from({ length: 10 }, (_, i) => [i, 1] as [number, number]),
      ),
    ];
    const sgls = [
      { iovs: Array.from({ length: 10 }, () => ({ buf: enc('b'), len: 0 })), nrOut: 0 },
    ];
    expect(
      runRc(
        t.rt,
        vosObjFetch(
          t.pool,
          { cont: t.cont, oid: t.oid, epoch: 31n, flags: 0, dkey: enc('d'), iods },
          sgls,
        ),
      ),
    ).toBe(0);
    const s0 = sgls[0] as VosSgl;
    expect(s0.nrOut).toBe(10);
    expect(s0.iovs.map((x) => new TextDecoder().decode(x.buf)).join('')).toBe('aabaaaaaaa');
    // S37: 100 records, punch {50,10}
    expect(v.update(40, 'x', [arrIod('a', 1, [[0, 100]])], [A(100, 'a')])).toBe(0);
    expect(v.update(41, 'x', [arrIod('a', 0, [[50, 10]])], [null])).toBe(0);
    const r = v.fetch(42, 'x', [arrIod('a', 1, [[0, 100]])], [100]);
    const buf = r.sgls[0]?.iovs[0]?.buf as Uint8Array;
    expect(buf.slice(50, 60)).toEqual(new Uint8Array(10));
    expect(buf.slice(0, 50)).toEqual(A(50, 'a'));
    expect(buf.slice(60)).toEqual(A(40, 'a'));
  });
});

describe('VOS conditional flags, punch, enumeration, MVCC', () => {
  const C = {
    PUNCH: 1,
    DKEY_INSERT: 2,
    DKEY_UPDATE: 4,
    DKEY_FETCH: 8,
    AKEY_INSERT: 16,
    AKEY_UPDATE: 32,
    AKEY_FETCH: 64,
    PER_AKEY: 128,
  };

  it('ARRAY18 conditional update sequence (S39)', () => {
    const { v } = fresh();
    const one = (ak: string, f = 0) => arrIod(ak, 1, [[0, 1]], f);
    let e = 1;
    expect(v.update(e++, 'dkey', [one('akey_0')], [enc('x')], C.DKEY_UPDATE | C.AKEY_INSERT)).toBe(
      der('NONEXIST'),
    );
    expect(v.update(e++, 'dkey', [one('akey_0')], [enc('x')], C.DKEY_INSERT | C.AKEY_UPDATE)).toBe(
      der('NONEXIST'),
    );
    expect(
      v.update(
        e++,
        'dkey',
        [one('akey_0', C.AKEY_INSERT), one('akey_1', C.AKEY_UPDATE)],
        [enc('x'), enc('y')],
        C.DKEY_INSERT | C.PER_AKEY,
      ),
    ).toBe(der('NONEXIST'));
    expect(
      v.update(
        e++,
        'dkey',
        [one('akey_0', C.AKEY_INSERT), one('akey_1', C.AKEY_INSERT)],
        [enc('x'), enc('y')],
        C.DKEY_INSERT | C.PER_AKEY,
      ),
    ).toBe(0);
    expect(
      v.update(
        e++,
        'dkey',
        [one('akey_0', C.AKEY_INSERT), one('akey_1', C.AKEY_UPDATE)],
        [enc('x'), enc('y')],
        C.DKEY_UPDATE | C.PER_AKEY,
      ),
    ).toBe(der('EXIST'));
    expect(v.update(e++, 'dkey', [one('akey_0')], [enc('x')], C.DKEY_UPDATE | C.AKEY_INSERT)).toBe(
      der('EXIST'),
    );
    expect(v.update(e++, 'dkey', [one('akey_ne')], [enc('x')], C.DKEY_UPDATE | C.AKEY_UPDATE)).toBe(
      der('NONEXIST'),
    );
    expect(v.update(e, 'dkey', [one('akey_0')], [enc('z')], C.DKEY_UPDATE | C.AKEY_UPDATE)).toBe(0);
  });

  it('KV conditional ops (S41) at VOS level', () => {
    const { v } = fresh();
    let e = 1;
    expect(v.fetch(e++, 'Key2', [svIod('0', 0)], [8], C.DKEY_FETCH).rc).toBe(der('NONEXIST'));
    expect(v.update(e++, 'Key1', [svIod('0', 1)], [Uint8Array.of(1)], C.DKEY_UPDATE)).toBe(
      der('NONEXIST'),
    );
    expect(v.update(e++, 'Key1', [svIod('0', 1)], [Uint8Array.of(1)], C.DKEY_INSERT)).toBe(0);
    expect(v.update(e++, 'Key1', [svIod('0', 1)], [Uint8Array.of(2)], C.DKEY_INSERT)).toBe(
      der('EXIST'),
    );
    const g = v.fetch(e++, 'Key1', [svIod('0', 0)], [8], C.DKEY_FETCH);
    expect([g.rc, g.sizes[0], g.sgls[0]?.iovs[0]?.buf[0]]).toEqual([0, 1, 1]);
    expect(v.punch(e++, 'Key2', undefined, C.PUNCH)).toBe(der('NONEXIST'));
    expect(v.punch(e++, 'Key1', undefined, C.PUNCH)).toBe(0);
    expect(v.fetch(e++, 'Key1', [svIod('0', 0)], [8], C.DKEY_FETCH).rc).toBe(der('NONEXIST'));
    // Empty value: the key exists (ilog), its value has size 0.
    expect(v.update(e++, 'Empty_Key', [svIod('0', 0)], [null], C.DKEY_INSERT)).toBe(0);
    expect(v.update(e++, 'Empty_Key', [svIod('0', 4)], [enc('abcd')], C.DKEY_INSERT)).toBe(
      der('EXIST'),
    );
    const z = v.fetch(e++, 'Empty_Key', [svIod('0', 0)], [8], C.DKEY_FETCH);
    expect([z.rc, z.sizes[0]]).toEqual([0, 0]);
    expect(v.punch(e, 'Empty_Key', undefined, C.PUNCH)).toBe(0);
  });

  it('punches object, dkey, akey at epochs; older epochs still see the data; listing hides punched keys', () => {
    const { v, t } = fresh();
    for (let i = 0; i < 5; i++)
      expect(
        v.update(10, `dkey${i}`, [svIod('a0', 3), svIod('a1', 3)], [enc(`v${i}0`), enc(`v${i}1`)]),
      ).toBe(0);
    const list = (e: number) =>
      vosListDkeys(t.pool, t.cont, t.oid, BigInt(e))
        .map((k) => new TextDecoder().decode(k))
        .sort();
    expect(list(11)).toEqual(['dkey0', 'dkey1', 'dkey2', 'dkey3', 'dkey4']);
    expect(v.punch(20, 'dkey1')).toBe(0);
    expect(v.getSv(19, 'dkey1', 'a0')).toEqual(enc('v10'));
    expect(v.getSv(20, 'dkey1', 'a0')).toBeNull();
    expect(list(21)).toEqual(['dkey0', 'dkey2', 'dkey3', 'dkey4']);
    // akey punch: one akey → dkey stays; both → propagation punches the dkey.
    expect(v.punch(30, 'dkey2', ['a0'])).toBe(0);
    expect(v.getSv(31, 'dkey2', 'a0')).toBeNull();
    expect(v.getSv(31, 'dkey2', 'a1')).toEqual(enc('v21'));
    expect(
      vosListAkeys(t.pool, t.cont, t.oid, enc('dkey2'), 31n).map((k) =>
        new TextDecoder().decode(k),
      ),
    ).toEqual(['a1']);
    expect(v.punch(32, 'dkey2', ['a1'])).toBe(0);
    expect(list(33)).toEqual(['dkey0', 'dkey3', 'dkey4']);
    // re-create after punch: the old values do not reappear
    expect(v.update(40, 'dkey1', [svIod('a1', 3)], [enc('new')])).toBe(0);
    expect(v.getSv(41, 'dkey1', 'a1')).toEqual(enc('new'));
    expect(v.getSv(41, 'dkey1', 'a0')).toBeNull();
    // object punch
    expect(v.punch(50)).toBe(0);
    expect(list(51)).toEqual([]);
    expect(v.getSv(51, 'dkey0', 'a0')).toBeNull();
    expect(v.getSv(49, 'dkey0', 'a0')).toEqual(enc('v00'));
    expect(v.update(60, 'dkey9', [svIod('a0', 1)], [enc('n')])).toBe(0);
    expect(list(61)).toEqual(['dkey9']);
  });

  it('a write below a later read of the same key is refused with -DER_TX_RESTART', () => {
    const { v, umem } = fresh();
    expect(v.update(10, 'd', [svIod('a', 1)], [enc('x')])).toBe(0);
    expect(v.getSv(100, 'd', 'a')).toEqual(enc('x'));
    const used = umem.usedBytes;
    expect(v.update(50, 'd', [svIod('a', 1)], [enc('y')])).toBe(der('TX_RESTART'));
    expect(v.update(100, 'd', [svIod('a', 1)], [enc('y')])).toBe(der('TX_RESTART'));
    expect(umem.usedBytes).toBe(used);
    expect(v.update(101, 'd', [svIod('a', 1)], [enc('z')])).toBe(0);
    // Other keys are not affected.
    expect(v.update(50, 'd', [svIod('b', 1)], [enc('y')])).toBe(0);
    expect(v.getSv(100, 'd', 'a')).toEqual(enc('x'));
  });

  it('-DER_NOSPACE leaves SCM usage and every byte of the trees exactly as before', () => {
    const { v, scm, umem } = fresh(1 << 20);
    let e = 1;
    let rc = 0;
    let i = 0;
    for (; i < 5000 && rc === 0; i++)
      rc = v.update(e++, `d${i}`, [svIod('a', 2000)], [A(2000, 'q')]);
    expect(rc).toBe(der('NOSPACE'));
    // Fill below the hold estimate: now try sizes that pass the hold but fail allocation.
    const used = umem.usedBytes;
    let image = liveImage(umem, scm);
    let nospace = 0;
    for (const size of [1, 100, 300, 600, 1000, 3000, 20000]) {
      const r = v.update(e++, `z${size}`, [svIod('a', size)], [A(size, 'w')]);
      if (r !== 0) {
        nospace++;
        expect(r).toBe(der('NOSPACE'));
        expect(umem.usedBytes).toBe(used);
        expect(liveImage(umem, scm) === image).toBe(true);
      } else image = liveImage(umem, scm);
    }
    expect(nospace).toBeGreaterThan(0);
    // Everything written before is intact.
    expect(v.getSv(e, 'd0', 'a')).toEqual(A(2000, 'q'));
    expect(v.getSv(e, `d${i - 2}`, 'a')).toEqual(A(2000, 'q'));
  });

  it('-DER_NOSPACE from inside the transaction (hold check bypassed) rolls everything back', () => {
    // A negative system reserve makes vos_space_hold always pass, so the failures come from
    // umem_reserve or from txAlloc of tree nodes / key records inside the transaction.
    const { v, scm, umem } = fresh(1 << 20, -(1 << 30));
    let e = 1;
    let image = liveImage(umem, scm);
    let fails = 0;
    let ok = 0;
    for (let i = 0; i < 4000 && fails < 30; i++) {
      const size = [1, 7, 64, 500][i % 4] as number;
      const used = umem.usedBytes;
      const r = v.update(
        e++,
        `key-${i}-${'x'.repeat(i % 50)}`,
        [svIod('a', size), arrIod('b', 1, [[0, size]])],
        [A(size, 'q'), A(size, 'r')],
      );
      if (r === 0) {
        ok++;
        image = liveImage(umem, scm);
        continue;
      }
      fails++;
      expect(r).toBe(der('NOSPACE'));
      expect(umem.usedBytes).toBe(used);
      expect(liveImage(umem, scm) === image).toBe(true);
    }
    expect(fails).toBeGreaterThan(0);
    expect(ok).toBeGreaterThan(100);
    expect(v.getSv(e, 'key-1-x', 'a')).toEqual(A(7, 'q'));
  });
});

describe('VOS media selection (SCM < 4 KiB ≤ NVMe)', () => {
  it('-DER_NOSPACE on NVMe leaves VEA free blocks, SCM usage and the trees as before', () => {
    const { v, t, umem, scm } = fresh(16 << 20, 0, 24);
    const vea = t.target.vea as NonNullable<typeof t.target.vea>;
    let e = 1;
    let rc = 0;
    let n = 0;
    while (rc === 0 && n < 100)
      rc = v.update(e++, `d${n++}`, [arrIod('a', 1, [[0, 5000]])], [A(5000, 'n')]);
    expect(rc).toBe(der('NOSPACE'));
    const free = vea.freeBlocks;
    const used = umem.usedBytes;
    const image = liveImage(umem, scm);
    // Fits the hold check only if space is left; either way nothing may change.
    expect(
      v.update(
        e++,
        'x',
        [svIod('s', 9000), arrIod('a', 1, [[0, 100]])],
        [A(9000, 'x'), A(100, 'y')],
      ),
    ).toBe(der('NOSPACE'));
    expect([vea.freeBlocks, umem.usedBytes]).toEqual([free, used]);
    expect(liveImage(umem, scm) === image).toBe(true);
    expect(v.fetch(e, 'd0', [arrIod('a', 1, [[0, 5000]])], [5000]).sgls[0]?.iovs[0]?.buf).toEqual(
      A(5000, 'n'),
    );
  });

  it('S20 io_simple: 64 B lands in SCM, 5 KiB on NVMe blocks; fetch returns the bytes', () => {
    const { v, t } = fresh(16 << 20, 0, 1024);
    const vea = t.target.vea;
    if (vea === undefined) throw new Error('no vea');
    const free0 = vea.freeBlocks;
    const small = A(64, 's');
    const big = Uint8Array.from({ length: 5120 }, (_, i) => (i * 7) & 0xff);
    expect(
      v.update(1, 'd', [svIod('sv64', 64), arrIod('ar64', 1, [[0, 64]])], [small, small]),
    ).toBe(0);
    expect(vea.freeBlocks).toBe(free0);
    expect(
      v.update(2, 'd', [svIod('sv5k', 5120), arrIod('ar5k', 1, [[0, 5120]])], [big, big]),
    ).toBe(0);
    expect(vea.freeBlocks).toBe(free0 - 4); // two values × ceil(5120/4096) blocks
    for (const [ak, want] of [
      ['sv64', small],
      ['sv5k', big],
    ] as const) {
      const r = v.fetch(3, 'd', [svIod(ak, 0)], [8192]);
      expect(r.sizes[0]).toBe(want.length);
      expect(r.sgls[0]?.iovs[0]?.buf.slice(0, want.length)).toEqual(want);
    }
    for (const [ak, want] of [
      ['ar64', small],
      ['ar5k', big],
    ] as const) {
      const r = v.fetch(3, 'd', [arrIod(ak, 0, [[0, want.length]])], [want.length]);
      expect(r.sizes[0]).toBe(1);
      expect(r.sgls[0]?.iovs[0]?.buf).toEqual(want);
    }
  });

  it('S24/S25 mixed SCM/NVMe overwrites: NVMe space only for ≥ 4 KiB pieces, data matches the model', () => {
    const { v, t } = fresh(16 << 20, 0, 1024);
    const vea = t.target.vea as NonNullable<typeof t.target.vea>;
    const model = A(12 * 1024, 'A');
    let e = 1;
    expect(v.update(e++, 'd', [arrIod('a', 1024, [[0, 12]])], [model.slice()])).toBe(0);
    let idx = 0;
    for (const nr of [3, 4, 5]) {
      const free = vea.freeBlocks;
      const data = A(nr * 1024, String.fromCharCode(97 + nr));
      expect(v.update(e++, 'd', [arrIod('a', 1024, [[idx, nr]])], [data])).toBe(0);
      model.set(data, idx * 1024);
      if (nr * 1024 < 4096) expect(vea.freeBlocks).toBe(free);
      else expect(free - vea.freeBlocks).toBeGreaterThanOrEqual(Math.ceil((nr * 1024) / 4096));
      const r = v.fetch(e++, 'd', [arrIod('a', 0, [[0, 12]])], [12 * 1024]);
      expect(r.sgls[0]?.iovs[0]?.buf).toEqual(model);
      idx += nr;
    }
  });
});

describe('VOS keys: sizes, kinds, enumeration, query key', () => {
  it('S22 variable key sizes 1 B … 1 MiB as dkey and as akey (inline ≤ 15 B, hashed beyond)', () => {
    const { v } = fresh(64 << 20);
    let e = 1;
    const keys: Uint8Array[] = [];
    for (let size = 1; size <= 1 << 20; size <<= 2) {
      const k = new Uint8Array(size).fill(0x61);
      if (keys.length > 0) k[(keys[keys.length - 1] as Uint8Array).length - 1] = 0x62;
      keys.push(k);
      expect(v.update(e++, k, [arrIod('akey', 5, [[0, 1]])], [enc('data\0')])).toBe(0);
      expect(v.update(e++, 'dkey', [arrIod(k, 5, [[0, 1]])], [enc('data\0')])).toBe(0);
    }
    for (const k of keys) {
      const a = v.fetch(e, k, [arrIod('akey', 0, [[0, 1]])], [5]);
      expect([a.rc, a.sizes[0]]).toEqual([0, 5]);
      expect(a.sgls[0]?.iovs[0]?.buf).toEqual(enc('data\0'));
      const b = v.fetch(e, 'dkey', [arrIod(k, 0, [[0, 1]])], [5]);
      expect([b.rc, b.sizes[0]]).toEqual([0, 5]);
    }
  });

  it('uint64 dkeys enumerate in numeric order; lexical dkeys in memcmp order (S6-style, 5000 keys)', () => {
    const tu = makeTarget({ otype: 4 }); // DAOS_OT_MULTI_UINT64
    const vu = new Vos(tu);
    const rng = [...Array(5000).keys()].map((i) => (i * 7919) % 5000);
    const u64 = (n: number): Uint8Array => {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, BigInt(n) * 1_000_003n, true);
      return b;
    };
    let e = 1;
    for (const n of rng)
      expect(
        vu.update(e++, u64(n), [arrIod(u64(1), 4, [[0, 1]])], [Uint8Array.of(1, 2, 3, 4)]),
      ).toBe(0);
    const listed = vosListDkeys(tu.pool, tu.cont, tu.oid, BigInt(e)).map((k) =>
      new DataView(k.buffer, k.byteOffset).getBigUint64(0, true),
    );
    expect(listed).toEqual([...Array(5000).keys()].map((n) => BigInt(n) * 1_000_003n));
    const tl = makeTarget({ otype: 5 }); // DAOS_OT_DKEY_LEXICAL
    const vl = new Vos(tl);
    const words = ['pear', 'apple', 'app', 'zebra', 'apple pie', 'Apple', 'a'.repeat(40), 'b'];
    for (const w of words) expect(vl.update(e++, w, [svIod('x', 1)], [enc('1')])).toBe(0);
    const got = vosListDkeys(tl.pool, tl.cont, tl.oid, BigInt(e)).map((k) =>
      new TextDecoder().decode(k),
    );
    expect(got).toEqual([...words].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1)));
  });

  it('S31 query key: max dkey / akey / recx of a uint64 object', () => {
    const t = makeTarget({ otype: 4 });
    const v = new Vos(t);
    const u = (n: number): Uint8Array => {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
      return b;
    };
    const val = Uint8Array.of(0xef, 0xbe, 0xad, 0xde);
    expect(v.update(1, u(5), [arrIod(u(10), 4, [[5, 1]])], [val])).toBe(0);
    expect(v.update(2, u(10), [arrIod(u(10), 4, [[5, 1]])], [val])).toBe(0);
    expect(v.update(3, u(10), [arrIod(u(10), 4, [[50, 1]])], [val])).toBe(0);
    const q = vosQueryKey(
      t.pool,
      t.cont,
      t.oid,
      DAOS_GET_DKEY | DAOS_GET_AKEY | DAOS_GET_RECX | DAOS_GET_MAX,
      10n,
    );
    expect(q?.dkey).toEqual(u(10));
    expect(q?.akey).toEqual(u(10));
    expect(q?.recx).toEqual({ idx: 50n, nr: 1 });
    const qmin = vosQueryKey(t.pool, t.cont, t.oid, DAOS_GET_DKEY | DAOS_GET_MIN, 10n);
    expect(qmin?.dkey).toEqual(u(5));
    const r = vosListRecx(t.pool, t.cont, t.oid, u(10), u(10), 10n);
    expect(r.map((x) => x.recx)).toEqual([
      { idx: 5n, nr: 1 },
      { idx: 50n, nr: 1 },
    ]);
  });

  it('S27 punch_simple: extents, akeys, dkeys and the object disappear from listings', () => {
    const { v, t } = fresh(32 << 20, 0, 2048);
    let e = 1;
    for (let i = 0; i < 5; i++) {
      const nr = i % 2 === 0 ? 2 : 5;
      expect(
        v.update(
          e++,
          `punch_simple_dkey${i}`,
          [arrIod('akey', 1024, [[0, nr]])],
          [A(nr * 1024, 'p')],
        ),
      ).toBe(0);
    }
    expect(
      v.update(
        e++,
        'punch_simple_dkey0',
        [arrIod('akey0', 1024, [[0, 5]]), arrIod('akey1', 1024, [[0, 5]])],
        [A(5120, 'q'), A(5120, 'r')],
      ),
    ).toBe(0);
    expect(
      v.update(
        e++,
        'punch_simple_dkey0',
        [arrIod('akey0', 0, [[0, 5]]), arrIod('akey1', 0, [[0, 5]])],
        [null, null],
      ),
    ).toBe(0);
    expect(
      v.update(e++, 'punch_simple_dkey0', [arrIod('akey1', 0, [[1 << 20, 1 << 20]])], [null]),
    ).toBe(0);
    const d0 = enc('punch_simple_dkey0');
    expect(vosListRecx(t.pool, t.cont, t.oid, d0, enc('akey'), BigInt(e))).toHaveLength(1);
    expect(vosListRecx(t.pool, t.cont, t.oid, d0, enc('akey0'), BigInt(e))).toHaveLength(0);
    const untouched = v.fetch(e++, d0, [arrIod('akey0', 1024, [[0, 5]])], [5120], 0, 0x7a);
    expect(untouched.sgls[0]?.iovs[0]?.buf.every((b) => b === 0x7a)).toBe(true);
    for (let i = 0; i < 5; i++)
      expect(v.punch(e++, `punch_simple_dkey${i}`, ['akey', 'akey0', 'akey1'])).toBe(0);
    for (let i = 0; i < 5; i++)
      expect(
        vosListAkeys(t.pool, t.cont, t.oid, enc(`punch_simple_dkey${i}`), BigInt(e)),
      ).toHaveLength(0);
    expect(vosListDkeys(t.pool, t.cont, t.oid, BigInt(e))).toHaveLength(0);
    // The listing read the object at e: a write at e itself would be under a read (MVCC).
    expect(
      v.update(e, 'punch_simple_dkey5', [arrIod('akey', 1024, [[0, 2]])], [A(2048, 's')]),
    ).toBe(der('TX_RESTART'));
    e++;
    for (let i = 5; i < 10; i++)
      expect(
        v.update(e++, `punch_simple_dkey${i}`, [arrIod('akey', 1024, [[0, 2]])], [A(2048, 's')]),
      ).toBe(0);
    expect(vosListDkeys(t.pool, t.cont, t.oid, BigInt(e))).toHaveLength(5);
    e++;
    expect(v.punch(e++)).toBe(0);
    expect(vosListDkeys(t.pool, t.cont, t.oid, BigInt(e))).toHaveLength(0);
  });

  it('mixing single value and array on one akey → -DER_NO_PERM; a duplicate akey → -DER_NO_PERM', () => {
    const { v } = fresh();
    expect(v.update(1, 'd', [svIod('a', 4)], [enc('abcd')])).toBe(0);
    expect(v.update(2, 'd', [arrIod('a', 1, [[0, 4]])], [enc('abcd')])).toBe(der('NO_PERM'));
    expect(v.update(3, 'd', [svIod('b', 1), svIod('b', 1)], [enc('x'), enc('y')])).toBe(
      der('NO_PERM'),
    );
    // fetch of the wrong kind behaves like a missing akey
    const r = v.fetch(4, 'd', [arrIod('a', 1, [[0, 4]])], [4]);
    expect([r.rc, r.sizes[0]]).toEqual([0, 0]);
  });
});

describe('VOS checksums (CRC32C / CRC64 per chunk)', () => {
  for (const [name, type] of [
    ['CRC32', 2],
    ['CRC64', 3],
  ] as const) {
    it(`${name}: stored on update, verified on fetch; a corrupted byte → -DER_CSUM, and stays corrupted`, () => {
      const { v, t } = fresh(16 << 20, 0, 1024);
      t.cont.csum = { type, chunk: 16 };
      const data = Uint8Array.from({ length: 100 }, (_, i) => 65 + (i % 26));
      const big = Uint8Array.from({ length: 6000 }, (_, i) => (i * 31) & 0xff);
      let e = 1;
      expect(
        v.update(
          e++,
          'd',
          [arrIod('arr', 1, [[0, 100]]), svIod('sv', 6000), svIod('small', 100)],
          [data, big, data],
        ),
      ).toBe(0);
      let r = v.fetch(
        e++,
        'd',
        [arrIod('arr', 1, [[0, 100]]), svIod('sv', 0), svIod('small', 0)],
        [100, 6000, 100],
      );
      expect(r.rc).toBe(0);
      expect(r.sgls[0]?.iovs[0]?.buf).toEqual(data);
      expect(r.sgls[1]?.iovs[0]?.buf).toEqual(big);
      // Locate the stored bytes and flip one of them (media corruption).
      const ioc = (() => {
        let out: FetchIoc | undefined;
        runRc(
          t.rt,
          (function* () {
            out = yield* vosFetchBegin(t.pool, {
              cont: t.cont,
              oid: t.oid,
              epoch: BigInt(e++),
              flags: 0,
              dkey: enc('d'),
              iods: [arrIod('arr', 1, [[0, 100]]), svIod('sv', 0), svIod('small', 0)],
            });
          })(),
        );
        return out as FetchIoc;
      })();
      const arrAddr = ioc.pieces[0]?.[0]?.addr?.ba_off as number;
      const svAddr = ioc.pieces[1]?.[0]?.addr?.ba_off as number;
      const scm = t.target.scm;
      scm.write(arrAddr + 50, Uint8Array.of(0));
      scm.persist(arrAddr + 50, 1);
      // Chunks other than the damaged one still read fine (chunk = 16 records).
      r = v.fetch(e++, 'd', [arrIod('arr', 1, [[0, 16]])], [16]);
      expect(r.rc).toBe(0);
      expect(v.fetch(e++, 'd', [arrIod('arr', 1, [[45, 10]])], [10]).rc).toBe(der('CSUM'));
      // Marked CORRUPTED: even the good chunks of that extent now fail.
      expect(v.fetch(e++, 'd', [arrIod('arr', 1, [[0, 16]])], [16]).rc).toBe(der('CSUM'));
      // NVMe single value: corrupt one block byte on the device.
      const nvme = t.target.nvme as NonNullable<typeof t.target.nvme>;
      const blk = nvme.peek(svAddr / 4096, 1);
      blk[7] = (blk[7] as number) ^ 0xff;
      runRc(t.rt, nvme.write(svAddr / 4096, blk));
      expect(v.fetch(e++, 'd', [svIod('sv', 0)], [6000]).rc).toBe(der('CSUM'));
      expect(v.fetch(e++, 'd', [svIod('small', 0)], [100]).rc).toBe(0);
    });
  }

  it('computes the standard CRC32C and CRC64-ECMA check values', () => {
    const nine = enc('123456789');
    expect(crc32c(nine)).toBe(0xe3069283);
    expect(crc64(nine)).toBe(0x995dc9bbdf1939fan);
  });
});

describe('VOS trace', () => {
  it('shows a dkey-tree node split inside SCM as a btr_node_split point carrying tree.split', () => {
    const t = makeTarget({ mediaTrace: true });
    const v = new Vos(t);
    for (let i = 0; i < 25; i++)
      expect(v.update(i + 1, `dkey-${i}`, [svIod('a', 8)], [A(8, 'v')])).toBe(0);
    const splits = t.rt.trace.events.filter((e) => e.step === 'btr_node_split');
    expect(splits.length).toBeGreaterThan(0);
    const first = splits[0];
    expect(first?.data).toMatchObject({ tree: 'VOS_BTR_DKEY', leaf: true });
    expect(first?.effects?.some((x) => x.kind === 'tree.split')).toBe(true);
    // The 1 KiB-class value landed in SCM: a vos_reserve_single biov with DAOS_MEDIA_SCM.
    const res = t.rt.trace.events.find(
      (e) => e.step === 'vos_reserve_single' && e.phase === 'exit',
    );
    expect(JSON.stringify(res?.data)).toContain('DAOS_MEDIA_SCM');
  });
});
