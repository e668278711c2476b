/** The (count, cursor) pair every trace-derived view recomputes on; cursor clamped to the trace. */
import { useApp } from '../../state/store.ts';

export function useTraceCursor(): { count: number; cursor: number } {
  const count = useApp((s) => s.count);
  const cursor = useApp((s) => s.cursor);
  return { count, cursor: Math.min(cursor, count - 1) };
}
