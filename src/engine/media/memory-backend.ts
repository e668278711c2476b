/**
 * The memory backend: the durable image of a device is a plain byte array. `sync` has nothing
 * to do (the "host" never crashes); what a simulated power cut loses is decided by the device
 * models above it (SCM line states, NVMe volatile cache), never by the backend.
 */
import type { BlockBackend } from './types.ts';

export class MemoryBackend implements BlockBackend {
  readonly name = 'memory';
  readonly size: number;
  /** The durable image itself (exposed so tests and inspectors can look at media bytes). */
  readonly bytes: Uint8Array;
  syncs = 0;

  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new RangeError(`memory backend: bad size ${size}`);
    }
    this.size = size;
    this.bytes = new Uint8Array(size);
  }

  read(off: number, dst: Uint8Array): void {
    checkRange(this, off, dst.length);
    dst.set(this.bytes.subarray(off, off + dst.length));
  }

  write(off: number, src: Uint8Array): void {
    checkRange(this, off, src.length);
    this.bytes.set(src, off);
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
