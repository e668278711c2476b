/**
 * A link that reopens what is on screen at the same step: a built-in by name, a document
 * inline as base64url JSON (the seed stays in the document), a trace file not at all (too big
 * for a URL — share the file).
 */
import type { ScenarioDoc, ScenarioSource } from '../../protocol/index.ts';
import { base64UrlEncode } from '../url.ts';

export function shareSearch(
  source: ScenarioSource | null,
  doc: ScenarioDoc | { ops: unknown[] } | null,
  step: number,
  current: string,
): string | null {
  const q = new URLSearchParams(current);
  q.delete('step');
  if (source?.kind === 'builtin') q.set('scenario', source.name);
  else if (source?.kind === 'doc' && doc) q.set('scenario', base64UrlEncode(JSON.stringify(doc)));
  else return null;
  q.set('step', String(step));
  return `?${q.toString()}`;
}
