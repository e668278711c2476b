/**
 * VosMem: how VOS touches SCM. Every persistent VOS structure is bytes in the SCM device,
 * read with explicit little-endian accessors and modified only inside a umem transaction:
 * `txAdd(off, len)` snapshots the range into the undo log before the first store (PMDK's
 * `umem_tx_add_ptr`), so an abort or a power cut before commit restores the old bytes.
 *
 * Why a wrapper rather than calling Umem directly: the btree, ilog and evtree code do many
 * small field stores; doing "snapshot then store" in one helper keeps the rule (never store
 * without a snapshot) in one place, and lets us skip re-snapshotting a range already added in
 * the same transaction (the undo log only needs the oldest copy).
 */
import { PowerCutError } from '../media/power.ts';
import type { ScmDevice, Umem } from '../media/types.ts';
import type { Tracer } from '../trace/tracer.ts';
import type { Effect, Json } from '../trace/event.ts';

export const U64_MAX = 0xffff_ffff_ffff_ffffn;

export class VosMem {
  readonly scm: ScmDevice;
  /**
   * The device's volatile view (what loads see), for zero-copy loads: tree nodes and keys are
   * compared in place instead of being copied out. Never stored through (see `write`).
   */
  readonly image: Uint8Array;
  private readonly dv: DataView;
  /** Ranges added to the current transaction: start offset → length (coarse dedup). */
  private added = new Map<number, number>();
  /**
   * Objects allocated in the current transaction: no snapshot needed (nothing to undo). Flat
   * [off0, size0, off1, size1, …]: no pair object per allocation, no iterator per store.
   */
  private fresh: number[] = [];
  private depth = 0;
  /** Optional effect sink (the runtime tracer); undefined = no effects recorded. */
  tracer: Tracer | undefined;

  constructor(
    readonly umem: Umem,
    tracer?: Tracer,
  ) {
    this.scm = umem.scm;
    this.tracer = tracer;
    this.image = this.scm.loadView();
    this.dv = new DataView(this.image.buffer, this.image.byteOffset, this.image.byteLength);
  }

  /** Loads from a device whose power was cut fail like the device's own loads do. */
  live(): void {
    if (this.scm.isDead) throw new PowerCutError(this.scm.id);
  }

  /** Actor for step points emitted from inside the structures (btr_insert …). */
  actor: string | undefined;

  effect(e: Effect): void {
    this.tracer?.effect(e);
  }

  /** A `point` trace event from structure code (no-op without tracer/actor). */
  point(step: string, data: { [key: string]: Json }): void {
    if (this.tracer !== undefined && this.actor !== undefined) {
      this.tracer.record('point', step, this.actor, data);
    }
  }

  // ---- transactions -------------------------------------------------------------------

  get inTx(): boolean {
    return this.umem.inTx;
  }

  txBegin(): void {
    this.umem.txBegin();
    this.depth++;
  }

  txCommit(): void {
    this.umem.txCommit();
    this.depth--;
    if (this.depth === 0) {
      this.added.clear();
      this.fresh = [];
    }
  }

  txAbort(): void {
    this.umem.txAbort();
    this.depth = 0;
    this.added.clear();
    this.fresh = [];
  }

  /** Snapshot [off, off+len) into the undo log unless that exact range was added already. */
  txAdd(off: number, len: number): void {
    const have = this.added.get(off);
    if (have !== undefined && have >= len) return;
    const f = this.fresh;
    for (let i = 0; i < f.length; i += 2) {
      const fo = f[i] as number;
      if (off >= fo && off + len <= fo + (f[i + 1] as number)) return;
    }
    this.umem.txAddRange(off, len);
    this.added.set(off, len);
  }

  /**
   * Allocate inside the transaction (rolled back on abort; umem persists new objects at
   * commit, so stores into them need no undo snapshot — UMEM_XADD_NO_SNAPSHOT).
   */
  alloc(size: number, zero = true): number {
    const off = this.umem.txAlloc(size, zero);
    this.fresh.push(off, size);
    return off;
  }

  free(off: number): void {
    this.umem.txFree(off);
  }

  // ---- loads ----------------------------------------------------------------------------

  read(off: number, len: number): Uint8Array {
    return this.scm.read(off, len);
  }

  /**
   * A little-endian window on [off, off+len) of what loads see, without copying: read it at
   * once (it is live — a later store through `write*` shows through it). Every caller decodes
   * a record header or node right away.
   */
  view(off: number, len: number): DataView {
    this.live();
    if (!Number.isSafeInteger(off) || !Number.isSafeInteger(len) || off < 0 || len < 0)
      throw new RangeError(`load [${off}, +${len})`);
    if (off + len > this.image.length) throw new RangeError(`load [${off}, +${len})`);
    return new DataView(this.image.buffer, this.image.byteOffset + off, len);
  }

  // Scalar loads read the device's view in place (little-endian, no copy).
  u8(off: number): number {
    this.live();
    return this.dv.getUint8(off);
  }

  u16(off: number): number {
    this.live();
    return this.dv.getUint16(off, true);
  }

  u32(off: number): number {
    this.live();
    return this.dv.getUint32(off, true);
  }

  /** A u64 holding an SCM/NVMe offset or a count (always < 2^53). */
  off(off: number): number {
    this.live();
    return this.dv.getUint32(off, true) + this.dv.getUint32(off + 4, true) * 0x1_0000_0000;
  }

  u64(off: number): bigint {
    this.live();
    return this.dv.getBigUint64(off, true);
  }

  /** compareBytes(bytes at [off, off+len), key) without copying the stored bytes out. */
  cmpBytes(off: number, len: number, key: Uint8Array): number {
    this.live();
    if (off < 0 || off + len > this.image.length) throw new RangeError(`load [${off}, +${len})`);
    const img = this.image;
    const n = Math.min(len, key.length);
    for (let i = 0; i < n; i++) {
      const d = (img[off + i] as number) - (key[i] as number);
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    return len === key.length ? 0 : len < key.length ? -1 : 1;
  }

  // ---- stores (snapshot first) ----------------------------------------------------------

  write(off: number, bytes: Uint8Array): void {
    this.txAdd(off, bytes.length);
    this.scm.write(off, bytes);
  }

  // Scalar stores: one device store each (the same scm.write effect as a byte-array store).
  w8(off: number, v: number): void {
    this.txAdd(off, 1);
    this.scm.writeU8(off, v & 0xff);
  }

  w16(off: number, v: number): void {
    this.txAdd(off, 2);
    this.scm.writeU16(off, v);
  }

  w32(off: number, v: number): void {
    this.txAdd(off, 4);
    this.scm.writeU32(off, v >>> 0);
  }

  wOff(off: number, v: number): void {
    this.txAdd(off, 8);
    this.scm.writeNum64(off, v);
  }

  w64(off: number, v: bigint): void {
    this.txAdd(off, 8);
    this.scm.writeU64(off, v);
  }
}

/** Encode a number < 2^53 as 8 little-endian bytes. */
export function encOff(v: number): Uint8Array {
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, v % 0x1_0000_0000, true);
  dv.setUint32(4, Math.floor(v / 0x1_0000_0000), true);
  return b;
}

/** Read a number < 2^53 from 8 little-endian bytes of a DataView. */
export function getOff(dv: DataView, at: number): number {
  return dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 0x1_0000_0000;
}

export function setOff(dv: DataView, at: number, v: number): void {
  dv.setUint32(at, v % 0x1_0000_0000, true);
  dv.setUint32(at + 4, Math.floor(v / 0x1_0000_0000), true);
}

/** memcmp, then length (shorter first) — the order of lexical keys. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
