/**
 * What both stores know about one object: its size, xattrs, omap, and where each 4 KiB block
 * of its data lives on the device (FileStore: the file's blocks on the file system;
 * BlueStore: the onode's extent map). Data bytes live only on the device.
 */
import { NVME_BLOCK } from '../../media/types.ts';

export interface Onode {
  size: number;
  /** Object block index → device LBA. Absent blocks are holes (read as zeros). */
  readonly blocks: Map<number, number>;
  readonly attrs: Map<string, Uint8Array>;
  readonly omap: Map<string, Uint8Array>;
  /** Whether a set_alloc_hint was recorded (BlueStore uses it for its write sizing). */
  allocHint?: { objectSize: number; writeSize: number };
}

export function newOnode(): Onode {
  return { size: 0, blocks: new Map(), attrs: new Map(), omap: new Map() };
}

/** A first-fit block allocator over [base, base+count) (bitmap allocator in spirit). */
export class BlockAllocator {
  private readonly free: number[] = [];
  private next: number;

  constructor(
    readonly base: number,
    readonly count: number,
  ) {
    this.next = base;
  }

  /**
   * The allocator a mount rebuilds from the persisted freelist: `used` blocks are taken, the
   * free ones below the highest used block are handed out lowest first.
   */
  static fromUsed(base: number, count: number, used: ReadonlySet<number>): BlockAllocator {
    const a = new BlockAllocator(base, count);
    let top = base;
    for (const l of used) if (l >= base && l + 1 > top) top = l + 1;
    for (let l = top - 1; l >= base; l--) if (!used.has(l)) a.free.push(l);
    a.next = top;
    return a;
  }

  allocate(): number {
    const f = this.free.pop();
    if (f !== undefined) return f;
    if (this.next >= this.base + this.count) throw new RangeError('object store full (ENOSPC)');
    return this.next++;
  }

  release(lba: number): void {
    this.free.push(lba);
  }

  get used(): number {
    return this.next - this.base - this.free.length;
  }
}

/** One block-sized device write the store must issue. */
export interface BlockWrite {
  readonly lba: number;
  readonly data: Uint8Array;
  /** True when the block was newly allocated (BlueStore: direct-write candidate). */
  readonly fresh: boolean;
}

/**
 * Plan a byte-range write into an object: read-modify-write partial blocks (using `peek` for
 * the old contents), allocate missing ones. Returns the block writes; updates the onode map.
 */
export function planWrite(
  o: Onode,
  off: number,
  data: Uint8Array,
  alloc: BlockAllocator,
  peek: (lba: number) => Uint8Array,
): BlockWrite[] {
  const out: BlockWrite[] = [];
  const end = off + data.length;
  for (let b = Math.floor(off / NVME_BLOCK); b * NVME_BLOCK < end; b++) {
    const bStart = b * NVME_BLOCK;
    const from = Math.max(off, bStart);
    const to = Math.min(end, bStart + NVME_BLOCK);
    const old = o.blocks.get(b);
    let buf: Uint8Array;
    if (from === bStart && to === bStart + NVME_BLOCK) {
      buf = data.subarray(from - off, to - off).slice();
    } else {
      buf = old !== undefined ? peek(old).slice() : new Uint8Array(NVME_BLOCK);
      buf.set(data.subarray(from - off, to - off), from - bStart);
    }
    const lba = old ?? alloc.allocate();
    if (old === undefined) o.blocks.set(b, lba);
    out.push({ lba, data: buf, fresh: old === undefined });
  }
  if (end > o.size) o.size = end;
  return out;
}

/** Drop blocks wholly beyond `size` and set the size (truncate). Returns freed LBAs. */
export function truncateOnode(o: Onode, size: number): number[] {
  const freed: number[] = [];
  for (const [b, lba] of o.blocks) {
    if (b * NVME_BLOCK >= size) {
      o.blocks.delete(b);
      freed.push(lba);
    }
  }
  o.size = size;
  return freed;
}

/** Read [off, off+len) of an object (clipped to its size) through `peek`. */
export function readOnode(
  o: Onode,
  off: number,
  len: number,
  peek: (lba: number) => Uint8Array,
): Uint8Array {
  const end = Math.min(o.size, off + len);
  if (end <= off) return new Uint8Array(0);
  const out = new Uint8Array(end - off);
  for (let b = Math.floor(off / NVME_BLOCK); b * NVME_BLOCK < end; b++) {
    const lba = o.blocks.get(b);
    if (lba === undefined) continue;
    const blk = peek(lba);
    const bStart = b * NVME_BLOCK;
    const from = Math.max(off, bStart);
    const to = Math.min(end, bStart + NVME_BLOCK);
    out.set(blk.subarray(from - bStart, to - bStart), from - off);
  }
  return out;
}
