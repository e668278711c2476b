/**
 * The memory backend: the durable image of a device is a plain byte array. `sync` has nothing
 * to do (the "host" never crashes); what a simulated power cut loses is decided by the device
 * models above it (SCM line states, NVMe volatile cache), never by the backend.
 */
import type { BlockBackend } from './types.ts';

export class MemoryBackend implements BlockBackend {
  readonly name = 'memory';
  readonly size: number;
  private readonly image: Uint8Array;
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
    this.image = new Uint8Array(size);
  }

  /** The durable image itself (exposed so tests and inspectors can look at media bytes). */
  get bytes(): Uint8Array {
    this.written = true; // the caller may store into it
    return this.image;
  }

  read(off: number, dst: Uint8Array): void {
    checkRange(this, off, dst.length);
    dst.set(this.image.subarray(off, off + dst.length));
  }

  write(off: number, src: Uint8Array): void {
    checkRange(this, off, src.length);
    this.image.set(src, off);
    this.written = true;
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
