/**
 * Byte helpers with no platform dependency (the engine has neither DOM nor Node types):
 * UTF-8, base64, hex, and 64-bit values as hex strings for JSON (JSON numbers lose
 * precision above 2^53, so u64 fields in trace data are written as "0x…" strings).
 */

/** Strings are built from code-unit chunks: one `fromCharCode` per 8 Ki units, not per char. */
const CHUNK = 8192;

function codesToString(codes: Uint16Array, n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i += CHUNK) {
    // apply() takes any array-like, typed arrays included: no intermediate number[].
    const chunk = codes.subarray(i, Math.min(n, i + CHUNK)) as unknown as number[];
    parts.push(String.fromCharCode.apply(null, chunk));
  }
  return parts.join('');
}

export function utf8Encode(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp < 0x80) {
      out[o++] = cp;
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; // lone surrogate
    if (cp < 0x800) {
      out[o++] = 0xc0 | (cp >> 6);
      out[o++] = 0x80 | (cp & 63);
    } else if (cp < 0x10000) {
      out[o++] = 0xe0 | (cp >> 12);
      out[o++] = 0x80 | ((cp >> 6) & 63);
      out[o++] = 0x80 | (cp & 63);
    } else {
      out[o++] = 0xf0 | (cp >> 18);
      out[o++] = 0x80 | ((cp >> 12) & 63);
      out[o++] = 0x80 | ((cp >> 6) & 63);
      out[o++] = 0x80 | (cp & 63);
    }
  }
  return out.slice(0, o);
}

/** The payload bits of continuation byte `k`, or -1 when it is not one (or past the end). */
function cont(bytes: Uint8Array, k: number): number {
  const b = bytes[k];
  return b !== undefined && (b & 0xc0) === 0x80 ? b & 63 : -1;
}

/** Strict UTF-8 decode; returns undefined when the bytes are not valid UTF-8. */
export function utf8DecodeStrict(bytes: Uint8Array): string | undefined {
  const n = bytes.length;
  // Short ASCII (keys, names — the common case in trace data): one code unit per byte.
  if (n <= 64) {
    let ascii = true;
    for (let k = 0; k < n; k++) {
      if ((bytes[k] as number) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  // At most one UTF-16 code unit per byte (4-byte sequences give 2 units for 4 bytes).
  const units = new Uint16Array(n);
  let u = 0;
  let i = 0;
  while (i < n) {
    const b0 = bytes[i] as number;
    if (b0 < 0x80) {
      units[u++] = b0;
      i += 1;
      continue;
    }
    let cp: number;
    if (b0 >= 0xc2 && b0 < 0xe0) {
      const c1 = cont(bytes, i + 1);
      if (c1 < 0) return undefined;
      cp = ((b0 & 31) << 6) | c1;
      i += 2;
    } else if (b0 >= 0xe0 && b0 < 0xf0) {
      const c1 = cont(bytes, i + 1);
      const c2 = cont(bytes, i + 2);
      if (c1 < 0 || c2 < 0) return undefined;
      cp = ((b0 & 15) << 12) | (c1 << 6) | c2;
      if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
      i += 3;
    } else if (b0 >= 0xf0 && b0 < 0xf5) {
      const c1 = cont(bytes, i + 1);
      const c2 = cont(bytes, i + 2);
      const c3 = cont(bytes, i + 3);
      if (c1 < 0 || c2 < 0 || c3 < 0) return undefined;
      cp = ((b0 & 7) << 18) | (c1 << 12) | (c2 << 6) | c3;
      if (cp < 0x10000 || cp > 0x10ffff) return undefined;
      i += 4;
    } else {
      return undefined;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units[u++] = 0xd800 + (cp >> 10);
      units[u++] = 0xdc00 + (cp & 0x3ff);
    } else {
      units[u++] = cp;
    }
  }
  return codesToString(units, u);
}

/** Lossy UTF-8 decode (invalid sequences become U+FFFD). */
export function utf8Decode(bytes: Uint8Array): string {
  const strict = utf8DecodeStrict(bytes);
  if (strict !== undefined) return strict;
  const units = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    units[i] = b < 0x80 ? b : 0xfffd;
  }
  return codesToString(units, bytes.length);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;
B64_INDEX['-'.charCodeAt(0)] = 62; // base64url
B64_INDEX['_'.charCodeAt(0)] = 63;
const B64_CODES = Uint8Array.from(B64, (c) => c.charCodeAt(0));

export function base64Encode(bytes: Uint8Array): string {
  const n = bytes.length;
  const units = new Uint16Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v =
      ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    units[o++] = B64_CODES[(v >> 18) & 63] as number;
    units[o++] = B64_CODES[(v >> 12) & 63] as number;
    units[o++] = B64_CODES[(v >> 6) & 63] as number;
    units[o++] = B64_CODES[v & 63] as number;
  }
  const rest = n - i;
  if (rest > 0) {
    const v = ((bytes[i] as number) << 16) | (rest === 2 ? (bytes[i + 1] as number) << 8 : 0);
    units[o++] = B64_CODES[(v >> 18) & 63] as number;
    units[o++] = B64_CODES[(v >> 12) & 63] as number;
    units[o++] = rest === 2 ? (B64_CODES[(v >> 6) & 63] as number) : 61; // '='
    units[o++] = 61;
  }
  return codesToString(units, o);
}

/** Decode base64 or base64url; returns undefined for malformed input. */
export function base64Decode(text: string): Uint8Array | undefined {
  const clean = text.replace(/=+$/, '');
  if (clean.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    const v = c < 128 ? (B64_INDEX[c] as number) : -1;
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

const HEX_ZEROS = '0000000000000000';
/** The last u64Hex argument and result: trace data repeats the same epoch many times. */
let lastU64: bigint = -1n;
let lastU64Hex = '';

/** A u64 (bigint) as "0x" + 16 hex digits, the form trace data uses for 64-bit fields. */
export function u64Hex(v: bigint): string {
  if (v === lastU64) return lastU64Hex;
  const u = BigInt.asUintN(64, v);
  // Below 2^53 the Number conversion is exact and its toString is much cheaper.
  const digits = u <= 0x1f_ffff_ffff_ffffn ? Number(u).toString(16) : u.toString(16);
  const s = '0x' + HEX_ZEROS.slice(digits.length) + digits;
  lastU64 = v;
  lastU64Hex = s;
  return s;
}

/** A non-negative integer as "0x…" (addresses and offsets in trace data). */
export function hexAddr(v: number): string {
  return '0x' + v.toString(16);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
