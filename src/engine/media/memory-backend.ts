/**
 * The memory backend: the durable image of a device is a byte array in memory (sparse: 64 KiB
 * pages allocated on first write; absent pages read as zero). `sync` has nothing
 * to do (the "host" never crashes); what a simulated power cut loses is decided by the device
 * models above it (SCM line states, NVMe volatile cache), never by the backend.
 */
import type { BlockBackend } from './types.ts';

/**
 * Bytes per page of a sparse image: pages are allocated on first write, so a large device
 * that is mostly unused costs what is used (creating a 64 MiB device per benchmark run, and the
 * garbage collections its allocation set off, used to cost more than the run's first hundred
 * updates).
 */
const PAGE = 64 * 1024;

export class MemoryBackend implements BlockBackend {
  readonly name = 'memory';
  readonly size: number;
  /** Sparse image: page i holds bytes [i·PAGE, (i+1)·PAGE); absent pages are all zero. */
  private pages: (Uint8Array | undefined)[] | null;
  /** The flat image, once someone took `bytes` (then `pages` is null). */
  private image: Uint8Array | null = null;
  syncs = 0;
  /**
   * False while the image is known to be all zeroes (nothing written, and nobody has taken the
   * raw array): a device opened over it can skip copying it.
   */
  written = false;

  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new RangeError(`memory backend: bad size ${size}`);
    }
    this.size = size;
    this.pages = new Array<Uint8Array | undefined>(Math.ceil(size / PAGE));
  }

  /**
   * The durable image itself as one array (exposed so tests and inspectors can look at media
   * bytes, and store into them). Taking it turns the sparse image into a flat one for good.
   */
  get bytes(): Uint8Array {
    this.written = true; // the caller may store into it
    if (this.image === null) {
      const flat = new Uint8Array(this.size);
      this.read(0, flat);
      this.image = flat;
      this.pages = null;
    }
    return this.image;
  }

  read(off: number, dst: Uint8Array): void {
    const len = dst.length;
    checkRange(this, off, len);
    if (this.image !== null) {
      dst.set(this.image.subarray(off, off + len));
      return;
    }
    const pages = this.pages as (Uint8Array | undefined)[];
    let done = 0;
    while (done < len) {
      const at = off + done;
      const pi = Math.floor(at / PAGE);
      const po = at - pi * PAGE;
      const n = Math.min(len - done, PAGE - po);
      const page = pages[pi];
      if (page === undefined) dst.fill(0, done, done + n);
      else dst.set(page.subarray(po, po + n), done);
      done += n;
    }
  }

  write(off: number, src: Uint8Array): void {
    const len = src.length;
    checkRange(this, off, len);
    this.written = true;
    if (this.image !== null) {
      this.image.set(src, off);
      return;
    }
    const pages = this.pages as (Uint8Array | undefined)[];
    let done = 0;
    while (done < len) {
      const at = off + done;
      const pi = Math.floor(at / PAGE);
      const po = at - pi * PAGE;
      const n = Math.min(len - done, PAGE - po);
      let page = pages[pi];
      if (page === undefined) {
        // The last page may be short (size not a multiple of PAGE).
        page = new Uint8Array(Math.min(PAGE, this.size - pi * PAGE));
        pages[pi] = page;
      }
      page.set(n === len ? src : src.subarray(done, done + n), po);
      done += n;
    }
  }

  sync(): void {
    this.syncs++;
  }
}

export function createMemoryBackend(size: number): MemoryBackend {
  return new MemoryBackend(size);
}

/** Every backend rejects out-of-range IO the same way: a RangeError, never a wrap. */
export function checkRange(
  b: { readonly name: string; readonly size: number },
  off: number,
  len: number,
): void {
  if (
    !Number.isSafeInteger(off) ||
    !Number.isSafeInteger(len) ||
    off < 0 ||
    len < 0 ||
    off + len > b.size
  ) {
    throw new RangeError(`${b.name} backend: range [${off}, +${len}) outside [0, ${b.size})`);
  }
}
