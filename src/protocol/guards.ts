/** Envelope checks shared by both ends: a message from the other side is untrusted input. */
import { PROTOCOL_VERSION, type Reply, type Request } from './messages.ts';

const REQUEST_TYPES = new Set(['catalog', 'load', 'run', 'appendOp', 'closeStore']);
const REPLY_TYPES = new Set([
  'catalog',
  'loaded',
  'events',
  'progress',
  'done',
  'error',
  'storeClosed',
]);

function envelope(x: unknown, types: Set<string>): boolean {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as Record<string, unknown>;
  return m.v === PROTOCOL_VERSION && typeof m.id === 'number' && types.has(m.type as string);
}

export function isRequest(x: unknown): x is Request {
  return envelope(x, REQUEST_TYPES);
}

export function isReply(x: unknown): x is Reply {
  return envelope(x, REPLY_TYPES);
}

/**
 * Split a validator line "ops[3].iods[0].type: expected …" into its JSON path and message.
 * The path is everything before the first ": " when it looks like a path (no spaces).
 */
export function splitProblem(line: string): { path?: string; message: string } {
  const i = line.indexOf(': ');
  if (i > 0) {
    const path = line.slice(0, i);
    if (!/\s/.test(path)) return { path, message: line };
  }
  return { message: line };
}
