/** 32-bit FNV-1a, used to validate undo-log entries and the pool header after a power cut. */
export function fnv1a32(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i] as number;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Fold one 32-bit word (little-endian bytes) into FNV-1a state `h` (no array per call). */
export function fnv1a32Word(h: number, w: number): number {
  h = Math.imul(h ^ (w & 0xff), 0x01000193) >>> 0;
  h = Math.imul(h ^ ((w >>> 8) & 0xff), 0x01000193) >>> 0;
  h = Math.imul(h ^ ((w >>> 16) & 0xff), 0x01000193) >>> 0;
  return Math.imul(h ^ (w >>> 24), 0x01000193) >>> 0;
}

/** Fold 32-bit words into an FNV-1a state (little-endian bytes). */
export function fnv1a32Words(words: readonly number[], seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const w of words) {
    for (let s = 0; s < 32; s += 8) {
      h ^= (w >>> s) & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h >>> 0;
}
