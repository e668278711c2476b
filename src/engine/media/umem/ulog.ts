/**
 * The undo log (PMDK's per-lane undo `ulog`), growing like PMDK's: a fixed main segment in
 * the pool layout plus, when a transaction needs more, **extension segments** — one heap chunk
 * each — chained by `next` pointers and freed again when the transaction ends.
 *
 * Main header line (64 B): `[generation u64][next u64]`; extension header (64 B):
 * `[EXT_MAGIC u64][next u64]`. Entries follow the header of each segment, each
 * `[off u64][len u32][gen u32][csum u32][pad u32][data … padded to 8]`. An entry is valid when
 * its gen equals the main header's and its checksum matches — a torn entry (power cut while it
 * was written) fails the checksum, stale entries of older transactions carry an older gen. A
 * snapshot that does not fit the rest of a segment is split across segments.
 *
 * Protocol: `append` writes the snapshot and persists it (flush + drain) BEFORE the caller may
 * modify the range. Commit makes the modified ranges durable, then `invalidate` bumps the
 * generation durably: from that store on, the log is empty (extensions included). Then
 * `releaseExtensions` frees the extension chunks and unlinks them.
 *
 * Growing (PMDK `ulog_reserve` → a new `ulog` linked through `next`), in crash-safe order:
 * pick a free chunk (DRAM), zero it and write its header (persisted: it is free space, a crash
 * leaves only a free chunk with junk), link it from the previous segment (one atomic 8-byte
 * store, persisted), then mark the chunk allocated in the heap (one atomic header word,
 * persisted; outside the undo log, so a rollback does not undo it). A cut between link and
 * mark leaves a linked free chunk; a cut after leaves a linked allocated chunk. Recovery walks
 * the chain (`scan`), rolls back, invalidates, and then frees every linked chunk that is still
 * allocated and unlinks the chain — idempotent, so a cut during recovery just recovers again.
 * Freeing before unlinking means a cut in between never leaks a chunk.
 */
import { derError } from '../../core/errors.ts';
import type { ScmDevice } from '../types.ts';
import { fnv1a32, fnv1a32Word } from './checksum.ts';
import { CHUNK_SIZE } from './layout.ts';

const HDR = 64;
const ENTRY_HDR = 24;
/** "ULOGEX": marks a chunk as an undo-log extension (checked when walking the chain). */
const EXT_MAGIC = 0x55_4c_4f_47_45_58;
/** Bytes of one extension segment: one heap chunk. */
export const ULOG_EXT_SIZE = CHUNK_SIZE;

export interface UndoEntry {
  readonly off: number;
  readonly data: Uint8Array;
}

/** The heap operations the log needs to grow (umem supplies them; see the header comment). */
export interface UlogExtender {
  /** A free chunk-sized block, taken in DRAM only; -DER_NOSPACE when there is none. */
  pick(): number;
  /** Give back a picked block that never became an allocation. */
  unpick(off: number): void;
  /** Persistently mark the picked block allocated (not through the undo log). */
  persistAlloc(off: number): void;
  /** Persistently free an extension chunk if it is still allocated (not through the log). */
  free(off: number): void;
}

interface Segment {
  /** Offset of the segment's header line (main: the log itself; else the chunk). */
  base: number;
  start: number;
  end: number;
}

function entryChecksum(off: number, len: number, gen: number, data: Uint8Array): number {
  let h = fnv1a32Word(0x811c9dc5, off >>> 0);
  h = fnv1a32Word(h, Math.floor(off / 0x100000000));
  h = fnv1a32Word(h, len);
  return fnv1a32(data, fnv1a32Word(h, gen));
}

export class UndoLog {
  private gen: number;
  /** Segments in use by the running transaction: [main, extensions…]. */
  private segs: Segment[];
  private seg = 0;
  private pos: number;
  private usedBytes = 0;
  /** Extensions ever linked by this transaction (freed at its end). */
  extensionsUsed = 0;
  extender: UlogExtender | undefined;

  constructor(
    private readonly scm: ScmDevice,
    private readonly off: number,
    size: number,
  ) {
    this.segs = [{ base: off, start: off + HDR, end: off + size }];
    this.gen = scm.readNum64(off) >>> 0;
    this.pos = off + HDR;
  }

  /** Bytes used by the current transaction's entries (all segments). */
  get used(): number {
    return this.usedBytes;
  }

  /** Bytes of the main segment (extensions come and go with transactions). */
  get capacity(): number {
    const m = this.segs[0] as Segment;
    return m.end - m.start;
  }

  /** Extension chunks linked right now. */
  get extensions(): readonly number[] {
    return this.segs.slice(1).map((s) => s.base);
  }

  /** Does [off, off+len) lie inside the log (main segment or a linked extension)? */
  owns(off: number, len: number): boolean {
    for (const s of this.segs) if (off >= s.base && off + len <= s.end) return true;
    return false;
  }

  /** Format: generation 1, no entries, no extension. */
  static format(scm: ScmDevice, off: number): void {
    scm.fill(off, HDR, 0);
    scm.writeNum64(off, 1);
    scm.writeNum64(off + HDR, 0); // first entry slot: gen 0 never matches
    scm.writeNum64(off + HDR + 8, 0);
    scm.persist(off, HDR + 16);
  }

  /**
   * Snapshot `data` (the current bytes at `off`) durably, growing the log with extension
   * segments when it is full. Throws -DER_NOSPACE when the heap has no chunk to grow into
   * (the entries appended so far stay valid: the caller aborts the transaction).
   */
  append(off: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const s = this.segs[this.seg] as Segment;
      const room = Math.floor((s.end - this.pos - ENTRY_HDR) / 8) * 8;
      if (room <= 0) {
        this.nextSegment();
        continue;
      }
      const n = Math.min(data.length - done, room);
      this.writeEntry(off + done, data.subarray(done, done + n));
      done += n;
    }
  }

  private writeEntry(off: number, data: Uint8Array): void {
    const len = data.length;
    const total = ENTRY_HDR + Math.ceil(len / 8) * 8;
    const p = this.pos;
    const s = this.scm;
    s.writeNum64(p, off);
    s.writeU32(p + 8, len);
    s.writeU32(p + 12, this.gen);
    s.writeU32(p + 16, entryChecksum(off, len, this.gen, data));
    s.writeU32(p + 20, 0);
    s.write(p + ENTRY_HDR, data);
    s.persist(p, ENTRY_HDR + len);
    this.pos = p + total;
    this.usedBytes += total;
  }

  /** Move to a new extension segment (the transaction's log is full up to here). */
  private nextSegment(): void {
    const used = this.usedBytes;
    const ext = this.extender;
    if (!ext) throw derError('NOSPACE', `undo log full (${used} bytes) and it cannot grow`);
    let chunk: number;
    try {
      chunk = ext.pick();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw derError(
        'NOSPACE',
        `undo log full (${used} bytes), no heap chunk to extend it: ${why}`,
      );
    }
    const s = this.scm;
    const prev = this.segs[this.segs.length - 1] as Segment;
    // Part of the log from here on (so `owns` covers the stores below).
    this.segs.push({ base: chunk, start: chunk + HDR, end: chunk + ULOG_EXT_SIZE });
    // 1. The new segment, zeroed and persisted while it is still free space.
    s.fill(chunk, ULOG_EXT_SIZE, 0);
    s.writeNum64(chunk, EXT_MAGIC);
    s.persist(chunk, ULOG_EXT_SIZE);
    // 2. Link it (one atomic store).
    s.writeNum64(prev.base + 8, chunk);
    s.persist(prev.base + 8, 8);
    // 3. Allocated in the heap.
    ext.persistAlloc(chunk);
    this.seg = this.segs.length - 1;
    this.pos = chunk + HDR;
    this.extensionsUsed++;
  }

  /** The chain of extension chunks as linked on media (bounded, checked). */
  private chain(): number[] {
    const out: number[] = [];
    let next = this.scm.readNum64(this.off + 8);
    while (next !== 0) {
      if (
        out.length > 1 << 16 ||
        next + ULOG_EXT_SIZE > this.scm.size ||
        out.includes(next) ||
        this.scm.readNum64(next) !== EXT_MAGIC
      ) {
        break; // a link to something that is not (or no longer) an extension: chain ends
      }
      out.push(next);
      next = this.scm.readNum64(next + 8);
    }
    return out;
  }

  /** The valid entries of an interrupted transaction, oldest first (every segment). */
  scan(): UndoEntry[] {
    const out: UndoEntry[] = [];
    const m = this.segs[0] as Segment;
    const segs: Segment[] = [
      m,
      ...this.chain().map((c) => ({ base: c, start: c + HDR, end: c + ULOG_EXT_SIZE })),
    ];
    for (const seg of segs) {
      let p = seg.start;
      while (p + ENTRY_HDR <= seg.end) {
        const off = this.scm.readNum64(p);
        const len = this.scm.readU32(p + 8);
        const gen = this.scm.readU32(p + 12);
        if (gen !== this.gen || len === 0) break;
        const total = ENTRY_HDR + Math.ceil(len / 8) * 8;
        if (p + total > seg.end || off + len > this.scm.size) break;
        const data = this.scm.read(p + ENTRY_HDR, len);
        if (entryChecksum(off, len, gen, data) !== this.scm.readU32(p + 16)) break;
        out.push({ off, data });
        p += total;
      }
      // The next segment was linked only after this one filled up, and its entries were
      // written only after every entry here was durable: reading on is always safe.
    }
    return out;
  }

  /** Durably empty the log (one atomic 8-byte store of the next generation). */
  invalidate(): void {
    this.gen = (this.gen + 1) >>> 0 || 1;
    this.scm.writeNum64(this.off, this.gen);
    this.scm.persist(this.off, 8);
    const m = this.segs[0] as Segment;
    this.pos = m.start;
    this.seg = 0;
    this.usedBytes = 0;
  }

  /**
   * Free every extension chunk linked on media, then unlink them (after `invalidate`: the log
   * is empty, nothing in them matters any more). `free` must skip a chunk that is not
   * allocated (a cut between link and mark). Returns the chunks released.
   */
  releaseExtensions(free: (off: number) => void): number[] {
    const chunks = this.chain();
    for (const c of this.segs.slice(1)) if (!chunks.includes(c.base)) chunks.push(c.base);
    if (chunks.length === 0 && this.scm.readNum64(this.off + 8) === 0) return [];
    for (const c of chunks) free(c);
    this.scm.writeNum64(this.off + 8, 0);
    this.scm.persist(this.off + 8, 8);
    this.segs = [this.segs[0] as Segment];
    this.seg = 0;
    return chunks;
  }
}
