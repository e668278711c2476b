import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { checkValue, decodeValue, dtsBufRender, encodeValue } from './values.ts';

describe('value documents', () => {
  it('decodes utf8, base64 and byte fills', () => {
    const rng = new Rng(1);
    expect(Array.from(decodeValue({ utf8: 'hé' }, rng))).toEqual([0x68, 0xc3, 0xa9]);
    expect(Array.from(decodeValue({ base64: 'AAEC/w==' }, rng))).toEqual([0, 1, 2, 255]);
    expect(Array.from(decodeValue({ fill: 'byte', len: 3, byte: 9 }, rng))).toEqual([9, 9, 9]);
  });

  it('random fill renders printable letters and a NUL like dts_buf_render, seeded', () => {
    for (let seed = 0; seed < 50; seed++) {
      const b = dtsBufRender(new Rng(seed), 257);
      expect(b[256]).toBe(0);
      for (const c of b.subarray(0, 256))
        expect((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)).toBe(true);
    }
    const a = decodeValue({ fill: 'random', len: 64 }, new Rng(5).fork('x'));
    const b = decodeValue({ fill: 'random', len: 64 }, new Rng(5).fork('x'));
    const c = decodeValue({ fill: 'random', len: 64 }, new Rng(6).fork('x'));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    // an explicit seed ignores the position stream: the same buffer everywhere
    const s1 = decodeValue({ fill: 'random', len: 64, seed: 3 }, new Rng(1));
    const s2 = decodeValue({ fill: 'random', len: 64, seed: 3 }, new Rng(2));
    expect(s1).toEqual(s2);
    expect(decodeValue({ fill: 'random', len: 0 }, new Rng(1))).toHaveLength(0);
  });

  it('encodes results with utf8 only when the bytes are valid UTF-8', () => {
    expect(encodeValue(new Uint8Array([104, 105]))).toEqual({ base64: 'aGk=', utf8: 'hi', len: 2 });
    expect(encodeValue(new Uint8Array([0xff, 0xfe]))).toEqual({ base64: '//4=', len: 2 });
    expect(encodeValue(new Uint8Array([]))).toEqual({ base64: '', utf8: '', len: 0 });
  });

  it('round-trips random bytes through base64 for many seeds', () => {
    for (let seed = 0; seed < 30; seed++) {
      const bytes = new Rng(seed).bytes(seed * 7);
      const enc = encodeValue(bytes);
      expect(decodeValue({ base64: enc.base64 as string }, new Rng(0))).toEqual(bytes);
    }
  });

  it('checkValue names the field', () => {
    expect(checkValue({ utf8: 'x', len: 1 }, 'data[0]')).toBe(
      'data[0]: "utf8" takes no other fields',
    );
    expect(checkValue({ fill: 'random', len: 1, byte: 2 }, 'v')).toBe(
      'v.byte: only with "fill":"byte"',
    );
    expect(checkValue({ fill: 'byte', len: 1, byte: 256 }, 'v')).toBe(
      'v.byte: expected an integer 0..255',
    );
    expect(checkValue({ fill: 'random', len: 1, color: 2 }, 'v')).toBe('v.color: unknown field');
    expect(checkValue({ fill: 'random', len: 2 ** 40 }, 'v')).toBe(
      'v.len: expected an integer 0..67108864',
    );
  });
});
