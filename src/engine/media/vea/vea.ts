/**
 * VEA — the versioned extent allocator for NVMe blocks (DAOS `src/vea`).
 *
 * Persistent part (in SCM, changed only inside the caller's umem transaction): a space
 * descriptor (`vea_space_df`: magic, block size, total blocks, header blocks, the free tree's
 * root) and the free-extent tree (`free-tree.ts`, DAOS `vsi_md_free_btr`): a B+tree keyed by
 * block offset. Blocks 0 .. hdrBlocks-1 hold the blob header and are never free.
 *
 * DRAM part (rebuilt by `vea_load` on open), DAOS's compound index: the allocatable extents
 * by offset and by size (`extents.ts`), the reservations, and the **aging buffer**.
 *
 * - `reserve`: DRAM only. The hint first (the free extent holding block `hint` has room from
 *   it: sequential locality), else best fit from the size index (the smallest extent that is
 *   big enough, as vea's size tree does). Nothing fits → force-flush the aging buffer and try
 *   once more → -DER_NOSPACE: never a partial allocation, nothing reserved.
 * - `publish` (in a tx): carve the reserved extents out of the persistent tree.
 * - `cancel`: return reservations to the allocatable index at once.
 * - `free` (in a tx): the extent goes back into the persistent tree at once (merging with its
 *   neighbours), but into the allocatable index only after it has **aged**: at commit it joins
 *   the aging buffer, and becomes allocatable `EXPIRE_INTVL` (10 s, virtual time) after the
 *   free, moved by a flush that runs at most every `FLUSH_INTVL` (5 s) from `reserve` — so a
 *   block a reader may still be DMA-ing from is not handed out again at once. Aging is DRAM
 *   only: after a restart everything in the tree is allocatable.
 * A transaction abort reloads the DRAM state from SCM (keeping reservations and aging).
 */
import { derError } from '../../core/errors.ts';
import type { Tracer } from '../../trace/tracer.ts';
import { RECOVERY_PIPELINE } from '../umem/umem.ts';
import type { Umem, Vea, VeaExtent } from '../types.ts';
import { ExtentList, type Extent } from './extents.ts';
import { FreeTree } from './free-tree.ts';

const VEA_MAGIC = 0x56454132; // "VEA2": free extents in a tree (VEA1 was a slot table)
export const VEA_DF_SIZE = 64;
/** A freed extent becomes allocatable this long after the free (DAOS `EXPIRE_INTVL`, 10 s). */
export const VEA_EXPIRE_NS = 10_000_000_000;
/** The aging buffer is flushed at most this often (DAOS `FLUSH_INTVL`, 5 s). */
export const VEA_FLUSH_NS = 5_000_000_000;
/** Fragments moved per flush (DAOS `MAX_FLUSH_FRAGS`). */
const MAX_FLUSH_FRAGS = 256;

const DF_MAGIC = 0;
const DF_BLK_SZ = 4;
const DF_TOT_BLKS = 8;
const DF_HDR_BLKS = 16;
const DF_TREE_ROOT = 24;

export interface VeaCreateOptions {
  /** Number of 4 KiB blocks on the device. */
  blocks: number;
  /** Blocks reserved for the blob header at the start (VOS_BLOB_HDR_BLKS = 1). */
  hdrBlocks?: number;
  /** SCM offset of a 64-byte area for the space descriptor (e.g. inside the pool root). */
  at?: number;
  /** Device id used in effects. */
  id?: string;
  trace?: Tracer;
  /** Virtual time in ns (the sim clock) for aging; without it time stands still. */
  now?: () => number;
}

export interface VeaOpenOptions {
  /** Where the space descriptor is (`VeaSpace.dfOff` of the created allocator). */
  dfOff: number;
  id?: string;
  trace?: Tracer;
  actor?: string;
  now?: () => number;
}

interface AgingExtent extends Extent {
  /** Virtual time from which it may be allocated again. */
  expire: number;
}

export class VeaSpace implements Vea {
  readonly dfOff: number;
  readonly totalBlocks: number;
  readonly hdrBlocks: number;
  private readonly scm: Umem['scm'];
  private readonly id: string;
  private readonly trace: Tracer | undefined;
  private readonly now: () => number;
  private readonly tree: FreeTree;
  /** DRAM mirror of the persistent tree, sorted by offset (merges without tree lookups). */
  private pfree: Extent[] = [];
  private readonly avail = new ExtentList();
  private readonly reserved = new Map<string, VeaExtent>();
  /** Freed extents waiting to expire, oldest first (DRAM only). */
  private aging: AgingExtent[] = [];
  private lastFlush = 0;
  private hookedTx = false;

  private constructor(
    private readonly umem: Umem,
    dfOff: number,
    id: string,
    trace: Tracer | undefined,
    now: (() => number) | undefined,
  ) {
    this.scm = umem.scm;
    this.dfOff = dfOff;
    this.id = id;
    this.trace = trace;
    this.now = now ?? (() => 0);
    if (this.scm.readU32(dfOff + DF_MAGIC) !== VEA_MAGIC) {
      throw derError('DF_INVAL', `no VEA space descriptor at ${dfOff}`);
    }
    this.totalBlocks = this.scm.readNum64(dfOff + DF_TOT_BLKS);
    this.hdrBlocks = this.scm.readNum64(dfOff + DF_HDR_BLKS);
    this.tree = new FreeTree(umem, dfOff + DF_TREE_ROOT);
    this.lastFlush = this.now();
    this.load();
  }

  /** vea_format: write the descriptor and a free tree holding the whole data space. */
  static create(umem: Umem, opts: VeaCreateOptions): VeaSpace {
    const hdr = opts.hdrBlocks ?? 1;
    if (!Number.isSafeInteger(opts.blocks) || opts.blocks <= hdr || opts.blocks > 0xffffffff) {
      throw derError('INVAL', `VEA: bad block count ${opts.blocks}`);
    }
    const s = umem.scm;
    umem.txBegin();
    let df: number;
    try {
      if (opts.at !== undefined) {
        df = opts.at;
        umem.txAddRange(df, VEA_DF_SIZE);
      } else df = umem.txAlloc(VEA_DF_SIZE);
      s.fill(df, VEA_DF_SIZE, 0);
      const tree = FreeTree.format(umem, df + DF_TREE_ROOT);
      tree.insert(hdr, opts.blocks - hdr);
      s.writeU32(df + DF_BLK_SZ, 4096);
      s.writeNum64(df + DF_TOT_BLKS, opts.blocks);
      s.writeNum64(df + DF_HDR_BLKS, hdr);
      s.writeU32(df + DF_MAGIC, VEA_MAGIC);
      umem.txCommit();
    } catch (e) {
      if (umem.inTx) umem.txAbort();
      throw e;
    }
    return new VeaSpace(umem, df, opts.id ?? s.id, opts.trace, opts.now);
  }

  /** vea_load: rebuild the DRAM state from the persistent tree (traced as recovery). */
  static open(umem: Umem, opts: VeaOpenOptions): VeaSpace {
    const actor = opts.actor ?? opts.id ?? umem.scm.id;
    const p = { pipeline: RECOVERY_PIPELINE };
    opts.trace?.enter('vea_load', actor, { ...p, data: { df_off: opts.dfOff } });
    const v = new VeaSpace(umem, opts.dfOff, opts.id ?? umem.scm.id, opts.trace, opts.now);
    opts.trace?.exit('vea_load', actor, {
      ...p,
      rc: 0,
      caption: 'free-extent tree loaded from SCM; unpublished reservations and aging are gone',
      data: {
        free_extents: v.pfree.length,
        free_blocks: v.freeBlocks,
        total_blocks: v.totalBlocks,
      },
    });
    return v;
  }

  /** Free blocks: allocatable now plus those still aging (what space accounting sees). */
  get freeBlocks(): number {
    return this.avail.total + this.agingBlocks;
  }

  /** Blocks freed but not yet allocatable (the aging buffer). */
  get agingBlocks(): number {
    let t = 0;
    for (const e of this.aging) t += e.cnt;
    return t;
  }

  /** Persistent free extents (as in the tree on media), sorted. */
  extents(): VeaExtent[] {
    return this.pfree.map((e) => ({ blkOff: e.off, blkCnt: e.cnt }));
  }

  /** The tree read back from SCM (tests: the DRAM mirror must equal it). */
  treeExtents(): VeaExtent[] {
    return this.tree.walk().map((e) => ({ blkOff: e.off, blkCnt: e.cnt }));
  }

  /** SCM offsets of the tree's nodes (tests: every node is a live heap object). */
  treeNodes(): number[] {
    return this.tree.nodes();
  }

  /** Allocatable extents now (DRAM index). */
  availableExtents(): VeaExtent[] {
    return this.avail.items.map((e) => ({ blkOff: e.off, blkCnt: e.cnt }));
  }

  /** The aging buffer: freed extents and when each becomes allocatable. */
  agingExtents(): (VeaExtent & { expire: number })[] {
    return this.aging.map((e) => ({ blkOff: e.off, blkCnt: e.cnt, expire: e.expire }));
  }

  reserve(blkCnt: number, hint?: number): VeaExtent {
    if (!Number.isSafeInteger(blkCnt) || blkCnt <= 0)
      throw derError('INVAL', `vea_reserve of ${blkCnt} blocks`);
    const now = this.now();
    if (now - this.lastFlush >= VEA_FLUSH_NS) this.flushAging(false);
    let at = this.pick(blkCnt, hint);
    if (at === undefined && this.aging.length > 0) {
      this.flushAging(true); // vea_reserve: force the aging buffer out and try once more
      at = this.pick(blkCnt, hint);
    }
    if (at === undefined) {
      throw derError(
        'NOSPACE',
        `vea_reserve: no ${blkCnt} contiguous free blocks (${this.freeBlocks} free, largest ` +
          `${this.avail.largest})`,
      );
    }
    this.avail.remove(at, blkCnt);
    const ext = { blkOff: at, blkCnt };
    this.reserved.set(key(ext), ext);
    this.trace?.effect({ kind: 'vea.reserve', dev: this.id, blk_off: at, blk_cnt: blkCnt });
    return ext;
  }

  /** The hint when the extent holding it has room from there, else the best fit. */
  private pick(cnt: number, hint: number | undefined): number | undefined {
    const atHint = hint === undefined ? undefined : this.avail.atHint(cnt, hint);
    return atHint ?? this.avail.bestFit(cnt);
  }

  /**
   * Move aged extents into the allocatable index: those expired by now (at most
   * MAX_FLUSH_FRAGS), or every one when `force` (vea_reserve found nothing).
   */
  flushAging(force: boolean): number {
    const now = this.now();
    this.lastFlush = now;
    let moved = 0;
    const keep: AgingExtent[] = [];
    for (const e of this.aging) {
      if ((force || (e.expire <= now && moved < MAX_FLUSH_FRAGS)) && !this.isReserved(e)) {
        this.avail.insert(e.off, e.cnt);
        moved++;
        this.trace?.effect({
          kind: 'vea.aging_flush',
          dev: this.id,
          blk_off: e.off,
          blk_cnt: e.cnt,
          forced: force,
        });
      } else keep.push(e);
    }
    this.aging = keep;
    return moved;
  }

  private isReserved(e: Extent): boolean {
    for (const r of this.reserved.values()) {
      if (r.blkOff < e.off + e.cnt && e.off < r.blkOff + r.blkCnt) return true;
    }
    return false;
  }

  publish(exts: readonly VeaExtent[]): void {
    if (!this.umem.inTx) throw new Error('vea_tx_publish outside a transaction');
    for (const e of exts) {
      if (!this.reserved.has(key(e))) throw derError('INVAL', `extent ${key(e)} is not reserved`);
    }
    this.hookTx();
    for (const e of exts) {
      this.carve(e.blkOff, e.blkCnt);
      this.reserved.delete(key(e));
      this.trace?.effect({
        kind: 'vea.publish',
        dev: this.id,
        blk_off: e.blkOff,
        blk_cnt: e.blkCnt,
      });
    }
  }

  cancel(exts: readonly VeaExtent[]): void {
    for (const e of exts) {
      if (!this.reserved.has(key(e))) throw derError('INVAL', `extent ${key(e)} is not reserved`);
    }
    for (const e of exts) {
      this.reserved.delete(key(e));
      this.avail.insert(e.blkOff, e.blkCnt);
      this.trace?.effect({
        kind: 'vea.cancel',
        dev: this.id,
        blk_off: e.blkOff,
        blk_cnt: e.blkCnt,
      });
    }
  }

  free(ext: VeaExtent): void {
    if (!this.umem.inTx) throw new Error('vea_free outside a transaction');
    const { blkOff: off, blkCnt: cnt } = ext;
    if (
      !Number.isSafeInteger(off) ||
      !Number.isSafeInteger(cnt) ||
      cnt <= 0 ||
      off < this.hdrBlocks ||
      off + cnt > this.totalBlocks
    ) {
      throw derError('INVAL', `vea_free of [${off}, +${cnt}) outside the data blocks`);
    }
    if (this.pOverlaps(off, cnt))
      throw derError('INVAL', `vea_free of [${off}, +${cnt}): already free`);
    for (const r of this.reserved.values()) {
      if (r.blkOff < off + cnt && off < r.blkOff + r.blkCnt)
        throw derError('INVAL', `vea_free of a reserved extent`);
    }
    this.hookTx();
    this.release(off, cnt);
    this.umem.txAddCallback('commit', () => {
      this.aging.push({ off, cnt, expire: this.now() + VEA_EXPIRE_NS });
    });
    this.trace?.effect({ kind: 'vea.free', dev: this.id, blk_off: off, blk_cnt: cnt });
  }

  // ---- persistent tree -----------------------------------------------------------------------

  /** DRAM state from the tree: allocatable = persistent free − reserved − aging. */
  private load(): void {
    this.pfree = this.tree.walk();
    for (let i = 1; i < this.pfree.length; i++) {
      const a = this.pfree[i - 1] as Extent;
      const b = this.pfree[i] as Extent;
      if (a.off + a.cnt > b.off) throw derError('DF_INVAL', `VEA tree extents overlap at ${b.off}`);
    }
    this.avail.reset(this.pfree);
    for (const r of this.reserved.values()) this.avail.remove(r.blkOff, r.blkCnt);
    for (const a of this.aging) this.avail.remove(a.off, a.cnt);
  }

  private hookTx(): void {
    if (this.hookedTx) return;
    this.hookedTx = true;
    this.umem.txAddCallback('abort', () => this.load());
    this.umem.txAddCallback('end', () => {
      this.hookedTx = false;
    });
  }

  private pIndex(blk: number): number {
    let lo = 0;
    let hi = this.pfree.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.pfree[mid] as Extent).off <= blk) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  private pOverlaps(off: number, cnt: number): boolean {
    const e = this.pfree[this.pIndex(off + cnt - 1)];
    return e !== undefined && e.off + e.cnt > off;
  }

  /** Remove [off, off+cnt) from the persistent free tree (it lies inside one extent). */
  private carve(off: number, cnt: number): void {
    const i = this.pIndex(off);
    const e = this.pfree[i];
    if (!e || off + cnt > e.off + e.cnt)
      throw new Error(`VEA: [${off}, +${cnt}) not persistently free`);
    const left = off - e.off;
    const rightOff = off + cnt;
    const right = e.off + e.cnt - rightOff;
    if (left > 0) {
      this.tree.setValue(e.off, left);
      e.cnt = left;
      if (right > 0) {
        this.tree.insert(rightOff, right);
        this.pfree.splice(i + 1, 0, { off: rightOff, cnt: right });
      }
    } else if (right > 0) {
      this.tree.raiseKey(e.off, rightOff, right);
      e.off = rightOff;
      e.cnt = right;
    } else {
      this.tree.remove(e.off);
      this.pfree.splice(i, 1);
    }
  }

  /** Add [off, off+cnt) to the persistent free tree, merging with neighbours. */
  private release(off: number, cnt: number): void {
    const i = this.pIndex(off);
    const l = this.pfree[i];
    const r = this.pfree[i + 1];
    const joinL = l !== undefined && l.off + l.cnt === off;
    const joinR = r !== undefined && off + cnt === r.off;
    if (joinL && joinR) {
      this.tree.setValue(l.off, l.cnt + cnt + r.cnt);
      this.tree.remove(r.off);
      l.cnt += cnt + r.cnt;
      this.pfree.splice(i + 1, 1);
    } else if (joinL) {
      this.tree.setValue(l.off, l.cnt + cnt);
      l.cnt += cnt;
    } else if (joinR) {
      // The key moves down: remove and re-insert (separators above must stay lower bounds).
      this.tree.remove(r.off);
      this.tree.insert(off, r.cnt + cnt);
      r.off = off;
      r.cnt += cnt;
    } else {
      this.tree.insert(off, cnt);
      this.pfree.splice(i + 1, 0, { off, cnt });
    }
  }
}

const key = (e: VeaExtent): string => `${e.blkOff}+${e.blkCnt}`;

export function createVea(umem: Umem, opts: VeaCreateOptions): VeaSpace {
  return VeaSpace.create(umem, opts);
}

export function openVea(umem: Umem, opts: VeaOpenOptions): VeaSpace {
  return VeaSpace.open(umem, opts);
}
