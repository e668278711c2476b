/**
 * The persistent heap allocator (a small relative of PMDK's `palloc`/`heap`).
 *
 * The heap is an array of 64 KiB chunks. A chunk is free, a *run* of one size class (units of
 * that size, one bitmap bit per unit), or part of a *huge* allocation (a head chunk followed by
 * continuation chunks). All of this — chunk header words and bitmaps — lives in SCM and is
 * only changed through `log` (the transaction's undo-log snapshot) first, so it rolls back
 * with the transaction.
 *
 * A volatile index (rebuilt from SCM on open and after an abort) answers "where is a free
 * unit": it also holds reservations, which are DRAM-only until published (pmemobj_reserve):
 * after a power cut they simply never existed.
 */
import { derError } from '../../core/errors.ts';
import type { ScmDevice } from '../types.ts';
import { CHUNK_BITMAP_BYTES, CHUNK_SIZE, SIZE_CLASSES, type PoolLayout } from './layout.ts';

export const CHUNK_FREE = 0;
export const CHUNK_RUN = 1;
export const CHUNK_HUGE = 2;
export const CHUNK_HUGE_CONT = 3;

/** Snapshot [off, off+len) into the undo log before modifying it. */
export type LogRange = (off: number, len: number) => void;

export interface HeapBlock {
  readonly off: number;
  readonly size: number;
}

const unitsOf = (cls: number): number => Math.floor(CHUNK_SIZE / (SIZE_CLASSES[cls] as number));

export function sizeClassOf(size: number): number {
  for (let i = 0; i < SIZE_CLASSES.length; i++) if ((SIZE_CLASSES[i] as number) >= size) return i;
  return -1;
}

export class Heap {
  private readonly n: number;
  /** Volatile chunk kind (includes reserved-but-unpublished runs/huge blocks). */
  private readonly vType: Uint8Array;
  private readonly vArg: Uint32Array;
  private readonly busy: Uint8Array;
  /** Per run chunk: no free unit below this index (a search hint; lowest free unit first). */
  private readonly lowFree: Uint32Array;
  private readonly used: Uint32Array;
  /** Per class: run chunks that have a free unit. */
  private readonly partial: Array<Set<number>>;
  /** Live persistent allocations' bytes, and reserved (unpublished) bytes. */
  allocatedBytes = 0;
  reservedBytes = 0;

  constructor(
    private readonly scm: ScmDevice,
    private readonly l: PoolLayout,
  ) {
    this.n = l.nChunks;
    this.vType = new Uint8Array(this.n);
    this.vArg = new Uint32Array(this.n);
    this.busy = new Uint8Array(this.n * CHUNK_BITMAP_BYTES);
    this.lowFree = new Uint32Array(this.n);
    this.used = new Uint32Array(this.n);
    this.partial = SIZE_CLASSES.map(() => new Set<number>());
  }

  get capacity(): number {
    return this.n * CHUNK_SIZE;
  }

  static format(scm: ScmDevice, l: PoolLayout): void {
    scm.fill(l.chunkHdrOff, l.chunksOff - l.chunkHdrOff, 0);
    scm.persist(l.chunkHdrOff, l.chunksOff - l.chunkHdrOff);
  }

  // ---- persistent metadata accessors ---------------------------------------------------------

  private hdrOff(c: number): number {
    return this.l.chunkHdrOff + c * 8;
  }
  private chunkBase(c: number): number {
    return this.l.chunksOff + c * CHUNK_SIZE;
  }
  private readHdr(c: number): { type: number; arg: number } {
    const o = this.hdrOff(c);
    return { type: this.scm.readU32(o), arg: this.scm.readU32(o + 4) };
  }
  private writeHdr(c: number, type: number, arg: number, log: LogRange): void {
    const o = this.hdrOff(c);
    log(o, 8);
    this.scm.writeNum64(o, type + arg * 0x100000000);
  }
  private setBit(c: number, unit: number, on: boolean, log: LogRange): void {
    const byteOff = this.l.bitmapOff + c * CHUNK_BITMAP_BYTES + (unit >> 3);
    log(byteOff & ~7, 8);
    const b = this.scm.readU8(byteOff);
    this.scm.writeU8(byteOff, on ? b | (1 << (unit & 7)) : b & ~(1 << (unit & 7)));
  }
  private getBit(c: number, unit: number): boolean {
    const byteOff = this.l.bitmapOff + c * CHUNK_BITMAP_BYTES + (unit >> 3);
    return (this.scm.readU8(byteOff) & (1 << (unit & 7))) !== 0;
  }

  // ---- volatile index ------------------------------------------------------------------------

  /** Rebuild the index from SCM (heap_boot), then re-apply outstanding reservations. */
  rebuild(reservations: Iterable<HeapBlock> = []): void {
    this.vType.fill(CHUNK_FREE);
    this.vArg.fill(0);
    this.busy.fill(0);
    this.lowFree.fill(0);
    this.used.fill(0);
    for (const s of this.partial) s.clear();
    this.allocatedBytes = 0;
    this.reservedBytes = 0;
    const bm = this.scm.read(this.l.bitmapOff, this.n * CHUNK_BITMAP_BYTES);
    for (let c = 0; c < this.n; c++) {
      const { type, arg } = this.readHdr(c);
      this.vType[c] = type;
      this.vArg[c] = arg;
      if (type === CHUNK_RUN) {
        const units = unitsOf(arg);
        let u = 0;
        for (let i = 0; i < units; i++) {
          if (((bm[c * CHUNK_BITMAP_BYTES + (i >> 3)] as number) & (1 << (i & 7))) !== 0) {
            this.busy[c * CHUNK_BITMAP_BYTES + (i >> 3)]! |= 1 << (i & 7);
            u++;
          }
        }
        this.used[c] = u;
        this.allocatedBytes += u * (SIZE_CLASSES[arg] as number);
        if (u < units) this.partial[arg]!.add(c);
      } else if (type === CHUNK_HUGE) {
        this.allocatedBytes += arg * CHUNK_SIZE;
      }
    }
    for (const r of reservations) this.markReserved(r);
  }

  private markReserved(r: HeapBlock): void {
    const c = this.chunkOf(r.off);
    const cls = sizeClassOf(r.size);
    if (cls >= 0 && SIZE_CLASSES[cls] === r.size) {
      if (this.vType[c] === CHUNK_FREE) this.becomeRun(c, cls);
      const unit = (r.off - this.chunkBase(c)) / r.size;
      this.takeUnit(c, unit);
    } else {
      const k = r.size / CHUNK_SIZE;
      this.markHuge(c, k);
    }
    this.reservedBytes += r.size;
  }

  private chunkOf(off: number): number {
    const c = Math.floor((off - this.l.chunksOff) / CHUNK_SIZE);
    if (off < this.l.chunksOff || c >= this.n) {
      throw derError('INVAL', `offset ${off} is not in the heap`);
    }
    return c;
  }

  private becomeRun(c: number, cls: number): void {
    this.vType[c] = CHUNK_RUN;
    this.vArg[c] = cls;
    this.used[c] = 0;
    this.lowFree[c] = 0;
    this.partial[cls]!.add(c);
  }

  private takeUnit(c: number, unit: number): void {
    const i = c * CHUNK_BITMAP_BYTES + (unit >> 3);
    this.busy[i]! |= 1 << (unit & 7);
    if (unit === this.lowFree[c]) this.lowFree[c] = unit + 1;
    this.used[c]!++;
    if (this.used[c] === unitsOf(this.vArg[c] as number))
      this.partial[this.vArg[c] as number]!.delete(c);
  }

  private releaseUnit(c: number, unit: number): void {
    const i = c * CHUNK_BITMAP_BYTES + (unit >> 3);
    this.busy[i]! &= ~(1 << (unit & 7));
    if (unit < (this.lowFree[c] as number)) this.lowFree[c] = unit;
    this.used[c]!--;
    this.partial[this.vArg[c] as number]!.add(c);
  }

  private markHuge(c: number, k: number): void {
    this.vType[c] = CHUNK_HUGE;
    this.vArg[c] = k;
    for (let j = 1; j < k; j++) {
      this.vType[c + j] = CHUNK_HUGE_CONT;
      this.vArg[c + j] = c;
    }
  }

  /** Pick a free block for `size` bytes and mark it busy in DRAM. Throws -DER_NOSPACE. */
  pick(size: number): HeapBlock {
    if (!Number.isSafeInteger(size) || size <= 0) throw derError('INVAL', `alloc size ${size}`);
    const cls = sizeClassOf(size);
    if (cls >= 0) {
      const unitSize = SIZE_CLASSES[cls] as number;
      let c = -1;
      const partial = this.partial[cls]!;
      // Lowest address first: deterministic and compact. One partial run is the common case.
      if (partial.size === 1) for (const cand of partial) c = cand;
      else for (const cand of partial) if (c < 0 || cand < c) c = cand;
      if (c < 0) {
        c = this.findFreeChunks(1);
        this.becomeRun(c, cls);
      }
      const units = unitsOf(cls);
      const base = c * CHUNK_BITMAP_BYTES;
      const busy = this.busy;
      for (let u = this.lowFree[c] as number; u < units; u++) {
        const byte = busy[base + (u >> 3)] as number;
        if (byte === 0xff && (u & 7) === 0) {
          u += 7; // a full byte: skip its 8 units
          continue;
        }
        if ((byte & (1 << (u & 7))) === 0) {
          this.takeUnit(c, u);
          return { off: this.chunkBase(c) + u * unitSize, size: unitSize };
        }
      }
      throw new Error(`heap index: chunk ${c} listed as partial but full`);
    }
    const k = Math.ceil(size / CHUNK_SIZE);
    const c = this.findFreeChunks(k);
    this.markHuge(c, k);
    return { off: this.chunkBase(c), size: k * CHUNK_SIZE };
  }

  private findFreeChunks(k: number): number {
    let run = 0;
    for (let c = 0; c < this.n; c++) {
      run = this.vType[c] === CHUNK_FREE ? run + 1 : 0;
      if (run === k) return c - k + 1;
    }
    throw derError('NOSPACE', `SCM heap: no ${k} free chunk(s) of ${CHUNK_SIZE} bytes`);
  }

  /** Undo a `pick` (cancel of a reservation, or a tx allocation that never got persisted). */
  unpick(b: HeapBlock): void {
    const c = this.chunkOf(b.off);
    if (this.vType[c] === CHUNK_RUN) {
      const unit = (b.off - this.chunkBase(c)) / (SIZE_CLASSES[this.vArg[c] as number] as number);
      this.releaseUnit(c, unit);
      if (this.used[c] === 0 && this.readHdr(c).type === CHUNK_FREE) {
        this.partial[this.vArg[c] as number]!.delete(c);
        this.vType[c] = CHUNK_FREE;
        this.vArg[c] = 0;
      }
    } else {
      const k = this.vArg[c] as number;
      for (let j = 0; j < k; j++) {
        this.vType[c + j] = CHUNK_FREE;
        this.vArg[c + j] = 0;
      }
    }
  }

  /** Make a picked block a persistent allocation (logged metadata stores). */
  persistAlloc(b: HeapBlock, log: LogRange): void {
    const c = this.chunkOf(b.off);
    if (this.vType[c] === CHUNK_RUN) {
      const cls = this.vArg[c] as number;
      const o = this.hdrOff(c);
      if (this.scm.readU32(o) !== CHUNK_RUN || this.scm.readU32(o + 4) !== cls)
        this.writeHdr(c, CHUNK_RUN, cls, log);
      const unit = (b.off - this.chunkBase(c)) / (SIZE_CLASSES[cls] as number);
      this.setBit(c, unit, true, log);
    } else {
      const k = this.vArg[c] as number;
      log(this.hdrOff(c), k * 8);
      this.scm.writeNum64(this.hdrOff(c), CHUNK_HUGE + k * 0x100000000);
      for (let j = 1; j < k; j++)
        this.scm.writeNum64(this.hdrOff(c + j), CHUNK_HUGE_CONT + c * 0x100000000);
    }
    this.allocatedBytes += b.size;
  }

  /** The live persistent allocation starting at `off`, or a -DER_INVAL error. */
  blockAt(off: number): HeapBlock {
    const c = this.chunkOf(off);
    const { type, arg } = this.readHdr(c);
    const rel = off - this.chunkBase(c);
    if (type === CHUNK_RUN) {
      const unitSize = SIZE_CLASSES[arg] as number;
      if (rel % unitSize === 0 && this.getBit(c, rel / unitSize)) return { off, size: unitSize };
    } else if (type === CHUNK_HUGE && rel === 0) {
      return { off, size: arg * CHUNK_SIZE };
    }
    throw derError('INVAL', `offset ${off} is not a live allocation`);
  }

  /** Free a persistent allocation (logged metadata stores); empty runs become free chunks. */
  persistFree(off: number, log: LogRange): HeapBlock {
    const b = this.blockAt(off);
    const c = this.chunkOf(off);
    const { type, arg } = this.readHdr(c);
    if (type === CHUNK_RUN) {
      const unit = (off - this.chunkBase(c)) / (SIZE_CLASSES[arg] as number);
      this.setBit(c, unit, false, log);
      this.releaseUnit(c, unit);
      if (this.used[c] === 0) {
        this.writeHdr(c, CHUNK_FREE, 0, log);
        this.partial[arg]!.delete(c);
        this.vType[c] = CHUNK_FREE;
        this.vArg[c] = 0;
      }
    } else {
      log(this.hdrOff(c), arg * 8);
      for (let j = 0; j < arg; j++) {
        this.scm.writeNum64(this.hdrOff(c + j), 0);
        this.vType[c + j] = CHUNK_FREE;
        this.vArg[c + j] = 0;
      }
    }
    this.allocatedBytes -= b.size;
    return b;
  }

  // ---- undo-log extensions (ulog.ts): allocated and freed OUTSIDE the undo log ------------

  /** Persistently allocate a picked one-chunk block with its own flush + drain. */
  persistAllocRaw(b: HeapBlock): void {
    const touched: Array<[number, number]> = [];
    this.persistAlloc(b, (o, l) => touched.push([o, l]));
    for (const [o, l] of touched) this.scm.flush(o, l);
    this.scm.drain();
  }

  /** Free a one-chunk allocation at `off` persistently, if it is one; updates the index. */
  freeRaw(off: number): boolean {
    if (!freeChunkRaw(this.scm, this.l, off)) return false;
    const c = this.chunkOf(off);
    this.vType[c] = CHUNK_FREE;
    this.vArg[c] = 0;
    this.allocatedBytes -= CHUNK_SIZE;
    return true;
  }

  /**
   * Every live allocation according to SCM metadata, checking the heap's invariants on the
   * way (headers well-formed, free chunks have empty bitmaps, no bits beyond a run's units).
   */
  walk(): HeapBlock[] {
    const out: HeapBlock[] = [];
    for (let c = 0; c < this.n;) {
      const { type, arg } = this.readHdr(c);
      const bm = this.scm.read(this.l.bitmapOff + c * CHUNK_BITMAP_BYTES, CHUNK_BITMAP_BYTES);
      if (type === CHUNK_FREE) {
        if (bm.some((x) => x !== 0)) throw new Error(`heap: free chunk ${c} has bitmap bits`);
        c++;
      } else if (type === CHUNK_RUN) {
        if (arg >= SIZE_CLASSES.length) throw new Error(`heap: chunk ${c} bad class ${arg}`);
        const unitSize = SIZE_CLASSES[arg] as number;
        const units = unitsOf(arg);
        for (let u = 0; u < CHUNK_BITMAP_BYTES * 8; u++) {
          if (((bm[u >> 3] as number) & (1 << (u & 7))) === 0) continue;
          if (u >= units) throw new Error(`heap: chunk ${c} bit ${u} beyond ${units} units`);
          out.push({ off: this.chunkBase(c) + u * unitSize, size: unitSize });
        }
        c++;
      } else if (type === CHUNK_HUGE) {
        if (arg < 1 || c + arg > this.n) throw new Error(`heap: huge chunk ${c} bad length ${arg}`);
        for (let j = 1; j < arg; j++) {
          const h = this.readHdr(c + j);
          if (h.type !== CHUNK_HUGE_CONT || h.arg !== c)
            throw new Error(`heap: chunk ${c + j} not a continuation of ${c}`);
        }
        out.push({ off: this.chunkBase(c), size: arg * CHUNK_SIZE });
        c += arg;
      } else {
        throw new Error(`heap: chunk ${c} has stray header type ${type}`);
      }
    }
    return out;
  }
}

/**
 * Free the one-chunk huge allocation at `off` with one atomic header store (persisted), if
 * that is what is there; false (nothing written) otherwise. Recovery uses it before the heap
 * index exists, to release undo-log extensions.
 */
export function freeChunkRaw(scm: ScmDevice, l: PoolLayout, off: number): boolean {
  const c = (off - l.chunksOff) / CHUNK_SIZE;
  if (!Number.isInteger(c) || c < 0 || c >= l.nChunks) return false;
  const o = l.chunkHdrOff + c * 8;
  if (scm.readU32(o) !== CHUNK_HUGE || scm.readU32(o + 4) !== 1) return false;
  scm.writeNum64(o, 0);
  scm.persist(o, 8);
  return true;
}
