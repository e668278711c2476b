import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createScm, createUmem, openUmem } from '../../engine/media/index.ts';
import { NodeFileBackend, StoreInUseError, openMediaDir } from './node-file-backend.ts';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'iopath-media-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('node file backend', () => {
  it('keeps bytes between opens; reads past the old end are zeros', () => {
    const path = join(tmp(), 'dev.img');
    const a = NodeFileBackend.open(path, 8192);
    a.write(4000, new Uint8Array([1, 2, 3]));
    a.sync();
    a.close();
    const b = NodeFileBackend.open(path, 16384);
    const out = new Uint8Array(5);
    b.read(3999, out);
    expect(Array.from(out)).toEqual([0, 1, 2, 3, 0]);
    const tail = new Uint8Array(4);
    b.read(16380, tail);
    expect(Array.from(tail)).toEqual([0, 0, 0, 0]);
    expect(() => b.read(16383, new Uint8Array(2))).toThrow(RangeError);
    expect(() => b.write(-1, new Uint8Array(1))).toThrow(RangeError);
    b.close();
    expect(() => b.sync()).toThrow(/closed/);
  });

  it('a second open of the same image is refused as in use; a stale lock is taken over', () => {
    const path = join(tmp(), 'dev.img');
    const a = NodeFileBackend.open(path, 4096);
    expect(() => NodeFileBackend.open(path, 4096)).toThrow(StoreInUseError);
    a.close();
    writeFileSync(`${path}.lock`, '999999999'); // no such process
    const b = NodeFileBackend.open(path, 4096);
    b.close();
  });

  it('a umem pool on a media dir survives the process: cut, reopen, recover', () => {
    const dir = tmp();
    const media = openMediaDir(dir);
    const scm = createScm({
      id: 'engine0.tgt0.scm',
      backend: media.open('engine0.tgt0.scm', 512 * 1024),
    });
    const pool = createUmem(scm, { rootSize: 64 });
    pool.txBegin();
    pool.txAddRange(pool.rootOff, 8);
    scm.writeNum64(pool.rootOff, 42);
    pool.txCommit();
    pool.txBegin();
    pool.txAddRange(pool.rootOff, 8);
    scm.writeNum64(pool.rootOff, 43);
    scm.persist(pool.rootOff, 8); // even durable, an uncommitted store is rolled back
    scm.powerCut();
    media.close();
    const again = openMediaDir(dir);
    const pool2 = openUmem(
      createScm({ id: 'engine0.tgt0.scm', backend: again.open('engine0.tgt0.scm', 512 * 1024) }),
    );
    expect(pool2.scm.readNum64(pool2.rootOff)).toBe(42);
    expect(pool2.recovery?.rolledBack).toBe(true);
    again.close();
  });
});
