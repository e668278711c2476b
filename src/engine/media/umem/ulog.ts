/**
 * The undo log (PMDK's per-lane undo `ulog`).
 *
 * Header line: one 8-byte generation word (8-byte stores are atomic). Entries follow, each
 * `[off u64][len u32][gen u32][csum u32][pad u32][data … padded to 8]`. An entry is valid when
 * its gen equals the header's and its checksum matches — a torn entry (power cut while it was
 * written) fails the checksum, and stale entries of older transactions carry an older gen.
 *
 * Protocol: `append` writes the snapshot and persists it (flush + drain) BEFORE the caller may
 * modify the range. Commit makes the modified ranges durable, then `invalidate` bumps the
 * generation durably: from that store on, the log is empty. Recovery (`scan`) returns the
 * valid entries; the caller restores them newest-first, persists, and invalidates.
 */
import { derError } from '../../core/errors.ts';
import type { ScmDevice } from '../types.ts';
import { fnv1a32, fnv1a32Words } from './checksum.ts';

const HDR = 64;
const ENTRY_HDR = 24;

export interface UndoEntry {
  readonly off: number;
  readonly data: Uint8Array;
}

function entryChecksum(off: number, len: number, gen: number, data: Uint8Array): number {
  const seed = fnv1a32Words([off >>> 0, Math.floor(off / 0x100000000), len, gen]);
  return fnv1a32(data, seed);
}

export class UndoLog {
  private gen: number;
  private pos: number;
  private readonly start: number;
  private readonly end: number;

  constructor(
    private readonly scm: ScmDevice,
    private readonly off: number,
    size: number,
  ) {
    this.start = off + HDR;
    this.end = off + size;
    this.gen = scm.readNum64(off) >>> 0;
    this.pos = this.start;
  }

  /** Bytes used by the current transaction's entries. */
  get used(): number {
    return this.pos - this.start;
  }

  get capacity(): number {
    return this.end - this.start;
  }

  /** Format: generation 1, no entries. */
  static format(scm: ScmDevice, off: number): void {
    scm.fill(off, HDR, 0);
    scm.writeNum64(off, 1);
    scm.writeNum64(off + HDR, 0); // first entry slot: gen 0 never matches
    scm.writeNum64(off + HDR + 8, 0);
    scm.persist(off, HDR + 16);
  }

  /** Snapshot `data` (the current bytes at `off`) durably. Throws -DER_NOSPACE when full. */
  append(off: number, data: Uint8Array): void {
    const len = data.length;
    const total = ENTRY_HDR + Math.ceil(len / 8) * 8;
    if (this.pos + total > this.end) {
      throw derError('NOSPACE', `undo log full (${this.used} of ${this.capacity} bytes used)`);
    }
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
  }

  /** The valid entries of an interrupted transaction, oldest first. */
  scan(): UndoEntry[] {
    const out: UndoEntry[] = [];
    let p = this.start;
    while (p + ENTRY_HDR <= this.end) {
      const off = this.scm.readNum64(p);
      const len = this.scm.readU32(p + 8);
      const gen = this.scm.readU32(p + 12);
      if (gen !== this.gen || len === 0) break;
      const total = ENTRY_HDR + Math.ceil(len / 8) * 8;
      if (p + total > this.end || off + len > this.scm.size) break;
      const data = this.scm.read(p + ENTRY_HDR, len);
      if (entryChecksum(off, len, gen, data) !== this.scm.readU32(p + 16)) break;
      out.push({ off, data });
      p += total;
    }
    return out;
  }

  /** Durably empty the log (one atomic 8-byte store of the next generation). */
  invalidate(): void {
    this.gen = (this.gen + 1) >>> 0 || 1;
    this.scm.writeNum64(this.off, this.gen);
    this.scm.persist(this.off, 8);
    this.pos = this.start;
  }
}
