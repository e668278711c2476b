/**
 * Value documents (DESIGN.md contract 1, "Values"). Input: `{"utf8":"…"}`, `{"base64":"…"}`,
 * `{"fill":"random"|"byte","len":N,"byte"?:0-255,"seed"?:N}`. Output: `{"base64","utf8"?,"len"}`
 * (utf8 present when the bytes are valid UTF-8).
 *
 * `fill: random` renders printable text like DAOS's test helper `dts_buf_render` (letters
 * a–z/A–Z, the last byte NUL). Its randomness is seeded: by `seed` when given (so several ops
 * can carry the SAME buffer, as the seed example reuses one rendered buffer), otherwise by the
 * scenario seed and the value's position in the document.
 */
import { base64Decode, base64Encode, utf8DecodeStrict, utf8Encode } from '../core/bytes.ts';
import { Rng } from '../core/rng.ts';
import type { Json } from '../trace/event.ts';

/** Largest value a document may ask for (keeps a typo from allocating gigabytes). */
export const MAX_VALUE_LEN = 64 * 1024 * 1024;

export type ValueDoc =
  | { utf8: string }
  | { base64: string }
  | { fill: 'random' | 'byte'; len: number; byte?: number; seed?: number };

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isUint(v: unknown, max = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

/** The first problem of a value document as `<path>: <message>`, or null. */
export function checkValue(v: unknown, path: string): string | null {
  const expected = `${path}: expected {"utf8":…}, {"base64":…} or {"fill":"random"|"byte","len":N}`;
  if (!isObj(v)) return expected;
  const keys = Object.keys(v);
  if ('utf8' in v) {
    if (typeof v.utf8 !== 'string') return `${path}.utf8: expected a string`;
    if (keys.length !== 1) return `${path}: "utf8" takes no other fields`;
    return null;
  }
  if ('base64' in v) {
    if (typeof v.base64 !== 'string' || base64Decode(v.base64) === undefined) {
      return `${path}.base64: expected a base64 string`;
    }
    if (keys.length !== 1) return `${path}: "base64" takes no other fields`;
    return null;
  }
  if ('fill' in v) {
    if (v.fill !== 'random' && v.fill !== 'byte')
      return `${path}.fill: expected "random" or "byte"`;
    if (!isUint(v.len, MAX_VALUE_LEN))
      return `${path}.len: expected an integer 0..${MAX_VALUE_LEN}`;
    if (v.fill === 'byte' && !isUint(v.byte, 255))
      return `${path}.byte: expected an integer 0..255`;
    if (v.fill === 'random' && v.byte !== undefined) return `${path}.byte: only with "fill":"byte"`;
    if (v.seed !== undefined && !isUint(v.seed, 0xffffffff)) {
      return `${path}.seed: expected an integer 0..4294967295`;
    }
    for (const k of keys) {
      if (!['fill', 'len', 'byte', 'seed'].includes(k)) return `${path}.${k}: unknown field`;
    }
    return null;
  }
  return expected;
}

/**
 * `dts_buf_render(buf, len)`: random letters, NUL-terminated — printable, so results show it
 * as utf8.
 */
export function dtsBufRender(rng: Rng, len: number): Uint8Array {
  const out = new Uint8Array(len);
  const nr = 26;
  for (let i = 0; i < len - 1; i++) {
    const r = rng.int(0, 2 * nr - 1);
    out[i] = r < nr ? 0x61 + r : 0x41 + (r - nr);
  }
  return out; // the last byte stays 0 (the C string terminator)
}

/**
 * Decode a value document (already checked). `rng` seeds `fill: random` without an explicit
 * `seed`; pass a stream forked by the value's position so values do not depend on each other.
 */
export function decodeValue(v: ValueDoc, rng: Rng): Uint8Array {
  if ('utf8' in v) return utf8Encode(v.utf8);
  if ('base64' in v) {
    const b = base64Decode(v.base64);
    if (!b) throw new Error('decodeValue: unchecked base64');
    return b.slice();
  }
  if (v.fill === 'byte') return new Uint8Array(v.len).fill(v.byte ?? 0);
  const r = v.seed !== undefined ? new Rng(v.seed, 'dts_buf_render') : rng;
  return dtsBufRender(r, v.len);
}

/** Encode bytes for a result: `{"base64","utf8"?,"len"}`. */
export function encodeValue(bytes: Uint8Array): { [k: string]: Json } {
  const out: { [k: string]: Json } = { base64: base64Encode(bytes) };
  const text = utf8DecodeStrict(bytes);
  if (text !== undefined) out.utf8 = text;
  out.len = bytes.length;
  return out;
}
