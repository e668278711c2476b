import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode, utf8DecodeStrict, utf8Encode, u64Hex } from './bytes.ts';
import { Rng } from './rng.ts';

describe('bytes', () => {
  it('round-trips UTF-8 like the platform codec', () => {
    for (const s of ['', 'hello', 'daos ✓', '日本語', '𝄞 clef', 'a\u0000b']) {
      const mine = utf8Encode(s);
      expect(Array.from(mine)).toEqual(Array.from(new TextEncoder().encode(s)));
      expect(utf8DecodeStrict(mine)).toBe(s);
    }
    expect(utf8DecodeStrict(Uint8Array.from([0xff, 0x00]))).toBeUndefined();
    expect(utf8DecodeStrict(Uint8Array.from([0xc3]))).toBeUndefined();
  });

  it('round-trips base64 and matches Buffer', () => {
    const r = new Rng(5);
    for (let n = 0; n < 40; n++) {
      const b = r.bytes(n);
      const enc = base64Encode(b);
      expect(enc).toBe(Buffer.from(b).toString('base64'));
      expect(Array.from(base64Decode(enc) ?? [])).toEqual(Array.from(b));
    }
    expect(base64Decode('a*b=')).toBeUndefined();
  });

  it('matches the platform codecs on inputs larger than one string chunk', () => {
    const r = new Rng(11);
    const bin = r.bytes(50_000);
    expect(base64Encode(bin)).toBe(Buffer.from(bin).toString('base64'));
    const text = 'daos ✓ 𝄞 '.repeat(5000);
    const enc = utf8Encode(text);
    expect(Buffer.from(enc).equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(utf8DecodeStrict(enc)).toBe(text);
  });

  it('writes u64 as 16 hex digits', () => {
    expect(u64Hex(1n)).toBe('0x0000000000000001');
    expect(u64Hex(-1n)).toBe('0xffffffffffffffff');
  });
});
