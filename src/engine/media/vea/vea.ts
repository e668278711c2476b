/**
 * VEA — the versioned extent allocator for NVMe blocks (DAOS `src/vea`), simplified.
 *
 * Persistent part (in SCM, changed only inside the caller's umem transaction): a space
 * descriptor (`vea_space_df`: magic, block size, total blocks, header blocks, first table
 * segment) and the free-extent table, a chain of 4 KiB segments of 8-byte slots
 * `[blkOff u32][blkCnt u32]` (blkCnt 0 = empty slot). DAOS keeps these extents in a btree
 * (`vsi_md_free_btr`); a slot table keeps every update to one or two atomic 8-byte stores,
 * which is what matters for the undo log. Block 0.. hdrBlocks-1 hold the blob header and are
 * never free.
 *
 * DRAM part (rebuilt by `vea_load` on open): the persistent free extents with their slots,
 * and the allocatable index = persistent free minus reservations.
 *
 * - `reserve`: DRAM only; first fit at the hint, then the first extent after it (wrapping).
 *   -DER_NOSPACE when nothing fits — never a partial allocation, and no state changes.
 * - `publish` (in a tx): carve the reserved extents out of the persistent table.
 * - `cancel`: return reservations to the allocatable index.
 * - `free` (in a tx): return an extent to the persistent table (merging neighbours); it
 *   becomes allocatable when the transaction commits (DAOS also ages it for EXPIRE_INTVL;
 *   we don't).
 * A transaction abort reloads the DRAM state from SCM.
 */
import { derError } from '../../core/errors.ts';
import type { Tracer } from '../../trace/tracer.ts';
import { RECOVERY_PIPELINE } from '../umem/umem.ts';
import type { Umem, Vea, VeaExtent } from '../types.ts';
import { ExtentList, type Extent } from './extents.ts';

const VEA_MAGIC = 0x56454131; // "VEA1"
export const VEA_DF_SIZE = 64;
const SEG_SIZE = 4096;
const SEG_HDR = 64;
const SEG_SLOTS = (SEG_SIZE - SEG_HDR) / 8;

const DF_MAGIC = 0;
const DF_BLK_SZ = 4;
const DF_TOT_BLKS = 8;
const DF_HDR_BLKS = 16;
const DF_FIRST_SEG = 24;

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
}

export interface VeaOpenOptions {
  /** Where the space descriptor is (`VeaSpace.dfOff` of the created allocator). */
  dfOff: number;
  id?: string;
  trace?: Tracer;
  actor?: string;
}

interface PExtent extends Extent {
  /** SCM offset of the slot holding it. */
  slot: number;
}

export class VeaSpace implements Vea {
  readonly dfOff: number;
  readonly totalBlocks: number;
  readonly hdrBlocks: number;
  private readonly scm: Umem['scm'];
  private readonly id: string;
  private readonly trace: Tracer | undefined;
  /** Persistent free extents, sorted by offset. */
  private pfree: PExtent[] = [];
  private emptySlots: number[] = [];
  private lastSegment = 0;
  private readonly avail = new ExtentList();
  private readonly reserved = new Map<string, VeaExtent>();
  private hookedTx = false;

  private constructor(
    private readonly umem: Umem,
    dfOff: number,
    id: string,
    trace: Tracer | undefined,
  ) {
    this.scm = umem.scm;
    this.dfOff = dfOff;
    this.id = id;
    this.trace = trace;
    if (this.scm.readU32(dfOff + DF_MAGIC) !== VEA_MAGIC) {
      throw derError('DF_INVAL', `no VEA space descriptor at ${dfOff}`);
    }
    this.totalBlocks = this.scm.readNum64(dfOff + DF_TOT_BLKS);
    this.hdrBlocks = this.scm.readNum64(dfOff + DF_HDR_BLKS);
    this.load();
  }

  /** vea_format: write the descriptor and one table segment holding the whole free space. */
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
      const seg = umem.txAlloc(SEG_SIZE, true);
      s.writeU32(seg + 8, SEG_SLOTS);
      s.writeU32(seg + SEG_HDR, hdr);
      s.writeU32(seg + SEG_HDR + 4, opts.blocks - hdr);
      s.fill(df, VEA_DF_SIZE, 0);
      s.writeU32(df + DF_BLK_SZ, 4096);
      s.writeNum64(df + DF_TOT_BLKS, opts.blocks);
      s.writeNum64(df + DF_HDR_BLKS, hdr);
      s.writeNum64(df + DF_FIRST_SEG, seg);
      s.writeU32(df + DF_MAGIC, VEA_MAGIC);
      umem.txCommit();
    } catch (e) {
      if (umem.inTx) umem.txAbort();
      throw e;
    }
    return new VeaSpace(umem, df, opts.id ?? s.id, opts.trace);
  }

  /** vea_load: rebuild the DRAM state from the persistent table (traced as recovery). */
  static open(umem: Umem, opts: VeaOpenOptions): VeaSpace {
    const actor = opts.actor ?? opts.id ?? umem.scm.id;
    const p = { pipeline: RECOVERY_PIPELINE };
    opts.trace?.enter('vea_load', actor, { ...p, data: { df_off: opts.dfOff } });
    const v = new VeaSpace(umem, opts.dfOff, opts.id ?? umem.scm.id, opts.trace);
    opts.trace?.exit('vea_load', actor, {
      ...p,
      rc: 0,
      caption: 'free extents loaded from SCM; unpublished reservations are gone',
      data: {
        free_extents: v.pfree.length,
        free_blocks: v.freeBlocks,
        total_blocks: v.totalBlocks,
      },
    });
    return v;
  }

  get freeBlocks(): number {
    return this.avail.total;
  }

  /** Persistent free extents (as on media), sorted. */
  extents(): VeaExtent[] {
    return this.pfree.map((e) => ({ blkOff: e.off, blkCnt: e.cnt }));
  }

  /** Allocatable extents now (DRAM index). */
  availableExtents(): VeaExtent[] {
    return this.avail.items.map((e) => ({ blkOff: e.off, blkCnt: e.cnt }));
  }

  reserve(blkCnt: number, hint?: number): VeaExtent {
    if (!Number.isSafeInteger(blkCnt) || blkCnt <= 0)
      throw derError('INVAL', `vea_reserve of ${blkCnt} blocks`);
    const at = this.avail.firstFit(blkCnt, hint ?? this.hdrBlocks);
    if (at === undefined) {
      throw derError(
        'NOSPACE',
        `vea_reserve: no ${blkCnt} contiguous free blocks (${this.freeBlocks} free)`,
      );
    }
    this.avail.remove(at, blkCnt);
    const ext = { blkOff: at, blkCnt };
    this.reserved.set(key(ext), ext);
    this.trace?.effect({ kind: 'vea.reserve', dev: this.id, blk_off: at, blk_cnt: blkCnt });
    return ext;
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
    this.umem.txAddCallback('commit', () => this.avail.insert(off, cnt));
    this.trace?.effect({ kind: 'vea.free', dev: this.id, blk_off: off, blk_cnt: cnt });
  }

  // ---- persistent table ----------------------------------------------------------------------

  private load(): void {
    this.pfree = [];
    this.emptySlots = [];
    let seg = this.scm.readNum64(this.dfOff + DF_FIRST_SEG);
    let guard = 0;
    while (seg !== 0) {
      if (++guard > 1 << 20) throw derError('DF_INVAL', 'VEA table segment chain loops');
      this.lastSegment = seg;
      const n = this.scm.readU32(seg + 8);
      for (let i = 0; i < n; i++) {
        const slot = seg + SEG_HDR + i * 8;
        const off = this.scm.readU32(slot);
        const cnt = this.scm.readU32(slot + 4);
        if (cnt === 0) this.emptySlots.push(slot);
        else this.pfree.push({ off, cnt, slot });
      }
      seg = this.scm.readNum64(seg);
    }
    this.emptySlots.reverse(); // pop() hands out the lowest slot first
    this.pfree.sort((a, b) => a.off - b.off);
    this.avail.items.length = 0;
    for (const e of this.pfree) this.avail.items.push({ off: e.off, cnt: e.cnt });
    for (const r of this.reserved.values()) this.avail.remove(r.blkOff, r.blkCnt);
  }

  private hookTx(): void {
    if (this.hookedTx) return;
    this.hookedTx = true;
    this.umem.txAddCallback('abort', () => this.load());
    this.umem.txAddCallback('end', () => {
      this.hookedTx = false;
    });
  }

  private writeSlot(slot: number, off: number, cnt: number): void {
    this.umem.txAddRange(slot, 8);
    this.scm.writeNum64(slot, off + cnt * 0x100000000);
  }

  private newSlot(): number {
    const s = this.emptySlots.pop();
    if (s !== undefined) return s;
    const seg = this.umem.txAlloc(SEG_SIZE, true);
    this.scm.writeU32(seg + 8, SEG_SLOTS);
    this.umem.txAddRange(this.lastSegment, 8);
    this.scm.writeNum64(this.lastSegment, seg);
    this.lastSegment = seg;
    for (let i = SEG_SLOTS - 1; i >= 1; i--) this.emptySlots.push(seg + SEG_HDR + i * 8);
    return seg + SEG_HDR;
  }

  private pIndex(blk: number): number {
    let lo = 0;
    let hi = this.pfree.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.pfree[mid] as PExtent).off <= blk) {
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

  /** Remove [off, off+cnt) from the persistent free table (it lies inside one extent). */
  private carve(off: number, cnt: number): void {
    const i = this.pIndex(off);
    const e = this.pfree[i];
    if (!e || off + cnt > e.off + e.cnt)
      throw new Error(`VEA: [${off}, +${cnt}) not persistently free`);
    const left = off - e.off;
    const rightOff = off + cnt;
    const right = e.off + e.cnt - rightOff;
    if (left > 0) {
      this.writeSlot(e.slot, e.off, left);
      e.cnt = left;
      if (right > 0) {
        const slot = this.newSlot();
        this.writeSlot(slot, rightOff, right);
        this.pfree.splice(i + 1, 0, { off: rightOff, cnt: right, slot });
      }
    } else if (right > 0) {
      this.writeSlot(e.slot, rightOff, right);
      e.off = rightOff;
      e.cnt = right;
    } else {
      this.writeSlot(e.slot, 0, 0);
      this.emptySlots.push(e.slot);
      this.pfree.splice(i, 1);
    }
  }

  /** Add [off, off+cnt) to the persistent free table, merging with neighbours. */
  private release(off: number, cnt: number): void {
    const i = this.pIndex(off);
    const l = this.pfree[i];
    const r = this.pfree[i + 1];
    const joinL = l !== undefined && l.off + l.cnt === off;
    const joinR = r !== undefined && off + cnt === r.off;
    if (joinL && joinR) {
      this.writeSlot(l.slot, l.off, l.cnt + cnt + r.cnt);
      this.writeSlot(r.slot, 0, 0);
      l.cnt += cnt + r.cnt;
      this.emptySlots.push(r.slot);
      this.pfree.splice(i + 1, 1);
    } else if (joinL) {
      this.writeSlot(l.slot, l.off, l.cnt + cnt);
      l.cnt += cnt;
    } else if (joinR) {
      this.writeSlot(r.slot, off, r.cnt + cnt);
      r.off = off;
      r.cnt += cnt;
    } else {
      const slot = this.newSlot();
      this.writeSlot(slot, off, cnt);
      this.pfree.splice(i + 1, 0, { off, cnt, slot });
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
