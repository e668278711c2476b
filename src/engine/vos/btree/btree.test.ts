import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { createMemoryBackend, createScm, createUmem } from '../../media/index.ts';
import { compareBytes, VosMem } from '../mem.ts';
import { keyProbe, type KeyKind } from '../keys.ts';
import { KREC_HDR } from '../layout.ts';
import { DbTree, type BKey } from './btree.ts';
import { dkeyClass, svtClass } from './classes.ts';

function setup(size = 8 << 20) {
  const scm = createScm({ id: 'scm0', backend: createMemoryBackend(size) });
  const umem = createUmem(scm, { rootSize: 64 });
  const mem = new VosMem(umem);
  return { scm, umem, mem };
}

/** A key record like ktr_rec_alloc makes: header + key bytes (the tie-break compares them). */
function allocKrec(mem: VosMem, key: Uint8Array): number {
  const off = mem.alloc(KREC_HDR + key.length, true);
  mem.w32(off + 4, key.length);
  mem.write(off + KREC_HDR, key);
  return off;
}

function keyOf(rng: Rng, kind: KeyKind): Uint8Array {
  if (kind === 'uint64') {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(rng.int(0, 5000)), true);
    return b;
  }
  const len = rng.int(1, rng.chance(0.3) ? 40 : 6);
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = 97 + rng.int(0, 3);
  return b;
}

const hex = (k: Uint8Array): string =>
  Array.from(k, (b) => b.toString(16).padStart(2, '0')).join('');

describe('dbtree in SCM', () => {
  for (const kind of ['hashed', 'lexical', 'uint64'] as const) {
    it(`matches a reference map over random upsert/delete/probe (${kind} keys, many seeds)`, () => {
      for (let seed = 1; seed <= 12; seed++) {
        const rng = new Rng(seed);
        const { mem, umem } = setup();
        const order = [3, 4, 5, 20][seed % 4] as number;
        mem.txBegin();
        const tree = DbTree.create(mem, umem.rootOff, dkeyClass, order);
        mem.txCommit();
        const ref = new Map<string, { key: Uint8Array; rec: number }>();
        for (let op = 0; op < 700; op++) {
          const key = keyOf(rng, kind);
          const k = keyProbe(kind, key);
          mem.txBegin();
          if (rng.chance(0.7)) {
            const r = tree.upsert(k, () => allocKrec(mem, key));
            const have = ref.get(hex(key));
            if (have) expect(r).toEqual({ recOff: have.rec, inserted: false });
            else {
              expect(r.inserted).toBe(true);
              ref.set(hex(key), { key, rec: r.recOff });
            }
          } else {
            const rec = tree.delete(k);
            const have = ref.get(hex(key));
            expect(rec).toBe(have ? have.rec : null);
            if (rec !== null) mem.free(rec);
            ref.delete(hex(key));
          }
          mem.txCommit();
          if (op % 100 === 99) expect(tree.verify()).toBe(ref.size);
        }
        // Iteration: every key once, in tree order consistent with the hkey order.
        const seen = [...tree.records()].map((r) => r.recOff);
        expect(new Set(seen).size).toBe(ref.size);
        expect(seen.sort()).toEqual([...ref.values()].map((v) => v.rec).sort());
        // fetch of every key
        for (const v of ref.values()) expect(tree.fetch(keyProbe(kind, v.key))).toBe(v.rec);
      }
    });
  }

  it('resolves hkey collisions by the full key across splits (degenerate hkeys)', () => {
    // hkey = key length mod 3: thousands of collisions, so every probe relies on keyCmp and on
    // the lower-bound walk across leaves.
    const probe = (key: Uint8Array): BKey => {
      const h = new Uint8Array(16);
      h[0] = key.length % 3;
      return { hkey: h, key };
    };
    for (let seed = 1; seed <= 8; seed++) {
      const rng = new Rng(100 + seed);
      const { mem, umem } = setup();
      mem.txBegin();
      const tree = DbTree.create(mem, umem.rootOff, dkeyClass, 3 + (seed % 3));
      mem.txCommit();
      const ref = new Map<string, number>();
      for (let op = 0; op < 600; op++) {
        const key = keyOf(rng, 'hashed');
        mem.txBegin();
        if (rng.chance(0.7)) {
          const r = tree.upsert(probe(key), () => allocKrec(mem, key));
          expect(r.inserted).toBe(!ref.has(hex(key)));
          ref.set(hex(key), r.recOff);
        } else {
          const rec = tree.delete(probe(key));
          expect(rec).toBe(ref.get(hex(key)) ?? null);
          ref.delete(hex(key));
        }
        mem.txCommit();
      }
      expect(tree.verify()).toBe(ref.size);
      for (const [h, rec] of ref) {
        const key = Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
        expect(tree.fetch(probe(key))).toBe(rec);
      }
      // In-order walk: hkey then full key ascending.
      const keys = [...tree.records()].map((r) =>
        mem.read(r.recOff + KREC_HDR, mem.u32(r.recOff + 4)),
      );
      for (let i = 1; i < keys.length; i++) {
        const a = keys[i - 1] as Uint8Array;
        const b = keys[i] as Uint8Array;
        const c = (a.length % 3) - (b.length % 3) || compareBytes(a, b);
        expect(c).toBeLessThan(0);
      }
    }
  });

  it('orders lexical keys by memcmp then length, uint64 keys numerically', () => {
    const { mem, umem } = setup();
    mem.txBegin();
    const tree = DbTree.create(mem, umem.rootOff, dkeyClass, 4);
    const words = [
      'b',
      'a',
      'ab',
      'abc',
      'a\u0000',
      'ba',
      'aaaaaaaaaaaaaaaaaaaaaz',
      'aaaaaaaaaaaaaaaaaaaaa',
      'zz',
    ];
    for (const w of words) {
      const key = new TextEncoder().encode(w);
      tree.insert(keyProbe('lexical', key), allocKrec(mem, key));
    }
    mem.txCommit();
    const got = [...tree.records()].map((r) =>
      new TextDecoder().decode(mem.read(r.recOff + KREC_HDR, mem.u32(r.recOff + 4))),
    );
    const want = words
      .map((w) => new TextEncoder().encode(w))
      .sort(compareBytes)
      .map((b) => new TextDecoder().decode(b));
    expect(got).toEqual(want);
  });

  it('probes EQ/GE/GT/LE/LT/FIRST/LAST like a sorted array (SV tree keys)', () => {
    const rng = new Rng(7);
    const { mem, umem } = setup();
    mem.txBegin();
    const tree = DbTree.create(mem, umem.rootOff, svtClass, 5);
    const eps = new Set<number>();
    while (eps.size < 300) eps.add(rng.int(1, 2000) * 2);
    const key = (e: number): BKey => {
      const b = new Uint8Array(16);
      new DataView(b.buffer).setBigUint64(0, BigInt(e), false);
      return { hkey: b, key: b };
    };
    for (const e of eps) tree.insert(key(e), e);
    mem.txCommit();
    const sorted = [...eps].sort((a, b) => a - b);
    expect(tree.probe('FIRST')?.recOff).toBe(sorted[0]);
    expect(tree.probe('LAST')?.recOff).toBe(sorted[sorted.length - 1]);
    for (let i = 0; i < 500; i++) {
      const q = rng.int(0, 4002);
      const ge = sorted.find((x) => x >= q) ?? null;
      const gt = sorted.find((x) => x > q) ?? null;
      const le = [...sorted].reverse().find((x) => x <= q) ?? null;
      const lt = [...sorted].reverse().find((x) => x < q) ?? null;
      expect(tree.probe('EQ', key(q))?.recOff ?? null).toBe(eps.has(q) ? q : null);
      expect(tree.probe('GE', key(q))?.recOff ?? null).toBe(ge);
      expect(tree.probe('GT', key(q))?.recOff ?? null).toBe(gt);
      expect(tree.probe('LE', key(q))?.recOff ?? null).toBe(le);
      expect(tree.probe('LT', key(q))?.recOff ?? null).toBe(lt);
    }
    // Cursor walks both ways.
    const c = tree.probe('GE', key(1000));
    expect(c).not.toBeNull();
    const fwd: number[] = [];
    if (c)
      do fwd.push(c.recOff);
      while (c.next());
    expect(fwd).toEqual(sorted.filter((x) => x >= 1000));
    const b = tree.probe('LAST');
    const back: number[] = [];
    if (b)
      do back.push(b.recOff);
      while (b.prev());
    expect(back).toEqual([...sorted].reverse());
  });

  it('splits nodes inside SCM and reports tree.split effects; abort restores the tree', () => {
    const { mem, umem, scm } = setup();
    const effects: string[] = [];
    mem.tracer = {
      effect: (e: { kind: string }) => effects.push(e.kind),
    } as unknown as VosMem['tracer'];
    mem.txBegin();
    const tree = DbTree.create(mem, umem.rootOff, dkeyClass, 4);
    mem.txCommit();
    for (let i = 0; i < 4; i++) {
      const key = new TextEncoder().encode(`k${i}`);
      mem.txBegin();
      tree.insert(keyProbe('hashed', key), allocKrec(mem, key));
      mem.txCommit();
    }
    expect(tree.depth).toBe(1);
    expect(effects.filter((e) => e === 'tree.split')).toHaveLength(0);
    const before = scm.read(0, scm.size);
    const used = umem.usedBytes;
    mem.txBegin();
    const key = new TextEncoder().encode('k4');
    tree.insert(keyProbe('hashed', key), allocKrec(mem, key));
    expect(tree.depth).toBe(2);
    expect(effects).toContain('tree.split');
    mem.txAbort();
    expect(tree.depth).toBe(1);
    expect(tree.verify()).toBe(4);
    expect(umem.usedBytes).toBe(used);
    // Every byte the tree owns is back (allocator metadata included).
    expect(scm.read(umem.rootOff, 64)).toEqual(before.slice(umem.rootOff, umem.rootOff + 64));
  });
});
