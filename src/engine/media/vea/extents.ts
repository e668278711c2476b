/**
 * A sorted, coalesced list of free block extents (DRAM). VEA keeps one for "allocatable now";
 * offsets are block numbers. Like DAOS's compound index (`vsi_free_btr` by offset plus the
 * size tree) it is indexed twice: `items` by offset (first fit at a hint, coalescing) and
 * `bySize` by (count, offset) for best fit.
 */
export interface Extent {
  off: number;
  cnt: number;
}

export class ExtentList {
  readonly items: Extent[] = [];
  /** The same extents ordered by (cnt, off): the size index. */
  private readonly bySize: Extent[] = [];

  /** Replace the contents (sorted by offset, coalesced). */
  reset(exts: readonly Extent[]): void {
    this.items.length = 0;
    this.bySize.length = 0;
    for (const e of exts) {
      this.items.push({ off: e.off, cnt: e.cnt });
      this.bySize.push({ off: e.off, cnt: e.cnt });
    }
    this.bySize.sort((a, b) => a.cnt - b.cnt || a.off - b.off);
  }

  /** Index of the first size-index entry ≥ (cnt, off). */
  private sizeLowerBound(cnt: number, off: number): number {
    let lo = 0;
    let hi = this.bySize.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = this.bySize[mid] as Extent;
      if (e.cnt < cnt || (e.cnt === cnt && e.off < off)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private sizeAdd(off: number, cnt: number): void {
    this.bySize.splice(this.sizeLowerBound(cnt, off), 0, { off, cnt });
  }

  private sizeDel(off: number, cnt: number): void {
    const i = this.sizeLowerBound(cnt, off);
    const e = this.bySize[i];
    if (!e || e.off !== off || e.cnt !== cnt) throw new Error(`size index lost [${off}, +${cnt})`);
    this.bySize.splice(i, 1);
  }

  /** Best fit: the smallest extent with at least `cnt` blocks (lowest offset on a tie). */
  bestFit(cnt: number): number | undefined {
    return this.bySize[this.sizeLowerBound(cnt, -1)]?.off;
  }

  /** The largest extent's size (0 when empty). */
  get largest(): number {
    return this.bySize[this.bySize.length - 1]?.cnt ?? 0;
  }

  get total(): number {
    let t = 0;
    for (const e of this.items) t += e.cnt;
    return t;
  }

  /** Index of the last extent with off ≤ blk, or -1. */
  private floor(blk: number): number {
    let lo = 0;
    let hi = this.items.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.items[mid] as Extent).off <= blk) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  /** The extent containing block `blk`, or undefined. */
  containing(blk: number): Extent | undefined {
    const i = this.floor(blk);
    const e = this.items[i];
    return e && blk < e.off + e.cnt ? e : undefined;
  }

  overlaps(off: number, cnt: number): boolean {
    const i = this.floor(off + cnt - 1);
    const e = this.items[i];
    return e !== undefined && e.off + e.cnt > off;
  }

  /** Add [off, off+cnt), merging with neighbours. The range must be absent. */
  insert(off: number, cnt: number): void {
    if (this.overlaps(off, cnt)) throw new Error(`extent [${off}, +${cnt}) already free`);
    const i = this.floor(off);
    const left = this.items[i];
    const right = this.items[i + 1];
    const joinL = left !== undefined && left.off + left.cnt === off;
    const joinR = right !== undefined && off + cnt === right.off;
    if (joinL && joinR) {
      this.sizeDel(left.off, left.cnt);
      this.sizeDel(right.off, right.cnt);
      left.cnt += cnt + right.cnt;
      this.sizeAdd(left.off, left.cnt);
      this.items.splice(i + 1, 1);
    } else if (joinL) {
      this.sizeDel(left.off, left.cnt);
      left.cnt += cnt;
      this.sizeAdd(left.off, left.cnt);
    } else if (joinR) {
      this.sizeDel(right.off, right.cnt);
      right.off = off;
      right.cnt += cnt;
      this.sizeAdd(right.off, right.cnt);
    } else {
      this.items.splice(i + 1, 0, { off, cnt });
      this.sizeAdd(off, cnt);
    }
  }

  /** Remove [off, off+cnt), which must lie inside one extent. */
  remove(off: number, cnt: number): void {
    const i = this.floor(off);
    const e = this.items[i];
    if (!e || off + cnt > e.off + e.cnt) throw new Error(`extent [${off}, +${cnt}) is not free`);
    const leftCnt = off - e.off;
    const rightOff = off + cnt;
    const rightCnt = e.off + e.cnt - rightOff;
    const repl: Extent[] = [];
    if (leftCnt > 0) repl.push({ off: e.off, cnt: leftCnt });
    if (rightCnt > 0) repl.push({ off: rightOff, cnt: rightCnt });
    this.sizeDel(e.off, e.cnt);
    for (const r of repl) this.sizeAdd(r.off, r.cnt);
    this.items.splice(i, 1, ...repl);
  }

  /** The hint itself, when the free extent holding block `hint` has `cnt` blocks from it. */
  atHint(cnt: number, hint: number): number | undefined {
    const at = this.containing(hint);
    return at && at.off + at.cnt - hint >= cnt ? hint : undefined;
  }

  /**
   * First fit at or after `hint` (wrapping to the start): the range at `hint` itself when the
   * extent holding it has room, else the first extent at or after it big enough.
   */
  firstFit(cnt: number, hint: number): number | undefined {
    const at = this.containing(hint);
    if (at && at.off + at.cnt - hint >= cnt) return hint;
    const start = this.floor(hint) + 1;
    const n = this.items.length;
    for (let k = 0; k < n; k++) {
      const e = this.items[(start + k) % n] as Extent;
      if (e.cnt >= cnt) return e.off;
    }
    return undefined;
  }
}
