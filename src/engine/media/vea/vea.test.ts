import { describe, expect, it } from 'vitest';
import { IoError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { createMemoryBackend, type MemoryBackend } from '../memory-backend.ts';
import { PowerCutError } from '../power.ts';
import { createScm } from '../scm.ts';
import type { VeaExtent } from '../types.ts';
import { createUmem, openUmem, type UmemPool } from '../umem/umem.ts';
import { createVea, openVea, type VeaSpace } from './vea.ts';

const SCM_SIZE = 512 * 1024;
const BLOCKS = 4096;

function setup(): { backend: MemoryBackend; pool: UmemPool; vea: VeaSpace } {
  const backend = createMemoryBackend(SCM_SIZE);
  const pool = createUmem(createScm({ id: 'scm', backend }), { rootSize: 128 });
  const vea = createVea(pool, { blocks: BLOCKS, at: pool.rootOff });
  return { backend, pool, vea };
}

/** The persistent free extents must be exactly the complement of the allocated ones. */
function checkComplement(vea: VeaSpace, allocated: readonly VeaExtent[]): string | null {
  const used = [...allocated].sort((a, b) => a.blkOff - b.blkOff);
  const free = vea.extents();
  const want: VeaExtent[] = [];
  let cur = 1;
  for (const a of used) {
    if (a.blkOff < cur) return `allocated extents overlap at ${a.blkOff}`;
    if (a.blkOff > cur) want.push({ blkOff: cur, blkCnt: a.blkOff - cur });
    cur = a.blkOff + a.blkCnt;
  }
  if (cur < BLOCKS) want.push({ blkOff: cur, blkCnt: BLOCKS - cur });
  return JSON.stringify(free) === JSON.stringify(want)
    ? null
    : `free ${JSON.stringify(free)} != ${JSON.stringify(want)}`;
}

describe('vea', () => {
  it('reserve / publish / cancel / free with first fit at the hint; block 0 is never handed out', () => {
    const { pool, vea } = setup();
    expect(vea.freeBlocks).toBe(BLOCKS - 1);
    const a = vea.reserve(10);
    expect(a).toEqual({ blkOff: 1, blkCnt: 10 });
    const b = vea.reserve(5, 100);
    expect(b).toEqual({ blkOff: 100, blkCnt: 5 });
    const c = vea.reserve(3, 11); // hint right after a: sequential locality
    expect(c.blkOff).toBe(11);
    vea.cancel([c]);
    pool.txBegin();
    vea.publish([a, b]);
    pool.txCommit();
    expect(checkComplement(vea, [a, b])).toBeNull();
    pool.txBegin();
    vea.free(a);
    pool.txCommit();
    expect(checkComplement(vea, [b])).toBeNull();
    expect(vea.freeBlocks).toBe(BLOCKS - 1 - 5);
  });

  it('-DER_NOSPACE when nothing fits, never partial, and state unchanged', () => {
    const { pool, vea } = setup();
    const big = vea.reserve(BLOCKS - 101);
    pool.txBegin();
    vea.publish([big]);
    pool.txCommit();
    const before = JSON.stringify([vea.extents(), vea.availableExtents(), vea.freeBlocks]);
    let rc = 0;
    try {
      vea.reserve(101);
    } catch (e) {
      rc = (e as IoError).rc;
    }
    expect(rc).toBe(-1007);
    expect(JSON.stringify([vea.extents(), vea.availableExtents(), vea.freeBlocks])).toBe(before);
    expect(vea.reserve(100).blkCnt).toBe(100);
  });

  it('abort rolls back publish and free; an unpublished reservation is gone after a power cut', () => {
    const { backend, pool, vea } = setup();
    const a = vea.reserve(8);
    pool.txBegin();
    vea.publish([a]);
    pool.txCommit();
    const b = vea.reserve(8);
    pool.txBegin();
    vea.publish([b]);
    vea.free(a);
    pool.txAbort();
    expect(checkComplement(vea, [a])).toBeNull();
    expect(vea.freeBlocks).toBe(BLOCKS - 1 - 8);
    vea.reserve(16);
    pool.scm.powerCut();
    const pool2 = openUmem(createScm({ id: 'scm', backend }));
    const vea2 = openVea(pool2, { dfOff: vea.dfOff });
    expect(checkComplement(vea2, [a])).toBeNull();
    expect(vea2.freeBlocks).toBe(BLOCKS - 1 - 8);
  });

  it('rejects bad input', () => {
    const { pool, vea } = setup();
    expect(() => vea.reserve(0)).toThrow(IoError);
    expect(() => vea.publish([{ blkOff: 1, blkCnt: 1 }])).toThrow(/outside a transaction/);
    pool.txBegin();
    expect(() => vea.publish([{ blkOff: 1, blkCnt: 1 }])).toThrow(/not reserved/);
    expect(() => vea.free({ blkOff: 0, blkCnt: 1 })).toThrow(/DER_INVAL/);
    expect(() => vea.free({ blkOff: 5, blkCnt: 1 })).toThrow(/already free/);
    pool.txCommit();
  });

  it('property: random workloads with a power cut at every persistence point', () => {
    let cuts = 0;
    let maxNodes = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const runOnce = (
        cutAt: number,
        out: {
          committed: VeaExtent[];
          inflight: VeaExtent[] | null;
          points: number;
          dfOff: number;
        },
        backend: MemoryBackend,
      ): void => {
        const scm = createScm({ id: 'scm', backend, rng: new Rng(seed * 7919 + cutAt) });
        const pool = createUmem(scm, { rootSize: 128 });
        out.dfOff = pool.rootOff;
        let clock = 0; // virtual ns: 3 s per transaction, so freed extents age out and return
        const vea = createVea(pool, { blocks: BLOCKS, at: pool.rootOff, now: () => clock });
        let n = 0;
        scm.persistenceHook = () => {
          if (n++ === cutAt) {
            scm.powerCut();
            throw new PowerCutError(scm.id);
          }
        };
        const rng = new Rng(seed).fork('vea');
        let alloc: VeaExtent[] = [];
        // Small extents on odd seeds: many fragments, so the free tree splits and shrinks.
        const maxCnt = seed % 2 === 1 ? 24 : 300;
        for (let t = 0; t < (seed % 2 === 1 ? 60 : 25); t++) {
          clock += 3_000_000_000;
          const next = [...alloc];
          const held: VeaExtent[] = [];
          for (let i = rng.int(1, 4); i > 0; i--) {
            try {
              held.push(vea.reserve(rng.int(1, maxCnt), rng.int(0, BLOCKS)));
            } catch (e) {
              if (!(e instanceof IoError)) throw e;
            }
          }
          pool.txBegin();
          const pub = held.filter(() => rng.chance(0.8));
          vea.publish(pub);
          vea.cancel(held.filter((h) => !pub.includes(h)));
          next.push(...pub);
          if (next.length > 0 && rng.chance(0.5)) {
            const victim = rng.pick(next);
            vea.free(victim);
            next.splice(next.indexOf(victim), 1);
          }
          if (rng.chance(0.1)) {
            pool.txAbort();
            continue;
          }
          out.inflight = next;
          pool.txCommit();
          out.inflight = null;
          alloc = next;
          out.committed = alloc;
        }
        out.points = n;
      };
      const dry = {
        committed: [] as VeaExtent[],
        inflight: null as VeaExtent[] | null,
        points: 0,
        dfOff: 0,
      };
      runOnce(-1, dry, createMemoryBackend(SCM_SIZE));
      const stride = Math.max(1, Math.floor(dry.points / 80));
      for (let k = 0; k < dry.points; k += stride) {
        const backend = createMemoryBackend(SCM_SIZE);
        const out = {
          committed: [] as VeaExtent[],
          inflight: null as VeaExtent[] | null,
          points: 0,
          dfOff: 0,
        };
        try {
          runOnce(k, out, backend);
        } catch (e) {
          if (!(e instanceof PowerCutError)) throw e;
        }
        let pool: UmemPool;
        try {
          pool = openUmem(createScm({ id: 'scm', backend }));
        } catch (e) {
          // Cut while the pool itself was being formatted: there is no pool yet.
          expect((e as IoError).rc).toBe(-1005);
          continue;
        }
        if (pool.scm.readU32(out.dfOff) === 0) continue; // cut inside createVea's transaction
        cuts++;
        const vea = openVea(pool, { dfOff: out.dfOff });
        // The tree on media is well formed, and every node of it is a live heap object.
        expect(vea.treeExtents()).toEqual(vea.extents());
        const live = new Set(pool.heapWalk().map((b) => b.off));
        const nodes = vea.treeNodes();
        for (const nd of nodes) expect(live.has(nd)).toBe(true);
        expect(live.size).toBe(nodes.length); // no leaked tree node
        maxNodes = Math.max(maxNodes, nodes.length);
        if (out.inflight && checkComplement(vea, out.inflight) === null) continue;
        expect(checkComplement(vea, out.committed)).toBeNull();
        expect(vea.freeBlocks).toBe(vea.extents().reduce((s, e) => s + e.blkCnt, 0));
        expect(vea.agingBlocks).toBe(0); // aging is DRAM only: after a restart all is free
      }
    }
    expect(cuts).toBeGreaterThan(200);
    expect(maxNodes).toBeGreaterThan(2); // the tree did split
  });

  it('aging: a freed extent is allocatable only 10 s (virtual) after the free', () => {
    const backend = createMemoryBackend(SCM_SIZE);
    const pool = createUmem(createScm({ id: 'scm', backend }), { rootSize: 128 });
    let now = 0;
    const vea = createVea(pool, { blocks: 101, at: pool.rootOff, now: () => now });
    const a = vea.reserve(40);
    const b = vea.reserve(40);
    pool.txBegin();
    vea.publish([a, b]);
    vea.free(a); // in the same transaction: still ages from the commit on
    pool.txCommit();
    expect(vea.extents()).toEqual([
      { blkOff: 1, blkCnt: 40 },
      { blkOff: 81, blkCnt: 20 },
    ]); // in the persistent tree at once
    expect(vea.availableExtents()).toEqual([{ blkOff: 81, blkCnt: 20 }]); // but not allocatable
    expect(vea.agingBlocks).toBe(40);
    expect(vea.freeBlocks).toBe(60);
    now = 1e9;
    expect(vea.reserve(10).blkOff).toBe(81); // not a's blocks, though they fit too
    now = 11e9; // expired, and ≥ 5 s since the last flush: the flush moves it
    expect(vea.reserve(10).blkOff).toBe(91); // best fit: exactly 10 blocks left there
    expect(vea.reserve(30).blkOff).toBe(1); // a's blocks are back
    expect(vea.agingBlocks).toBe(0);
  });

  it('aging: expiry, the forced flush when nothing fits, and a restart frees everything', () => {
    const backend = createMemoryBackend(SCM_SIZE);
    const pool = createUmem(createScm({ id: 'scm', backend }), { rootSize: 128 });
    let now = 0;
    const vea = createVea(pool, { blocks: 101, at: pool.rootOff, now: () => now });
    const [a, b, c] = [vea.reserve(40), vea.reserve(40), vea.reserve(20)];
    pool.txBegin();
    vea.publish([a, b, c]);
    pool.txCommit();
    pool.txBegin();
    vea.free(a);
    pool.txCommit();
    now = 6e9;
    pool.txBegin();
    vea.free(c);
    pool.txCommit();
    // 6 s: a has not expired (10 s), so a 10-block reserve finds nothing allocatable and
    // force-flushes the aging buffer (vea_reserve's retry): it then gets the best fit, c.
    expect(vea.availableExtents()).toEqual([]);
    expect(vea.reserve(10)).toEqual({ blkOff: 81, blkCnt: 10 });
    expect(vea.agingBlocks).toBe(0);
    const d = vea.reserve(10);
    pool.txBegin();
    vea.publish([d]);
    vea.free(b);
    pool.txCommit();
    now = 12e9; // ≥ 5 s since the forced flush: expired entries move — b (freed at 6 s) has not
    vea.reserve(1);
    expect(vea.agingExtents()).toEqual([{ blkOff: 41, blkCnt: 40, expire: 16e9 }]);
    now = 17.5e9;
    const e = vea.reserve(30);
    expect(vea.agingBlocks).toBe(0);
    expect(e.blkOff).toBe(2); // best fit: [2, 80) merged with b is the only big extent
    // Free something, cut the power before it ages: after the restart it is allocatable.
    pool.txBegin();
    vea.free(d);
    pool.txCommit();
    expect(vea.agingBlocks).toBe(10);
    pool.scm.powerCut();
    const pool2 = openUmem(createScm({ id: 'scm', backend }));
    const vea2 = openVea(pool2, { dfOff: vea.dfOff, now: () => 0 });
    expect(vea2.agingBlocks).toBe(0);
    expect(vea2.availableExtents()).toEqual(vea2.extents());
  });
});
