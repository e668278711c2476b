/**
 * Device images in the Origin Private File System through `createSyncAccessHandle` (worker
 * only). One file per device, its handle kept open for the device's lifetime (opening costs
 * ~0.5 ms, see browser-limits.md); `sync()` is `handle.flush()`. A sync handle is exclusive,
 * so a second tab fails with NoModificationAllowedError — reported as StoreInUseError.
 * Quota errors become -DER_NOSPACE. Files are sparse: they grow as they are written.
 */
import { checkRange, derError, type BlockBackend } from '../../engine/index.ts';
import { StoreInUseError, storageError } from './errors.ts';

export const OPFS_DIR = 'iopath-media';

/** The part of FileSystemSyncAccessHandle we use (declared here: not every lib has it). */
interface SyncHandle {
  read(buf: Uint8Array, opts?: { at?: number }): number;
  write(buf: Uint8Array, opts?: { at?: number }): number;
  flush(): void;
  getSize(): number;
  truncate(size: number): void;
  close(): void;
}

export function opfsAvailable(): boolean {
  return (
    typeof (globalThis as { FileSystemSyncAccessHandle?: unknown }).FileSystemSyncAccessHandle !==
      'undefined' && typeof globalThis.navigator?.storage?.getDirectory === 'function'
  );
}

export class OpfsBackend implements BlockBackend {
  readonly name: string;
  private handle: SyncHandle | null;

  private constructor(
    readonly file: string,
    readonly size: number,
    handle: SyncHandle,
  ) {
    this.name = `opfs:${file}`;
    this.handle = handle;
  }

  static async open(device: string, size: number): Promise<OpfsBackend> {
    if (!Number.isSafeInteger(size) || size <= 0) throw new RangeError(`bad size ${size}`);
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(OPFS_DIR, { create: true });
    const fh = await dir.getFileHandle(`${device}.img`, { create: true });
    let handle: SyncHandle;
    try {
      handle = await (
        fh as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }
      ).createSyncAccessHandle();
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === 'NoModificationAllowedError' || name === 'InvalidStateError') {
        throw new StoreInUseError(device);
      }
      throw e;
    }
    // No truncate(size) up front: the file grows as bytes are written (a write past the end
    // extends it) and a read past the end is zeros — a sparse device, so opening a cluster's
    // devices costs nothing and the quota is charged only for what was written.
    return new OpfsBackend(`${OPFS_DIR}/${device}.img`, size, handle);
  }

  read(off: number, dst: Uint8Array): void {
    checkRange(this, off, dst.length);
    const h = this.h();
    // Past the file's end the device is zeros: ask the file only for what it holds (a device
    // opens by reading its whole image — 64 MiB per SCM — and Chrome's read costs the size
    // asked for, not the size read: a fresh profile's first load spent most of a second here).
    const held = Math.max(0, Math.min(dst.length, h.getSize() - off));
    if (held < dst.length) dst.fill(0, held);
    const want = dst.subarray(0, held);
    let done = 0;
    while (done < want.length) {
      const n = h.read(want.subarray(done), { at: off + done });
      if (n === 0) {
        want.fill(0, done);
        return;
      }
      done += n;
    }
  }

  write(off: number, src: Uint8Array): void {
    checkRange(this, off, src.length);
    const h = this.h();
    let done = 0;
    try {
      while (done < src.length) {
        const n = h.write(src.subarray(done), { at: off + done });
        if (n === 0) throw derError('NOSPACE', `OPFS ${this.file}: short write`);
        done += n;
      }
    } catch (e) {
      throw storageError(e, `OPFS ${this.file}`);
    }
  }

  /** Bytes the file holds so far (it grows as it is written). */
  fileSize(): number {
    return this.h().getSize();
  }

  /** BlockBackend.extent: past the file's end the device reads as zeros. */
  extent(): number {
    return Math.min(this.size, this.h().getSize());
  }

  sync(): void {
    try {
      this.h().flush();
    } catch (e) {
      throw storageError(e, `OPFS ${this.file}`);
    }
  }

  close(): void {
    this.handle?.close();
    this.handle = null;
  }

  private h(): SyncHandle {
    if (!this.handle) throw new Error(`${this.name}: backend is closed`);
    return this.handle;
  }
}

/** Delete a device image (the store must be closed). */
export async function removeOpfsDevice(device: string): Promise<void> {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(OPFS_DIR, { create: true });
  await dir.removeEntry(`${device}.img`).catch(() => undefined);
}
