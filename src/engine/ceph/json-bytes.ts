/**
 * `utf8Encode(JSON.stringify(v))` for the small records the OSD persists on every write (PG
 * log entries, pg_info, object_info). Same bytes; the common all-ASCII case is written
 * straight into an exactly sized array (the general encoder allocates 3 bytes per character
 * and copies), which matters at three OSDs × several records per op.
 */
import { utf8Encode } from '../core/bytes.ts';

export function jsonBytes(v: unknown): Uint8Array {
  return asciiOrUtf8(JSON.stringify(v));
}

/** UTF-8 bytes of `s`: one byte per character when it is all ASCII, else the full encoder. */
export function asciiOrUtf8(s: string): Uint8Array {
  const n = s.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return utf8Encode(s);
    out[i] = c;
  }
  return out;
}
