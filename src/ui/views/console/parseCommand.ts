/**
 * Console input → a scenario op. For now the console takes one op as JSON, exactly as it would
 * appear in a scenario document's `ops` list; the compact text form of issue 7
 * (`obj update o1 d0 a0 --sv 1024`) will plug in here.
 */
import type { OpDoc } from '../../../protocol/index.ts';

export type ParsedCommand = { ok: true; op: OpDoc } | { ok: false; error: string };

export function parseCommand(line: string): ParsedCommand {
  const text = line.trim();
  if (text === '') return { ok: false, error: 'type an op, e.g. {"op":"daos_obj_fetch", …}' };
  if (!text.startsWith('{')) {
    return { ok: false, error: 'expected one op as JSON: {"op": "<api name>", …arguments}' };
  }
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
  return { ok: true, op: v as OpDoc };
}
