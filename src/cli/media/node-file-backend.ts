/**
 * A device image in a host file (for `npx iopath run --media DIR`, tests and benchmarks):
 * devices keep their bytes between runs. `sync` is fdatasync. A `<file>.lock` (created with
 * O_EXCL, holding our pid) keeps two processes from driving the same device: the second gets
 * a clear "in use" error instead of silently corrupting it. A stale lock (its process is gone)
 * is taken over.
 */
import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { checkRange, derError, type BlockBackend } from '../../engine/index.ts';

export class StoreInUseError extends Error {
  constructor(
    readonly path: string,
    readonly holder: string,
  ) {
    super(`${path} is in use by another process (${holder}); close it there first`);
    this.name = 'StoreInUseError';
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeLock(lockPath: string, path: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(lockPath, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && pidAlive(holder)) {
        throw new StoreInUseError(path, `pid ${holder}`);
      }
      rmSync(lockPath, { force: true }); // stale: its process died without closing
    }
  }
  throw new StoreInUseError(path, 'lock file keeps reappearing');
}

export class NodeFileBackend implements BlockBackend {
  readonly name: string;
  readonly size: number;
  readonly path: string;
  private fd: number;
  private readonly lockPath: string;

  private constructor(path: string, size: number, fd: number, lockPath: string) {
    this.name = `file:${path}`;
    this.path = path;
    this.size = size;
    this.fd = fd;
    this.lockPath = lockPath;
  }

  /** Open (creating or growing to `size`) the image at `path`. */
  static open(path: string, size: number): NodeFileBackend {
    if (!Number.isSafeInteger(size) || size <= 0) throw new RangeError(`bad size ${size}`);
    const lockPath = `${path}.lock`;
    takeLock(lockPath, path);
    let fd = -1;
    try {
      fd = openSync(path, 'a+'); // create if missing, never truncate
      closeSync(fd);
      fd = openSync(path, 'r+');
      if (fstatSync(fd).size < size) {
        try {
          ftruncateSync(fd, size);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') {
            throw derError('NOSPACE', `${path}: cannot grow to ${size} bytes (${code})`);
          }
          throw e;
        }
      }
      return new NodeFileBackend(path, size, fd, lockPath);
    } catch (e) {
      if (fd >= 0) closeSync(fd);
      rmSync(lockPath, { force: true });
      throw e;
    }
  }

  read(off: number, dst: Uint8Array): void {
    checkRange(this, off, dst.length);
    let done = 0;
    while (done < dst.length) {
      const n = readSync(this.open(), dst, done, dst.length - done, off + done);
      if (n === 0) {
        dst.fill(0, done); // a hole past EOF reads as zeros
        return;
      }
      done += n;
    }
  }

  write(off: number, src: Uint8Array): void {
    checkRange(this, off, src.length);
    let done = 0;
    try {
      while (done < src.length)
        done += writeSync(this.open(), src, done, src.length - done, off + done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT')
        throw derError('NOSPACE', `${this.path}: ${code}`);
      throw e;
    }
  }

  sync(): void {
    fdatasyncSync(this.open());
  }

  /** Release the file and its lock. Further IO throws. */
  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
    rmSync(this.lockPath, { force: true });
  }

  private open(): number {
    if (this.fd < 0) throw new Error(`${this.path}: backend is closed`);
    return this.fd;
  }
}

/** Device images of a media directory: `<dir>/<device>.img` (e.g. `engine0.tgt0.scm.img`). */
export function openMediaDir(dir: string): {
  open(device: string, size: number): NodeFileBackend;
  close(): void;
} {
  mkdirSync(dir, { recursive: true });
  const opened: NodeFileBackend[] = [];
  return {
    open(device, size) {
      if (!/^[\w.-]+$/.test(device))
        throw new RangeError(`bad device name ${JSON.stringify(device)}`);
      const b = NodeFileBackend.open(join(dir, `${device}.img`), size);
      opened.push(b);
      return b;
    },
    close() {
      for (const b of opened.splice(0)) b.close();
    },
  };
}
