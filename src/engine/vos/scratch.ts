/**
 * One shared buffer and DataView for assembling a small store (a record header, a tree root,
 * an ilog root, a key) before it is written or handed out. Why: the update path built ~10 of
 * these per I/O, each with its own `new DataView`, which showed in profiles; the assembled bytes
 * are still copied out into a fresh array (`scratchBytes`), so nothing ever aliases the scratch.
 *
 * Rule: between `scratch(len)` and `scratchBytes(len)` nothing else may use the scratch (no
 * nesting, no call that could assemble another store).
 */
let buf = new Uint8Array(256);
let view = new DataView(buf.buffer);

/** The scratch view with its first `len` bytes zeroed (fields not set stay 0, as in a fresh array). */
export function scratch(len: number): DataView {
  if (buf.length < len) {
    buf = new Uint8Array(len * 2);
    view = new DataView(buf.buffer);
  } else buf.fill(0, 0, len);
  return view;
}

/** A fresh copy of the first `len` assembled bytes. */
export function scratchBytes(len: number): Uint8Array {
  return buf.slice(0, len);
}
