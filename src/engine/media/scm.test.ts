import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { createMemoryBackend } from './memory-backend.ts';
import { PowerCutError } from './power.ts';
import { createScm, LINE_CLEAN, LINE_DIRTY, LINE_FLUSHED } from './scm.ts';

describe('scm', () => {
  it('loads a sparse backend only up to its extent (the rest is zeros)', () => {
    const size = 4096;
    const asked: number[] = [];
    const bytes = new Uint8Array(size);
    bytes.set([1, 2, 3], 100);
    const backend = {
      name: 'sparse',
      size,
      extent: () => 128,
      read: (off: number, dst: Uint8Array) => {
        asked.push(dst.length);
        dst.set(bytes.subarray(off, off + dst.length));
      },
      write: () => undefined,
      sync: () => undefined,
    };
    const scm = createScm({ id: 's', backend });
    expect(asked).toEqual([128]);
    expect([...scm.read(99, 5)]).toEqual([0, 1, 2, 3, 0]);
    expect(scm.readU32(4000)).toBe(0);
  });

  it('stores are visible at once but durable only after flush + drain', () => {
    const backend = createMemoryBackend(4096);
    const scm = createScm({ id: 'scm0', backend });
    scm.writeU32(100, 0xdeadbeef);
    expect(scm.readU32(100)).toBe(0xdeadbeef);
    expect(scm.lineState(1)).toBe('dirty');
    expect(backend.bytes[100]).toBe(0);
    scm.flush(100, 4);
    expect(scm.lineState(1)).toBe('flushed');
    expect(backend.bytes[100]).toBe(0);
    scm.drain();
    expect(scm.lineState(1)).toBe('clean');
    expect(backend.bytes[100]).toBe(0xef);
    expect(Array.from(scm.lineStates().subarray(0, 3))).toEqual([
      LINE_CLEAN,
      LINE_CLEAN,
      LINE_CLEAN,
    ]);
  });

  it('a write-back queued by flush survives a later store to the same line', () => {
    const backend = createMemoryBackend(4096);
    const scm = createScm({ id: 'scm0', backend });
    scm.writeU8(0, 1);
    scm.flush(0, 1);
    scm.writeU8(0, 2);
    expect(scm.lineStates()[0]).toBe(LINE_DIRTY);
    scm.drain();
    expect(backend.bytes[0]).toBe(1);
    expect(scm.lineStates()[0]).toBe(LINE_DIRTY);
    scm.flush(0, 64);
    expect(scm.lineStates()[0]).toBe(LINE_FLUSHED);
    scm.persist(0, 64);
    expect(backend.bytes[0]).toBe(2);
  });

  it('power cut without rng loses every non-durable line; the device is dead afterwards', () => {
    const backend = createMemoryBackend(4096);
    const scm = createScm({ id: 'scm0', backend });
    scm.writeU8(0, 7);
    scm.persist(0, 1);
    scm.writeU8(0, 8);
    scm.writeU8(200, 9);
    scm.flush(200, 1);
    scm.powerCut();
    expect(backend.bytes[0]).toBe(7);
    expect(backend.bytes[200]).toBe(0);
    expect(() => scm.readU8(0)).toThrow(PowerCutError);
    const again = createScm({ id: 'scm0', backend });
    expect(again.readU8(0)).toBe(7);
  });

  it('tearing is at 8-byte granularity: each aligned word is old or new, never mixed', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const backend = createMemoryBackend(4096);
      const scm = createScm({ id: 'scm0', backend, rng: new Rng(seed) });
      scm.fill(0, 64, 0x11);
      scm.persist(0, 64);
      scm.fill(0, 64, 0x22);
      scm.powerCut();
      for (let w = 0; w < 64; w += 8) {
        const word = Array.from(backend.bytes.subarray(w, w + 8));
        expect(word.every((b) => b === word[0])).toBe(true);
        expect([0x11, 0x22]).toContain(word[0]);
      }
    }
  });

  it('out-of-range access throws RangeError and never wraps', () => {
    const scm = createScm({ id: 'scm0', size: 4096 });
    expect(() => scm.read(4090, 8)).toThrow(RangeError);
    expect(() => scm.writeU64(4092, 1n)).toThrow(RangeError);
    expect(() => scm.writeU8(-1, 1)).toThrow(RangeError);
    expect(() => scm.flush(4096, 1)).toThrow(RangeError);
    expect(() => scm.lineState(64)).toThrow(RangeError);
    expect(() => createScm({ id: 'x', size: 100 })).toThrow(RangeError);
  });
});
