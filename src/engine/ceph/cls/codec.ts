/**
 * Little-endian encode/decode in Ceph's bufferlist conventions: integers LE, strings as a u32
 * length followed by the bytes. Used for cls method inputs/outputs on both sides.
 */
import { utf8Decode, utf8Encode } from '../../core/bytes.ts';

export class Encoder {
  private parts: number[] = [];

  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }

  u32(v: number): this {
    for (let i = 0; i < 4; i++) this.parts.push((v >>> (8 * i)) & 0xff);
    return this;
  }

  /** u64 from a JS integer ≤ 2^53. */
  u64(v: number): this {
    this.u32(v % 0x100000000);
    this.u32(Math.floor(v / 0x100000000));
    return this;
  }

  str(s: string): this {
    const b = utf8Encode(s);
    this.u32(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }

  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export class Decoder {
  private p = 0;

  constructor(private readonly b: Uint8Array) {}

  u8(): number {
    const v = this.b[this.p];
    if (v === undefined) throw new RangeError('decode past end');
    this.p++;
    return v;
  }

  u32(): number {
    let v = 0;
    for (let i = 0; i < 4; i++) v += this.u8() * 2 ** (8 * i);
    return v;
  }

  u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    return hi * 0x100000000 + lo;
  }

  str(): string {
    const n = this.u32();
    if (this.p + n > this.b.length) throw new RangeError('decode past end');
    const s = utf8Decode(this.b.subarray(this.p, this.p + n));
    this.p += n;
    return s;
  }
}
