/**
 * Event batches on the wire: UTF-8 JSON of a TraceEvent[] in a fresh Uint8Array whose buffer
 * the caller transfers. One encode per batch; nothing else crosses the worker boundary per event.
 */
import type { TraceEvent } from '../protocol/index.ts';

const encoder = new TextEncoder();

export function encodeBatch(events: readonly TraceEvent[]): Uint8Array {
  return encoder.encode(JSON.stringify(events));
}
