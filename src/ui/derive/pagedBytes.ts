/**
 * A growable byte array stored in fixed pages that copies share until one of them writes
 * (copy-on-write): `clone()` copies only the page table, and a write copies just the page it
 * lands in. Checkpoints of per-line device state (derive/scm.ts) then cost the pages an
 * interval changed, not the whole device — a 1M-event trace keeps hundreds of checkpoints of
 * megabyte-sized maps in a few megabytes, and a seek's clone is a table copy.
 *
 * Pages never written read as zeros (no page allocated). After a clone, neither the original
 * nor the copy owns any page: both copy before their next write, so neither ever sees the
 * other's changes.
 */
export const PAGE_BITS = 10;
export const PAGE = 1 << PAGE_BITS;
const MASK = PAGE - 1;

export class PagedBytes {
  private constructor(
    private pages: (Uint8Array | undefined)[],
    /** owned[p] = 1 when page p belongs to this array alone (writable in place). */
    private owned: Uint8Array,
  ) {}

  static empty(): PagedBytes {
    return new PagedBytes([], new Uint8Array(0));
  }

  get(i: number): number {
    const p = this.pages[i >>> PAGE_BITS];
    return p === undefined ? 0 : (p[i & MASK] as number);
  }

  /** The page holding byte i, made private to this array. */
  private writable(pi: number): Uint8Array {
    if (pi >= this.owned.length) {
      const o = new Uint8Array(Math.max(pi + 1, this.owned.length * 2, 8));
      o.set(this.owned);
      this.owned = o;
    }
    let p = this.pages[pi];
    if (this.owned[pi] === 1 && p !== undefined) return p;
    p = p === undefined ? new Uint8Array(PAGE) : p.slice();
    this.pages[pi] = p;
    this.owned[pi] = 1;
    return p;
  }

  set(i: number, v: number): void {
    const pi = i >>> PAGE_BITS;
    const p = this.pages[pi];
    if (p !== undefined && this.owned[pi] === 1) p[i & MASK] = v;
    else this.writable(pi)[i & MASK] = v;
  }

  /** Set bytes [from, to) to v. */
  fill(v: number, from: number, to: number): void {
    let i = from;
    while (i < to) {
      const pi = i >>> PAGE_BITS;
      const end = Math.min(to, (pi + 1) << PAGE_BITS);
      // zeros into a page never written: nothing to do
      if (v !== 0 || this.pages[pi] !== undefined)
        this.writable(pi).fill(v, i & MASK, ((end - 1) & MASK) + 1);
      i = end;
    }
  }

  /** A copy sharing every page (see the class comment). */
  clone(): PagedBytes {
    this.owned.fill(0);
    return new PagedBytes(this.pages.slice(), new Uint8Array(this.owned.length));
  }

  /** Bytes [0, n) as one plain array (tests, exports). */
  toArray(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let pi = 0; pi << PAGE_BITS < n; pi++) {
      const p = this.pages[pi];
      if (p) out.set(p.subarray(0, Math.min(PAGE, n - (pi << PAGE_BITS))), pi << PAGE_BITS);
    }
    return out;
  }
}
