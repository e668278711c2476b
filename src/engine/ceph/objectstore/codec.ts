/**
 * Byte encoding of what the object stores keep on their device: a little-endian writer/reader
 * (Ceph's `encode`/`decode` of bufferlists in spirit), the onode record, and the
 * ObjectStore::Transaction encoding the FileJournal carries. CRC32C guards every record.
 */
import { utf8Decode, utf8Encode } from '../../core/bytes.ts';
import type { Onode } from './onode.ts';
import { newOnode } from './onode.ts';
import type { Transaction, TxOp } from './transaction.ts';

/**
 * CRC32C table for slicing-by-8, flat: entries [256k, 256k + 256) are T_k, where T_0 is the
 * classic byte table (reflected polynomial 0x82f63b78) and T_k[i] the CRC of byte i followed
 * by k zero bytes. Int32Array, so every intermediate stays a 32-bit integer (an unsigned table
 * mixes doubles into the loop, which V8 kept deoptimising on).
 */
const T32C = (() => {
  const t = new Int32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const p = t[(k - 1) * 256 + i] as number;
      t[k * 256 + i] = (t[p & 0xff] as number) ^ (p >>> 8);
    }
  }
  return t;
})();

/**
 * CRC32C (`ceph_crc32c` with seed -1 and final inversion) over `data[from, to)`. The same
 * function as vos/csum.ts `crc32c`, as an indexed loop over a range, eight bytes per step
 * (slicing-by-8, two little-endian 32-bit loads): every WAL / journal record and table is
 * checksummed (≈ 11 instructions per byte against ≈ 30 for the byte loop).
 */
export function crc32c(data: Uint8Array, from = 0, to = data.length): number {
  const t = T32C;
  let c = -1;
  let i = from;
  const end8 = to - 8;
  if (i <= end8) {
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    while (i <= end8) {
      const lo = c ^ dv.getInt32(i, true);
      const hi = dv.getInt32(i + 4, true);
      c =
        (t[1792 + (lo & 0xff)] as number) ^
        (t[1536 + ((lo >>> 8) & 0xff)] as number) ^
        (t[1280 + ((lo >>> 16) & 0xff)] as number) ^
        (t[1024 + (lo >>> 24)] as number) ^
        (t[768 + (hi & 0xff)] as number) ^
        (t[512 + ((hi >>> 8) & 0xff)] as number) ^
        (t[256 + ((hi >>> 16) & 0xff)] as number) ^
        (t[hi >>> 24] as number);
      i += 8;
    }
  }
  for (; i < to; i++) c = (t[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}

/** A growing little-endian buffer. */
export class Enc {
  buf: Uint8Array;
  private dv: DataView;
  len = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
    this.dv = new DataView(this.buf.buffer);
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
    this.dv = new DataView(b.buffer);
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.len++] = v;
  }

  u32(v: number): void {
    this.room(4);
    this.dv.setUint32(this.len, v, true);
    this.len += 4;
  }

  /** A non-negative safe integer (sizes, offsets, sequence numbers). */
  u64(v: number): void {
    this.room(8);
    this.dv.setFloat64(this.len, v, true);
    this.len += 8;
  }

  bytes(b: Uint8Array): void {
    this.u32(b.length);
    this.raw(b);
  }

  raw(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** A length-prefixed UTF-8 string (keys are ASCII: written without an encoder). */
  str(s: string): void {
    const n = s.length;
    this.room(4 + n);
    const start = this.len;
    this.dv.setUint32(start, n, true);
    const b = this.buf;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.len = start;
        this.bytes(utf8Encode(s));
        return;
      }
      b[start + 4 + i] = c;
    }
    this.len = start + 4 + n;
  }

  /** Start over (a scratch encoder reused across records). */
  reset(): void {
    this.len = 0;
  }

  /** Leave `n` bytes to fill in later (a header written once the payload is known). */
  skip(n: number): void {
    this.room(n);
    this.len += n;
  }

  /** Overwrite a u32 written (or skipped) earlier at `at`. */
  setU32(at: number, v: number): void {
    this.dv.setUint32(at, v, true);
  }

  /** Zero-fill up to a multiple of `n` bytes (a block-aligned record) without moving `len`. */
  padded(n: number): Uint8Array {
    const end = Math.ceil(this.len / n) * n;
    this.room(end - this.len);
    this.buf.fill(0, this.len, end);
    return this.buf.subarray(0, end);
  }

  /** The encoded bytes (a view: copy before reusing the encoder). */
  get out(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Reader over an encoded buffer; throws RangeError past the end (a corrupt record). */
export class Dec {
  private readonly dv: DataView;
  pos = 0;

  constructor(readonly buf: Uint8Array) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new RangeError('decode past the end of a record');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }

  u32(): number {
    this.need(4);
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u64(): number {
    this.need(8);
    const v = this.dv.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  bytes(): Uint8Array {
    const n = this.u32();
    this.need(n);
    const b = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  str(): string {
    const n = this.u32();
    this.need(n);
    const b = this.buf;
    let ascii = true;
    for (let i = this.pos; i < this.pos + n; i++) if ((b[i] as number) >= 0x80) ascii = false;
    const s = ascii
      ? String.fromCharCode(...b.subarray(this.pos, this.pos + n))
      : utf8Decode(b.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }
}

/**
 * Onode without its omap (BlueStore keeps omap under `M` keys): size, alloc hint, the extent
 * map as runs (object block, lba, count: a 4 MiB object written at once is one run), xattrs.
 */
export function encodeOnode(e: Enc, o: Onode): void {
  e.u64(o.size);
  if (o.allocHint) {
    e.u8(1);
    e.u64(o.allocHint.objectSize);
    e.u64(o.allocHint.writeSize);
  } else e.u8(0);
  const bs = [...o.blocks.keys()].sort((a, b) => a - b);
  const runs: number[] = [];
  for (const b of bs) {
    const lba = o.blocks.get(b) as number;
    const n = runs.length;
    if (n > 0 && runs[n - 3]! + runs[n - 1]! === b && runs[n - 2]! + runs[n - 1]! === lba)
      runs[n - 1]!++;
    else runs.push(b, lba, 1);
  }
  e.u32(runs.length / 3);
  for (const v of runs) e.u64(v);
  e.u32(o.attrs.size);
  for (const [k, v] of o.attrs) {
    e.str(k);
    e.bytes(v);
  }
}

export function decodeOnode(d: Dec): Onode {
  const o = newOnode();
  o.size = d.u64();
  if (d.u8() === 1) o.allocHint = { objectSize: d.u64(), writeSize: d.u64() };
  const runs = d.u32();
  for (let i = 0; i < runs; i++) {
    const b = d.u64();
    const lba = d.u64();
    const n = d.u64();
    for (let k = 0; k < n; k++) o.blocks.set(b + k, lba + k);
  }
  const na = d.u32();
  for (let i = 0; i < na; i++) {
    const k = d.str();
    o.attrs.set(k, d.bytes());
  }
  return o;
}

const scratch = new Enc(4096);

/** The encoded onode, a fresh copy (the scratch encoder is reused). */
export function onodeBytes(o: Onode): Uint8Array {
  scratch.reset();
  encodeOnode(scratch, o);
  return scratch.out.slice();
}

const OPS = [
  'touch',
  'write',
  'zero',
  'truncate',
  'remove',
  'setattrs',
  'omap_setkeys',
  'omap_rmkeys',
  'set_alloc_hint',
] as const;

/** ObjectStore::Transaction::encode: what a FileJournal entry carries (data included). */
export function encodeTransaction(e: Enc, t: Transaction): void {
  e.str(t.coll);
  e.u32(t.ops.length);
  for (const o of t.ops) {
    e.u8(OPS.indexOf(o.op));
    e.str(o.oid);
    switch (o.op) {
      case 'write':
        e.u64(o.off);
        e.bytes(o.data);
        break;
      case 'zero':
        e.u64(o.off);
        e.u64(o.len);
        break;
      case 'truncate':
        e.u64(o.size);
        break;
      case 'setattrs':
      case 'omap_setkeys': {
        const m = o.op === 'setattrs' ? o.attrs : o.kv;
        const keys = Object.keys(m);
        e.u32(keys.length);
        for (const k of keys) {
          e.str(k);
          e.bytes(m[k] as Uint8Array);
        }
        break;
      }
      case 'omap_rmkeys':
        e.u32(o.keys.length);
        for (const k of o.keys) e.str(k);
        break;
      case 'set_alloc_hint':
        e.u64(o.objectSize);
        e.u64(o.writeSize);
        break;
      default:
        break;
    }
  }
}

export function decodeTransaction(d: Dec): Transaction {
  const coll = d.str();
  const n = d.u32();
  const ops: TxOp[] = [];
  for (let i = 0; i < n; i++) {
    const kind = OPS[d.u8()];
    const oid = d.str();
    switch (kind) {
      case 'touch':
      case 'remove':
        ops.push({ op: kind, oid });
        break;
      case 'write':
        ops.push({ op: 'write', oid, off: d.u64(), data: d.bytes() });
        break;
      case 'zero':
        ops.push({ op: 'zero', oid, off: d.u64(), len: d.u64() });
        break;
      case 'truncate':
        ops.push({ op: 'truncate', oid, size: d.u64() });
        break;
      case 'setattrs':
      case 'omap_setkeys': {
        const m: Record<string, Uint8Array> = {};
        const c = d.u32();
        for (let k = 0; k < c; k++) {
          const key = d.str();
          m[key] = d.bytes();
        }
        ops.push(kind === 'setattrs' ? { op: kind, oid, attrs: m } : { op: kind, oid, kv: m });
        break;
      }
      case 'omap_rmkeys': {
        const keys: string[] = [];
        const c = d.u32();
        for (let k = 0; k < c; k++) keys.push(d.str());
        ops.push({ op: 'omap_rmkeys', oid, keys });
        break;
      }
      case 'set_alloc_hint':
        ops.push({ op: 'set_alloc_hint', oid, objectSize: d.u64(), writeSize: d.u64() });
        break;
      default:
        throw new RangeError(`transaction decode: unknown op code`);
    }
  }
  return { coll, ops };
}
