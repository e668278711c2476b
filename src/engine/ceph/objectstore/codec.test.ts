import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { crc32c as byteLoopCrc32c } from '../../vos/csum.ts';
import { crc32c } from './codec.ts';

describe('crc32c (slicing-by-8)', () => {
  it('has the CRC-32C check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('equals the byte-at-a-time CRC over every range, for many seeds and lengths', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rng = new Rng(seed);
      const n = rng.int(0, 9000);
      const buf = new Uint8Array(n + 24);
      for (let i = 0; i < buf.length; i++) buf[i] = rng.int(0, 255);
      // An unaligned view: the eight-byte loads must not assume byteOffset 0.
      const view = buf.subarray(rng.int(0, 7));
      const from = rng.int(0, 16);
      const to = Math.min(view.length, from + n);
      expect(crc32c(view, from, to)).toBe(byteLoopCrc32c(view.subarray(from, to)));
      expect(crc32c(view)).toBe(byteLoopCrc32c(view));
    }
  });
});
