/**
 * Simulated SCM (byte-addressable persistent memory behind a CPU cache).
 *
 * Model (the one PMDK programs are written against):
 * - The *durable image* is the backend. Loads see the newest store (the volatile view).
 * - A store lands in the CPU cache: its 64-byte lines become `dirty`.
 * - `flush` (clwb) queues a write-back of each dirty line: the line's content at that moment
 *   is captured and the line becomes `flushed`. A store after the flush re-dirties the line,
 *   but the captured write-back still happens at the next drain.
 * - `drain` (sfence) completes every queued write-back: the captured contents reach the
 *   backend, which is then synced; lines with no newer store become `clean`.
 * - A power cut keeps the durable image and throws the cache away. Any non-durable line may
 *   also have been partly written back (cache eviction, write-back in flight): with an Rng,
 *   such a line is torn at 8-byte granularity — each aligned 8-byte word independently ends up
 *   as its durable, queued or newest value. 8-byte aligned stores are therefore atomic, and
 *   nothing larger is.
 */
import type { Rng } from '../core/rng.ts';
import { EFF_SCM_DRAIN, EFF_SCM_FLUSH, EFF_SCM_WRITE, type Tracer } from '../trace/tracer.ts';
import { createMemoryBackend, MemoryBackend } from './memory-backend.ts';
import { PowerCutError, type PersistenceHook } from './power.ts';
import { SCM_LINE, type BlockBackend, type LineState, type ScmDevice } from './types.ts';

/** Line states as stored in the compact state array (`lineStates()`), for the UI's SCM map. */
export const LINE_CLEAN = 0;
export const LINE_DIRTY = 1;
export const LINE_FLUSHED = 2;
const STATE_NAMES: readonly LineState[] = ['clean', 'dirty', 'flushed'];
/** Write-back queue state of a line (see Scm.qstate). */
const NOT_QUEUED = 0;
const QUEUED = 1;
const CAPTURED = 2;

export interface ScmOptions {
  id: string;
  /** Bytes; a multiple of 64. Defaults to the backend's size. */
  size?: number;
  backend?: BlockBackend;
  trace?: Tracer;
  /** Seeds which non-durable 8-byte words survive a power cut (no rng: none survive). */
  rng?: Rng;
}

export class Scm implements ScmDevice {
  readonly id: string;
  readonly size: number;
  readonly lines: number;
  readonly backend: BlockBackend;
  /** Consulted at every flush and drain before it takes effect (fault injection). */
  persistenceHook: PersistenceHook | undefined;
  /** Sees every store (umem's pmemcheck uses it to catch stores the undo log misses). */
  storeObserver: ((off: number, len: number) => void) | undefined;
  private readonly view: Uint8Array;
  private readonly dv: DataView;
  private readonly states: Uint8Array;
  /** How many lines are not clean (dirty or flushed); the states array says which. */
  private unclean = 0;
  /**
   * Queued write-backs (flushed, not yet drained), per line: QUEUED — the write-back will carry
   * the line as it is now (no store since the flush); CAPTURED — a store came after the flush,
   * so the content at flush time was copied to slot `captures.get(line)` of `capData` just
   * before that store. Copying only when a flushed line is stored again keeps flush cheap.
   */
  private readonly qstate: Uint8Array;
  private readonly pendLines: number[] = [];
  private readonly captures = new Map<number, number>();
  private capData = new Uint8Array(16 * SCM_LINE);
  /** Scratch for assembling one backend write from captured lines (grown on demand). */
  private runBuf = new Uint8Array(16 * SCM_LINE);
  private readonly trace: Tracer | undefined;
  private readonly rng: Rng | undefined;
  private dead = false;
  /** Counters for benchmarks and the UI. */
  readonly stats = { writes: 0, flushes: 0, drains: 0, linesWritten: 0 };

  constructor(opts: ScmOptions) {
    const size = opts.size ?? opts.backend?.size;
    if (size === undefined || !Number.isSafeInteger(size) || size <= 0 || size % SCM_LINE !== 0) {
      throw new RangeError(`scm ${opts.id}: size must be a positive multiple of ${SCM_LINE}`);
    }
    const backend = opts.backend ?? createMemoryBackend(size);
    if (backend.size < size) {
      throw new RangeError(
        `scm ${opts.id}: backend ${backend.name} holds ${backend.size} < ${size} bytes`,
      );
    }
    this.id = opts.id;
    this.size = size;
    this.lines = size / SCM_LINE;
    this.backend = backend;
    this.trace = opts.trace;
    this.rng = opts.rng;
    this.view = new Uint8Array(size);
    // A memory backend nobody has written to is all zeroes, like the fresh view: skip the copy
    // (it dominates creating a large simulated device).
    // Likewise a sparse image past its extent (a fresh OPFS file: reading 64 MiB of nothing
    // into the view touched every page of it).
    if (!(backend instanceof MemoryBackend) || backend.written) {
      const held = Math.min(size, (backend as BlockBackend).extent?.() ?? size);
      if (held > 0) backend.read(0, this.view.subarray(0, held));
    }
    this.dv = new DataView(this.view.buffer);
    this.states = new Uint8Array(this.lines);
    this.qstate = new Uint8Array(this.lines);
  }

  // ---- loads -------------------------------------------------------------------------------

  read(off: number, len: number): Uint8Array {
    this.check(off, len);
    return this.view.slice(off, off + len);
  }
  readU8(off: number): number {
    this.check(off, 1);
    return this.dv.getUint8(off);
  }
  readU16(off: number): number {
    this.check(off, 2);
    return this.dv.getUint16(off, true);
  }
  readU32(off: number): number {
    this.check(off, 4);
    return this.dv.getUint32(off, true);
  }
  readU64(off: number): bigint {
    this.check(off, 8);
    return this.dv.getBigUint64(off, true);
  }
  /** A u64 field read as a JS number (offsets, sizes: always < 2^53 here). */
  readNum64(off: number): number {
    this.check(off, 8);
    return this.dv.getUint32(off, true) + this.dv.getUint32(off + 4, true) * 0x100000000;
  }
  loadView(): Uint8Array {
    this.alive();
    return this.view;
  }

  // ---- stores ------------------------------------------------------------------------------

  write(off: number, bytes: Uint8Array): void {
    this.check(off, bytes.length);
    this.touch(off, bytes.length);
    this.view.set(bytes, off);
    this.stored(off, bytes.length);
  }
  /** Store `len` copies of `byte` (memset). */
  fill(off: number, len: number, byte = 0): void {
    this.check(off, len);
    this.touch(off, len);
    this.view.fill(byte, off, off + len);
    this.stored(off, len);
  }
  writeU8(off: number, v: number): void {
    this.check(off, 1);
    this.touch(off, 1);
    this.dv.setUint8(off, v);
    this.stored(off, 1);
  }
  writeU16(off: number, v: number): void {
    this.check(off, 2);
    this.touch(off, 2);
    this.dv.setUint16(off, v, true);
    this.stored(off, 2);
  }
  writeU32(off: number, v: number): void {
    this.check(off, 4);
    this.touch(off, 4);
    this.dv.setUint32(off, v, true);
    this.stored(off, 4);
  }
  writeU64(off: number, v: bigint): void {
    this.check(off, 8);
    this.touch(off, 8);
    this.dv.setBigUint64(off, v, true);
    this.stored(off, 8);
  }
  /** Store a JS number (≤ 2^53) as a u64 field; one 8-byte store, so atomic when aligned. */
  writeNum64(off: number, v: number): void {
    this.check(off, 8);
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`scm ${this.id}: bad u64 ${v}`);
    this.touch(off, 8);
    this.dv.setUint32(off, v >>> 0, true);
    this.dv.setUint32(off + 4, Math.floor(v / 0x100000000), true);
    this.stored(off, 8);
  }

  // ---- persistence -------------------------------------------------------------------------

  flush(off: number, len: number): void {
    this.check(off, len);
    if (len === 0) return;
    this.persistenceHook?.({ kind: 'scm.flush', dev: this.id, off, len });
    this.alive();
    const first = Math.floor(off / SCM_LINE);
    const last = Math.floor((off + len - 1) / SCM_LINE);
    let n = 0;
    const states = this.states;
    const q = this.qstate;
    for (let l = first; l <= last; l++) {
      if (states[l] !== LINE_DIRTY) continue;
      // The write-back takes the line as it is now; an older capture is obsolete.
      if (q[l] === NOT_QUEUED) this.pendLines.push(l);
      q[l] = QUEUED;
      states[l] = LINE_FLUSHED;
      n++;
    }
    this.stats.flushes++;
    this.trace?.effectRec(EFF_SCM_FLUSH, this.id, off, len, n);
  }

  drain(): void {
    this.alive();
    const lines = this.pendLines;
    const n = lines.length;
    this.persistenceHook?.({ kind: 'scm.drain', dev: this.id, lines: n });
    this.alive();
    if (n > 0) {
      // Write back in line order, coalescing neighbours into one backend write.
      let sorted = true;
      for (let i = 1; i < n && sorted; i++)
        sorted = (lines[i - 1] as number) < (lines[i] as number);
      // Line numbers in an Int32Array sort numerically without a comparator call per pair.
      const order = sorted ? lines : Int32Array.from(lines).sort();
      const states = this.states;
      const q = this.qstate;
      let i = 0;
      while (i < n) {
        const start = order[i] as number;
        let j = i + 1;
        while (j < n && order[j] === start + (j - i)) j++;
        this.writeRun(start, j - i);
        for (let k = i; k < j; k++) {
          const l = order[k] as number;
          q[l] = NOT_QUEUED;
          if (states[l] === LINE_FLUSHED) {
            states[l] = LINE_CLEAN;
            this.unclean--;
          }
        }
        i = j;
      }
      if (this.captures.size > 0) this.captures.clear();
      lines.length = 0; // reused: a drain per persist point is the hot path
      this.backend.sync();
      this.stats.linesWritten += n;
    }
    this.stats.drains++;
    this.trace?.effectRec(EFF_SCM_DRAIN, this.id, 0, 0, n);
  }

  persist(off: number, len: number): void {
    this.flush(off, len);
    this.drain();
  }

  // ---- state for the UI and tests ----------------------------------------------------------

  lineState(line: number): LineState {
    if (!Number.isInteger(line) || line < 0 || line >= this.lines) {
      throw new RangeError(`scm ${this.id}: line ${line} outside [0, ${this.lines})`);
    }
    return STATE_NAMES[this.states[line] as number] as LineState;
  }

  /** Compact per-line states (LINE_CLEAN / LINE_DIRTY / LINE_FLUSHED); a copy. */
  lineStates(): Uint8Array {
    return this.states.slice();
  }

  /** Number of lines that are not durable yet. */
  get uncleanLines(): number {
    return this.unclean;
  }

  get isDead(): boolean {
    return this.dead;
  }

  /**
   * Cut the power: non-durable lines are lost (or torn, with an rng), the survivors are written
   * to the backend, and this object is dead. Reopen a new device over the same backend.
   */
  powerCut(): void {
    if (this.dead) return;
    const lines: number[] = [];
    for (let l = 0; l < this.lines; l++) if (this.states[l] !== LINE_CLEAN) lines.push(l);
    const durable = new Uint8Array(SCM_LINE);
    let torn = 0;
    for (const l of lines) {
      if (!this.rng || this.rng.chance(0.5)) continue; // the whole line is lost
      const base = l * SCM_LINE;
      this.backend.read(base, durable);
      const queued = this.queuedContent(l);
      const newest = this.view.subarray(base, base + SCM_LINE);
      const out = durable.slice();
      for (let w = 0; w < SCM_LINE; w += 8) {
        const pick = this.rng.int(0, queued ? 2 : 1);
        const src = pick === 0 ? durable : pick === 1 ? newest : (queued as Uint8Array);
        out.set(src.subarray(w, w + 8), w);
      }
      this.backend.write(base, out);
      torn++;
    }
    this.backend.sync();
    this.dead = true;
    this.captures.clear();
    this.pendLines.length = 0;
    this.qstate.fill(NOT_QUEUED);
    this.unclean = 0;
    this.trace?.effect({
      kind: 'scm.power_cut',
      dev: this.id,
      lost_lines: lines.length,
      torn_lines: torn,
    });
  }

  // ---- internals ---------------------------------------------------------------------------

  private stored(off: number, len: number): void {
    this.storeObserver?.(off, len);
    this.stats.writes++;
    if (len > 0) {
      const states = this.states;
      const first = Math.floor(off / SCM_LINE);
      const last = Math.floor((off + len - 1) / SCM_LINE);
      for (let l = first; l <= last; l++) {
        if (states[l] === LINE_CLEAN) this.unclean++;
        states[l] = LINE_DIRTY;
      }
    }
    this.trace?.effectRec(EFF_SCM_WRITE, this.id, off, len, 0);
  }

  /**
   * Before a store to [off, off+len): a line whose write-back is queued with its current
   * content gets that content captured first (the write-back must not see the new store).
   */
  private touch(off: number, len: number): void {
    if (this.pendLines.length === 0 || len === 0) return;
    const q = this.qstate;
    const last = Math.floor((off + len - 1) / SCM_LINE);
    for (let l = Math.floor(off / SCM_LINE); l <= last; l++) {
      if (q[l] !== QUEUED) continue;
      let slot = this.captures.get(l);
      if (slot === undefined) {
        slot = this.captures.size;
        if ((slot + 1) * SCM_LINE > this.capData.length) {
          const grown = new Uint8Array(this.capData.length * 2);
          grown.set(this.capData);
          this.capData = grown;
        }
        this.captures.set(l, slot);
      }
      const from = l * SCM_LINE;
      this.capData.set(this.view.subarray(from, from + SCM_LINE), slot * SCM_LINE);
      q[l] = CAPTURED;
    }
  }

  /** What the queued write-back of line `l` holds (undefined: none queued). */
  private queuedContent(l: number): Uint8Array | undefined {
    const st = this.qstate[l];
    if (st === QUEUED) return this.view.subarray(l * SCM_LINE, (l + 1) * SCM_LINE);
    if (st !== CAPTURED) return undefined;
    const s = (this.captures.get(l) as number) * SCM_LINE;
    return this.capData.subarray(s, s + SCM_LINE);
  }

  /** One backend write of the queued write-backs of lines [start, start+count). */
  private writeRun(start: number, count: number): void {
    const q = this.qstate;
    let captured = false;
    for (let k = 0; k < count && !captured; k++) captured = q[start + k] === CAPTURED;
    const from = start * SCM_LINE;
    if (!captured) {
      // No store since the flush: the lines' current content is what gets written back.
      this.backend.write(from, this.view.subarray(from, from + count * SCM_LINE));
      return;
    }
    if (this.runBuf.length < count * SCM_LINE) this.runBuf = new Uint8Array(count * SCM_LINE * 2);
    const buf = this.runBuf;
    for (let k = 0; k < count; k++)
      buf.set(this.queuedContent(start + k) as Uint8Array, k * SCM_LINE);
    this.backend.write(from, buf.subarray(0, count * SCM_LINE));
  }

  private alive(): void {
    if (this.dead) throw new PowerCutError(this.id);
  }

  private check(off: number, len: number): void {
    if (this.dead) throw new PowerCutError(this.id);
    if (
      !Number.isSafeInteger(off) ||
      !Number.isSafeInteger(len) ||
      off < 0 ||
      len < 0 ||
      off + len > this.size
    ) {
      throw new RangeError(`scm ${this.id}: range [${off}, +${len}) outside [0, ${this.size})`);
    }
  }
}

export function createScm(opts: ScmOptions): Scm {
  return new Scm(opts);
}
