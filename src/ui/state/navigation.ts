/**
 * Cursor arithmetic: pure functions of (op boundaries, cursor, length). The view is a function
 * of the cursor, so "previous" is exact — it is just cursor - 1.
 */

export function clampCursor(i: number, length: number): number {
  if (length <= 0) return 0;
  return Math.max(0, Math.min(length - 1, Math.trunc(i)));
}

/** Index of the op segment containing `cursor` (binary search over sorted starts). */
export function opSegment(opStarts: readonly number[], cursor: number): number {
  let lo = 0;
  let hi = opStarts.length - 1;
  let ans = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((opStarts[mid] ?? 0) <= cursor) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** First event of the next op, or the last event when already in the last op. */
export function nextOpStart(opStarts: readonly number[], cursor: number, length: number): number {
  const seg = opSegment(opStarts, cursor);
  const next = opStarts[seg + 1];
  return next ?? clampCursor(length - 1, length);
}

/**
 * First event of the current op; when already on it, the first event of the previous op
 * (like a media player's "previous track").
 */
export function prevOpStart(opStarts: readonly number[], cursor: number): number {
  const seg = opSegment(opStarts, cursor);
  const start = opStarts[seg] ?? 0;
  if (cursor > start) return start;
  return opStarts[Math.max(0, seg - 1)] ?? 0;
}
