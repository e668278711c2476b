import { describe, expect, it } from 'vitest';
import { der, IoError } from '../core/errors.ts';
import { hexAddr, toHex, utf8Encode } from '../core/bytes.ts';
import { vosObjUpdate } from './api.ts';
import {
  DAOS_PROP_CO_DEDUP_HASH,
  DAOS_PROP_CO_DEDUP_MEMCMP,
  dedupCsum,
  dedupCsumsOf,
  dedupProps,
} from './dedup.ts';
import { sha256 } from './sha256.ts';
import { arrIod, makeTarget, runRc, sgl, svIod, Vos, type TestPool } from './test-helpers.ts';
import type { VosIod } from './types.ts';

const fill = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff);

function setup(
  type = DAOS_PROP_CO_DEDUP_MEMCMP,
  th = 4096,
): ReturnType<typeof makeTarget> & { v: Vos } {
  const t = makeTarget({ scmBytes: 4 << 20 });
  t.cont.dedup = dedupProps(type, th);
  return { ...t, v: new Vos(t) };
}

/** A bulk (RMA) array update of `data` as one recx at `idx`; dedup checksums from the data. */
function rmaUpdate(
  t: TestPool,
  epoch: number,
  dkey: string,
  akey: string,
  data: Uint8Array,
  idx = 0,
  csums?: (Uint8Array[] | null)[],
): number {
  const iod = arrIod(akey, 1, [[idx, data.length]]);
  return runRc(
    t.rt,
    vosObjUpdate(
      t.pool,
      {
        cont: t.cont,
        oid: t.oid,
        epoch: BigInt(epoch),
        flags: 0,
        dkey: utf8Encode(dkey),
        iods: [iod],
        rma: true,
        ...(csums ? { dedupCsums: csums } : {}),
      },
      [sgl(data)],
    ),
  );
}

function readArr(v: Vos, epoch: number, dkey: string, akey: string, n: number): Uint8Array {
  const r = v.fetch(epoch, dkey, [arrIod(akey, 0, [[0, n]])], [n]);
  if (r.rc !== 0) throw new IoError(r.rc, 'fetch');
  return (r.sgls[0]?.iovs[0]?.buf as Uint8Array).slice(0, n);
}

function lookups(t: TestPool): boolean[] {
  return t.rt.trace.events
    .filter((e) => e.step === 'vos_dedup_lookup' && e.phase === 'exit')
    .map((e) => e.data?.hit === true);
}

describe('dedup (vos_dedup_lookup / vos_dedup_verify / vos_dedup_process)', () => {
  it('SHA-256 matches the FIPS 180-4 vectors', () => {
    expect(toHex(sha256(utf8Encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(toHex(sha256(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(
      toHex(sha256(utf8Encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
    ).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('threshold property: [4 KiB, 4 GiB), default 4 KiB', () => {
    expect(dedupProps(DAOS_PROP_CO_DEDUP_MEMCMP).threshold).toBe(4096);
    const rc = (f: () => unknown): number => {
      try {
        f();
        return 0;
      } catch (e) {
        return e instanceof IoError ? e.rc : 1;
      }
    };
    expect(rc(() => dedupProps(DAOS_PROP_CO_DEDUP_MEMCMP, 4095))).toBe(der('INVAL'));
    expect(rc(() => dedupProps(DAOS_PROP_CO_DEDUP_MEMCMP, 2 ** 32))).toBe(der('INVAL'));
    expect(rc(() => dedupProps(DAOS_PROP_CO_DEDUP_MEMCMP, 2 ** 32 - 1))).toBe(0);
    expect(rc(() => dedupProps(9))).toBe(der('INVAL'));
  });

  for (const [name, type] of [
    ['MEMCMP (verify)', DAOS_PROP_CO_DEDUP_MEMCMP],
    ['HASH', DAOS_PROP_CO_DEDUP_HASH],
  ] as const) {
    it(`${name}: the same 8 KiB written twice shares one SCM extent`, () => {
      const t = setup(type);
      const data = fill(8192, 1);
      expect(rmaUpdate(t, 10, 'd1', 'a', data)).toBe(0);
      expect(t.pool.dedup.size).toBe(1);
      const used = t.target.umem.usedBytes;
      expect(rmaUpdate(t, 11, 'd2', 'b', data)).toBe(0);
      // Only metadata was allocated: far less than another 8 KiB extent.
      expect(t.target.umem.usedBytes - used).toBeLessThan(4096);
      expect(lookups(t)).toEqual([false, true]);
      expect(readArr(t.v, 20, 'd1', 'a', 8192)).toEqual(data);
      expect(readArr(t.v, 20, 'd2', 'b', 8192)).toEqual(data);
      expect(readArr(t.v, 11, 'd2', 'b', 8192)).toEqual(data);
      const dedupAddr = t.rt.trace.events.find(
        (e) => e.step === 'vos_dedup_lookup' && e.phase === 'exit' && e.data?.hit === true,
      )?.data?.ba_off;
      expect(dedupAddr).toBe(hexAddr(t.pool.dedup.entries()[0]?.off ?? -1));
      // Overwriting the deduplicated copy (same rectangle, later epoch) leaves the shared one.
      expect(rmaUpdate(t, 30, 'd2', 'b', fill(8192, 2))).toBe(0);
      expect(readArr(t.v, 40, 'd1', 'a', 8192)).toEqual(data);
      expect(readArr(t.v, 40, 'd2', 'b', 8192)).toEqual(fill(8192, 2));
    });
  }

  it('a same-epoch overwrite frees only what it owns: the shared extent stays, a freed one leaves the table', () => {
    const t = setup(DAOS_PROP_CO_DEDUP_MEMCMP);
    const data = fill(8192, 8);
    expect(rmaUpdate(t, 10, 'd1', 'a', data)).toBe(0);
    expect(rmaUpdate(t, 11, 'd2', 'b', data)).toBe(0);
    expect(lookups(t)).toEqual([false, true]);
    // Replace the deduplicated copy in place (same rectangle, epoch and minor): its DEDUP
    // address is not freed, so d1 still reads its bytes.
    const shared = t.pool.dedup.entries()[0]?.off ?? -1;
    const usedBefore = t.target.umem.usedBytes;
    expect(rmaUpdate(t, 11, 'd2', 'b', fill(8192, 9))).toBe(0);
    expect(t.target.umem.usedBytes - usedBefore).toBe(8192); // the new data; nothing freed
    expect(t.target.umem.scm.read(shared, 8192)).toEqual(data);
    // Replace the original: its extent is freed and must leave the table.
    expect(rmaUpdate(t, 10, 'd1', 'a', fill(8192, 10))).toBe(0);
    expect(
      t.pool.dedup
        .entries()
        .map((e) => e.csum)
        .map(toHex),
    ).not.toContain(toHex(dedupCsum(t.cont.dedup, data)));
    expect(rmaUpdate(t, 13, 'd3', 'c', data)).toBe(0);
    expect(lookups(t).at(-1)).toBe(false);
    expect(readArr(t.v, 14, 'd3', 'c', 8192)).toEqual(data);
  });

  it('verify mismatch (same checksum, other bytes) → a fresh extent; the shared one is untouched', () => {
    const t = setup(DAOS_PROP_CO_DEDUP_MEMCMP);
    const a = fill(8192, 3);
    const b = fill(8192, 4);
    expect(rmaUpdate(t, 10, 'd', 'a', a)).toBe(0);
    // A client whose checksum of b collides with a's (as a weak hash may): lookup hits.
    const props = t.cont.dedup;
    const collide = [[dedupCsum(props, a)]];
    const used = t.target.umem.usedBytes;
    expect(rmaUpdate(t, 11, 'd', 'b', b, 0, collide)).toBe(0);
    expect(lookups(t)).toEqual([false, true]);
    const ver = t.rt.trace.events.filter(
      (e) => e.step === 'vos_dedup_verify' && e.phase === 'exit',
    );
    expect(ver.at(-1)?.data).toMatchObject({ matched: 0, reallocated: 1 });
    expect(t.target.umem.usedBytes - used).toBeGreaterThanOrEqual(8192);
    expect(readArr(t.v, 20, 'd', 'a', 8192)).toEqual(a);
    expect(readArr(t.v, 20, 'd', 'b', 8192)).toEqual(b);
    // The fresh extent did not enter the table (it was not a candidate).
    expect(t.pool.dedup.size).toBe(1);
  });

  it('NVMe extents: a duplicate shares the blocks (nothing written); a verify mismatch gets fresh blocks', () => {
    const t = makeTarget({ scmBytes: 4 << 20, nvmeBlocks: 256 });
    t.cont.dedup = dedupProps(DAOS_PROP_CO_DEDUP_MEMCMP);
    const v = new Vos(t);
    const vea = t.target.pool.vea;
    if (vea === undefined) throw new Error('no VEA');
    const a = fill(8192, 3);
    const b = fill(8192, 4);
    const free0 = vea.freeBlocks;
    expect(rmaUpdate(t, 10, 'd', 'a', a)).toBe(0);
    expect(free0 - vea.freeBlocks).toBe(2); // 8 KiB on NVMe
    expect(rmaUpdate(t, 11, 'd', 'a2', a)).toBe(0);
    expect(free0 - vea.freeBlocks).toBe(2); // shared: no new blocks
    expect(lookups(t)).toEqual([false, true]);
    // A colliding checksum with other bytes: verify reads the shared blocks back, mismatches.
    const collide = [[dedupCsum(t.cont.dedup, a)]];
    expect(rmaUpdate(t, 12, 'd', 'b', b, 0, collide)).toBe(0);
    const ver = t.rt.trace.events.filter(
      (e) => e.step === 'vos_dedup_verify' && e.phase === 'exit',
    );
    expect(ver.at(-1)?.data).toMatchObject({ matched: 0, reallocated: 1 });
    expect(free0 - vea.freeBlocks).toBe(4);
    expect(readArr(v, 20, 'd', 'a', 8192)).toEqual(a);
    expect(readArr(v, 20, 'd', 'a2', 8192)).toEqual(a);
    expect(readArr(v, 20, 'd', 'b', 8192)).toEqual(b);
    expect(t.pool.dedup.entries().map((e) => e.media)).toEqual([1]); // DAOS_MEDIA_NVME
  });

  it('below the threshold, single values, and non-RMA updates are never deduplicated', () => {
    const t = setup(DAOS_PROP_CO_DEDUP_MEMCMP, 8192);
    const small = fill(8191, 5);
    expect(rmaUpdate(t, 10, 'd', 'a', small)).toBe(0);
    const used = t.target.umem.usedBytes;
    expect(rmaUpdate(t, 11, 'd', 'b', small)).toBe(0);
    expect(t.target.umem.usedBytes - used).toBeGreaterThanOrEqual(8191);
    expect(lookups(t)).toEqual([]);
    expect(t.pool.dedup.size).toBe(0);
    // Single value of 8 KiB over RMA: no lookup either.
    const sv: VosIod = svIod('sv', 8192);
    const big = fill(8192, 6);
    const up = (e: number, k: string): number =>
      runRc(
        t.rt,
        vosObjUpdate(
          t.pool,
          {
            cont: t.cont,
            oid: t.oid,
            epoch: BigInt(e),
            flags: 0,
            dkey: utf8Encode(k),
            iods: [sv],
            rma: true,
          },
          [sgl(big)],
        ),
      );
    expect(up(12, 'x')).toBe(0);
    expect(up(13, 'y')).toBe(0);
    expect(lookups(t)).toEqual([]);
    // Inline (not RMA) array updates: no dedup.
    expect(t.v.update(14, 'z', [arrIod('a', 1, [[0, 8192]])], [big])).toBe(0);
    expect(t.v.update(15, 'w', [arrIod('a', 1, [[0, 8192]])], [big])).toBe(0);
    expect(lookups(t)).toEqual([]);
    expect(t.pool.dedup.size).toBe(0);
  });

  it('a failed update leaves no dedup entry, and the next identical write is a candidate again', () => {
    const t = setup(DAOS_PROP_CO_DEDUP_MEMCMP);
    const data = fill(8192, 7);
    expect(rmaUpdate(t, 10, 'd', 'a', fill(16, 1), 0)).toBe(0);
    // A read at 50 makes a write at 40 to the same akey fail with -DER_TX_RESTART at publish.
    expect(t.v.fetch(50, 'd', [arrIod('a', 0, [[0, 16]])], [16]).rc).toBe(0);
    const used = t.target.umem.usedBytes;
    expect(rmaUpdate(t, 40, 'd', 'a', data, 100)).toBe(der('TX_RESTART'));
    expect(t.pool.dedup.size).toBe(0);
    expect(t.target.umem.usedBytes).toBe(used);
    const proc = t.rt.trace.events.filter(
      (e) => e.step === 'vos_dedup_process' && e.phase === 'enter',
    );
    expect(proc.at(-1)?.data).toMatchObject({ abort: true, candidates: 1 });
    // The same data again (at a fresh epoch): a miss, then it enters the table.
    expect(rmaUpdate(t, 60, 'd', 'a', data, 100)).toBe(0);
    expect(lookups(t)).toEqual([false, false]);
    expect(t.pool.dedup.size).toBe(1);
  });

  it('dedupCsumsOf walks the sgl per recx (client side)', () => {
    const props = dedupProps(DAOS_PROP_CO_DEDUP_MEMCMP);
    const a = fill(100, 1);
    const iod = arrIod('a', 2, [
      [0, 20],
      [100, 30],
    ]);
    const cs = dedupCsumsOf(props, [iod, svIod('s', 4)], [sgl(a), sgl(fill(4, 2))]);
    expect(cs[1]).toBeNull();
    expect(cs[0]?.map(toHex)).toEqual([
      toHex(dedupCsum(props, a.subarray(0, 40))),
      toHex(dedupCsum(props, a.subarray(40, 100))),
    ]);
  });
});
