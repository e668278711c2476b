import { describe, expect, it } from 'vitest';
import { PAGE, PagedBytes } from './pagedBytes.ts';
import { seeded } from './testing.ts';

describe('PagedBytes (copy-on-write pages)', () => {
  it('reads like a plain byte array through sets, fills and clones; clones never see each other', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = seeded(seed);
      const n = r.int(1, 5 * PAGE);
      // pairs of (paged, plain model); clones add pairs
      const live: [PagedBytes, Uint8Array][] = [[PagedBytes.empty(), new Uint8Array(n)]];
      for (let step = 0; step < 300; step++) {
        const k = r.int(0, live.length - 1);
        const [p, m] = live[k]!;
        const op = r.int(0, 9);
        if (op < 4) {
          const i = r.int(0, n - 1);
          const v = r.int(0, 4);
          p.set(i, v);
          m[i] = v;
        } else if (op < 8) {
          const a = r.int(0, n - 1);
          const b = r.int(a, Math.min(n, a + r.pick([3, PAGE, 2 * PAGE + 7])));
          const v = r.int(0, 4);
          p.fill(v, a, b);
          m.fill(v, a, b);
        } else if (live.length < 8) {
          live.push([p.clone(), m.slice()]);
        }
      }
      for (const [p, m] of live) {
        expect(p.toArray(n)).toEqual(m);
        for (let q = 0; q < 20; q++) {
          const i = r.int(0, n - 1);
          expect(p.get(i)).toBe(m[i]);
        }
      }
    }
  });

  it('a clone shares pages until a write: unchanged pages are not copied', () => {
    const a = PagedBytes.empty();
    a.fill(3, 0, 4 * PAGE);
    const b = a.clone();
    b.set(5, 1);
    expect(a.get(5)).toBe(3);
    expect(b.get(5)).toBe(1);
    // pages 1..3 are the same objects in both (internal check through toArray equality is not
    // enough: look at the page table)
    const pa = (a as unknown as { pages: Uint8Array[] }).pages;
    const pb = (b as unknown as { pages: Uint8Array[] }).pages;
    expect(pb[0]).not.toBe(pa[0]);
    for (let k = 1; k < 4; k++) expect(pb[k]).toBe(pa[k]);
  });
});
