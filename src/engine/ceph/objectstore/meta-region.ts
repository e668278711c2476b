/**
 * The on-device metadata region both object stores keep at the start of their device
 * (BlueStore: RocksDB's WAL + its compacted table; FileStore: the FileJournal + the object
 * table that `sync_entry` commits, with `committed_seq`). Layout: a log region of R blocks at
 * the start of the device and a table area of 2T blocks at its end:
 *
 *   [0, R − 1)           the log ring: block-aligned records {magic, seq, len, crc} + payload
 *   R − 1                the superblock: which table slot is live, its length and CRC, where
 *                        replay starts in the ring (pos + expected seq), and one u64 for the
 *                        store (FileStore's committed_seq)
 *   table area           two slots of T blocks: a new table is written to the idle slot,
 *                        flushed, then the superblock switches to it with one FUA block
 *                        write — the atomic switch (a cut before it leaves the old table live)
 *
 * A record is valid only with the right magic, header CRC, payload CRC and the expected
 * sequence number, so replay stops at a torn or stale tail. A record that does not fit before
 * the end of the ring starts at 0 (the reader tries 0 when `pos` does not hold the next seq).
 * This class plans the bytes and tracks positions; the stores issue the device IO.
 */
import { NVME_BLOCK } from '../../media/types.ts';
import { crc32c } from './codec.ts';

const REC_MAGIC = 0x474e5243; // "CRNG"
const SB_MAGIC = 0x42535043; // "CPSB"
/** Bytes before a record's payload (magic, seq, len, payload CRC, header CRC, spare). */
export const REC_HEADER = 32;

export interface PlannedWrite {
  readonly lba: number;
  readonly data: Uint8Array;
}

export interface RingRecord {
  readonly seq: number;
  readonly pos: number;
  readonly blocks: number;
  readonly payload: Uint8Array;
}

export interface LoadedRegion {
  /** The live table's bytes (empty before the first table commit). */
  readonly table: Uint8Array;
  /** The store's u64 of the live superblock (FileStore: committed_seq). */
  readonly extra: number;
  /** Valid records from the replay start, in order. */
  readonly records: RingRecord[];
}

/** Table area at the end of a store's device: a quarter of it (two slots of 1/8). */
function tableBlocksOf(devBlocks: number): number {
  return Math.floor(devBlocks / 4);
}

/** The metadata region of a store whose log region is the first `logBlocks` blocks. */
export function storeRegion(devBlocks: number, logBlocks: number): MetaRegion {
  const t = tableBlocksOf(devBlocks);
  return new MetaRegion(0, logBlocks, devBlocks - t, t);
}

/** The data blocks of such a store: between the log region and the table area. */
export function dataRange(devBlocks: number, logBlocks: number): { base: number; count: number } {
  const count = devBlocks - logBlocks - tableBlocksOf(devBlocks);
  if (count <= 0) throw new RangeError(`device of ${devBlocks} blocks too small for a store`);
  return { base: logBlocks, count };
}

export class MetaRegion {
  readonly ringBlocks: number;
  readonly superLba: number;
  readonly slotBlocks: number;
  /** Next write position in the ring and the seq the next record gets. */
  private head = 0;
  private nextSeq = 1;
  /** Replay start: records before it are covered by the live table. */
  private tailPos = 0;
  /** Records since the tail (pos, blocks, seq), oldest first. */
  private live: Array<{ pos: number; blocks: number; seq: number }> = [];
  private epoch = 0;
  private activeSlot = 1;

  constructor(
    readonly base: number,
    readonly blocks: number,
    /** First block of the table area (two slots of `tableBlocks / 2`). */
    readonly tableBase: number,
    tableBlocks: number,
  ) {
    this.slotBlocks = Math.floor(tableBlocks / 2);
    this.ringBlocks = blocks - 1;
    this.superLba = base + this.ringBlocks;
    if (this.ringBlocks < 8) throw new RangeError(`metadata region of ${blocks} blocks too small`);
  }

  /** Ring blocks a payload of `len` bytes takes. */
  static recordBlocks(len: number): number {
    return Math.ceil((REC_HEADER + len) / NVME_BLOCK);
  }

  /** Ring blocks between the tail and the head (wrap waste included). */
  get usedBlocks(): number {
    if (this.live.length === 0) return 0;
    return (this.head - this.tailPos + this.ringBlocks) % this.ringBlocks || this.ringBlocks;
  }

  /** Whether a record of `len` bytes fits without overwriting a live record. */
  fits(len: number): boolean {
    const n = MetaRegion.recordBlocks(len);
    if (n > this.ringBlocks - 1) return false;
    if (this.live.length === 0) return true;
    const pos = this.head + n > this.ringBlocks ? 0 : this.head;
    const wasted = pos === 0 && this.head !== 0 ? this.ringBlocks - this.head : 0;
    return this.usedBlocks + wasted + n < this.ringBlocks;
  }

  /** Largest record payload the ring can ever take. */
  get maxPayload(): number {
    return (this.ringBlocks - 1) * NVME_BLOCK - REC_HEADER;
  }

  /** Plan the next record (call `fits` first): the payload copied behind a fresh header. */
  planAppend(payload: Uint8Array): PlannedWrite & { seq: number; blocks: number } {
    const buf = new Uint8Array(MetaRegion.recordBlocks(payload.length) * NVME_BLOCK);
    buf.set(payload, REC_HEADER);
    return this.sealRecord(buf, payload.length);
  }

  /**
   * Plan the next record (call `fits` first) whose payload the caller already encoded at
   * `buf[REC_HEADER, REC_HEADER + len)`, the rest of the record's blocks zeroed: writes the
   * header in place. `buf` may be a scratch buffer the caller reuses once the device write is
   * submitted (the device copies at submission) — no copy of the payload here.
   */
  sealRecord(buf: Uint8Array, len: number): PlannedWrite & { seq: number; blocks: number } {
    const n = MetaRegion.recordBlocks(len);
    const pos = this.head + n > this.ringBlocks ? 0 : this.head;
    const seq = this.nextSeq++;
    const data = buf.length === n * NVME_BLOCK ? buf : buf.subarray(0, n * NVME_BLOCK);
    const dv = new DataView(data.buffer, data.byteOffset, REC_HEADER);
    dv.setUint32(0, REC_MAGIC, true);
    dv.setFloat64(4, seq, true);
    dv.setUint32(12, len, true);
    dv.setUint32(16, crc32c(data, REC_HEADER, REC_HEADER + len), true);
    dv.setUint32(20, crc32c(data, 0, 20), true);
    if (this.live.length === 0) {
      this.tailPos = pos;
    }
    this.live.push({ pos, blocks: n, seq });
    this.head = (pos + n) % this.ringBlocks;
    return { lba: this.base + pos, data, seq, blocks: n };
  }

  /** The seq the next record will get (what a table commit covers up to, exclusive). */
  get nextRecordSeq(): number {
    return this.nextSeq;
  }

  /**
   * Plan a table commit: the table to the idle slot, then the superblock naming it, with
   * replay starting at the first record whose seq ≥ `fromSeq`. Write `table` (flush), then
   * `superblock` (FUA), then call `committed(plan)`.
   */
  planTable(
    table: Uint8Array,
    fromSeq: number,
    extra: number,
    /** `table` zero-padded to whole blocks (same buffer), written as is instead of a copy. */
    padded?: Uint8Array,
  ): { table: PlannedWrite[]; superblock: PlannedWrite; slot: number; fromSeq: number } {
    const slot = this.activeSlot === 0 ? 1 : 0;
    const n = Math.max(1, Math.ceil(table.length / NVME_BLOCK));
    if (n > this.slotBlocks)
      throw new RangeError(
        `object store metadata (${table.length} bytes) does not fit its table slot (ENOSPC)`,
      );
    const slotLba = this.tableBase + slot * this.slotBlocks;
    let tbuf: Uint8Array;
    if (padded !== undefined && padded.length === n * NVME_BLOCK) tbuf = padded;
    else {
      tbuf = new Uint8Array(n * NVME_BLOCK);
      tbuf.set(table);
    }
    const first = this.live.find((r) => r.seq >= fromSeq);
    const sb = new Uint8Array(NVME_BLOCK);
    const dv = new DataView(sb.buffer);
    dv.setUint32(0, SB_MAGIC, true);
    dv.setFloat64(4, this.epoch + 1, true);
    dv.setUint32(12, slot, true);
    dv.setUint32(16, table.length, true);
    dv.setUint32(20, crc32c(table), true);
    dv.setUint32(24, first ? first.pos : this.head, true);
    dv.setFloat64(28, first ? first.seq : this.nextSeq, true);
    dv.setFloat64(36, extra, true);
    dv.setUint32(44, crc32c(sb, 0, 44), true);
    return {
      table: table.length > 0 ? [{ lba: slotLba, data: tbuf }] : [],
      superblock: { lba: this.superLba, data: sb },
      slot,
      fromSeq,
    };
  }

  /** The superblock of `plan` is durable: its table is live, older records are free. */
  committed(plan: { slot: number; fromSeq: number }): void {
    this.epoch++;
    this.activeSlot = plan.slot;
    this.live = this.live.filter((r) => r.seq >= plan.fromSeq);
    const first = this.live[0];
    if (first) {
      this.tailPos = first.pos;
    } else {
      this.tailPos = this.head;
    }
  }

  /**
   * Read the region through `peek` (no latency: the caller charges the device reads). Null on
   * a blank device. Before its first table commit a store has no superblock yet (mkfs writes
   * none, so the first write costs what it always did): then replay starts at ring position 0
   * with seq 1, and a valid record there is what makes the device formatted.
   */
  load(peek: (lba: number, n: number) => Uint8Array): LoadedRegion | null {
    const sb = peek(this.superLba, 1);
    const dv = new DataView(sb.buffer, sb.byteOffset, sb.byteLength);
    if (dv.getUint32(0, true) !== SB_MAGIC || dv.getUint32(44, true) !== crc32c(sb, 0, 44)) {
      if (!this.readRecord(peek, 0, 1)) return null;
      dv.setUint32(0, SB_MAGIC, true); // a virtual superblock: empty table, replay from 0
      dv.setFloat64(4, 0, true);
      dv.setUint32(12, 1, true);
      dv.setUint32(16, 0, true);
      dv.setUint32(24, 0, true);
      dv.setFloat64(28, 1, true);
      dv.setFloat64(36, 0, true);
    }
    this.epoch = dv.getFloat64(4, true);
    this.activeSlot = dv.getUint32(12, true);
    const tlen = dv.getUint32(16, true);
    const tcrc = dv.getUint32(20, true);
    let pos = dv.getUint32(24, true);
    let seq = dv.getFloat64(28, true);
    const extra = dv.getFloat64(36, true);
    let table: Uint8Array = new Uint8Array(0);
    if (tlen > 0) {
      const slotLba = this.tableBase + this.activeSlot * this.slotBlocks;
      table = peek(slotLba, Math.ceil(tlen / NVME_BLOCK)).subarray(0, tlen);
      if (crc32c(table) !== tcrc)
        throw new RangeError('object store table checksum mismatch (corrupt metadata)');
    }
    this.tailPos = pos;
    this.live = [];
    const records: RingRecord[] = [];
    for (;;) {
      let r = this.readRecord(peek, pos, seq);
      if (!r && pos !== 0) r = this.readRecord(peek, 0, seq);
      if (!r) break;
      records.push(r);
      this.live.push({ pos: r.pos, blocks: r.blocks, seq: r.seq });
      pos = (r.pos + r.blocks) % this.ringBlocks;
      seq++;
      if (records.length > this.ringBlocks) break; // cannot happen with a sane ring
    }
    this.head = pos;
    this.nextSeq = seq;
    return { table, extra, records };
  }

  private readRecord(
    peek: (lba: number, n: number) => Uint8Array,
    pos: number,
    seq: number,
  ): RingRecord | null {
    const h = peek(this.base + pos, 1);
    const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
    if (dv.getUint32(0, true) !== REC_MAGIC) return null;
    if (dv.getUint32(20, true) !== crc32c(h, 0, 20)) return null;
    if (dv.getFloat64(4, true) !== seq) return null;
    const len = dv.getUint32(12, true);
    const n = MetaRegion.recordBlocks(len);
    if (pos + n > this.ringBlocks) return null;
    const all = n === 1 ? h : peek(this.base + pos, n);
    const payload = all.slice(REC_HEADER, REC_HEADER + len);
    if (crc32c(payload) !== dv.getUint32(16, true)) return null; // torn tail
    return { seq, pos, blocks: n, payload };
  }
}
