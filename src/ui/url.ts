/**
 * The page's URL parameters (DESIGN.md contract 3):
 * `?scenario=<built-in name or encoded doc>&seed=N&step=K&embed=1`.
 *
 * An encoded doc is the JSON text itself (URI-encoded by the browser), or base64url of it
 * (what the share button writes: shorter and survives chat apps).
 */
import type { ScenarioSource } from '../protocol/index.ts';

export interface PageParams {
  scenario: ScenarioSource | null;
  /** Why `scenario=` could not be read (shown in the error banner). */
  scenarioError: string | null;
  seed: number | undefined;
  step: number | undefined;
  embed: boolean;
}

function intParam(v: string | null): number | undefined {
  if (v === null || !/^-?\d+$/.test(v.trim())) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

function base64UrlDecode(s: string): string | null {
  try {
    const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

export function base64UrlEncode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A built-in's name: lowercase words joined by dashes (`daos-key-sv`). */
const BUILTIN_NAME = /^[a-z0-9][a-z0-9._-]*$/;

export function parseScenarioParam(raw: string): { source: ScenarioSource } | { error: string } {
  const v = raw.trim();
  if (v.startsWith('{') || v.startsWith('[')) {
    try {
      return { source: { kind: 'doc', doc: JSON.parse(v) as unknown } };
    } catch (e) {
      return {
        error: `scenario: the document in the link is not JSON (${(e as Error).message.replace(/\s+/g, ' ').slice(0, 160)})`,
      };
    }
  }
  if (BUILTIN_NAME.test(v)) return { source: { kind: 'builtin', name: v } };
  const text = base64UrlDecode(v);
  if (text !== null && text.trimStart().startsWith('{')) {
    try {
      return { source: { kind: 'doc', doc: JSON.parse(text) as unknown } };
    } catch (e) {
      return {
        error: `scenario: the encoded document is not JSON (${(e as Error).message.replace(/\s+/g, ' ').slice(0, 160)})`,
      };
    }
  }
  return {
    error: `scenario: ${JSON.stringify(v.slice(0, 60))} is neither a built-in name nor a JSON document`,
  };
}

export function parsePageParams(search: string): PageParams {
  const q = new URLSearchParams(search);
  const raw = q.get('scenario');
  let scenario: ScenarioSource | null = null;
  let scenarioError: string | null = null;
  if (raw !== null && raw.trim() !== '') {
    const r = parseScenarioParam(raw);
    if ('source' in r) scenario = r.source;
    else scenarioError = r.error;
  }
  const step = intParam(q.get('step'));
  return {
    scenario,
    scenarioError,
    seed: intParam(q.get('seed')),
    step: step !== undefined && step >= 0 ? step : undefined,
    embed: q.get('embed') === '1',
  };
}

/** The same search string with `step` set (other parameters kept, in order). */
export function withStep(search: string, step: number): string {
  const q = new URLSearchParams(search);
  q.set('step', String(step));
  return `?${q.toString()}`;
}
