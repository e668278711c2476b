/**
 * Console input → a scenario op: either one op as JSON, exactly as it would appear in a
 * scenario document's `ops` list, or the compact text form (`obj update o1 d0 a0 --sv 1024`,
 * textCommand.ts). `known` (registered op names from the catalog) rejects ops the engine
 * lacks before they reach the worker; empty means "don't check".
 */
import type { OpDoc } from '../../../protocol/index.ts';
import { parseTextCommand } from './textCommand.ts';

export type ParsedCommand = { ok: true; op: OpDoc } | { ok: false; error: string };

export function parseCommand(line: string, known: ReadonlySet<string> = new Set()): ParsedCommand {
  const text = line.trim();
  if (text === '')
    return { ok: false, error: 'type a command (Tab completes), e.g. kv put kv k1 hello' };
  if (!text.startsWith('{')) return parseTextCommand(text, known);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return { ok: false, error: 'expected a JSON object' };
  }
  const op = (v as { op?: unknown }).op;
  if (typeof op !== 'string' || op === '')
    return { ok: false, error: 'op: expected the API name as a string' };
  if (known.size > 0 && !known.has(op)) return { ok: false, error: `unknown op "${op}"` };
  return { ok: true, op: v as OpDoc };
}
