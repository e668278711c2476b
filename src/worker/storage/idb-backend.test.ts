import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createScm, createUmem, openUmem } from '../../engine/index.ts';
import { IdbBackend, listIdbDevices } from './idb-backend.ts';
import { openBestBackend } from './open-best-backend.ts';
import { StoreInUseError } from './errors.ts';

/** A minimal exclusive Web Locks manager (node has none) to exercise the "in use" path. */
function installFakeLocks(): () => void {
  const held = new Set<string>();
  const locks = {
    request(name: string, _opts: { ifAvailable?: boolean }, cb: (l: object | null) => unknown) {
      if (held.has(name)) return Promise.resolve(cb(null));
      held.add(name);
      return Promise.resolve(cb({ name })).finally(() => held.delete(name));
    },
  };
  const nav = globalThis.navigator as unknown;
  Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true });
  return () => Object.defineProperty(globalThis, 'navigator', { value: nav, configurable: true });
}

let n = 0;
const fresh = (): string => `dev${n++}`;
let restore: (() => void) | null = null;
afterEach(() => {
  restore?.();
  restore = null;
});

describe('IndexedDB backend', () => {
  it('persists synced pages across reopen; unsynced writes are not in the database', async () => {
    const name = fresh();
    const a = await IdbBackend.open(name, 3 * 4096 + 100, 1000);
    a.write(4090, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    a.sync();
    expect(a.pagesShipped).toBe(2);
    a.write(3 * 4096 + 50, new Uint8Array([9]));
    a.sync();
    a.write(0, new Uint8Array([77])); // never synced
    await a.flushed();
    // A second handle sees only what was synced (the first one still holds its image).
    const b = await IdbBackend.open(name, 3 * 4096 + 100, 2000);
    const out = new Uint8Array(8);
    b.read(4090, out);
    expect(Array.from(out)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const one = new Uint8Array(1);
    b.read(3 * 4096 + 50, one);
    expect(one[0]).toBe(9);
    b.read(0, one);
    expect(one[0]).toBe(0);
    expect(b.record.created).toBe(1000);
    expect(b.record.cleanShutdown).toBe(false); // a was never closed
    expect(() => b.read(3 * 4096 + 99, new Uint8Array(2))).toThrow(RangeError);
    await b.closeAsync(3000);
    const devs = await listIdbDevices();
    expect(devs.find((d) => d.name === name)).toMatchObject({
      cleanShutdown: true,
      lastOpened: 2000,
      lastCleanShutdown: 3000,
      created: 1000,
    });
  });

  it('is sparse: only written pages exist, in memory and in the database', async () => {
    const name = fresh();
    const big = 256 * 1024 * 1024; // a default NVMe device: nothing is allocated for it
    const a = await IdbBackend.open(name, big, 10);
    expect(a.previous).toBeUndefined();
    expect(a.pageCount).toBe(0);
    a.write(big - 4100, new Uint8Array(8).fill(7)); // straddles two pages
    a.sync();
    await a.closeAsync(20);
    const b = await IdbBackend.open(name, big, 30);
    expect(b.pageCount).toBe(2);
    expect(b.previous).toMatchObject({ cleanShutdown: true, lastCleanShutdown: 20, created: 10 });
    const out = new Uint8Array(16);
    b.read(big - 4104, out);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 7, 7, 7, 7, 7, 7, 7, 7, 0, 0, 0, 0]);
    // Not closed: the next open sees an unclean shutdown (the last clean one stays known).
    const c = await IdbBackend.open(name, big, 40);
    expect(c.previous).toMatchObject({ cleanShutdown: false, lastCleanShutdown: 20 });
    await c.closeAsync(50);
    await b.closeAsync(60);
  });

  it('a umem pool over IndexedDB recovers after a power cut', async () => {
    const name = fresh();
    const be = await IdbBackend.open(name, 512 * 1024);
    const scm = createScm({ id: name, backend: be });
    const pool = createUmem(scm, { rootSize: 64 });
    pool.txBegin();
    pool.txAddRange(pool.rootOff, 8);
    scm.writeNum64(pool.rootOff, 5);
    pool.txCommit();
    pool.txBegin();
    pool.txAddRange(pool.rootOff, 8);
    scm.writeNum64(pool.rootOff, 6);
    scm.persist(pool.rootOff, 8);
    scm.powerCut();
    await be.flushed();
    const be2 = await IdbBackend.open(name, 512 * 1024);
    const pool2 = openUmem(createScm({ id: name, backend: be2 }));
    expect(pool2.scm.readNum64(pool2.rootOff)).toBe(5);
  });

  it('a quota error on sync surfaces as -DER_NOSPACE and the pages stay dirty', async () => {
    const be = await IdbBackend.open(fresh(), 8192);
    be.write(0, new Uint8Array([1]));
    const proto = IDBObjectStore.prototype;
    const put = Object.getOwnPropertyDescriptor(proto, 'put') as PropertyDescriptor;
    Object.defineProperty(proto, 'put', {
      configurable: true,
      value: () => {
        throw new DOMException('over quota', 'QuotaExceededError');
      },
    });
    try {
      expect(() => be.sync()).toThrow(/DER_NOSPACE/);
    } finally {
      Object.defineProperty(proto, 'put', put);
    }
    be.sync();
    expect(be.pagesShipped).toBe(1);
    await be.flushed();
  });

  it('openBestBackend: falls back to IndexedDB without OPFS; a second tab gets "in use"', async () => {
    restore = installFakeLocks();
    const name = fresh();
    const first = await openBestBackend(name, 8192);
    expect(first.kind).toBe('idb');
    expect(first.notes[0]).toMatch(/OPFS/);
    await expect(openBestBackend(name, 8192)).rejects.toThrow(StoreInUseError);
    await first.close();
    const again = await openBestBackend(name, 8192);
    expect(again.kind).toBe('idb');
    await again.close();
    const mem = await openBestBackend(name, 8192, 'memory');
    expect(mem.kind).toBe('memory');
  });
});
