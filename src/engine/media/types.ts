/**
 * Contracts of the simulated media (issue #3). VOS (src/engine/vos) is written against these
 * interfaces; src/engine/media implements them. Offsets are byte offsets into the device
 * (SCM) or 4 KiB block numbers (NVMe). All persistence is modelled: a store is volatile until
 * its 64-byte cache line is flushed (clwb) AND a drain (sfence) follows; a power cut loses
 * every line that is not yet durable (possibly tearing a line at 8-byte granularity).
 */
import type { Proc } from '../core/sim.ts';

export const SCM_LINE = 64;
export const NVME_BLOCK = 4096;

/** Where a device keeps its bytes between runs (memory, node file, OPFS, IndexedDB). */
export interface BlockBackend {
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** Copy `len` bytes at `off` into `dst` (dst.length ≥ len). */
  read(off: number, dst: Uint8Array): void;
  /** Write bytes at `off` (durable only after `sync`). */
  write(off: number, src: Uint8Array): void;
  /** Make every earlier write durable on the host (OPFS flush / fsync / IDB tx commit). */
  sync(): void;
  /** Release host resources (file handles, locks). Optional: memory has none. */
  close?(): void;
  /**
   * Optional: bytes from here to `size` were never written and read as zeros (a sparse image
   * that grows as it is written), so a reader loading the whole device may stop here.
   */
  extent?(): number;
}

export type LineState = 'clean' | 'dirty' | 'flushed';

/** Byte-addressable persistent memory with a volatile CPU cache of 64-byte lines. */
export interface ScmDevice {
  readonly id: string;
  readonly size: number;
  /** Loads see the latest store (cache included), like a CPU would. */
  read(off: number, len: number): Uint8Array;
  readU8(off: number): number;
  readU16(off: number): number;
  readU32(off: number): number;
  readU64(off: number): bigint;
  /** A u64 field read as a number (offsets and sizes are < 2^53). */
  readNum64(off: number): number;
  /** Stores land in the volatile cache (line state → dirty). Out of range → RangeError. */
  write(off: number, bytes: Uint8Array): void;
  writeU8(off: number, v: number): void;
  writeU16(off: number, v: number): void;
  writeU32(off: number, v: number): void;
  writeU64(off: number, v: bigint): void;
  /** One 8-byte store of a number ≤ 2^53 (atomic when 8-byte aligned). */
  writeNum64(off: number, v: number): void;
  /** memset: store `len` copies of `byte` (default 0). */
  fill(off: number, len: number, byte?: number): void;
  /** clwb over a range: dirty lines → flushed (write-back queued, not yet guaranteed). */
  flush(off: number, len: number): void;
  /** sfence: every flushed line becomes durable (clean). */
  drain(): void;
  /** Persist = flush + drain (pmem_persist). */
  persist(off: number, len: number): void;
  lineState(line: number): LineState;
  /** Compact copy of every line's state: 0 clean, 1 dirty, 2 flushed (for the SCM map). */
  lineStates(): Uint8Array;
  /** Number of lines (size / 64). */
  readonly lines: number;
  /** Power cut: non-durable lines are lost (maybe torn); the object is dead afterwards. */
  powerCut(): void;
  /** True after `powerCut()`: every call throws PowerCutError. */
  readonly isDead: boolean;
  /**
   * Zero-copy loads for hot readers (tree nodes, key compares): the device's whole volatile
   * view, what a load sees. Loads only: a store through it would skip the cache-line model, so
   * every store still goes through `write*`. Check `isDead` before trusting it.
   */
  loadView(): Uint8Array;
}

/** An SCM allocation reserved outside a transaction (pmemobj_reserve): volatile until published. */
export interface ScmReservation {
  readonly off: number;
  readonly size: number;
}

/**
 * A PMDK-like object pool over an SCM device (umem): undo-log transactions and a persistent
 * heap allocator whose metadata lives in SCM.
 */
export interface Umem {
  readonly scm: ScmDevice;
  /** Offset of the pool's root object (fixed size chosen at create time). */
  readonly rootOff: number;
  readonly rootSize: number;
  readonly inTx: boolean;
  /** Nested begin is allowed; only the outermost commit commits (PMDK semantics). */
  txBegin(): void;
  /** Snapshot [off, off+len) into the durable undo log before it may be modified. */
  txAddRange(off: number, len: number): void;
  /** Allocate inside the transaction (rolled back on abort). Throws IoError -DER_NOSPACE. */
  txAlloc(size: number, zero?: boolean): number;
  /** Free inside the transaction (takes effect at commit). */
  txFree(off: number): void;
  /** Commit (outermost): persist modified ranges, then drop the undo log. */
  txCommit(): void;
  /** Abort: restore every added range, release tx allocations. */
  txAbort(): void;
  /** Reserve without a transaction (volatile until publish). Throws IoError -DER_NOSPACE. */
  reserve(size: number): ScmReservation;
  /** Make reservations real allocations inside the current transaction. */
  publish(rs: readonly ScmReservation[]): void;
  /** Give reservations back. */
  cancel(rs: readonly ScmReservation[]): void;
  /** Run `fn` when the outermost transaction commits / aborts / ends (umem_tx_add_callback). */
  txAddCallback(stage: 'commit' | 'abort' | 'end', fn: () => void): void;
  /** Usable size of an allocation at `off`. */
  allocSize(off: number): number;
  /** Heap usage in bytes (allocated, excluding allocator metadata). */
  readonly usedBytes: number;
  readonly freeBytes: number;
}

export type NvmeOp = 'read' | 'write' | 'flush';

/** A 4 KiB-block NVMe namespace with a queue/latency model and an optional volatile cache. */
export interface NvmeDevice {
  readonly id: string;
  /** Number of 4 KiB blocks. */
  readonly blocks: number;
  /** Write whole blocks starting at `lba`; completes after the modelled latency. */
  write(lba: number, data: Uint8Array, opts?: { fua?: boolean }): Proc<void>;
  read(lba: number, nblocks: number): Proc<Uint8Array>;
  /** Make cached writes durable. */
  flush(): Proc<void>;
  /** Synchronous read of what a load would return now (for inspectors/tests, no latency). */
  peek(lba: number, nblocks: number): Uint8Array;
  /** Power cut: cached, unflushed blocks are lost; the object is dead afterwards. */
  powerCut(): void;
}

/** A contiguous NVMe extent in blocks. */
export interface VeaExtent {
  readonly blkOff: number;
  readonly blkCnt: number;
}

/** Versioned extent allocator for NVMe blocks; its free tree is persisted in SCM via umem. */
export interface Vea {
  /** Reserve blkCnt contiguous blocks (volatile). Throws IoError -DER_NOSPACE, never partial. */
  reserve(blkCnt: number, hint?: number): VeaExtent;
  /** Inside the current umem transaction: make reservations persistent allocations. */
  publish(exts: readonly VeaExtent[]): void;
  cancel(exts: readonly VeaExtent[]): void;
  /** Inside a umem transaction: return an allocated extent to the free tree. */
  free(ext: VeaExtent): void;
  readonly freeBlocks: number;
  /** SCM offset of the persistent space descriptor (pass it to `openVea`). */
  readonly dfOff: number;
}
