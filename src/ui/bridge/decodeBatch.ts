/** The UI half of the batch codec (the worker encodes in src/worker/batch.ts). */
import type { TraceEvent } from '../../protocol/index.ts';

const decoder = new TextDecoder();

export function decodeBatch(bytes: Uint8Array): TraceEvent[] {
  return JSON.parse(decoder.decode(bytes)) as TraceEvent[];
}
